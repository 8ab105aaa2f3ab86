"""What pages show of moderation: tombstones, the public log, people's and items' histories."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask import g
from sqlalchemy import and_, func, literal, or_, select, union_all

from forum.comments.models import Comment
from forum.db import db
from forum.items import ItemKind
from forum.moderation.models import HIDING, Action, ModerationAction
from forum.moderation.service import item_type_of, proposal_id_of
from forum.pagination import Page, paginate, within
from forum.proposals.models import Proposal

# What counts against a person in the history moderators see beside a report.
HISTORY_ACTIONS = (Action.HIDE, Action.AUTO_HIDE, Action.SUSPEND, Action.BAN)


def hide_reasons(proposal_id: int, texts) -> dict[tuple[str, int], ModerationAction]:
    """Load the latest hide of each item of a proposal's page, with translated reasons.

    One query for the decisions, and the page's translation lookup loads their reasons in
    the reader's language (at most two more), whatever the number of hidden items.
    """
    latest: dict[tuple[str, int], ModerationAction] = {}
    for entry in db.session.scalars(select(ModerationAction).where(
            ModerationAction.proposal_id == proposal_id,
            ModerationAction.action.in_(HIDING)).order_by(ModerationAction.id)):
        latest[(entry.item_type, entry.item_id)] = entry
    texts.load([e for e in latest.values() if e.reason])
    return latest


def tombstone_reason(item, texts):
    """Return the public reason a hidden item was hidden for, in the reader's language.

    None when the report threshold hid it, pending review. A page's hidden items are
    looked up together, on the first tombstone the page shows.
    """
    cache = g.setdefault("moderation_hide_reasons", {})
    scope = proposal_id_of(item)
    if scope not in cache:
        cache[scope] = hide_reasons(scope, texts)
    entry = cache[scope].get((item_type_of(item), item.id))
    return texts.shown(entry, "reason") if entry is not None and entry.reason else None


def duplicate_original(proposal: Proposal, texts):
    """Return the proposal a duplicate points to and its title for the reader, or None."""
    original = db.session.get(Proposal, proposal.duplicate_of_id)
    if original is None or original.hidden_at is not None:
        return None
    texts.load([original])
    return original, texts.shown(original, "title")


def public_log(page: int, per_page: int):
    """Return one page of the moderation log, newest first."""
    query = select(ModerationAction).order_by(ModerationAction.id.desc())
    return paginate(query, page, per_page)


def proposals_of(entries) -> dict[int, Proposal]:
    """Load the proposals a list of log entries concern, in one query."""
    ids = {e.proposal_id for e in entries if e.proposal_id}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids)))}


def people_history(person_ids) -> dict[int, Counter]:
    """Count the decisions taken against each person so far, in one query."""
    ids = {i for i in person_ids if i}
    history: dict[int, Counter] = defaultdict(Counter)
    if not ids:
        return history
    rows = db.session.execute(select(
        ModerationAction.target_user_id, ModerationAction.action, func.count(ModerationAction.id))
        .where(ModerationAction.target_user_id.in_(ids),
               ModerationAction.action.in_(HISTORY_ACTIONS))
        .group_by(ModerationAction.target_user_id, ModerationAction.action))
    for person_id, action, count in rows:
        assert person_id is not None  # the IN above matched it
        history[person_id][action] = count
    return history


def decisions_about(person, limit: int = 50) -> list[ModerationAction]:
    """Return the latest decisions about a person's content and account."""
    return list(db.session.scalars(select(ModerationAction).where(
        ModerationAction.target_user_id == person.id)
        .order_by(ModerationAction.id.desc()).limit(limit)))


def decisions_on(item) -> list[ModerationAction]:
    """Return every decision about one item, oldest first."""
    return list(db.session.scalars(select(ModerationAction).where(
        ModerationAction.item_type == item_type_of(item), ModerationAction.item_id == item.id)
        .order_by(ModerationAction.id)))


def hidden_page(page: int, per_page: int) -> Page:
    """Return one page of the proposals and comments hidden now, the latest hidden first."""
    hidden = union_all(
        select(literal(ItemKind.PROPOSAL.value).label("item_type"), Proposal.id.label("item_id"),
               Proposal.hidden_at).where(Proposal.hidden_at.is_not(None)),
        select(literal(ItemKind.COMMENT.value).label("item_type"), Comment.id.label("item_id"),
               Comment.hidden_at).where(Comment.hidden_at.is_not(None))).subquery()
    total = db.session.scalar(select(func.count()).select_from(hidden)) or 0
    page = within(page, total, per_page)
    rows = db.session.execute(select(hidden).order_by(hidden.c.hidden_at.desc(), hidden.c.item_id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    items = {}
    # Any, not their common base: items are read as the proposals and comments they are.
    hideable: tuple[tuple[ItemKind, type[Any]], ...] = (
        (ItemKind.PROPOSAL, Proposal), (ItemKind.COMMENT, Comment))
    for kind, model in hideable:
        ids = [r.item_id for r in rows if r.item_type == kind]
        if ids:
            found = db.session.scalars(select(model).where(model.id.in_(ids)))
            items.update({(kind, item.id): item for item in found})
    shown = [items[key] for key in ((r.item_type, r.item_id) for r in rows) if key in items]
    return Page(shown, page, per_page, total)


def latest_hides(items) -> dict[tuple[str, int], ModerationAction]:
    """Return the latest hide of each item, in one query."""
    ids: dict[ItemKind, set[int]] = {item_type_of(i): set() for i in items}
    for item in items:
        ids[item_type_of(item)].add(item.id)
    if not ids:
        return {}
    latest = {}
    for entry in db.session.scalars(select(ModerationAction).where(
            ModerationAction.action.in_(HIDING),
            or_(*(and_(ModerationAction.item_type == kind, ModerationAction.item_id.in_(found))
                  for kind, found in ids.items()))).order_by(ModerationAction.id)):
        latest[(entry.item_type, entry.item_id)] = entry
    return latest
