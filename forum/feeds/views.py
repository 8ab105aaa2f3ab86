"""Atom feeds: a proposal's new comments and answers, a topic's new proposals.

Public content only, so a feed needs no account and no secret address: anyone can
follow a proposal or a topic in a feed reader. Texts come in the reader's language as
pages show them (translated where a translation is stored, marked as such), from the
stored, sanitised HTML. Hidden and deleted texts are left out.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from forum.answers.models import OfficialAnswer
from forum.caching import cacheable
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation.reading import for_request
from forum.proposals import service as proposals
from forum.proposals.models import Proposal

bp = Blueprint("feeds", __name__)
ENTRIES = 50


class Entry(NamedTuple):
    """One entry of a feed: `name` makes its id unique within the feed."""

    name: str
    title: str
    link: str
    created: datetime
    html: Markup
    author: str


def _signed(user) -> str:
    return user.display_name if user else _("former participant")


@bp.get("/proposals/<int:proposal_id>/feed.atom")
@cacheable
def proposal(proposal_id: int):
    found = db.get_or_404(Proposal, proposal_id)
    if found.hidden_at is not None:
        abort(404)
    comments = list(db.session.scalars(select(Comment).where(
        Comment.proposal_id == found.id, Comment.hidden_at.is_(None),
        Comment.deleted_at.is_(None)).order_by(Comment.id.desc()).limit(ENTRIES)))
    answers = list(db.session.scalars(select(OfficialAnswer).where(
        OfficialAnswer.proposal_id == found.id).order_by(OfficialAnswer.id.desc())))
    texts = for_request([found, *comments, *answers])
    title = texts.shown(found, "title").plain
    link = url_for("proposals.show", proposal_id=found.id, _external=True)
    entries = [Entry(f"answer-{a.id}", _("Official answer: %(title)s", title=title),
                     f"{link}#answer-{a.id}", a.created_at, texts.shown(a, "body").html,
                     current_app.config["SITE_NAME"]) for a in answers]
    entries += [Entry(f"comment-{c.id}", _("Comment on %(title)s", title=title),
                      url_for("comments.show", comment_id=c.id, _external=True),
                      c.created_at, texts.shown(c, "body").html, _signed(c.author))
                for c in comments]
    return _atom(f"proposal-{found.id}", title, link, entries)


@bp.get("/topics/<slug>/feed.atom")
@cacheable
def topic(slug: str):
    found = proposals.topic_or_404(slug)
    listed = list(db.session.scalars(select(Proposal).where(
        Proposal.topic_id == found.id, Proposal.hidden_at.is_(None))
        .order_by(Proposal.id.desc()).limit(ENTRIES)))
    texts = for_request([found, *listed])
    entries = [Entry(f"proposal-{p.id}", texts.shown(p, "title").plain,
                     url_for("proposals.show", proposal_id=p.id, _external=True),
                     p.created_at, texts.shown(p, "body").html, _signed(p.author))
               for p in listed]
    return _atom(f"topic-{found.id}", texts.shown(found, "name").plain,
                 url_for("proposals.topic", slug=found.slug, _external=True), entries)


def _atom(name: str, title: str, link: str, entries: list[Entry]) -> Response:
    from feedgen.feed import FeedGenerator  # lxml underneath: only feed requests load it

    feed = FeedGenerator()
    site = current_app.config["SITE_NAME"]
    feed.id(f"{link}#{name}")
    feed.title(f"{title} · {site}")
    feed.link(href=link, rel="alternate")
    feed.link(href=request.url, rel="self")
    feed.author({"name": site})
    for entry in sorted(entries, key=lambda e: e.created):
        item = feed.add_entry()
        item.id(f"{link}#{entry.name}")
        item.title(entry.title)
        item.link(href=entry.link)
        item.published(entry.created.replace(tzinfo=UTC))
        item.updated(entry.created.replace(tzinfo=UTC))
        item.author({"name": entry.author})
        item.content(str(entry.html), type="html")
    if entries:
        feed.updated(max(e.created for e in entries).replace(tzinfo=UTC))
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")
