"""Creating, editing, listing and supporting proposals; these functions commit.

What else their commits do (hooks installed by `create_app`): a new or changed text owes
its translations into every other language and rewrites its search documents in the same
transaction (machine_translation.outbox); a change readers can see bumps the HTTP cache's
content version after the commit (caching); notifications, and the e-mails they owe,
are written in the same transaction (notifications).
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError

from forum.content import validation
from forum.content.render import render_markdown
from forum.content.slugs import slugify
from forum.db import db, utcnow
from forum.items import ItemKind
from forum.notifications import service as notifications
from forum.pagination import Page
from forum.processes import rules as phases
from forum.processes import service as processes
from forum.processes.models import Action, Process
from forum.proposals.models import Proposal, ProposalState, Support, Topic
from forum.thresholds import service as thresholds

SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "newest": (Proposal.created_at.desc(), Proposal.id.desc()),
    "supported": (Proposal.support_count.desc(), Proposal.id.desc()),
    "discussed": (Proposal.comment_count.desc(), Proposal.id.desc()),
    "active": (Proposal.last_activity_at.desc(), Proposal.id.desc()),
}


def create_topic(name: str, description: str, language: str, slug: str | None = None,
                 process_id: int | None = None) -> Topic:
    """Create a topic in a process (the first one unless told); translated like any text."""
    name = validation.check_length("name", name, 2, 120)
    description = validation.check_length("description", description, 0, 500)
    slug = slugify(slug or name)
    if db.session.scalar(select(Topic.id).where(Topic.slug == slug)) is not None:
        raise validation.ContentError("slug", _l("A topic with this name exists already."))
    position = (db.session.scalar(select(func.max(Topic.position))) or 0) + 1
    process_id = _process_id(process_id) or processes.default_process().id
    topic = Topic(slug=slug, name=name, description=description, position=position,
                  language=validation.check_language(language), process_id=process_id)
    db.session.add(topic)
    db.session.commit()
    return topic


def update_topic(topic: Topic, name: str, description: str, language: str,
                 process_id: int | None = None) -> None:
    """Rename or re-describe a topic, or move it to another process."""
    topic.name = validation.check_length("name", name, 2, 120)
    topic.description = validation.check_length("description", description, 0, 500)
    topic.language = validation.check_language(language)
    if process_id is not None and _process_id(process_id):
        topic.process_id = process_id
    db.session.commit()


def _process_id(process_id: int | None) -> int | None:
    """Return the id of an existing process, or raise ContentError for an unknown one."""
    if process_id is not None and db.session.get(Process, process_id) is None:
        raise validation.ContentError("process_id", _l("Choose one of the offered processes."))
    return process_id


def list_topics() -> list[Topic]:
    """Return every topic in display order."""
    return list(db.session.scalars(select(Topic).order_by(Topic.position, Topic.id)))


def topics_closed_to_proposals(topics: list[Topic]) -> set[int]:
    """Return the ids of the topics whose process takes no new proposals today."""
    # The processes in one query (their phases in one more), not one per topic.
    ids = {t.process_id for t in topics}
    closed = {p.id for p in db.session.scalars(select(Process).where(Process.id.in_(ids)))
              if not phases.is_open(p, Action.PROPOSE)}
    return {t.id for t in topics if t.process_id in closed}


def find_topic(slug: str) -> Topic | None:
    """Return the topic with this slug, if there is one."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text: such a slug names no topic
        return None
    return db.session.scalar(select(Topic).where(Topic.slug == slug))


def topic_or_404(slug: str) -> Topic:
    """Return the topic with this slug, or answer 404."""
    found = find_topic(slug)
    if found is None:
        abort(404)
    return found


def create_proposal(author, topic: Topic, title: str, body: str, language: str) -> Proposal:
    """Publish a proposal; the translations it owes are committed with it."""
    title = validation.title(title)
    body = validation.proposal_body(body)
    phases.require_open(topic.process, Action.PROPOSE, field="topic")
    proposal = Proposal(topic=topic, author=author, title=title, body_source=body,
                        body_html=render_markdown(body),
                        language=validation.check_language(language))
    db.session.add(proposal)
    db.session.flush()
    notifications.follow(author.id, proposal.id)  # authors hear of comments and answers
    notifications.notify(notifications.topic_followers(topic.id), "topic_proposal",
                         item_type=ItemKind.PROPOSAL, item_id=proposal.id,
                         proposal_id=proposal.id, actor_id=author.id)
    db.session.commit()
    return proposal


def edit_proposal(proposal: Proposal, title: str, body: str, language: str,
                  topic: Topic | None = None) -> None:
    """Change a proposal's text; stale translations are redone by the worker."""
    title = validation.title(title)
    body = validation.proposal_body(body)
    language = validation.check_language(language)
    if (title, body, language) != (proposal.title, proposal.body_source, proposal.language):
        proposal.title, proposal.body_source, proposal.language = title, body, language
        proposal.body_html = render_markdown(body)
        proposal.edited_at = utcnow()
    if topic is not None and topic.id != proposal.topic_id:
        phases.require_open(topic.process, Action.PROPOSE, field="topic")
        proposal.topic = topic
    db.session.commit()


