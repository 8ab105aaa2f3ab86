"""Helpers shared by the core tests: reading pages as a browser would, logging clients in."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from conftest import Browser, browser  # noqa: F401  (kept importable from here)
from factories import PASSWORD
from forum.db import db


def store_translation(item, field: str, text: str, language: str = "en",
                      engine: str = "apertium:spa-eng") -> None:
    """Store a machine translation of one field of an item, as a worker would (no commit)."""
    from forum.content.render import render_markdown
    from forum.machine_translation.models import Translation
    from forum.machine_translation.translatable import source_hash, sources

    text_field, source = sources(item)[field]
    db.session.add(Translation(
        item_type=item.__translatable__, item_id=item.id, field=field, language=language,
        source_language=item.language, source_hash=source_hash(item.language, source),
        text=text, html=render_markdown(text) if text_field.markdown else None, engine=engine))


def reload(item):
    """Return `item` as the database now holds it (requests commit in their own session)."""
    db.session.refresh(item)
    return item


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    """One element of a parsed page, with its attributes, children and text."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list = field(default_factory=list)  # Elements and strings, in order

    def iter(self):
        """Yield every element below this one, depth first, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Element]:
        """Return elements with this tag whose attributes contain these values."""
        found = []
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if all(_has(element, name.rstrip("_"), value) for name, value in attrs.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs) -> Element | None:
        """Return the first matching element, or None."""
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    @property
    def text(self) -> str:
        """Return the visible text, whitespace collapsed."""
        parts = []
        for child in self.children:
            parts.append(child.text if isinstance(child, Element) else child)
        return " ".join(" ".join(parts).split())

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


def _has(element: Element, name: str, value: str) -> bool:
    if name == "class":
        return value in element.classes()
    return element.attrs.get(name) == value


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    """Parse an HTML page into a tree of Elements."""
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def page(response) -> Element:
    """Parse a response's HTML."""
    return parse(response.get_data(as_text=True))


def main(response) -> Element:
    """Return the <main> element of a page (what is between the site's header and footer)."""
    found = page(response).find("main")
    assert found is not None, response.get_data(as_text=True)[:500]
    return found


def field_errors(response, name: str) -> str:
    """Return the error messages shown next to one form field."""
    errors = page(response).find("ul", id=f"{name}-errors")
    return errors.text if errors is not None else ""


def flashes(response) -> str:
    """Return the flash messages shown at the top of a page."""
    box = page(response).find("div", class_="flashes")
    return box.text if box is not None else ""


def csrf_token(client, path: str) -> str:
    """Fetch a page and return the CSRF token of its forms."""
    token = page(client.get(path)).find("input", name="csrf_token")
    assert token is not None, f"no form on {path}"
    return token.attrs["value"]


def log_in(client, user, password: str = PASSWORD, remember: bool = False, csrf: bool = False):
    """Log a test client in through the login form."""
    data = {"display_name": user.display_name, "password": password}
    if remember:
        data["remember"] = "y"
    if csrf:
        data["csrf_token"] = csrf_token(client, "/login")
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def location(response) -> str:
    """Return the path, query and fragment a redirect points to."""
    target = urlsplit(response.headers["Location"])
    return target.path + (f"?{target.query}" if target.query else "") \
        + (f"#{target.fragment}" if target.fragment else "")


def is_login_redirect(response) -> bool:
    """Say whether a response sends the browser to the login page, and back afterwards."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/login" and "next" in parse_qs(target.query)


def comment_ids(element: Element) -> list[int]:
    """Return the ids of the comments shown, in the order they appear."""
    return [int(li.attrs["id"][1:]) for li in element.find_all("li", class_="comment")
            if re.fullmatch(r"c\d+", li.attrs.get("id", ""))]
