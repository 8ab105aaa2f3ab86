"""Record owed translation work in the same transaction as the content it is owed for.

Whenever a session flushes a new translatable item, or a change to one of its source
texts or its language, the matching jobs (one per other configured language) are
inserted or reset to pending by the same flush, and the item's search documents are
rewritten (its original now, its translations once they are redone). The content and the
work it owes are therefore committed, or rolled back, together: a crash can never lose a
translation. `init_app` (called by `create_app`) installs the two session hooks.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import delete, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from forum.db import listen_once, utcnow
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.machine_translation.translatable import needs_translation, type_of
from forum.search import index as search_index

_OWED = "forum.owed_translations"


def init_app(app) -> None:
    """Make every flush of a changed text owe its translations and re-index it."""
    listen_once(Session, "before_flush", _note_changed_items)
    listen_once(Session, "after_flush", _owe_translations)


def _note_changed_items(session: Session, _context, _instances) -> None:
    owed = session.info.setdefault(_OWED, {})
    for item in list(session.new) + list(session.dirty):
        if _sources_changed(item):
            owed[id(item)] = item


def _sources_changed(item) -> bool:
    kind = type_of(item)
    if kind is None:
        return False
    state = inspect(item)
    if state.pending:
        return True
    watched = [f.attribute for f in kind.fields] + ["language", "deleted_at"]
    return any(state.attrs[name].history.has_changes() for name in watched
               if name in state.attrs)


def _owe_translations(session: Session, _context) -> None:
    owed = session.info.pop(_OWED, None)
    if not owed or not has_app_context():
        return
    languages = current_app.config["LANGUAGES"]
    connection = session.connection()
    for item in owed.values():
        kind = type_of(item)
        assert kind is not None  # only translatable items are noted as owing translations
        if needs_translation(item):
            targets = [lang for lang in languages if lang != item.language]
            if targets:
                connection.execute(upsert_statement(connection, kind.name, item.id, targets,
                                                    source_language=item.language))
        else:
            _forget(connection, kind.name, item.id)
        _reindex(connection, kind.name, item)


def _reindex(connection, kind: str, item) -> None:
    """Index the new original; drop translations' documents until they are redone."""
    if not search_index.is_searched(kind):
        return
    keep = item.language if needs_translation(item) else None
    search_index.forget(connection, kind, item.id, keep_language=keep)
    if keep:
        search_index.store_original(connection, kind, item)


def upsert_statement(connection, item_type: str, item_id: int, targets: list[str], now=None,
                     source_language: str | None = None):
    """Build the statement that makes jobs for `targets` owed, new or reset."""
    now = now or utcnow()
    rows = [dict(item_type=item_type, item_id=item_id, language=lang, state=JobState.PENDING,
                 attempts=0, not_before=now, created_at=now, updated_at=now,
                 source_language=source_language)
            for lang in targets]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(TranslationJob).values(rows)
    # An edit resets existing jobs: the claim is dropped, so a worker still busy with
    # the old text cannot mark the job done, and the new text gets translated.
    return insert.on_conflict_do_update(
        index_elements=["item_type", "item_id", "language"],
        set_=dict(state=JobState.PENDING, attempts=0, not_before=now, claimed_by=None,
                  lease_until=None, last_error=None, updated_at=now, done_at=None,
                  source_language=source_language))


def _forget(connection, item_type: str, item_id: int) -> None:
    """Drop jobs and translations of an erased text: nothing of it may survive."""
    for model in (TranslationJob, Translation):
        connection.execute(delete(model).where(model.item_type == item_type,
                                               model.item_id == item_id))
