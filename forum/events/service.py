"""Organising events, registering for them, and their minutes; the writing functions commit.

Capacity holds under concurrency because every change to who takes part starts by
updating the event's own row: registering is one conditional UPDATE
(`registered_count + 1 WHERE registered_count < capacity`) that decides between a seat
and the waiting list, and unregistering locks the row before it frees a seat and hands
it to the first person waiting. On PostgreSQL the row lock serialises them; SQLite
serialises every writer anyway.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import User
from forum.audit import service as audit
from forum.content.render import render_markdown
from forum.db import db, rows_changed, utcnow
from forum.events import rules
from forum.events.models import Event, EventProposal, EventRegistration, Registration
from forum.items import ItemKind
from forum.notifications import service as notifications
from forum.processes.models import Process
from forum.proposals.models import Proposal

MESSAGE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class EventDraft:
    """What an organiser says about an event, as typed: local times in a named zone."""

    title: str
    description: str
    language: str
    kind: str
    starts_local: datetime | None
    ends_local: datetime | None
    timezone: str
    capacity: int | None = None
    address: str = ""
    online_url: str = ""
    proposal_ids: tuple[int, ...] = ()


def create_event(organiser, process: Process, draft: EventDraft) -> Event:
    """Create an event in a process, linked to some proposals; its texts are translated."""
    values, proposal_ids = rules.checked(draft), _proposals(draft.proposal_ids)
    event = Event(process_id=process.id, organiser_id=organiser.id if organiser else None,
                  **values)
    db.session.add(event)
    db.session.flush()
    _link(event, proposal_ids)
    audit.record("event_created", organiser, detail=f"{event.id}")
    db.session.commit()
    return event


def update_event(event: Event, draft: EventDraft, actor=None) -> None:
    """Change an event; added seats go to the people waiting, who are told."""
    values, proposal_ids = rules.checked(draft), _proposals(draft.proposal_ids)
    _lock(event)
    for name, value in values.items():
        setattr(event, name, value)
    event.updated_at = utcnow()
    _link(event, proposal_ids)
    db.session.flush()
    _fill_seats(event)
    audit.record("event_changed", actor, detail=f"{event.id}")
    db.session.commit()


def set_hidden(event: Event, hidden: bool, actor=None) -> None:
    """Hide an event from every page and calendar, or show it again."""
    event.hidden_at = (event.hidden_at or utcnow()) if hidden else None
    event.updated_at = utcnow()
    audit.record("event_hidden" if hidden else "event_shown", actor, detail=f"{event.id}")
    db.session.commit()


def _proposals(ids) -> list[int]:
    """Return the ids of visible proposals among `ids`, or raise ContentError for the others."""
    wanted = set(ids)
    if not wanted:
        return []
    found = set(db.session.scalars(select(Proposal.id).where(
        Proposal.id.in_(wanted), Proposal.hidden_at.is_(None), Proposal.deleted_at.is_(None))))
    if wanted - found:
        raise rules.refusal("proposals", _l("No visible proposal has the number %(ids)s.",
                                            ids=", ".join(map(str, sorted(wanted - found)))))
    return sorted(found)


def _link(event: Event, proposal_ids: list[int]) -> None:
    """Make the event's linked proposals exactly these, keeping the discussed marks."""
    current = {link.proposal_id: link for link in db.session.scalars(
        select(EventProposal).where(EventProposal.event_id == event.id))}
    for proposal_id, link in current.items():
        if proposal_id not in proposal_ids:
            db.session.delete(link)
    db.session.add_all(EventProposal(event_id=event.id, proposal_id=proposal_id)
                       for proposal_id in proposal_ids if proposal_id not in current)


# --- Registering ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """Where a registration left a person: registered, or waiting at a position."""

    state: str
    position: int | None = None
    new: bool = True


