"""The XSS corpus through every form, the API and machine translations: nothing runs.

Forms are not listed here: they are found by visiting every page of the URL map as every
kind of person (form_discovery), so a new form is attacked the day it appears. Each text
field, hidden ones included, gets every payload; payloads travel in small batches, each
its own markdown block, to keep the number of requests affordable.
"""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

import factories as make
from fixtures_core import browser, log_in, store_translation
from form_discovery import build_world, html_of, page_addresses, site  # noqa: F401
from forum.db import db
from xss_payloads import PAYLOADS, executable_markup, page_problems

CHUNKS = 4
BATCH = 6
# POST routes no page shows a form for, and why that is fine.
FORMLESS = {
    "api.unknown": "the API's answer to unknown addresses, for every method",
    "machine_translation.retry": "a button shown only beside failed translation jobs",
}


def chunk(number: int) -> list[str]:
    return PAYLOADS[number::CHUNKS]


def batches(payloads: list[str]) -> list[str]:
    """Join payloads in groups, each its own paragraph, as one field's text."""
    return ["\n\n".join(payloads[i:i + BATCH]) for i in range(0, len(payloads), BATCH)]


def problems_in(response) -> list[str]:
    """List what could run in a response: in a page, or in the HTML fields of JSON."""
    try:
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        if "html" in response.content_type:
            return page_problems(response.get_data(as_text=True))
        if response.is_json:
            fields = _html_fields(response.get_json())
            return [problem for html in fields for problem in executable_markup(html)]
        return []
    finally:
        response.close()


def _html_fields(value) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "html" and isinstance(v, str)] + \
            [h for k, v in value.items() if k != "html" for h in _html_fields(v)]
    if isinstance(value, list):
        return [h for v in value for h in _html_fields(v)]
    return []


def send(app, clients, form, data):
    """Send a form as its persona would (visitors from a fresh browser each time)."""
    client = browser(app) if form.persona == "anonymous" else clients[form.persona]
    if form.method == "GET":
        return client.get(form.action, query_string=data)
    return client.post(form.action, data=data)


def test_every_post_route_has_a_form_to_attack(app, site):
    _, _, forms = site
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posts - {form.endpoint for form in forms} - FORMLESS.keys() == set(), \
        "no page shows a form for these routes: add what they need to form_discovery's world"
    assert FORMLESS.keys() <= posts, "gone from the URL map: drop them from FORMLESS"


@pytest.mark.parametrize("number", range(CHUNKS))
def test_no_form_lets_markup_through(app, site, number):
    world, clients, forms = site
    texts = batches(chunk(number))
    # Bare buttons (log out, support, withdraw…) have no field to carry a payload. Forms
    # change the world for the ones after them (an answer closes editing): every other
    # chunk takes them in reverse, so each runs first half of the time.
    forms = [form for form in forms if form.has_fields]
    forms = forms if number % 2 else [*reversed([f for f in forms if not f.acts]),
                                      *[f for f in forms if f.acts]]
    for form in forms:
        for name, values in fields_and_texts(form, texts):
            for text in values:
                problems = problems_in(send(app, clients, form, form.data(**{name: text})))
                assert problems == [], (form.endpoint, name, form.persona, problems)
    # What was stored, on every page, for a visitor and for the admin who wrote the world.
    for address in page_addresses(app, world):
        for persona in ("anonymous", "author"):
            html = html_of(clients[persona], address)
            assert page_problems(html) == [], (address, persona)


def fields_and_texts(form, texts: list[str]):
    """Yield each field with the texts to put in it: every batch in what people type, one
    in what they pick (a browser cannot send other values, an attacker can)."""
    for name in form.text_fields:
        yield name, texts
    for name in form.choice_fields:
        yield name, texts[:1]


def test_the_attack_finds_a_hole_when_there_is_one(app, site, monkeypatch):
    # Without this, a discovery that found no form or an oracle blind to what it looks for
    # would let every test above pass. Here comments are stored without sanitising.
    world, clients, forms = site
    monkeypatch.setattr("forum.comments.service.render_markdown", lambda source: source)
    form = next(form for form in forms if form.endpoint == "comments.create")
    send(app, clients, form, form.data(body=batches(PAYLOADS)[0])).close()
    html = html_of(clients["anonymous"], form.action.removesuffix("/comments"))
    assert "<script>" in page_problems(html)


# --- The API ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number", range(CHUNKS))
def test_the_api_never_carries_markup(app, client, number):
    author, topic = make.user("Author"), make.topic()
    for payload in chunk(number):
        proposal = make.proposal(author=author, topic_=topic, title=f"Title {payload}"[:160],
                                 body=f"{payload}\n\nEnough words for a body.")
        make.comment(proposal, author=author, body=payload)
        detail = client.get(f"/api/v1/proposals/{proposal.id}")
        assert problems_in(detail) == []
        assert detail.headers["X-Content-Type-Options"] == "nosniff"
        assert detail.mimetype == "application/json"
        assert detail.get_json()["title"]["text"] == " ".join(f"Title {payload}"[:160].split())
    for address in ("/api/v1/proposals", "/api/v1/proposals?page=2", "/api/v1/topics"):
        assert problems_in(client.get(address)) == []


