"""A forum with one of everything, and the address of every page type in it.

The pages are taken from the app's URL map, so a new page is visited (and checked for
privacy and accessibility) without anyone remembering to add it here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for

import factories as make
from forum.comments import service as comments
from forum.comments import votes
from forum.db import db
from forum.recovery import tokens
from forum.residents.service import create_batch

# Endpoints that are not pages a person reads: downloads, redirects, the JSON API.
NOT_PAGES = ("static", "languages.choose", "api.", "health.", "feeds.", "privacy.download",
             "privacy.security_txt", "accountability.export", "events.calendar",
             "events.process_calendar")
ROLES = ("anonymous", "citizen", "moderator", "admin")
# Other layouts of a page type, visited too: {label: (endpoint, query with {values})}.
LAYOUTS = {"proposals.show (most helpful)": ("proposals.show", "order=best"),
           "proposals.show (for and against)": ("proposals.show",
                                                "order=sides&open={open_comment}")}


@dataclass
class World:
    people: dict
    values: dict


def build_world() -> World:
    """Create people, a topic, a proposal with a thread, a hidden comment, an answer."""
    author = make.user("Núria", language="ca")
    topic = make.topic("Mobility")
    proposal = make.proposal(author, topic, title="Carril bici a l'avinguda del riu",
                             body="Proposo un **carril bici** segregat.\n\n- Segur\n- Verd",
                             language="ca")
    first = make.comment(proposal, make.user("Tom", language="en"), "I cycle there daily.",
                         alignment="for")
    reply = make.comment(proposal, author, "Gràcies, Tom!", parent=first)
    people = {"citizen": author, "moderator": make.user("Mod", role="moderator"),
              "admin": make.user("Council", role="admin")}
    comments.post_comment(people["citizen"], proposal, "A second thought.", "en")
    votes.vote(people["admin"], first)  # the admin sees a count and the undo button
    values = {"proposal_id": proposal.id, "comment_id": reply.id, "user_id": author.id,
              "topic_id": topic.id, "slug": topic.slug, "anything": "nowhere",
              # A valid reset link (its form is toured); as a confirmation link it is not
              # one, so the tour also sees the page of a link that does not work.
              "token": tokens.issue(author, tokens.RESET, 3600),
              "batch_id": create_batch(4, "Letter to households", "Riverside")[0].id,
              "open_comment": first.id, "term_id": _glossary_term()}
    values.update(_optional_items(proposal, people))
    values.update(_event(topic, proposal, people))
    db.session.commit()
    return World(people, values)


def _glossary_term() -> int:
    """Return the id of a term of the translation glossary, kept as written in Catalan."""
    from forum.machine_translation.glossary import KEEP
    from forum.machine_translation.glossary_terms import TermInput, create_term

    return create_term(TermInput("avinguda del riu", "ca", KEEP), None)[0].id


def _optional_items(proposal, people) -> dict:
    """Give the proposal an official answer and a milestone, as the institution would."""
    from forum.answers import service as answers

    answers.give_answer(proposal, people["admin"], "under_review", "We are **studying** it.",
                        "en")
    milestone = answers.add_milestone(proposal, "Study published", date(2027, 1, 15), "en")
    return {"milestone_id": milestone.id}


def _event(topic, proposal, people) -> dict:
    """Give a process at the topic's slug an online event with a seat taken and a waiting list."""
    from forum.events import service as events

    today = date.today()
    process = make.process("Mobility plan", slug=topic.slug, phases=[
        (today - timedelta(days=9), today + timedelta(days=20), {"proposals": True,
                                                                 "comments": True,
                                                                 "supports": True}),
        (today + timedelta(days=21), today + timedelta(days=60), {"answers": True})])
    event = make.event(process, people["admin"], title="Hearing on the river cycle lane",
                       kind="online", capacity=1, proposals=[proposal])
    events.register(people["citizen"], event)
    events.register(people["moderator"], event)
    return {"event_id": event.id, "process_id": process.id, "phase_id": process.phases[0].id}


def page_addresses(app, values: dict) -> dict[str, str]:
    """Return {endpoint: address} for every GET page of the app."""
    addresses = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.startswith(NOT_PAGES):
                continue
            missing = set(rule.arguments) - set(values)
            assert not missing, f"the tour cannot fill {missing} for {rule.endpoint}"
            addresses[rule.endpoint] = url_for(rule.endpoint,
                                               **{k: values[k] for k in rule.arguments})
    for label, (endpoint, query) in LAYOUTS.items():
        addresses[label] = f"{addresses[endpoint]}?{query.format(**values)}"
    return addresses


def log_in(page, person, password: str = make.PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Display name").fill(person.display_name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")  # the front page: the login went through
