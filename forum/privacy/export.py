"""Everything the forum holds about a person, as JSON and as a readable page, in a zip.

Only the person's own rows and texts: what others wrote (the proposals they supported,
the comments they replied to, who notified them of what) appears as links, never as text
or names. The password hash and the session token never leave the database.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from flask import current_app, render_template, url_for
from sqlalchemy import select

from forum.accounts.models import User
from forum.answers.models import OfficialAnswer
from forum.comments.models import Comment, CommentVote
from forum.db import db, utcnow
from forum.moderation.models import Appeal, ModerationAction, Report
from forum.notifications.models import Follow, Notification
from forum.privacy import references
from forum.proposals.models import Proposal, Support
from forum.recovery.codes import remaining

FORMAT = "forum-personal-data/1"
# Columns never exported, whatever table they are in.
SECRET_COLUMNS = {"password_hash", "token_hash"}
# Columns referencing a person that a section below exports, or that belong to someone
# else (a notification the person caused is the recipient's). Others go to "other".
COVERED = {
    ("proposals", "author_id"), ("comments", "author_id"), ("supports", "user_id"),
    ("follows", "user_id"), ("notifications", "user_id"), ("notifications", "actor_id"),
    ("reports", "reporter_id"), ("appeals", "appellant_id"), ("appeals", "decided_by_id"),
    ("moderation_actions", "target_user_id"), ("moderation_actions", "moderator_id"),
    ("official_answers", "author_id"), ("comment_votes", "user_id"),
}


def when(value) -> str | None:
    """Write a stored UTC timestamp (or a date) in ISO 8601."""
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value.isoformat() if isinstance(value, date) else value


def _proposal_link(proposal_id: int | None) -> str | None:
    if proposal_id is None:
        return None
    return url_for("proposals.show", proposal_id=proposal_id, _external=True)


def _rows(model, *conditions, order=None):
    return list(db.session.scalars(select(model).where(*conditions)
                                   .order_by(order if order is not None else model.id)))


def _account(user: User) -> dict:
    return {"id": user.id, "display_name": user.display_name, "email": user.email,
            "email_confirmed_at": when(user.email_confirmed_at),
            "recovery_codes_left": remaining(user.id),
            "verified_resident_since": when(user.verified_at), "district": user.district,
            "language": user.language, "role": user.role, "created_at": when(user.created_at),
            "suspended_until": when(user.suspended_until), "banned_at": when(user.banned_at),
            "profile": url_for("accounts.profile", user_id=user.id, _external=True)}


def _proposals(user_id: int) -> list[dict]:
    return [{"id": p.id, "link": _proposal_link(p.id), "topic": p.topic.slug,
             "language": p.language, "title": p.title, "body": p.body_source, "state": p.state,
             "created_at": when(p.created_at), "edited_at": when(p.edited_at),
             "withdrawn_at": when(p.withdrawn_at), "support_count": p.support_count,
             "comment_count": p.comment_count, "hidden_at": when(p.hidden_at),
             "hidden_reason": p.hidden_reason}
            for p in _rows(Proposal, Proposal.author_id == user_id)]


def _comments(user_id: int) -> list[dict]:
    return [{"id": c.id, "link": url_for("comments.show", comment_id=c.id, _external=True),
             "proposal": _proposal_link(c.proposal_id), "in_reply_to": c.parent_id,
             "language": c.language, "alignment": c.alignment, "body": c.body_source,
             "created_at": when(c.created_at), "edited_at": when(c.edited_at),
             "deleted_at": when(c.deleted_at), "hidden_at": when(c.hidden_at),
             "hidden_reason": c.hidden_reason}
            for c in _rows(Comment, Comment.author_id == user_id)]


def _supports_and_follows(user_id: int) -> dict[str, list[dict]]:
    return {name: [{"proposal": _proposal_link(row.proposal_id), "since": when(row.created_at)}
                   for row in _rows(model, model.user_id == user_id)]
            for name, model in (("supports", Support), ("follows", Follow))}


def _helpful_marks(user_id: int) -> list[dict]:
    return [{"comment": url_for("comments.show", comment_id=v.comment_id, _external=True),
             "since": when(v.created_at)}
            for v in _rows(CommentVote, CommentVote.user_id == user_id)]


def _notifications(user_id: int) -> list[dict]:
    # Without the actor: who caused a notification is the other person's business.
    return [{"kind": n.kind, "item_type": n.item_type, "item_id": n.item_id,
             "proposal": _proposal_link(n.proposal_id), "detail": n.detail,
             "created_at": when(n.created_at), "read_at": when(n.read_at)}
            for n in _rows(Notification, Notification.user_id == user_id)]


def _reports(user_id: int) -> list[dict]:
    return [{"item_type": r.item_type, "item_id": r.item_id, "reason": r.reason,
             "details": r.details, "created_at": when(r.created_at),
             "resolved_at": when(r.resolved_at)}
            for r in _rows(Report, Report.reporter_id == user_id)]


def _moderation(user_id: int) -> dict[str, list[dict]]:
    def decision(entry):
        return {"action": entry.action, "item_type": entry.item_type, "item_id": entry.item_id,
                "proposal": _proposal_link(entry.proposal_id), "reason": entry.reason,
                "until": when(entry.until), "created_at": when(entry.created_at)}

    return {
        "decisions_about_you": [decision(e) for e in _rows(
            ModerationAction, ModerationAction.target_user_id == user_id)],
        "appeals": [{"decision_appealed": a.action_id, "message": a.message,
                     "language": a.language, "created_at": when(a.created_at),
                     "decided_at": when(a.decided_at), "decision": a.decision}
                    for a in _rows(Appeal, Appeal.appellant_id == user_id)],
        "moderation_actions_taken": [decision(e) for e in _rows(
            ModerationAction, ModerationAction.moderator_id == user_id)],
        "appeals_decided": [{"appeal": a.id, "decision": a.decision,
                             "decided_at": when(a.decided_at)}
                            for a in _rows(Appeal, Appeal.decided_by_id == user_id)],
    }


def _official_answers(user_id: int) -> list[dict]:
    return [{"proposal": _proposal_link(a.proposal_id), "state": a.state,
             "language": a.language, "body": a.body_source, "created_at": when(a.created_at)}
            for a in _rows(OfficialAnswer, OfficialAnswer.author_id == user_id)]


def _other(user_id: int) -> dict[str, list[dict]]:
    """Export rows of tables added later that reference the person, column by column."""
    found: dict[str, list[dict]] = {}
    for column in references.columns_referencing("users"):
        table = column.table
        if table.name == "users" or (table.name, column.name) in COVERED:
            continue
        rows = db.session.execute(select(table).where(column == user_id)).mappings()
        found.setdefault(table.name, []).extend(
            {k: when(v) for k, v in row.items() if k not in SECRET_COLUMNS} for row in rows)
    return found


def export(user: User) -> dict:
    """Collect every row about a person: account, texts, activity, decisions about them."""
    return {
        "format": FORMAT, "site": current_app.config["SITE_NAME"],
        "generated_at": when(utcnow()), "account": _account(user),
        "proposals": _proposals(user.id), "comments": _comments(user.id),
        **_supports_and_follows(user.id), "helpful_marks": _helpful_marks(user.id),
        "notifications": _notifications(user.id),
        "reports": _reports(user.id), **_moderation(user.id),
        "official_answers": _official_answers(user.id), "other": _other(user.id),
    }


def export_zip(user: User) -> bytes:
    """Pack a person's data as data.json and a self-contained data.html in a zip."""
    data = export(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("data.html", render_template("privacy/export.html", data=data))
    return buffer.getvalue()
