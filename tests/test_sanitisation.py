"""No markup that runs reaches a page, whatever people write in titles, proposals, comments."""
from __future__ import annotations

import re

import pytest
from bleach._vendor import html5lib  # the parser bleach itself trusts: browsers' rules

import factories as make
from fixtures_core import log_in
from forum.comments.models import Comment
from forum.content.render import LINK_REL, render_markdown
from forum.db import db
from forum.proposals.models import Proposal

PAYLOADS = [
    # Script elements, however they are spelled or split.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "\"><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<img src=\"x` `<script>alert(1)</script>\"` `>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    # Dangerous URLs in raw links and embeds.
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">click</a>",
    "<a href=\"java\tscript:alert(1)\">click</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">click</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Style.
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    # Markdown links and images.
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,hello)",
    "[click](<javascript:alert(1)>)",
    "[x]: javascript:alert(1)\n\nSee [the reference][x].",
    "<javascript:alert(1)>",
    "![pic](javascript:alert(1))",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "![pic\" onerror=\"alert(1)](https://example.org/a.png)",
    "[x](https://example.org/\" onmouseover=\"alert(1))",
    "[x](https://example.org \"title\\\" onmouseover=\\\"alert(1)\")",
    # Unicode tricks.
    "[click](\u202ejavascript:alert(1))",
    "[click](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1))",
    "<a href=\"\u2028javascript:alert(1)\">click</a>",
    "[click](java\u00adscript:alert(1))",
    # Entity-encoded and escaped text stays text.
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]
assert len(PAYLOADS) >= 40

FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "svg", "math", "style", "img",
                  "object", "embed", "applet", "base", "video", "audio", "source", "isindex",
                  "marquee", "template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background",
                  "xlink:href", "srcset", "ping"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def _local(name: str) -> str:
    """Drop an element's or attribute's namespace: "{…svg}svg" → "svg"."""
    return name.rsplit("}", 1)[-1]


def _url(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a URL's scheme.
    return re.sub(r"[\x00-\x20\x7f-\x9f\u00ad\u2028\u2029\u200b-\u200f\u202a-\u202e]", "",
                  value).lower()


def executable_markup(html: str) -> list[str]:
    """List what, in `html` parsed the way a browser parses it, could run or load."""
    problems = []
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    body = document.find("body")
    for element in document.iter():
        tag = _local(str(element.tag))
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        if tag in {"meta", "link"} and body is not None and element in body.iter():
            problems.append(f"<{tag}> in body")
        for name, value in element.attrib.items():
            name = _local(name)
            if name.lower().startswith("on") or name.lower() in {"style", "srcdoc"}:
                problems.append(f"{tag} {name}=")
            if name.lower() in URL_ATTRIBUTES | {"href"} and _url(value).startswith(BAD_SCHEMES):
                problems.append(f"{tag} {name}={value!r}")
    return problems


def links_in_texts(html: str) -> list:
    """Return the <a> elements inside what people wrote (div.text) on a page."""
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter("div"):
        if "text" in element.attrib.get("class", "").split():
            found.extend(element.iter("a"))
    return found


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
