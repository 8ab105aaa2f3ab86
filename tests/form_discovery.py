"""Find every form the forum shows, as a browser would, so generic tests can attack them all.

A `world` holds one of everything (content, an official answer, a report, hidden items, an
appeal, a suspension) and people who between them see every form: a visitor, an admin who
wrote the content, another admin, and a suspended citizen (who may appeal). `discover`
visits every GET route of the URL map as each of them and collects the forms of the pages,
with the values a browser would send.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from bleach._vendor import html5lib  # parsed by browsers' rules, as bleach does
from flask import url_for

import factories as make
from fixtures_core import browser, log_in

TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "hidden", "number", "date",
              "datetime-local", ""}
FILLERS = {"email": "someone@example.org", "url": "https://example.org/", "number": "1",
           "date": "2026-01-31", "datetime-local": "2026-01-31T18:00"}
# Valid in every text field: a name, a title, a body, a reason (no comma: names refuse it).
FILLER = "Harmless words long enough for forms"


@dataclass
class Form:
    """A form as shown on a page: where it goes, and what a browser would send."""

    persona: str
    page: str
    method: str
    action: str
    endpoint: str
    values: dict[str, list[str]]
    text_fields: list[str] = field(default_factory=list)   # typed into: inputs, textareas
    choice_fields: list[str] = field(default_factory=list)  # picked: selects, radios, boxes
    acts: bool = False  # its button names an action (hide, lock, ban…) that changes the world

    @property
    def has_fields(self) -> bool:
        """Say whether a person types or picks anything (not a bare button: log out…)."""
        return bool(self.text_fields or self.choice_fields)

    @property
    def key(self) -> tuple:
        # Both admins see the same forms: whoever saw one first sends it.
        return (self.method, self.endpoint, tuple(sorted(self.values)))

    def data(self, **overrides: str) -> dict[str, list[str]]:
        """Return the values to send, with some fields set to other values."""
        return {**self.values, **{name: [value] for name, value in overrides.items()}}


def build_world(app) -> dict:
    """Create one of everything a form can be about; return URL values, people, variants."""
    from forum.answers import service as answers
    from forum.moderation import appeals, reports
    from forum.moderation import service as moderation
    from forum.moderation.models import Action
    from forum.residents.service import create_batch

    author = make.user("Author", role="admin")
    admin, citizen, suspended = make.user("Admin", role="admin"), make.user("Citizen"), \
        make.user("Suspended")
    topic = make.topic("Housing")
    proposal = make.proposal(author=author, topic_=topic)
    comment = make.comment(proposal, author=author)
    make.comment(proposal, author=citizen, parent=comment)  # a notification for the author
    milestone = make.milestone(proposal)
    answered = make.proposal(author=author, topic_=topic)
    answers.give_answer(answered, admin, "accepted", "The council accepts it and will fund "
                        "it next year.", "en")
    reports.file_report(citizen, proposal, "spam", "")
    hidden, hidden_comment, appealed = make.proposal(author=author, topic_=topic), \
        make.comment(proposal, author=author), make.comment(proposal, author=author)
    for item in (hidden, hidden_comment, appealed):
        moderation.act(admin, item, Action.HIDE, "A reason given in public.")
    appeals.lodge(author, appeals.appealable_decision(author, appealed),
                  "Please think again about this.", "en")
    moderation.restrict(admin, suspended, Action.SUSPEND, "A reason given in public.", 7)
    # A process at the topic's slug, so that {slug} names one of each; phases past and
    # coming, so that its pages and forms show dates and what each phase opens.
    process = make.process("Housing plan", slug=topic.slug, phases=[
        (date(2020, 1, 1), date(2020, 2, 1), {"comments": True}),
        (date(2020, 2, 2), date(2020, 3, 1), {"answers": True})])
    event, past = _events(process, proposal, author)
    reset, confirm = _links(citizen, author, app)
    values = {"proposal_id": proposal.id, "comment_id": comment.id, "user_id": author.id,
              "topic_id": topic.id, "slug": topic.slug, "milestone_id": milestone.id,
              "filename": "style.css", "name": "proposals", "anything": "nowhere",
              "token": reset, "batch_id": create_batch(3, "Town hall desk")[0].id,
              "process_id": process.id, "phase_id": process.phases[0].id,
              "event_id": event.id, "term_id": _glossary_term()}
    variants = [{"proposal_id": hidden.id, "comment_id": hidden_comment.id,
                 "event_id": past.id},
                {"proposal_id": answered.id, "user_id": citizen.id, "token": confirm}]
    return {"values": values, "variants": variants,
            "people": {"author": author, "admin": admin, "suspended": suspended}}


def _glossary_term() -> int:
    """Return the id of a fixed term of the translation glossary (its form has every field)."""
    from flask import current_app

    from forum.machine_translation.glossary import FIXED
    from forum.machine_translation.glossary_terms import TermInput, create_term

    renderings = {code: f"Council ({code})" for code in current_app.config["LANGUAGES"]}
    return create_term(TermInput("Town Council", None, FIXED, renderings=renderings), None)[0].id


def _events(process, proposal, author) -> tuple:
    """Return an upcoming event the author registered for, and a past one (minutes open)."""
    from datetime import datetime, timedelta

    from forum.events import service as events

    event = make.event(process, author, proposals=[proposal], capacity=5)
    events.register(author, event)
    past = make.event(process, author, proposals=[proposal],
                      starts=datetime.now() - timedelta(days=20))
    return event, past


def _links(citizen, author, app) -> tuple[str, str]:
    """Return a citizen's password-reset link and the author's address confirmation.

    With a mail server configured (nothing is sent during a request: the worker sends),
    the forgot-password form and the author's "send the link again" are shown.
    """
    from forum.db import db
    from forum.recovery import tokens

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9)
    citizen.email, author.email = "citizen@example.org", "author@example.org"
    raw = (tokens.issue(citizen, tokens.RESET, 3600),
           tokens.issue(author, tokens.CONFIRM, 3600, email=author.email))
    db.session.commit()
    return raw


_discovered: dict[tuple, list] = {}


@pytest.fixture
def site(app):
    """The world, a browser per persona, and every form (found once per test process)."""
    world = build_world(app)
    clients = personas(app, world)
    # Every test builds the same world on a fresh database, so ids and forms repeat.
    key = (tuple(sorted(str(rule) for rule in app.url_map.iter_rules())),
           tuple(sorted(world["values"].items())))
    if key not in _discovered:
        _discovered[key] = discover(app, world, clients)
    return world, clients, _discovered[key]


def personas(app, world, csrf: bool = False) -> dict:
    """Return a logged-in browser per persona (a visitor's is anonymous)."""
    clients = {"anonymous": browser(app)}
    for name, person in world["people"].items():
        clients[name] = browser(app)
        log_in(clients[name], person, csrf=csrf)
    return clients


# Forms whose success ends the persona's login (logins are kept on the server, so every copy
# of the cookie ends with it) or account: attacks that may succeed leave them out.
ENDING = {"accounts.logout", "accounts.log_out_everywhere", "privacy.delete_account",
          "accounts.change_password"}


def as_persona(app, clients, persona: str):
    """Return a fresh browser holding the persona's session cookie."""
    fresh = browser(app)
    cookie = clients[persona].get_cookie("session", domain="forum.test")
    if cookie is not None:
        fresh.set_cookie("session", cookie.value, domain="forum.test")
    return fresh


def answered(response) -> int:
    """Return a response's status after reading it whole (streams run to the end)."""
    try:
        response.get_data()
        return response.status_code
    finally:
        response.close()


def post_routes(app, world) -> dict[str, str]:
    """Return an address for every POST route of the URL map, by endpoint."""
    found = {}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.arguments <= world["values"].keys():
            with app.test_request_context():
                found[rule.endpoint] = url_for(rule.endpoint, **{
                    name: world["values"][name] for name in rule.arguments})
    return found


def page_addresses(app, world) -> list[str]:
    """Return an address for every GET route (twice for routes about hidden items)."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        variants = [{**world["values"], **variant} for variant in world["variants"]]
        for values in [world["values"], *variants]:
            if rule.arguments <= values.keys():
                with app.test_request_context():
                    found.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return sorted(set(found))


def endpoint_of(app, method: str, path: str) -> str | None:
    """Name the endpoint a request would reach, or None."""
    adapter = app.url_map.bind("forum.test")
    try:
        return adapter.match(urlsplit(path).path, method=method)[0]
    except Exception:  # noqa: BLE001 - not found, wrong method, redirect: not a form target
        return None


def discover(app, world, clients) -> list[Form]:
    """Visit every page as every persona; return each distinct form found."""
    forms: dict[tuple, Form] = {}
    for address in page_addresses(app, world):
        for persona, client in clients.items():
            for form in parse_forms(app, html_of(client, address), persona, address):
                forms.setdefault(form.key, form)
    # Forms that act on the world go last, so the others still find it as it was.
    return sorted(forms.values(), key=lambda form: form.acts)


def html_of(client, address: str) -> str:
    """Return the HTML of a page that answers 200, else "" (downloads are closed unread)."""
    response = client.get(address)
    try:
        if response.status_code != 200 or "html" not in response.content_type:
            return ""
        return response.get_data(as_text=True)
    finally:
        response.close()  # a streamed download ends here, not whenever it is collected


def parse_forms(app, html: str, persona: str, page: str) -> list[Form]:
    """Return the forms of a page, each with what a browser would send by default."""
    if not html:
        return []
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter("form"):
        method = element.get("method", "get").upper()
        action = element.get("action") or page
        endpoint = endpoint_of(app, method, action)
        if endpoint is None or urlsplit(action).netloc:
            continue
        form = Form(persona, page, method, action, endpoint, {})
        _read_fields(form, element)
        found.append(form)
    return found


def _read_fields(form: Form, element) -> None:
    submitted = False
    for control in element.iter():
        name, tag = control.get("name"), control.tag
        kind = (control.get("type") or "").lower()
        if not name:
            continue
        if tag == "textarea" or (tag == "input" and kind in TEXT_TYPES):
            value = control.text if tag == "textarea" else control.get("value")
            # A person types into empty visible fields; hidden ones go as the page set them.
            form.values[name] = [value or ("" if kind == "hidden" else _filler(kind))]
            if name != "csrf_token":
                form.text_fields.append(name)
        elif tag == "select":
            form.values[name] = [_selected(control)]
            form.choice_fields.append(name)
        elif tag == "input" and kind in ("checkbox", "radio"):
            _choose(form, name, control, kind)
        elif tag in ("button", "input") and kind in ("submit", "") and not submitted:
            # Pressing Enter submits with the first submit button, as a browser does.
            form.values[name] = [control.get("value", "")]
            form.acts = submitted = True


def _filler(kind: str) -> str:
    return FILLERS.get(kind, FILLER)


def _selected(select) -> str:
    options = list(select.iter("option"))
    chosen = [o for o in options if o.get("selected") is not None] or options[:1]
    return chosen[0].get("value", chosen[0].text or "") if chosen else ""


def _choose(form: Form, name: str, control, kind: str) -> None:
    if name not in form.choice_fields:
        form.choice_fields.append(name)
    checked = control.get("checked") is not None
    if kind == "radio" and (checked or name not in form.values):
        form.values[name] = [control.get("value", "on")]  # a person picks one
    elif kind == "checkbox" and checked:
        form.values.setdefault(name, []).append(control.get("value", "on"))