# --- Machine translations ---------------------------------------------------------------------

def bundle(author, admin) -> dict:
    """Create one item of every translated kind, around one proposal."""
    from forum.answers import service as answers
    from forum.events import service as events
    from forum.moderation import appeals
    from forum.moderation import service as moderation
    from forum.moderation.models import Action

    topic = make.topic()
    proposal = make.proposal(author=author, topic_=topic)
    comment = make.comment(proposal, author=author)
    hidden = make.comment(proposal, author=author)
    moderation.act(admin, hidden, Action.HIDE, "A reason given in public.")
    appeals.lodge(author, appeals.appealable_decision(author, hidden), "Please think again "
                  "about this.", "en")
    answers.give_answer(proposal, admin, "accepted", "The council accepts it and funds it.",
                        "en")
    make.milestone(proposal)
    event = make.event(organiser=admin, proposals=[proposal], starts=datetime(2026, 1, 10, 18))
    events.publish_minutes(event, "We discussed the proposal and agreed on a plan.")
    process = make.process(topics=[topic], phases=[(date(2020, 1, 1), date(2020, 1, 9),
                                                     {"comments": True})])
    return {"proposal": proposal, "comment": comment, "hidden": hidden, "topic": topic,
            "event": event, "process": process}


def translate_everything(payloads: list[str]) -> None:
    """Store, for every translated field of every item, a Spanish "translation" that is a
    payload: the n-th item of each kind gets payload n, marked so the test sees it shown."""
    from sqlalchemy import select

    from forum.machine_translation.translatable import TYPES, sources

    for kind in TYPES.values():
        items = db.session.scalars(select(kind.model).order_by(kind.model.id))
        for n, item in enumerate(items):
            index = n % len(payloads)
            for field in sources(item):
                store_translation(item, field, f"{payloads[index]} tr{index}x", "es")
    db.session.commit()


@pytest.mark.parametrize("number", range(CHUNKS))
def test_machine_translations_never_carry_markup(app, number):
    payloads = chunk(number)
    author, admin = make.user("Author"), make.user("Admin", role="admin")
    bundles = [bundle(author, admin) for _ in payloads]
    translate_everything(payloads)
    reader, moderator = browser(app), browser(app)
    reader.set_cookie("lang", "es", domain="forum.test")
    admin.language = "es"
    db.session.commit()
    log_in(moderator, admin)
    shown = []
    for n, items in enumerate(bundles):
        page = reader.get(f"/proposals/{items['proposal'].id}")
        shown.append(f"tr{n % len(payloads)}x" in page.get_data(as_text=True))
        assert problems_in(page) == []
        assert problems_in(reader.get(f"/comments/{items['hidden'].id}")) == []
        assert problems_in(reader.get(f"/events/{items['event'].id}")) == []
        assert problems_in(reader.get(f"/processes/{items['process'].slug}")) == []
        assert problems_in(reader.get(f"/api/v1/proposals/{items['proposal'].id}?lang=es")) == []
    assert all(shown), "the translations were not shown: the test would prove nothing"
    for address in ("/", "/proposals", "/proposals?page=2", "/moderation/log", "/accountability",
                    "/processes", "/api/v1/proposals?lang=es", "/api/v1/topics?lang=es",
                    "/api/v1/processes?lang=es", "/feed.atom?lang=es"):
        assert problems_in(reader.get(address)) == [], address
    for address in ("/moderation/appeals", "/moderation/hidden", "/moderation"):
        assert problems_in(moderator.get(address)) == [], address


class HostileEngine:
    """An engine whose every output is an attack, as a compromised model's could be."""

    name = "hostile"

    def __init__(self, payloads: list[str], languages: list[str]):
        self.payloads, self.languages, self.calls = payloads, languages, 0

    def available(self) -> bool:
        return True

    def pairs(self):
        from forum.machine_translation.engines.base import Pair

        return [Pair(s, t, engine=self.name) for s in self.languages for t in self.languages
                if s != t]

    def translate(self, segments, source, target):
        self.calls += len(segments)
        return [self.payloads[(self.calls + i) % len(self.payloads)]
                for i in range(len(segments))]

    def close(self) -> None:
        pass

    def refresh(self) -> None:
        pass


def test_a_hostile_engines_output_is_sanitised_by_the_worker(app):
    from sqlalchemy import select

    from forum.machine_translation.engines.router import Router
    from forum.machine_translation.models import Translation
    from forum.machine_translation.worker import Worker

    world = build_world(app)
    engine = HostileEngine(PAYLOADS, app.config["LANGUAGES"])
    Worker(Router([engine], engine_order=["hostile"]), "hostile-test").run(once=True)
    stored = list(db.session.scalars(select(Translation)))
    assert stored and engine.calls >= len(PAYLOADS) // 4
    for translation in stored:
        assert executable_markup(translation.html or "") == [], json.dumps(translation.html)
    reader = browser(app)
    reader.set_cookie("lang", "es", domain="forum.test")
    for address in page_addresses(app, world):
        assert page_problems(html_of(reader, address)) == [], address
