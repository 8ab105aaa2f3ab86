"""Atom feeds: a proposal's new comments and answers, a topic's new proposals.

Public content only, so a feed needs no account and no secret address: anyone can
follow a proposal or a topic in a feed reader. Texts come in the reader's language as
pages show them (translated where a translation is stored, marked as such), from the
stored, sanitised HTML. Hidden and deleted texts are left out.
"""
from __future__ import annotations

from datetime import UTC

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
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
    entries = [(f"answer-{a.id}", _("Official answer: %(title)s", title=title),
                f"{link}#answer-{a.id}", a.created_at, texts.shown(a, "body").html,
                current_app.config["SITE_NAME"]) for a in answers]
    entries += [(f"comment-{c.id}", _("Comment on %(title)s", title=title),
                 url_for("comments.show", comment_id=c.id, _external=True), c.created_at,
                 texts.shown(c, "body").html,
                 c.author.display_name if c.author else _("former participant"))
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
    entries = [(f"proposal-{p.id}", texts.shown(p, "title").plain,
                url_for("proposals.show", proposal_id=p.id, _external=True), p.created_at,
                texts.shown(p, "body").html,
                p.author.display_name if p.author else _("former participant"))
               for p in listed]
    return _atom(f"topic-{found.id}", texts.shown(found, "name").plain,
                 url_for("proposals.topic", slug=found.slug, _external=True), entries)


def _atom(name: str, title: str, link: str, entries: list[tuple]) -> Response:
    from feedgen.feed import FeedGenerator  # lxml underneath: only feed requests load it

    feed = FeedGenerator()
    site = current_app.config["SITE_NAME"]
    feed.id(f"{link}#{name}")
    feed.title(f"{title} · {site}")
    feed.link(href=link, rel="alternate")
    feed.link(href=request.url, rel="self")
    feed.author({"name": site})
    newest = max((entry[3] for entry in entries), default=None)
    for entry_id, entry_title, href, created, html, author in sorted(entries,
                                                                    key=lambda e: e[3]):
        item = feed.add_entry()
        item.id(f"{link}#{entry_id}")
        item.title(entry_title)
        item.link(href=href)
        item.published(created.replace(tzinfo=UTC))
        item.updated(created.replace(tzinfo=UTC))
        item.author({"name": author})
        item.content(str(html), type="html")
    if newest is not None:
        feed.updated(newest.replace(tzinfo=UTC))
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")
