"""No markup that runs reaches a page, whatever people write in titles, proposals, comments."""
from __future__ import annotations

import pytest
from bleach._vendor import html5lib  # the parser bleach itself trusts: browsers' rules

import factories as make
from fixtures_core import log_in
from forum.comments.models import Comment
from forum.content.render import LINK_REL, render_markdown
from forum.db import db
from forum.proposals.models import Proposal
from xss_payloads import PAYLOADS, executable_markup, links_in_texts


def assert_safe(html: str) -> None:
    assert executable_markup(html) == [], html
    for link in links_in_texts(html):
        assert link.attrib.get("rel") == LINK_REL, html


# --- The renderer itself ---------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendered_markdown_carries_nothing_executable(app, payload):
    html = render_markdown(payload)
    assert executable_markup(html) == [], html
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for link in document.iter("a"):
        assert link.attrib.get("rel") == LINK_REL


def test_the_checker_catches_what_it_looks_for():
    # Without this, a checker that found nothing would make every test above pass.
    assert executable_markup("<p><script>x</script></p>") == ["<script>"]
    assert executable_markup("<a href=' JaVa\tScript:x'>y</a>") != []
    assert executable_markup("<svg><a xlink:href='javascript:x'>y</a></svg>") != []
    assert executable_markup("<b onclick=x>y</b>") == ["b onclick="]
    assert executable_markup("<a href='https://example.org/'>fine</a>") == []


@pytest.mark.parametrize("source, href", [
    ("[the plan](https://example.org/plan)", "https://example.org/plan"),
    ("See https://example.org/plan today", "https://example.org/plan"),
    ("<https://example.org/plan>", "https://example.org/plan"),
    ("Write to <town@example.org>", "mailto:town@example.org"),
    ("![the map](https://example.org/map.png)", "https://example.org/map.png"),
])
def test_links_are_kept_and_marked_as_user_content(app, source, href):
    document = html5lib.parse(render_markdown(source), treebuilder="etree",
                              namespaceHTMLElements=False)
    links = list(document.iter("a"))
    assert [(a.attrib["href"], a.attrib["rel"]) for a in links] == [(href, LINK_REL)]


def test_images_become_links_so_readers_decide(app):
    html = render_markdown("![the map of the park](https://tracker.example/map.png)")
    assert "<img" not in html
    assert ">the map of the park</a>" in html


def test_formatting_survives_sanitising(app):
    html = render_markdown("# Plan\n\n**bold** *it* ~~old~~ `code`\n\n- one\n- two\n\n> quote")
    for tag in ("<h1>", "<strong>", "<em>", "<s>", "<code>", "<ul>", "<li>", "<blockquote>"):
        assert tag in html


# --- Through the forum's own pages -----------------------------------------------------------

@pytest.fixture
def writer(client):
    """Log a citizen in, on a forum with one topic, and return the topic."""
    topic = make.topic()
    log_in(client, make.user("Marta"))
    return topic


def publish(client, topic, payload: str):
    """Post a proposal with the payload as title and body, and a comment and a reply."""
    title = " ".join(f"Title: {payload}".split())[:160]
    body = f"{payload}\n\nA few more words, so the body is long enough."
    response = client.post("/proposals/new", data={"title": title, "body": body,
                                                   "topic": topic.id, "language": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    proposal = db.session.scalar(db.select(Proposal).order_by(Proposal.id.desc()))
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={"body": payload, "language": "en"})
    assert response.status_code == 302
    comment = db.session.scalar(db.select(Comment).order_by(Comment.id.desc()))
    response = client.post(f"/comments/{comment.id}/reply",
                           data={"body": f"Quoting: {payload}", "language": "en"})
    assert response.status_code == 302
    return proposal, comment, title


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_page_shows_executable_markup(client, writer, payload):
    proposal, comment, title = publish(client, writer, payload)
    pages = [f"/proposals/{proposal.id}", "/proposals", "/", f"/topics/{writer.slug}",
             f"/proposals/{proposal.id}/edit", f"/comments/{comment.id}",
             f"/comments/{comment.id}/reply", f"/comments/{comment.id}/edit",
             f"/people/{proposal.author_id}"]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_safe(response.get_data(as_text=True))
    # Titles are plain text: shown exactly as written, never interpreted.
    shown = html5lib.parse(client.get(f"/proposals/{proposal.id}").get_data(as_text=True),
                           treebuilder="etree", namespaceHTMLElements=False)
    heading = next(shown.iter("h1"))
    assert " ".join("".join(heading.itertext()).split()) == title


def test_links_people_write_are_marked_on_the_page(client, writer):
    proposal, comment, _ = publish(client, writer, "See [the plan](https://example.org/plan)")
    for address in (f"/proposals/{proposal.id}", f"/comments/{comment.id}"):
        links = links_in_texts(client.get(address).get_data(as_text=True))
        assert len(links) >= 2  # in the proposal or the comment, and in the reply
        assert {(a.attrib["href"], a.attrib["rel"]) for a in links} == \
            {("https://example.org/plan", LINK_REL)}


@pytest.mark.parametrize("payload", PAYLOADS[::4])
def test_the_api_html_is_sanitised_too(client, writer, payload):
    proposal, _, title = publish(client, writer, payload)
    detail = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert detail["title"]["text"] == title
    for html in [detail["body"]["html"], *(c["body"]["html"] for c in detail["comments"])]:
        assert executable_markup(html) == [], html
