"""Appeals: a person asks, once per decision, for another look; a moderator decides."""
from __future__ import annotations

from enum import StrEnum

from flask import current_app
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import Role, User
from forum.content import validation
from forum.db import db, rows_changed, utcnow
from forum.items import ItemKind
from forum.moderation import service
from forum.moderation.models import HIDING, Action, Appeal, ModerationAction
from forum.notifications import service as notifications
from forum.pagination import paginate


class Lodged(StrEnum):
    """What became of an appeal."""

    RECEIVED = "received"
    ALREADY = "already"    # this decision was appealed before: one appeal each
    MOOT = "moot"          # the decision no longer stands (restored, lifted, expired)


def appealable_decision(user, item) -> ModerationAction | None:
    """Return the decision about `user`'s item or account that still stands, if any."""
    kind = service.item_type_of(item)
    actions = (Action.SUSPEND, Action.BAN) if kind == "user" else tuple(HIDING)
    entry = db.session.scalar(select(ModerationAction).where(
        ModerationAction.item_type == kind, ModerationAction.item_id == item.id,
        ModerationAction.target_user_id == user.id, ModerationAction.action.in_(actions))
        .order_by(ModerationAction.id.desc()).limit(1))
    return entry if entry is not None and still_stands(entry, item) else None


def still_stands(entry: ModerationAction, item) -> bool:
    """Say whether a hide, suspension or ban is still in force."""
    if entry.action in HIDING:
        return item.hidden_at is not None
    if entry.action == Action.BAN:
        return item.banned_at is not None
    return item.suspended_until is not None and item.suspended_until > utcnow()


def appeal_of(entry: ModerationAction | None) -> Appeal | None:
    """Return the appeal already lodged against a decision."""
    if entry is None:
        return None
    return db.session.scalar(select(Appeal).where(Appeal.action_id == entry.id))


def lodge(user, entry: ModerationAction | None, message: str, language: str) -> Lodged:
    """Record a person's one appeal against a decision; commit."""
    if entry is None:
        return Lodged.MOOT
    limit = current_app.config["APPEAL_MAX_LENGTH"]
    message = validation.check_length("message", message, 10, limit)
    language = validation.check_language(language)
    db.session.add(Appeal(action_id=entry.id, appellant_id=user.id, message=message,
                          language=language))
    try:
        db.session.commit()
    except IntegrityError:  # unique per decision: a second appeal, perhaps from another tab
        db.session.rollback()
        return Lodged.ALREADY
    return Lodged.RECEIVED


def open_appeals(page: int, per_page: int):
    """Return one page of undecided appeals, oldest first."""
    query = select(Appeal).where(Appeal.decided_at.is_(None)).order_by(Appeal.id)
    return paginate(query, page, per_page)


def moderator_ids() -> set[int]:
    """Return the ids of everyone who may moderate now."""
    return set(db.session.scalars(select(User.id).where(
        User.role.in_([Role.MODERATOR, Role.ADMIN]), User.deleted_at.is_(None),
        User.banned_at.is_(None))))


def decide(moderator, appeal: Appeal, grant: bool, reason: str | None) -> service.Outcome:
    """Grant (undo the decision) or reject an appeal, once; tell the appellant; commit."""
    reason = service.reason_text(reason, required=True)
    entry = appeal.action
    item = db.session.get(service.MODELS[ItemKind(entry.item_type)], entry.item_id)
    decision = Action.APPEAL_GRANTED if grant else Action.APPEAL_REJECTED
    claim = update(Appeal).where(Appeal.id == appeal.id, Appeal.decided_at.is_(None)).values(
        decided_at=utcnow(), decided_by_id=moderator.id,
        decision="granted" if grant else "rejected")
    claimed = rows_changed(
        db.session.execute(claim.execution_options(synchronize_session=False))) == 1
    if not claimed:
        db.session.rollback()
        db.session.refresh(appeal)
        return service.Outcome(False, service.latest_entry(entry.item_type, entry.item_id))
    logged = service.log(moderator, decision, item, reason, related_id=appeal.id)
    if grant:
        _undo(entry, item)
    notifications.notify([appeal.appellant_id], "appeal", item_type=_notified_type(entry),
                         item_id=entry.item_id if _notified_type(entry) else None,
                         proposal_id=entry.proposal_id, detail=reason)
    db.session.commit()
    db.session.refresh(appeal)
    return service.Outcome(True, logged)


def _notified_type(entry: ModerationAction) -> str | None:
    return None if entry.item_type == ItemKind.ACCOUNT else entry.item_type


def _undo(entry: ModerationAction, item) -> None:
    """Reverse a decision unless someone already did (then there is nothing left to undo)."""
    model = type(item)
    # Keyed by str: the logged action is the plain string the row stores.
    undoing: dict[str, tuple[ColumnElement[bool], dict[str, None]]] = {
        Action.BAN: (User.banned_at.is_not(None), dict(banned_at=None)),
        Action.SUSPEND: (User.suspended_until.is_not(None), dict(suspended_until=None)),
    }
    condition, values = undoing.get(entry.action) or (
        model.hidden_at.is_not(None), dict(hidden_at=None, hidden_reason=None))
    db.session.execute(update(model).where(model.id == item.id, condition).values(**values)
                       .execution_options(synchronize_session=False))