def register(user, event: Event) -> Outcome:
    """Register a person, or put them on the waiting list when every seat is taken."""
    rules.require_registration_open(event)
    existing = registration_of(user, event)
    if existing is not None:
        return Outcome(existing.state, existing.position and waiting_rank(
            event.id, existing.position), new=False)
    seat = db.session.execute(update(Event).where(
        Event.id == event.id, Event.hidden_at.is_(None), Event.ends_at > utcnow(),
        or_(Event.capacity.is_(None), Event.registered_count < Event.capacity))
        .values(registered_count=Event.registered_count + 1)
        .execution_options(synchronize_session=False))
    if rows_changed(seat):
        outcome = Outcome(Registration.REGISTERED)
    else:
        outcome = Outcome(Registration.WAITING, _queue(event))
    try:
        with db.session.begin_nested():
            db.session.add(EventRegistration(event_id=event.id, user_id=user.id,
                                             state=outcome.state, position=outcome.position))
    except IntegrityError:  # the same person from two tabs at once: the first one counts
        db.session.rollback()
        found = registration_of(user, event)
        return Outcome(found.state, found.position, new=False) if found else outcome
    db.session.commit()
    db.session.refresh(event)
    if outcome.position is not None:
        return Outcome(outcome.state, waiting_rank(event.id, outcome.position))
    return outcome


def waiting_rank(event_id: int, position: int) -> int:
    """Return how many people wait before a waiting position, plus one."""
    return db.session.scalar(select(func.count(EventRegistration.id)).where(
        EventRegistration.event_id == event_id, EventRegistration.state == Registration.WAITING,
        EventRegistration.position <= position)) or 1


def _queue(event: Event) -> int:
    """Take the next place on the waiting list (the row is locked by this UPDATE)."""
    position = db.session.execute(
        update(Event).where(Event.id == event.id, Event.hidden_at.is_(None),
                            Event.ends_at > utcnow())
        .values(waiting_count=Event.waiting_count + 1, last_position=Event.last_position + 1)
        .returning(Event.last_position).execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if position is None:  # hidden or over since the page was read
        db.session.rollback()
        raise rules.refusal("event", rules.CLOSED)
    return position


def unregister(user, event: Event) -> bool:
    """Withdraw a person's registration; a freed seat goes to the first person waiting."""
    rules.require_not_over(event)
    _lock(event)
    if not _withdraw(event, user.id):
        db.session.rollback()
        return False
    _fill_seats(event)
    db.session.commit()
    db.session.refresh(event)
    return True


def _withdraw(event: Event, user_id: int) -> bool:
    """Delete a person's registration and count it out (the event row is locked)."""
    state = db.session.execute(delete(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.user_id == user_id)
        .returning(EventRegistration.state).execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if state is None:
        return False
    counter = "registered_count" if state == Registration.REGISTERED else "waiting_count"
    db.session.execute(update(Event).where(Event.id == event.id)
                       .values({counter: getattr(Event, counter) - 1})
                       .execution_options(synchronize_session=False))
    return True


def _lock(event: Event) -> None:
    """Lock the event's row first, as registering does, so changes queue up in one order."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def _fill_seats(event: Event) -> None:
    """Give free seats to the people waiting longest, and tell them (event row locked)."""
    capacity, taken = db.session.execute(select(Event.capacity, Event.registered_count)
                                         .where(Event.id == event.id)).one()
    free = None if capacity is None else capacity - taken
    if free is not None and free <= 0:
        return
    waiting = select(EventRegistration.id, EventRegistration.user_id).where(
        EventRegistration.event_id == event.id,
        EventRegistration.state == Registration.WAITING).order_by(EventRegistration.position)
    promoted = list(db.session.execute(waiting if free is None else waiting.limit(free)))
    if not promoted:
        return
    db.session.execute(update(EventRegistration)
                       .where(EventRegistration.id.in_([row.id for row in promoted]))
                       .values(state=Registration.REGISTERED, position=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Event).where(Event.id == event.id).values(
        registered_count=Event.registered_count + len(promoted),
        waiting_count=Event.waiting_count - len(promoted))
        .execution_options(synchronize_session=False))
    notifications.notify([row.user_id for row in promoted], "event_seat",
                         item_type=ItemKind.EVENT, item_id=event.id)


def forget_person(user_id: int) -> None:
    """Withdraw a deleted person from every event, handing their seats on (caller commits)."""
    for event in db.session.scalars(select(Event).join(
            EventRegistration, EventRegistration.event_id == Event.id)
            .where(EventRegistration.user_id == user_id)):
        _lock(event)
        _withdraw(event, user_id)
        if not event.is_over():
            _fill_seats(event)


# --- Organisers ----------------------------------------------------------------------------

def message_attendees(organiser, event: Event, text: str) -> int:
    """Send registered people a message as a notification; return how many got it."""
    text = rules.check_message(text)
    attendees = db.session.scalars(select(EventRegistration.user_id).where(
        EventRegistration.event_id == event.id,
        EventRegistration.state == Registration.REGISTERED))
    sent = notifications.notify(list(attendees), "event_message", item_type=ItemKind.EVENT,
                                item_id=event.id, actor_id=organiser.id, detail=text)
    audit.record("event_message_sent", organiser, detail=f"{event.id}: {sent}")
    db.session.commit()
    return sent


def publish_minutes(event: Event, minutes: str, discussed_ids=(), actor=None) -> None:
    """Publish (or correct) an event's minutes and mark which linked proposals it discussed."""
    rules.require_over(event)
    minutes = rules.check_minutes(minutes)
    linked = set(db.session.scalars(select(EventProposal.proposal_id).where(
        EventProposal.event_id == event.id)))
    if set(discussed_ids) - linked:
        raise rules.refusal("discussed", _l("Choose among the proposals linked to the event."))
    event.minutes_source, event.minutes_html = minutes, render_markdown(minutes)
    event.minutes_published_at = event.minutes_published_at or utcnow()
    event.updated_at = utcnow()
    for discussed in (True, False):
        chosen = EventProposal.proposal_id.in_(list(discussed_ids))
        db.session.execute(update(EventProposal).where(
            EventProposal.event_id == event.id, chosen if discussed else ~chosen)
            .values(discussed=discussed).execution_options(synchronize_session=False))
    audit.record("event_minutes_published", actor, detail=f"{event.id}")
    db.session.commit()


def attendees(event: Event) -> list[tuple[str, str, int | None]]:
    """Return the display name, state and waiting position of everyone registered."""
    return [(row.display_name, row.state, row.position) for row in db.session.execute(
        select(User.display_name, EventRegistration.state, EventRegistration.position)
        .join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.event_id == event.id)
        .order_by(EventRegistration.state, EventRegistration.position, EventRegistration.id))]


# --- Reading -------------------------------------------------------------------------------

def registration_of(user, event: Event) -> EventRegistration | None:
    """Return a person's registration for an event (no query for visitors)."""
    if not (user and user.is_authenticated):
        return None
    return db.session.scalar(select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.user_id == user.id))


