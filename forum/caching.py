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

from flask import g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Integer, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum.db import db

# Pages whose content depends only on the address and the languages, for a visitor.
CACHEABLE = {
    "proposals.index", "proposals.list_all", "proposals.topic", "proposals.show",
    "comments.show", "accounts.profile", "search.results",
    "accountability.overview", "accountability.topic", "moderation.public_log",
}
CACHEABLE_PREFIXES = ("api.",)
# Tables whose changes no anonymous page shows.
PRIVATE_TABLES = {"translation_jobs", "mail_jobs", "notifications", "follows", "reports",
                  "appeals", "account_sessions", "content_versions"}
_WROTE = "forum.content_changed"


class ContentVersion(db.Model):
    """A single row counting the commits that changed public content."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def _public_table(table_name: str | None) -> bool:
    return table_name is not None and table_name not in PRIVATE_TABLES


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if _public_table(getattr(obj, "__tablename__", None)):
            session.info[_WROTE] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if _public_table(getattr(table, "name", None)):
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the real commit is still to come
    if session.info.pop(_WROTE, False):
        # After the commit, on its own connection: a reader who saw the new version can
        # never have read the old content.
        with session.get_bind().begin() as connection:
            bumped = connection.execute(update(ContentVersion)
                                        .values(version=ContentVersion.version + 1))
            if bumped.rowcount == 0:  # a database emptied by hand (or by tests)
                connection.execute(insert(ContentVersion).values(id=1, version=1))


@event.listens_for(Session, "after_rollback")
def _forget_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)


def _cacheable() -> bool:
    endpoint = request.endpoint or ""
    return (request.method in ("GET", "HEAD")
            and (endpoint in CACHEABLE or endpoint.startswith(CACHEABLE_PREFIXES))
            and not current_user.is_authenticated and not session.get("_flashes"))


def _etag() -> str:
    from forum.i18n import reading_language

    version = db.session.scalar(select(ContentVersion.version)) or 0
    key = f"{version}|{request.full_path}|{reading_language()}|{get_locale()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def init_app(app) -> None:
    """Answer conditional GETs of visitors' pages with 304 when nothing changed."""

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
