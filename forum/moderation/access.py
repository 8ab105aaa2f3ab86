"""Who may report, moderate and appeal, decided in one place."""
from __future__ import annotations

from forum.accounts.access import can_moderate, can_write
from forum.accounts.models import Role
from forum.moderation.models import APPEALABLE, Appeal, ModerationAction
from forum.moderation.targets import target_of


def author_id(item) -> int | None:
    """Return the id of the person an item is about: its author, or the account itself."""
    return target_of(item)


def is_concerned(user, item) -> bool:
    """Say whether `user` wrote the item, or is the account: decisions about it are theirs."""
    return bool(user and user.is_authenticated and author_id(item) == user.id)


def can_report(user, item) -> bool:
    """Citizens in good standing report what others wrote, or other people's accounts.

    A hidden item may still be reported (whoever had the form open is told it is hidden
    already); an erased one is gone.
    """
    if not can_write(user) or author_id(item) == user.id:
        return False
    return getattr(item, "deleted_at", None) is None


def offers_report(user, item) -> bool:
    """Say whether a page offers `user` to report an item: they may, and it is not hidden."""
    return getattr(item, "hidden_at", None) is None and can_report(user, item)


def is_moderator(user) -> bool:
    """Moderators and admins see the queue and act on reports."""
    return can_moderate(user)


def can_restrict(user, person) -> bool:
    """Moderators suspend or ban citizens; only admins do so to moderators; no one to admins."""
    if not can_moderate(user) or person.id == user.id or person.deleted_at is not None:
        return False
    if person.role == Role.ADMIN:
        return False
    return person.role == Role.CITIZEN or user.is_admin


def can_appeal(user, action: ModerationAction) -> bool:
    """The person a decision was about may appeal it (even while suspended)."""
    return bool(user and user.is_authenticated and action.action in APPEALABLE
                and action.target_user_id == user.id)


def can_decide(user, appeal: Appeal, moderator_ids: set[int]) -> bool:
    """Another moderator than the one who took the decision reviews an appeal, if there is one.

    `moderator_ids` are everyone who may moderate now. Nobody decides their own appeal.
    """
    if not can_moderate(user) or appeal.appellant_id == user.id:
        return False
    others = moderator_ids - {appeal.appellant_id, appeal.action.moderator_id}
    return appeal.action.moderator_id != user.id or not others
