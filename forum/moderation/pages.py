"""What the moderation pages show: items with their texts, histories and current state."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.comments.models import Comment
from forum.db import by_id, db, utcnow
from forum.items import ItemKind
from forum.machine_translation.reading import for_request
from forum.moderation import access, appeals, reading, reports, service
from forum.moderation.forms import action_name
from forum.moderation.models import Report
from forum.proposals.models import Proposal
from forum.search.similar import Similar, similar_proposals

MODERATION_ENDPOINTS = {ItemKind.PROPOSAL: ("moderation.proposal", "proposal_id"),
                        ItemKind.COMMENT: ("moderation.comment", "comment_id"),
                        ItemKind.ACCOUNT: ("moderation.account", "user_id")}


def item_url(item) -> str:
    """Return the moderation page of an item or account."""
    endpoint, argument = MODERATION_ENDPOINTS[service.item_type_of(item)]
    return url_for(endpoint, **{argument: item.id})


def public_url(item) -> str:
    """Return the address where everyone sees the item."""
    kind = service.item_type_of(item)
    if kind == ItemKind.PROPOSAL:
        return url_for("proposals.show", proposal_id=item.id)
    if kind == ItemKind.COMMENT:
        return url_for("comments.show", comment_id=item.id)
    return url_for("accounts.profile", user_id=item.id)


def describe_state(item) -> str:
    """Say in a few words how an item or account stands now."""
    kind = service.item_type_of(item)
    if kind == ItemKind.ACCOUNT:
        return _account_state(item)
    parts = [_("hidden") if item.hidden_at else
             _("deleted by its author") if getattr(item, "deleted_at", None) else _("visible")]
    if kind == ItemKind.PROPOSAL:
        parts += [_("locked")] if item.locked_at else []
        parts += [_("pinned")] if item.pinned_at else []
        if item.duplicate_of_id:
            parts.append(_("a duplicate of proposal %(number)s", number=item.duplicate_of_id))
    open_reports = db.session.scalar(select(func.count(Report.id)).where(
        Report.item_type == kind, Report.item_id == item.id, Report.resolved_at.is_(None)))
    parts.append(ngettext("%(num)s open report", "%(num)s open reports", open_reports)
                 if open_reports else _("no open reports"))
    return ", ".join(parts)


def _account_state(person: User) -> str:
    if person.banned_at:
        return _("banned since %(date)s", date=format_date(person.banned_at))
    if person.suspended_until and person.suspended_until > utcnow():
        return _("suspended until %(date)s", date=format_date(person.suspended_until))
    return _("in good standing")


def outcome_message(outcome: service.Outcome, item) -> str:
    """Tell the moderator what their click did, or who got there first, and the state now."""
    state = describe_state(item)
    if outcome.done:
        assert outcome.entry is not None  # a done action returns its new log entry
        return _("Done: %(action)s. Now: %(state)s.", action=action_name(outcome.entry.action),
                 state=state)
    entry = outcome.entry
    if entry is None:
        return _("Nothing was done: it was already so. Now: %(state)s.", state=state)
    who = entry.moderator.display_name if entry.moderator else _("the report threshold")
    return _("Nothing was done: %(who)s acted first (%(action)s, %(date)s). Now: %(state)s.",
             who=who, action=action_name(entry.action), date=format_date(entry.created_at),
             state=state)


def context_proposals(items) -> dict[int, Proposal]:
    """Load the proposals that comments among `items` belong to, in one query."""
    proposals = {i.id: i for i in items if isinstance(i, Proposal)}
    missing = {i.proposal_id for i in items if isinstance(i, Comment)} - proposals.keys()
    proposals.update(by_id(Proposal, missing))
    return proposals


def _comments(items) -> list[Comment]:
    return [i for i in items if isinstance(i, Comment)]


def _authors(items) -> dict[int | None, User]:
    return {service.target_of(i): (i if isinstance(i, User) else i.author)
            for i in items if service.target_of(i) and (isinstance(i, User) or i.author)}


def queue_context(page) -> dict:
    """Gather what the queue shows, in a fixed number of queries for any page size."""
    items = [entry.item for entry in page.items if entry.item is not None]
    proposals = context_proposals(items)
    authors = _authors(items)
    return dict(page=page, proposals=proposals, authors=authors,
                history=reading.people_history(authors),
                texts=for_request([*proposals.values(), *_comments(items)]),
                **_shared())


def item_context(item) -> dict:
    """Gather what one item's moderation page shows."""
    proposals = context_proposals([item])
    authors = _authors([item])
    author = authors.get(service.target_of(item))
    return dict(item=item, kind=service.item_type_of(item), proposals=proposals,
                author=author, history=reading.people_history(authors),
                reports=reports.reports_on(item), decisions=reading.decisions_on(item),
                about_author=reading.decisions_about(author) if author else [],
                state=describe_state(item), public_address=public_url(item),
                texts=for_request([*proposals.values(), *_comments([item])]),
                similar=_similar_to(item), **_shared())


def _similar_to(item) -> list[Similar]:
    """List the proposals a proposal may repeat, while it can still be marked a duplicate."""
    if not isinstance(item, Proposal) or item.duplicate_of_id or item.deleted_at:
        return []
    return similar_proposals(item.title, item.body_source, item.language, exclude=item.id)


def _shared() -> dict:
    return dict(item_url=item_url, public_url=public_url, actions=service.ITEM_ACTIONS,
                can_restrict=lambda person: access.can_restrict(current_user, person),
                suspension_days=current_app.config["SUSPENSION_DAYS"])


def appeals_context(page_number: int) -> dict:
    """Gather the open appeals with the decisions they contest and their items."""
    page = appeals.open_appeals(page_number, current_app.config["MODERATION_QUEUE_PER_PAGE"])
    wanted: dict[str, set[int]] = {}
    for appeal in page.items:
        wanted.setdefault(appeal.action.item_type, set()).add(appeal.action.item_id)
    items = {(kind, row.id): row for kind, ids in wanted.items()
             for row in by_id(service.MODELS[ItemKind(kind)], ids).values()}
    proposals = context_proposals(items.values())
    moderators = appeals.moderator_ids()
    deciders = {a.id: access.can_decide(current_user, a, moderators) for a in page.items}
    texts = for_request([*page.items, *(a.action for a in page.items), *proposals.values(),
                         *_comments(items.values())])
    return dict(page=page, items=items, proposals=proposals, deciders=deciders, texts=texts,
                **_shared())


def log_context(page_number: int) -> dict:
    """Gather one page of the public moderation log."""
    page = reading.public_log(page_number, current_app.config["MODERATION_LOG_PER_PAGE"])
    proposals = reading.proposals_of(page.items)
    visible = [p for p in proposals.values() if p.hidden_at is None]
    return dict(page=page, proposals=proposals, texts=for_request([*page.items, *visible]),
                show_moderators=access.is_moderator(current_user))


def hidden_context(page_number: int) -> dict:
    """Gather one page of what is hidden now, with who hid it and why."""
    page = reading.hidden_page(page_number, current_app.config["MODERATION_QUEUE_PER_PAGE"])
    hides = reading.latest_hides(page.items)
    proposals = context_proposals(page.items)
    reasons = [h for h in hides.values() if h.reason]
    texts = for_request([*proposals.values(), *_comments(page.items), *reasons])
    return dict(page=page, hides=hides, proposals=proposals, texts=texts, **_shared())
