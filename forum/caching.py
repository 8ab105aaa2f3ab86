"""Caching of anonymous pages and the API, never stale.

Every commit that changes what an anonymous reader can see (content, translations,
moderation, answers) bumps one counter, the content version, after the commit. A page's
ETag is derived from that version, the address (host included) and the reading and
interface languages, so a conditional GET is answered 304 after one tiny query, without
rendering, and any change anywhere makes every ETag new. Private state (translation jobs,
notifications, reports) does not bump it: a worker polling an empty queue must not defeat
the cache.

Each web process also keeps the pages it rendered for visitors, under their ETag, up to
PAGE_CACHE_BYTES (least recently used first out): a visitor whose browser has no copy
gets the stored page after that same one query. An ETag names the page's exact content,
so a stored page can never be stale; a new version simply never asks for the old ones.
A restart (an upgrade, new interface strings) starts empty.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import cast

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Engine, Integer, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum.db import Model, db, listen_once
from forum.lru import SizedLRU

# Tables whose changes no anonymous page shows.
PRIVATE_TABLES = {"translation_jobs", "mail_jobs", "notifications", "follows", "reports",
                  "appeals", "account_sessions", "content_versions", "account_tokens",
                  "recovery_codes", "admin_actions", "verification_batches",
                  "verification_codes", "topic_follows", "digests"}
_WROTE = "forum.content_changed"


class ContentVersion(Model):
    """A single row counting the commits that changed public content."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def _public_table(table_name: str | None) -> bool:
    return table_name is not None and table_name not in PRIVATE_TABLES


def _note_flush(session: Session, _context) -> None:
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if _public_table(getattr(obj, "__tablename__", None)):
            session.info[_WROTE] = True
            return


def _note_statement(state) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if _public_table(getattr(table, "name", None)):
        state.session.info[_WROTE] = True


def _bump_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the real commit is still to come
    if session.info.pop(_WROTE, False):
        # After the commit, on its own connection: a reader who saw the new version can
        # never have read the old content.
        # Flask-SQLAlchemy binds its sessions to engines, never to connections.
        with cast(Engine, session.get_bind()).begin() as connection:
            bumped = connection.execute(update(ContentVersion)
                                        .values(version=ContentVersion.version + 1))
            if bumped.rowcount == 0:  # a database emptied by hand (or by tests)
                connection.execute(insert(ContentVersion).values(id=1, version=1))


def _forget_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)


def cacheable(view):
    """Mark a view whose page, for a visitor, depends only on its address and languages."""
    view.cacheable_for_visitors = True
    return view


def _cacheable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return (request.method in ("GET", "HEAD")
            and getattr(view, "cacheable_for_visitors", False)
            and not current_user.is_authenticated and not session.get("_flashes"))


def _etag() -> str:
    from forum.i18n import reading_language

    version = db.session.scalar(select(ContentVersion.version)) or 0
    # The hour too: what a page says can change with the clock alone (a phase opens at
    # midnight, an event is over, an answer becomes late) while no content changes.
    hour = datetime.now(UTC).strftime("%Y%m%d%H")
    key = (f"{version}|{hour}|{request.host_url}|{request.full_path}|{reading_language()}"
           f"|{get_locale()}")
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class PageStore(SizedLRU):
    """Rendered pages (body, content type) by ETag."""

    def put_page(self, etag: str, body: bytes, content_type: str) -> None:
        """Keep a page under its ETag."""
        self.put(etag, (body, content_type), len(body))


def _storable(response) -> bool:
    # Only whole pages that are the same for every visitor: no cookie, nothing streamed.
    return (request.method == "GET" and response.status_code == 200
            and not response.is_streamed and "Set-Cookie" not in response.headers)


def init_app(app) -> None:
    """Bump the content version after public commits; answer unchanged pages with 304."""
    listen_once(Session, "after_flush", _note_flush)
    listen_once(Session, "do_orm_execute", _note_statement)
    listen_once(Session, "after_commit", _bump_after_commit)
    listen_once(Session, "after_rollback", _forget_rollback)

    store = PageStore(app.config["PAGE_CACHE_BYTES"])

    @app.before_request
    def _check_etag():
        if not _cacheable():
            return None
        g.etag = _etag()
        if g.etag in request.if_none_match:
            response = app.make_response(("", 304))
            response.set_etag(g.etag)
            return response
        stored = store.get(g.etag)
        if stored is not None:
            g.stored_page = True
            return app.response_class(stored[0], content_type=stored[1])
        return None

    @app.after_request
    def _set_etag(response):
        etag = g.pop("etag", None)
        if etag and response.status_code == 200:
            if store.max_bytes and not g.pop("stored_page", False) and _storable(response):
                store.put_page(etag, response.get_data(), response.content_type or "")
            response.set_etag(etag)
            response.headers["Cache-Control"] = "no-cache"  # always revalidate
            response.vary.update(("Cookie", "Accept-Language"))
        return response
