"""The public part of each comment, rendered once and reused by each web process.

A comment's header and text look the same to every reader of one language until something
about them changes. The key (see forum/fragments.py) holds everything the rendering reads:
the comment's id, dates, position and state, its author's name, the text shown with its
language and provenance, and the interface locale; so an edit, a translation stored or
redone, a moderator's decision, a deletion or an erased account gives a new key.
"""
from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup

from forum import fragments


def public_part(comment, shown) -> Markup:
    """Return the header and text of a comment as `shown`, rendered or reused."""
    author = comment.author
    key = ("comment", comment.id, comment.created_at, comment.edited_at, comment.deleted_at,
           comment.hidden_at is not None, comment.alignment,
           author.id if author else None, author.display_name if author else None,
           shown, str(get_locale()))
    return fragments.reuse(
        key, lambda: fragments.macro("comments/_comment.html", "public", comment, shown),
        len(shown.html) + len(shown.original_html))
