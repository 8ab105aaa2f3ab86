"""What moderators do to proposals, comments and accounts; these functions commit.

Every action is a compare-and-set: one conditional UPDATE that applies only while the item
is still in the state the moderator saw (visible to hide it, hidden to restore it, …), and
only to the reports they saw. When another moderator was faster, nothing happens twice:
the caller gets `done=False` and the decision that got there first, to show what the
item's state is now.

What else their commits do (hooks installed by `create_app`): a hidden or restored item
changes what readers see, so the HTTP cache's content version is bumped (caching); a
moderator's public reason is a text, owed its translations (machine_translation.outbox);
the people concerned are notified, and mailed, in the same transaction (notifications).
A ban also ends every login of the person (accounts.sessions).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from forum.accounts import sessions
from forum.accounts.models import User
from forum.content import validation
from forum.db import db, rows_changed, utcnow
from forum.items import ItemKind
from forum.moderation.models import Action, ModerationAction, Report
from forum.moderation.targets import MODELS, item_type_of, proposal_id_of, target_of
from forum.notifications import service as notifications
from forum.proposals.models import Proposal

ITEM_ACTIONS = {
    ItemKind.PROPOSAL: (Action.DISMISS, Action.HIDE, Action.RESTORE, Action.LOCK, Action.UNLOCK,
                        Action.PIN, Action.UNPIN, Action.DUPLICATE, Action.NOT_DUPLICATE),
    ItemKind.COMMENT: (Action.DISMISS, Action.HIDE, Action.RESTORE),
    ItemKind.ACCOUNT: (Action.DISMISS, Action.SUSPEND, Action.BAN, Action.LIFT),
}
# Actions that settle the open reports on an item: it leaves the queue.
SETTLING = frozenset({Action.DISMISS, Action.HIDE, Action.RESTORE, Action.LOCK,
                      Action.DUPLICATE, Action.SUSPEND, Action.BAN})
# Who is told of what, with which notification kind.
TOLD = {Action.HIDE: "moderation", Action.AUTO_HIDE: "moderation", Action.RESTORE: "restored",
        Action.DUPLICATE: "duplicate", Action.SUSPEND: "account", Action.BAN: "account",
        Action.LIFT: "account_restored"}


class ModerationError(validation.ContentError):
    """An action that cannot be taken as asked (a missing reason, a bad duplicate target)."""


@dataclass
class Outcome:
    """What became of a moderator's action: done, or already handled by someone else."""

    done: bool
    entry: ModerationAction | None  # the new log entry, or the latest one on the item


def reason_text(reason: str | None, required: bool) -> str:
    """Clean a moderator's public reason; hiding, suspending and banning need one."""
    limit = current_app.config["MODERATION_REASON_MAX_LENGTH"]
    return validation.check_length("reason", reason, 1 if required else 0, limit)


def log(moderator, action: Action, item, reason: str = "", **extra) -> ModerationAction:
    """Add an entry to the audit log (in the caller's transaction)."""
    language = moderator.language if moderator else current_app.config["DEFAULT_LANGUAGE"]
    entry = ModerationAction(
        moderator_id=moderator.id if moderator else None, action=action,
        item_type=item_type_of(item), item_id=item.id, proposal_id=proposal_id_of(item),
        target_user_id=target_of(item), reason=reason, language=language, **extra)
    db.session.add(entry)
    db.session.flush()
    return entry


def latest_entry(item_type: str, item_id: int) -> ModerationAction | None:
    """Return the most recent decision about an item."""
    return db.session.scalar(select(ModerationAction).where(
        ModerationAction.item_type == item_type, ModerationAction.item_id == item_id)
        .order_by(ModerationAction.id.desc()).limit(1))


def settle_reports(item_type: str, item_id: int, entry_id: int, seen: int | None) -> int:
    """Close the open reports on an item up to the last one the moderator saw."""
    statement = update(Report).where(Report.item_type == item_type, Report.item_id == item_id,
                                     Report.resolved_at.is_(None))
    if seen is not None:
        statement = statement.where(Report.id <= seen)
    statement = statement.values(resolved_at=utcnow(), resolved_by_action_id=entry_id)
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return rows_changed(result)


def _change(model, item_id: int, condition, **values) -> bool:
    """Apply `values` to one row only while `condition` holds; say whether it did."""
    result = db.session.execute(update(model).where(model.id == item_id, condition)
                                .values(**values).execution_options(synchronize_session=False))
    return rows_changed(result) == 1


