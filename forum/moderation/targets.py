"""What can be moderated, and whom a moderated item is about."""
from __future__ import annotations

from typing import Any

from forum.accounts.models import User
from forum.comments.models import Comment
from forum.items import ItemKind
from forum.proposals.models import Proposal

MODELS: dict[ItemKind, type[Any]] = {
    ItemKind.PROPOSAL: Proposal, ItemKind.COMMENT: Comment, ItemKind.ACCOUNT: User}


def item_type_of(item) -> ItemKind:
    """Name the kind of a moderated item."""
    return next(kind for kind, model in MODELS.items() if isinstance(item, model))


def proposal_id_of(item) -> int | None:
    """Return the proposal an item belongs to (None for accounts)."""
    if isinstance(item, Proposal):
        return item.id
    return getattr(item, "proposal_id", None)


def target_of(item) -> int | None:
    """Return the person an item is about: its author, or the account itself."""
    return item.id if isinstance(item, User) else item.author_id
