"""Steps the moderation tests share: reporting, reading the audit log and inboxes."""
from __future__ import annotations

from sqlalchemy import select

import factories as make
from forum.db import db
from forum.moderation import reports
from forum.moderation.models import ModerationAction, Report
from forum.notifications.models import Notification


def report(item, reporter=None, reason: str = "spam", details: str = ""):
    """File a report of `item` by a new citizen (or `reporter`); return what became of it."""
    return reports.file_report(reporter or make.user(), item, reason, details)


def reported_by(item, count: int, reason: str = "spam") -> list:
    """Have `count` different citizens report an item; return the outcomes."""
    return [report(item, reason=reason) for _ in range(count)]


def audit_log() -> list[tuple]:
    """Return (action, item type, item id, moderator id, reason) of every logged action."""
    rows = db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))
    return [(a.action, a.item_type, a.item_id, a.moderator_id, a.reason) for a in rows]


def open_reports(item_type: str, item_id: int) -> int:
    """Count the reports on an item no moderator settled yet."""
    return len(list(db.session.scalars(select(Report.id).where(
        Report.item_type == item_type, Report.item_id == item_id, Report.resolved_at.is_(None)))))


def inbox(user) -> list[tuple[str, str | None, int | None, str | None]]:
    """Return (kind, item type, item id, detail) of a person's notifications, oldest first."""
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return [(n.kind, n.item_type, n.item_id, n.detail) for n in rows]
