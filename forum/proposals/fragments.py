"""Each proposal's card in lists, rendered once and reused by each web process.

A card shows nothing that depends on the reader, so one rendering serves every reader of
one language until the proposal changes. The key (see forum/fragments.py) holds all it
shows: state, pin, counts, author's name, the title and topic name as shown with their
language and provenance, and the interface locale.
"""
from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup

from forum import fragments


def card(proposal, texts) -> Markup:
    """Return a proposal's card for the reader's language, rendered or reused."""
    title, topic_name = texts.shown(proposal, "title"), texts.shown(proposal.topic, "name")
    author = proposal.author
    key = ("card", proposal.id, proposal.state, proposal.created_at,
           proposal.pinned_at is not None, proposal.support_count,
           proposal.verified_support_count, proposal.comment_count,
           proposal.language, author.id if author else None,
           author.display_name if author else None, title, topic_name, str(get_locale()))
    return fragments.reuse(
        key, lambda: fragments.macro("proposals/_card.html", "card", proposal, title, topic_name),
        len(title.html) + len(title.original_html) + len(topic_name.html)
        + len(topic_name.original_html))
