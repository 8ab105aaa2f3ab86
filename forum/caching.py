"""HTTP caching of anonymous pages and the API, never stale.

Every commit that changes what an anonymous reader can see (content, translations,
moderation, answers) bumps one counter, the content version, after the commit. A page's
ETag is derived from that version, the address and the reading and interface languages,
so a conditional GET is answered 304 after one tiny query, without rendering, and any
change anywhere makes every ETag new. Private state (translation jobs, notifications,
reports) does not bump it: a worker polling an empty queue must not defeat the cache.
"""
from __future__ import annotations

import hashlib
from typing import cast

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Engine, Integer, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum.db import Model, db, listen_once

# Tables whose changes no anonymous page shows.
PRIVATE_TABLES = {"translation_jobs", "mail_jobs", "notifications", "follows", "reports",
                  "appeals", "account_sessions", "content_versions"}
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
    key = f"{version}|{request.full_path}|{reading_language()}|{get_locale()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def init_app(app) -> None:
    """Bump the content version after public commits; answer unchanged pages with 304."""
    listen_once(Session, "after_flush", _note_flush)
    listen_once(Session, "do_orm_execute", _note_statement)
    listen_once(Session, "after_commit", _bump_after_commit)
    listen_once(Session, "after_rollback", _forget_rollback)

    @app.before_request
    def _check_etag():
        if not _cacheable():
            return None
        g.etag = _etag()
        if g.etag in request.if_none_match:
            response = app.make_response(("", 304))
            response.set_etag(g.etag)
            return response
        return None

    @app.after_request
    def _set_etag(response):
        etag = g.pop("etag", None)
        if etag and response.status_code == 200:
            response.set_etag(etag)
            response.headers["Cache-Control"] = "no-cache"  # always revalidate
            response.vary.update(("Cookie", "Accept-Language"))
        return response