def events_of(process: Process, include_hidden: bool = False) -> tuple[list[Event], list[Event]]:
    """Return a process's upcoming (soonest first) and past (latest first) events."""
    query = select(Event).where(Event.process_id == process.id)
    if not include_hidden:
        query = query.where(Event.hidden_at.is_(None))
    found = list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))
    now = utcnow()
    return ([e for e in found if not e.is_over(now)],
            [e for e in reversed(found) if e.is_over(now)])


def visible_events(process: Process) -> list[Event]:
    """Return a process's visible events in date order (for its calendar)."""
    return list(db.session.scalars(select(Event).where(
        Event.process_id == process.id, Event.hidden_at.is_(None))
        .order_by(Event.starts_at, Event.id)))


def upcoming_events(process: Process, limit: int = 5) -> list[Event]:
    """Return the next visible events of a process, soonest first."""
    return list(db.session.scalars(select(Event).where(
        Event.process_id == process.id, Event.hidden_at.is_(None), Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id).limit(limit)))


def linked_proposals(event: Event) -> list[tuple[Proposal, bool]]:
    """Return the visible proposals an event treats, each with whether it was discussed."""
    return [(row.Proposal, row.discussed) for row in db.session.execute(
        select(Proposal, EventProposal.discussed)
        .join(EventProposal, EventProposal.proposal_id == Proposal.id)
        .where(EventProposal.event_id == event.id, Proposal.hidden_at.is_(None))
        .order_by(Proposal.id))]


def events_of_proposal(proposal_id: int) -> list[tuple[Event, bool]]:
    """Return the visible events treating a proposal, by date, each with the discussed mark."""
    return [(row.Event, row.discussed) for row in db.session.execute(
        select(Event, EventProposal.discussed)
        .join(EventProposal, EventProposal.event_id == Event.id)
        .where(EventProposal.proposal_id == proposal_id, Event.hidden_at.is_(None))
        .order_by(Event.starts_at, Event.id))]
