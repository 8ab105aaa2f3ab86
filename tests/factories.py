"""Make users, topics, proposals and comments through the real services."""
from __future__ import annotations

import itertools

from forum.accounts import service as accounts
from forum.accounts.models import Role
from forum.comments import service as comments
from forum.proposals import service as proposals

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def user(name: str | None = None, language: str = "en", role: str = "citizen",
         password: str = PASSWORD):
    """Register a person."""
    return accounts.register(name or f"person{next(_counter)}", password, language,
                             role=Role(role))


def with_address(person, address: str):
    """Give a person an e-mail address they have confirmed (not committed)."""
    from forum.db import utcnow

    person.email = address
    person.email_confirmed_at = utcnow()
    return person


def topic(name: str | None = None, language: str = "en"):
    """Create a topic."""
    return proposals.create_topic(name or f"Topic {next(_counter)}", "A topic.", language)


def process(title: str | None = None, topics=(), phases=(), slug: str | None = None,
            language: str = "en"):
    """Create a process using `topics`, with phases given as (start, end, {action: bool})."""
    from forum.processes import service as processes

    made = processes.create_process(None, title or f"Process {next(_counter)}", "About it.",
                                    language, slug, [t.id for t in topics])
    for number, (starts_on, ends_on, opens) in enumerate(phases, 1):
        processes.save_phase(None, made, f"Phase {number}", language, starts_on, ends_on,
                             opens)
    return made


def proposal(author=None, topic_=None, title: str | None = None, body: str | None = None,
             language: str | None = None):
    """Publish a proposal."""
    author = author or user()
    return proposals.create_proposal(
        author, topic_ or topic(), title or f"A proposal number {next(_counter)}",
        body or "A body long enough to be accepted as a proposal.", language or author.language)


def comment(proposal_, author=None, body: str = "A comment.", parent=None,
            language: str | None = None, alignment: str | None = None):
    """Publish a comment or a reply."""
    author = author or user()
    return comments.post_comment(author, proposal_, body, language or author.language,
                                 alignment, parent)


def answer(proposal_, admin=None, state: str = "accepted",
           body: str = "The council accepts this proposal and will fund it next year.",
           language: str | None = None):
    """Publish an official answer to a proposal."""
    from forum.answers import service as answers

    admin = admin or user(role="admin")
    return answers.give_answer(proposal_, admin, state, body, language or admin.language)


def milestone(proposal_, title: str = "Works begin", due_on=None, done: bool = False,
              language: str = "en"):
    """Add a milestone to a proposal's follow-up timeline."""
    from datetime import date

    from forum.answers import service as answers

    return answers.add_milestone(proposal_, title, due_on or date.today(), language, done)


def event(process_=None, organiser=None, title: str = "Neighbourhood meeting on the river walk",
          starts=None, hours: int = 2, capacity: int | None = None, kind: str = "in_person",
          language: str = "en", proposals=(), timezone: str = "Europe/Madrid",
          description: str = "We meet to talk about the **river walk** and its trees."):
    """Publish an event in a process (the default one unless given), a week ahead unless told;
    `starts` is a wall-clock time in `timezone`."""
    from datetime import datetime, timedelta

    from forum.events import service as events
    from forum.processes import service as processes

    organiser = organiser or user(role="admin")
    starts = starts or (datetime.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    draft = events.EventDraft(
        title=title, description=description, language=language, kind=kind,
        starts_local=starts, ends_local=starts + timedelta(hours=hours), timezone=timezone,
        capacity=capacity,
        address="Town hall, room 2\nMain square 1" if kind == "in_person" else "",
        online_url="https://meet.example.org/river-walk" if kind == "online" else "",
        proposal_ids=tuple(p.id for p in proposals))
    return events.create_event(organiser, process_ or processes.default_process(), draft)
