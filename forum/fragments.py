"""Rendered parts of pages that every reader of one language sees alike, kept per process.

A part (a comment's header and text, a proposal's card in a list) is kept under a key made
of everything its rendering reads, the interface locale included, so any change to what it
shows gives a new key: a kept part is never stale, and old ones fall out, least recently
used first, within FRAGMENT_CACHE_BYTES. A restart (an upgrade, new interface strings)
starts empty. What depends on the reader is rendered around the parts, every time.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup

from forum.lru import SizedLRU

EXTENSION = "fragments"


def init_app(app) -> None:
    """Give the app its store of rendered parts (none if FRAGMENT_CACHE_BYTES is 0)."""
    size = app.config["FRAGMENT_CACHE_BYTES"]
    app.extensions[EXTENSION] = SizedLRU(size) if size else None


def reuse(key: Hashable, render: Callable[[], Markup], key_bytes: int) -> Markup:
    """Return the part kept under `key`, or render it and keep it.

    `key_bytes` estimates what the key itself holds (texts in it), for the size budget.
    """
    store: SizedLRU | None = current_app.extensions[EXTENSION]
    if store is None:
        return render()
    html = store.get(key)
    if html is None:
        html = render()
        store.put(key, html, 2 * len(html) + key_bytes + 200)
    return html


def macro(template_name: str, name: str, *args) -> Markup:
    """Render one macro of a template, as a part to keep."""
    module = current_app.jinja_env.get_template(template_name).module
    return Markup(getattr(module, name)(*args))
