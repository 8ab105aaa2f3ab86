"""`forum search reindex`: rebuild the search index from content and stored translations."""
from __future__ import annotations

from collections import defaultdict

import click
from flask.cli import AppGroup
from sqlalchemy import delete, select

from forum.comments.models import Comment
from forum.db import db
from forum.items import ItemKind
from forum.machine_translation.models import Translation
from forum.machine_translation.translatable import source_hash, sources
from forum.proposals.models import Proposal
from forum.search import index
from forum.search.models import SearchDocument

search_cli = AppGroup("search", help="Search index maintenance.")


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild every search document (after a restore, or an upgrade that needs it)."""
    db.session.execute(delete(SearchDocument))
    count = 0
    for kind, model in ((ItemKind.PROPOSAL, Proposal), (ItemKind.COMMENT, Comment)):
        # Erased texts (tombstones) have nothing left to find.
        items = list(db.session.scalars(select(model).where(model.deleted_at.is_(None))))
        with click.progressbar(items, label=f"{kind}s") as bar:
            for chunk_start in range(0, len(items), 500):
                count += _index_chunk(kind, items[chunk_start:chunk_start + 500])
                bar.update(min(500, len(items) - chunk_start))
        db.session.commit()
    click.echo(f"{count} search documents written")


def _index_chunk(kind: str, items) -> int:
    connection = db.session.connection()
    by_id = {item.id: item for item in items}
    translated: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    rows = db.session.scalars(select(Translation).where(
        Translation.item_type == kind, Translation.item_id.in_(list(by_id))))
    for row in rows:
        item = by_id[row.item_id]
        _, source = sources(item)[row.field]
        if row.source_hash == source_hash(item.language, source):  # only current ones
            translated[(row.item_id, row.language)][row.field] = row.text
    for item in items:
        index.store_original(connection, kind, item)
    for (item_id, language), texts in translated.items():
        index.store_translation(connection, kind, by_id[item_id], language, texts)
    return len(items) + len(translated)
