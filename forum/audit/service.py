"""Recording and reading the administrators' audit log."""
from __future__ import annotations

from sqlalchemy import select

from forum.accounts.models import User
from forum.audit.models import AdminAction
from forum.db import db
from forum.pagination import Page, paginate


def record(action: str, actor: User | None, target: User | None = None,
           detail: str = "") -> AdminAction:
    """Add an entry in the caller's transaction; no actor means the command line."""
    entry = AdminAction(action=action, actor_id=actor.id if actor else None,
                        via="web" if actor else "command",
                        target_user_id=target.id if target else None, detail=detail)
    db.session.add(entry)
    return entry


def recent(page: int) -> Page:
    """Return one page of the log, newest first."""
    return paginate(select(AdminAction).order_by(AdminAction.id.desc()), page, per_page=50)