def withdraw(proposal: Proposal) -> None:
    """Withdraw a proposal at its author's request; it stays readable."""
    proposal.state = ProposalState.WITHDRAWN
    proposal.withdrawn_at = utcnow()
    db.session.commit()


def _filters(topic: Topic | None, state: str | None, include_hidden: bool = False) -> list:
    filters = []
    if topic is not None:
        filters.append(Proposal.topic_id == topic.id)
    if state:
        filters.append(Proposal.state == state)
    if not include_hidden:
        filters.append(Proposal.hidden_at.is_(None))
    return filters


def proposals_query(topic: Topic | None = None, sort: str = "newest", state: str | None = None,
                    include_hidden: bool = False):
    """Build the query behind a proposal list: pinned proposals first, then `sort`."""
    return select(Proposal).where(*_filters(topic, state, include_hidden)).order_by(
        Proposal.pinned_at.is_(None), *SORTS.get(sort, SORTS["newest"]))


def _page_of_proposals(filters: list, order, start: int, per_page: int) -> list[Proposal]:
    """Load one page of a proposal list through narrow queries on ids and indexes.

    Ordering whole rows (bodies included) by "pinned first" sorts every proposal of the
    forum for each page. Instead, the few pinned ids are read on their own, the others
    walk the index of the chosen order and stop at the page's end, and only the page's
    rows are loaded.
    """
    pinned = _pinned(filters, order)
    ids = pinned[start:start + per_page]
    if len(ids) < per_page:
        ids += db.session.scalars(
            select(Proposal.id).where(*filters, Proposal.pinned_at.is_(None))
            .order_by(*order).limit(per_page - len(ids))
            .offset(max(0, start - len(pinned)))).all()
    found = {p.id: p for p in db.session.scalars(
        select(Proposal).where(Proposal.id.in_(ids))).unique()} if ids else {}
    return [found[i] for i in ids if i in found]


def _pinned(filters: list, order) -> list[int]:
    """Return the ids of the pinned proposals a list shows, in its order (usually none)."""
    # Asked for alone, so that the planner reads the small index of pinned proposals
    # rather than walking the whole ORDER BY index looking for them.
    ids = db.session.scalars(select(Proposal.id).where(Proposal.pinned_at.is_not(None))).all()
    if not ids:
        return []
    return list(db.session.scalars(
        select(Proposal.id).where(*filters, Proposal.id.in_(ids)).order_by(*order)))


def list_proposals(topic: Topic | None = None, sort: str = "newest", page: int = 1,
                   state: str | None = None, per_page: int | None = None,
                   process=None) -> Page:
    """Return one page of proposals, with the total count (read from an index)."""
    per_page = min(per_page or current_app.config["PROPOSALS_PER_PAGE"], 100)
    page = max(page, 1)
    filters, order = _filters(topic, state), SORTS.get(sort, SORTS["newest"])
    if process is not None:
        filters.append(Proposal.topic_id.in_(select(Topic.id).where(
            Topic.process_id == process.id)))
    items = _page_of_proposals(filters, order, (page - 1) * per_page, per_page)
    total = db.session.scalar(select(func.count(Proposal.id)).where(*filters)) or 0
    return Page(items, page, per_page, total)


def has_supported(user, proposal: Proposal) -> bool:
    """Say whether `user` supports the proposal."""
    if not (user and user.is_authenticated):
        return False
    return db.session.scalar(select(Support.id).where(
        Support.user_id == user.id, Support.proposal_id == proposal.id)) is not None


def support(user, proposal: Proposal) -> bool:
    """Add a person's support; return False if they already supported it.

    Raises PhaseClosed when the proposal's process takes no supports today.
    """
    phases.require_open(proposal.topic.process, Action.SUPPORT)
    db.session.add(Support(user_id=user.id, proposal_id=proposal.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    _add_to_count(proposal.id, 1, user.verified_at is not None)
    thresholds.check([proposal.id])
    notifications.notify([proposal.author_id], "support", item_type=ItemKind.PROPOSAL,
                         item_id=proposal.id, proposal_id=proposal.id, actor_id=user.id)
    db.session.commit()
    return True


def withdraw_support(user, proposal: Proposal) -> bool:
    """Take a person's support back; return False if there was none.

    Closed with supports: the count a phase ends with is the count it hands on.
    """
    phases.require_open(proposal.topic.process, Action.SUPPORT)
    found = db.session.scalar(select(Support).where(
        Support.user_id == user.id, Support.proposal_id == proposal.id))
    if found is None:
        return False
    db.session.delete(found)
    _add_to_count(proposal.id, -1, user.verified_at is not None)
    db.session.commit()
    return True


def count_change(delta: int, verified: bool) -> dict[str, Any]:
    """The support counts one person's support (1) or its withdrawal (-1) moves, in SQL."""
    counts: dict[str, Any] = {"support_count": Proposal.support_count + delta}
    if verified:
        counts["verified_support_count"] = Proposal.verified_support_count + delta
    return counts


def _add_to_count(proposal_id: int, delta: int, verified: bool) -> None:
    # In SQL, not in Python: concurrent supports from several processes must all count.
    db.session.execute(update(Proposal).where(Proposal.id == proposal_id)
                       .values(count_change(delta, verified))
                       .execution_options(synchronize_session=False))
