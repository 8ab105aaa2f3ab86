"""Markdown to sanitised HTML: the one pipeline for originals and machine translations."""
from __future__ import annotations

from functools import lru_cache

import bleach
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"


def _link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _image(self, tokens, idx, options, env):
    # Never an <img>: a picture from another host would tell it who reads the page.
    # The reader gets the description as a link and decides to follow it or not.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}" rel="{LINK_REL}">{escapeHtml(alt)}</a>'


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    # Raw HTML is off: people write markdown, never markup.
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


def render_markdown(source: str) -> str:
    """Render markdown to HTML that is safe to insert into any page."""
    html = markdown_parser().render(source or "")
    # bleach is the last word even though markdown-it already escapes: an allowlist that
    # the renderer's output must pass is what makes translated text safe too.
    return bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        protocols=ALLOWED_PROTOCOLS, strip=True)


def render_plain(text: str) -> Markup:
    """Escape a plain text (a title, a name) for HTML: no markup survives in it."""
    return escape(text or "")
