"""Write a list of entries as an Atom document (RFC 4287), each text marked with its language."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from flask import Response, current_app, request
from markupsafe import Markup

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Entry(NamedTuple):
    """One entry of a feed; `id` is the same in every feed and every language."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    html: Markup
    author: str
    # The languages the title and the content are shown in; None: the feed's own.
    title_language: str | None = None
    content_language: str | None = None


class Head(NamedTuple):
    """What a feed says about itself."""

    id: str
    title: str
    link: str  # the page the feed follows
    language: str
    updated: datetime  # when it has no entries


class _Languages:
    """A feedgen entry extension writing xml:lang on an entry's title and content."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.content: str | None = None

    def extend_ns(self) -> dict:
        """Declare no namespace: xml:lang needs none."""
        return {}

    def extend_atom(self, entry):
        """Mark the title and the content with the language each is shown in."""
        for tag, language in (("title", self.title), ("content", self.content)):
            element = entry.find(tag)
            if language and element is not None:
                element.set(XML_LANG, language)
        return entry

    def extend_rss(self, item):
        """Leave RSS alone: the forum writes none."""
        return item


class _NoFeedExtension(_Languages):
    """The feed-level half of the extension, which does nothing."""

    def extend_atom(self, feed):
        """Leave the feed element as it is."""
        return feed


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def atom_response(head: Head, entries: list[Entry]) -> Response:
    """Answer with the feed: newest entry first, each with its own id, dates and author."""
    from feedgen.feed import FeedGenerator  # lxml underneath: only feed requests load it

    feed = FeedGenerator()
    feed.register_extension("languages", _NoFeedExtension, _Languages, atom=True, rss=False)
    site = current_app.config["SITE_NAME"]
    feed.id(head.id)
    feed.title(head.title if head.title == site else f"{head.title} · {site}")
    feed.language(head.language)
    feed.link(href=head.link, rel="alternate", type="text/html")
    feed.link(href=request.url, rel="self", type="application/atom+xml")
    feed.author({"name": site})
    feed.updated(_utc(max((e.updated for e in entries), default=head.updated)))
    for entry in entries:
        _add(feed, entry)
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")


def _add(feed, entry: Entry) -> None:
    item = feed.add_entry(order="append")
    item.id(entry.id)
    item.title(entry.title)
    item.link(href=entry.link, rel="alternate", type="text/html")
    item.published(_utc(entry.published))
    item.updated(_utc(entry.updated))
    item.author({"name": entry.author})
    item.content(str(entry.html), type="html")
    item.languages.title = entry.title_language
    item.languages.content = entry.content_language
