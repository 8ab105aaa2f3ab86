"""Atom feeds: the whole forum, a process, a topic, a proposal.

Each lists new proposals, official answers, milestones and events (and their minutes)
within its reach: a process its phases too, a proposal its comments instead of proposals;
a topic's or a proposal's events are those treating its proposals.

Public content only, so a feed needs no account and no secret address: anyone can
follow the forum, a process, a topic or a proposal in a feed reader. Texts come in the
language `?lang=` names, else the reader's (as pages choose it), translated where a
translation is stored and marked as such, from the stored, sanitised HTML. A language the
forum does not offer names no feed: 404. Hidden and deleted texts are left out.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, make_response, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from forum.caching import cacheable
from forum.db import db, utcnow
from forum.errors.handlers import error_response
from forum.events.models import Event
from forum.feeds import entries as feed
from forum.feeds.atom import Head, atom_response
from forum.i18n import reading_language
from forum.machine_translation.reading import TranslationLookup, lookup
from forum.processes import service as processes
from forum.proposals import service as proposals
from forum.proposals.models import Proposal, Topic

bp = Blueprint("feeds", __name__)


def feed_language() -> str:
    """Return the language `?lang=` names, else the reader's; 404 if the forum lacks it."""
    code = request.args.get("lang")
    if code is None:
        return reading_language()
    offered = current_app.config["LANGUAGES"]
    if code not in offered:
        abort(make_response(error_response(404, _(
            "There is no feed in that language. This forum offers: %(languages)s.",
            languages=", ".join(offered)))))
    return code


def in_feed_language(view):
    """Call a feed view with its language, interface strings in it where the forum has them."""
    @wraps(view)
    def localised(**kwargs):
        language = feed_language()
        if language not in current_app.config["UI_LANGUAGES"]:
            return view(language=language, **kwargs)
        with force_locale(language):
            return view(language=language, **kwargs)
    return localised


def _texts(language: str, items) -> TranslationLookup:
    return lookup(items, language, originals_only=request.args.get("original") == "1")


@bp.get("/feed.atom")
@cacheable
@in_feed_language
def forum(language: str):
    found = feed.activity()._replace(events=feed.visible_events())
    texts = _texts(language, found.items())
    link = url_for("proposals.index", _external=True)
    site = current_app.config["SITE_NAME"]
    return atom_response(Head(f"{link}#forum", site, link, language, utcnow()),
                         found.entries(texts))


@bp.get("/processes/<slug>/feed.atom")
@cacheable
@in_feed_language
def process(slug: str, language: str):
    found = processes.process_or_404(slug)
    listed = feed.activity(Proposal.topic_id.in_(
        select(Topic.id).where(Topic.process_id == found.id)))
    listed = listed._replace(phases=feed.started_phases(found),
                             events=feed.visible_events(Event.process_id == found.id))
    texts = _texts(language, [found, *listed.items()])
    title = texts.shown(found, "title").plain if found.title else _("Ongoing discussion")
    link = url_for("processes.show", slug=found.slug, _external=True)
    return atom_response(Head(f"{link}#process-{found.id}", title, link, language,
                              found.created_at), listed.entries(texts))


@bp.get("/topics/<slug>/feed.atom")
@cacheable
@in_feed_language
def topic(slug: str, language: str):
    found = proposals.topic_or_404(slug)
    listed = feed.activity(Proposal.topic_id == found.id)._replace(
        events=feed.visible_events(feed.treating(Proposal.topic_id == found.id)))
    texts = _texts(language, [found, *listed.items()])
    link = url_for("proposals.topic", slug=found.slug, _external=True)
    return atom_response(Head(f"{link}#topic-{found.id}", texts.shown(found, "name").plain,
                              link, language, found.created_at), listed.entries(texts))


@bp.get("/proposals/<int:proposal_id>/feed.atom")
@cacheable
@in_feed_language
def proposal(proposal_id: int, language: str):
    found = db.get_or_404(Proposal, proposal_id)
    if found.hidden_at is not None or found.deleted_at is not None:
        abort(404)
    listed = feed.activity(Proposal.id == found.id, proposals=False)
    listed = listed._replace(comments=feed.visible_comments(found),
                             events=feed.visible_events(feed.treating(Proposal.id == found.id)))
    texts = _texts(language, [found, *listed.items()])
    link = feed.proposal_url(found.id)
    return atom_response(Head(f"{link}#proposal-{found.id}", texts.shown(found, "title").plain,
                              link, language, found.created_at), listed.entries(texts))