def _item_change(action: Action, item, reason: str, target: Proposal | None):
    """Return (condition, values) of the compare-and-set an item action makes."""
    model, now = type(item), utcnow()
    return {
        # A moderator's hide also confirms a hide by the report threshold (no reason yet).
        Action.HIDE: (or_(model.hidden_at.is_(None), model.hidden_reason.is_(None)),
                      dict(hidden_at=now, hidden_reason=reason)),
        Action.RESTORE: (model.hidden_at.is_not(None), dict(hidden_at=None, hidden_reason=None)),
        Action.LOCK: (Proposal.locked_at.is_(None), dict(locked_at=now)),
        Action.UNLOCK: (Proposal.locked_at.is_not(None), dict(locked_at=None)),
        Action.PIN: (Proposal.pinned_at.is_(None), dict(pinned_at=now)),
        Action.UNPIN: (Proposal.pinned_at.is_not(None), dict(pinned_at=None)),
        Action.DUPLICATE: (Proposal.duplicate_of_id.is_(None),
                           dict(duplicate_of_id=target.id if target else None)),
        Action.NOT_DUPLICATE: (Proposal.duplicate_of_id.is_not(None), dict(duplicate_of_id=None)),
    }[action]


def act(moderator, item, action: Action, reason: str | None = "", seen: int | None = None,
        duplicate_of: Proposal | None = None) -> Outcome:
    """Take one action on a proposal or a comment, once, whoever else clicks too."""
    kind = item_type_of(item)
    if action not in ITEM_ACTIONS[kind] or kind == ItemKind.ACCOUNT:
        raise ModerationError("action", _l("That action is not possible on this item."))
    reason = reason_text(reason, required=action == Action.HIDE)
    related_id = None
    if action == Action.DUPLICATE:
        _check_original(item, duplicate_of)
        assert duplicate_of is not None  # `_check_original` refuses None
        related_id = duplicate_of.id
    entry = log(moderator, action, item, reason, related_id=related_id)
    if action == Action.DISMISS:
        done = settle_reports(kind, item.id, entry.id, seen) > 0
    else:
        condition, values = _item_change(action, item, reason, duplicate_of)
        done = _change(type(item), item.id, condition, **values)
        if done and action in SETTLING:
            settle_reports(kind, item.id, entry.id, seen)
    return _finish(entry, item, done)


def _check_original(item, original: Proposal | None) -> None:
    if original is None or original.id == item.id or original.hidden_at is not None:
        raise ModerationError("duplicate_of", _l("Choose another, visible proposal."))
    if original.duplicate_of_id == item.id:  # two proposals pointing at each other
        raise ModerationError("duplicate_of", _l("That proposal is marked as a duplicate "
                                                 "of this one."))


def _finish(entry: ModerationAction, item, done: bool) -> Outcome:
    """Commit a done action with its consequences, or undo the log entry and say why."""
    if not done:
        db.session.rollback()
        db.session.refresh(item)
        return Outcome(False, latest_entry(item_type_of(item), item.id))
    if entry.action == Action.RESTORE:
        _close_appeals_of(item, entry)
    _tell(entry)
    db.session.commit()
    db.session.refresh(item)
    return Outcome(True, entry)


def _tell(entry: ModerationAction) -> None:
    kind = TOLD.get(Action(entry.action))
    if kind is None:
        return
    item_type = None if entry.item_type == ItemKind.ACCOUNT else entry.item_type
    notifications.notify([entry.target_user_id], kind, item_type=item_type,
                         item_id=entry.item_id if item_type else None,
                         proposal_id=entry.proposal_id, detail=entry.reason or None)


def _close_appeals_of(item, entry: ModerationAction) -> None:
    """A restored item needs no decision on its appeals any more: they are granted."""
    from forum.moderation.models import HIDING, Appeal

    hides = select(ModerationAction.id).where(
        ModerationAction.item_type == entry.item_type, ModerationAction.item_id == item.id,
        ModerationAction.action.in_(HIDING))
    open_ones = update(Appeal).where(Appeal.action_id.in_(hides), Appeal.decided_at.is_(None))
    db.session.execute(open_ones.values(decided_at=utcnow(), decided_by_id=entry.moderator_id,
                                        decision="granted")
                       .execution_options(synchronize_session=False))


