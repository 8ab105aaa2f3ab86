"""The public part of each comment, rendered once and reused by each web process.

A comment's header and text look the same to every reader of one language until something
about them changes. Each rendered part is kept under a key made of everything its rendering
reads — the comment's id, dates, position and state, its author's name, the text shown with
its language and provenance, and the interface locale — so an edit, a translation stored or
redone, a moderator's decision, a deletion or an erased account gives a new key: a kept part
is never stale, and the old ones fall out, least recently used first, within
FRAGMENT_CACHE_BYTES. A restart (an upgrade, new interface strings) starts empty.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from forum.lru import SizedLRU

EXTENSION = "comment_fragments"


def init_app(app) -> None:
    """Give the app its store of rendered comment parts (none if FRAGMENT_CACHE_BYTES is 0)."""
    size = app.config["FRAGMENT_CACHE_BYTES"]
    app.extensions[EXTENSION] = SizedLRU(size) if size else None


def public_part(comment, shown) -> Markup:
    """Return the header and text of a comment as `shown`, rendered or reused."""
    store: SizedLRU | None = current_app.extensions[EXTENSION]
    if store is None:
        return _render(comment, shown)
    author = comment.author
    key = (comment.id, comment.created_at, comment.edited_at, comment.deleted_at,
           comment.hidden_at is not None, comment.alignment,
           author.id if author else None, author.display_name if author else None,
           shown, str(get_locale()))
    html = store.get(key)
    if html is None:
        html = _render(comment, shown)
        store.put(key, html, 2 * len(html) + len(shown.original_html) + 200)
    return html


def _render(comment, shown) -> Markup:
    template = current_app.jinja_env.get_template("comments/_comment.html")
    # A template module's macros are attributes made at run time.
    return Markup(template.module.public(comment, shown))  # type: ignore[attr-defined]