def auto_hide(item) -> bool:
    """Hide an item pending review because enough people reported it (no commit)."""
    if not _change(type(item), item.id, type(item).hidden_at.is_(None), hidden_at=utcnow()):
        return False
    _tell(log(None, Action.AUTO_HIDE, item))
    return True


def restrict(moderator, person: User, action: Action, reason: str | None, days: int | None = None,
             seen: int | None = None) -> Outcome:
    """Suspend for some days, ban, or lift either, once, whoever else clicks too."""
    if action not in ITEM_ACTIONS[ItemKind.ACCOUNT]:
        raise ModerationError("action", _l("That action is not possible on an account."))
    reason = reason_text(reason, required=action in (Action.SUSPEND, Action.BAN))
    now = utcnow()
    until = now + timedelta(days=_days(days)) if action == Action.SUSPEND else None
    entry = log(moderator, action, person, reason, until=until)
    if action == Action.DISMISS:
        done = settle_reports(ItemKind.ACCOUNT, person.id, entry.id, seen) > 0
    else:
        condition, values = _account_change(action, now, until)
        done = _change(User, person.id, condition, **values)
        if done and action == Action.BAN:
            sessions.end_all(person.id)  # a ban takes effect at once, on every device
        if done and action in SETTLING:
            settle_reports(ItemKind.ACCOUNT, person.id, entry.id, seen)
    return _finish(entry, person, done)


def _days(days: int | None) -> int:
    if days is None or days not in current_app.config["SUSPENSION_DAYS"]:
        raise ModerationError("days", _l("Choose one of the offered lengths."))
    return days


def _account_change(action: Action, now, until):
    free = and_(User.banned_at.is_(None),
                or_(User.suspended_until.is_(None), User.suspended_until <= now))
    return {
        Action.SUSPEND: (free, dict(suspended_until=until)),
        Action.BAN: (User.banned_at.is_(None), dict(banned_at=now)),
        Action.LIFT: (~free, dict(banned_at=None, suspended_until=None)),
    }[action]


@dataclass
class BulkResult:
    """How a bulk action went, item by item."""

    done: int = 0
    handled: int = 0  # another moderator got there first
    skipped: int = 0  # gone, or the action does not apply to it


def parse_selection(values) -> list[tuple[ItemKind, int, int]]:
    """Read "kind:id:seen" queue selections, ignoring anything malformed."""
    selection = []
    for value in values:
        kind, _, rest = str(value).partition(":")
        item_id, _, seen = rest.partition(":")
        if kind in MODELS.keys() and _small_number(item_id) and _small_number(seen) \
                and 0 < int(item_id) < 2**31 and int(seen) < 2**31:
            selection.append((ItemKind(kind), int(item_id), int(seen)))
    return selection


def _small_number(text: str) -> bool:
    # ASCII digits only, and few of them: int() of thousands of digits is refused or slow.
    return text.isascii() and text.isdecimal() and len(text) <= 10


def bulk(moderator, selection, action: Action, reason: str | None) -> BulkResult:
    """Dismiss, hide, or hide and ban the authors of many queue entries (a spam wave)."""
    from forum.moderation.access import can_restrict

    reason = reason_text(reason, required=action != Action.DISMISS)
    result = BulkResult()
    for kind, item_id, seen in selection:
        item = db.session.get(MODELS[kind], item_id)
        outcomes = []
        if item is None or (kind == ItemKind.ACCOUNT and action == Action.HIDE):
            result.skipped += 1
            continue
        if kind != ItemKind.ACCOUNT:
            step = Action.DISMISS if action == Action.DISMISS else Action.HIDE
            outcomes.append(act(moderator, item, step, reason, seen))
        author = item if kind == ItemKind.ACCOUNT else item.author
        if action == Action.BAN and author is not None and can_restrict(moderator, author):
            outcomes.append(restrict(moderator, author, Action.BAN, reason,
                                     seen=seen if kind == ItemKind.ACCOUNT else None))
        elif kind == ItemKind.ACCOUNT and action == Action.DISMISS:
            outcomes.append(restrict(moderator, item, Action.DISMISS, reason, seen=seen))
        _count(result, outcomes)
    return result


def _count(result: BulkResult, outcomes: list[Outcome]) -> None:
    if any(o.done for o in outcomes):
        result.done += 1
    elif outcomes:
        result.handled += 1
    else:
        result.skipped += 1
