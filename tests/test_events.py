"""Events of processes: organising them, registering with a waiting list, minutes, calendars."""
from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import browser, field_errors, flashes, log_in, main, page, reload
from forum import create_app
from forum.db import db
from forum.events import rules, service
from forum.events.models import Event, EventProposal, EventRegistration
from forum.machine_translation.models import JobState, TranslationJob
from forum.notifications.models import Notification
from forum.processes import service as processes
from xss_payloads import PAYLOADS, page_problems

SOON = (datetime.now() + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
PAST = SOON - timedelta(days=30)


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def form_data(**changes) -> dict:
    data = {"title": "Neighbourhood meeting on the river walk",
            "description": "We meet to talk about the **river walk**.", "language": "en",
            "kind": "in_person", "address": "Town hall, room 2", "online_url": "",
            "starts_at": SOON.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (SOON + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": "Europe/Madrid", "capacity": "30", "proposals": ""}
    return {**data, **changes}


@pytest.fixture
def admin(app):
    return make.user("Council", role="admin")


@pytest.fixture
def process(app):
    found = processes.default_process()
    db.session.commit()  # made here on PostgreSQL, whose tables the tests empty
    return found


# --- Organising ------------------------------------------------------------------------------

def test_an_admin_publishes_an_event_from_the_form(app, client, admin, process):
    proposal = make.proposal(title="More shade on the river walk")
    log_in(client, admin)
    response = client.post(f"/processes/{process.slug}/events/new",
                           data=form_data(proposals=f"{proposal.id}"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    event = db.session.scalar(select(Event))
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    # 18:00 in Madrid is stored in UTC, with the zone to show it in.
    assert event.timezone == "Europe/Madrid"
    assert rules.to_local(event.starts_at, "Europe/Madrid") == SOON
    assert event.starts_at != SOON and event.capacity == 30 and event.organiser_id == admin.id
    shown = main(client.get(f"/events/{event.id}")).text
    assert "Neighbourhood meeting on the river walk" in shown
    assert "6:00" in shown and "PM" in shown and "Europe/Madrid" in shown  # the local time
    assert "Town hall, room 2" in shown
    assert "0 of 30 taken" in shown and "More shade on the river walk" in shown


@pytest.mark.parametrize("changes, field, message", [
    ({"ends_at": (SOON - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")}, "ends_at",
     "must end after it starts"),
    ({"ends_at": SOON.strftime("%Y-%m-%dT%H:%M")}, "ends_at", "must end after it starts"),
    ({"capacity": "0"}, "capacity", "at least one seat"),
    ({"capacity": "-5"}, "capacity", "at least one seat"),
    ({"capacity": "many"}, "capacity", ""),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone", ""),
    ({"kind": "online", "online_url": "javascript:alert(1)"}, "online_url", "https://"),
    ({"kind": "online", "online_url": "ftp://files.example.org/"}, "online_url", "https://"),
    ({"kind": "online", "online_url": ""}, "online_url", "https://"),
    ({"address": ""}, "address", "at least"),
    ({"starts_at": "tomorrow"}, "starts_at", "year-month-day"),
    ({"starts_at": "2099-01-01T10:00", "ends_at": "2099-01-01T12:00"}, "starts_at", "years"),
    ({"proposals": "12; DROP"}, "proposals", "numbers"),
    ({"proposals": "999999"}, "proposals", "No visible proposal"),
    ({"title": ""}, "title", ""),
])
def test_a_wrong_event_is_refused_at_its_field_and_nothing_is_written(app, client, admin, process,
                                                                       changes, field, message):
    log_in(client, admin)
    response = client.post(f"/processes/{process.slug}/events/new", data=form_data(**changes))
    assert response.status_code == 422
    errors = field_errors(response, field)
    assert errors and message in errors, (field, errors)
    assert count(Event) == 0 and count(TranslationJob) == 0


def test_an_edit_that_is_refused_changes_nothing(app, client, admin):
    event = make.event(title="Evening walk with the gardeners", capacity=5)
    log_in(client, admin)
    response = client.post(f"/events/{event.id}/edit",
                           data=form_data(title="A new title", capacity="0"))
    assert response.status_code == 422
    assert reload(event).title == "Evening walk with the gardeners" and event.capacity == 5
    ok = client.post(f"/events/{event.id}/edit", data=form_data(title="A new title",
                                                                 kind="online",
                                                                 online_url="https://meet.example.org/x"))
    assert ok.status_code == 302
    assert reload(event).title == "A new title" and event.address == "" and event.kind == "online"


def test_the_edit_form_shows_the_local_times(app, client, admin):
    event = make.event(starts=SOON, timezone="America/New_York")
    log_in(client, admin)
    form = page(client.get(f"/events/{event.id}/edit"))
    assert form.find("input", name="starts_at").attrs["value"] == SOON.strftime("%Y-%m-%dT%H:%M")
    assert form.find("option", value="America/New_York").attrs.get("selected") is not None


def test_the_zone_select_starts_at_the_instances_zone(app, client, admin, process):
    app.config["DEFAULT_TIMEZONE"] = "Europe/Lisbon"
    log_in(client, admin)
    form = page(client.get(f"/processes/{process.slug}/events/new"))
    assert form.find("option", value="Europe/Lisbon").attrs.get("selected") is not None


# --- Registering -----------------------------------------------------------------------------

def test_registration_fills_the_seats_then_the_waiting_list(app):
    event = make.event(capacity=2)
    people = [make.user() for _ in range(4)]
    outcomes = [service.register(person, event) for person in people]

    assert [o.state for o in outcomes] == ["registered", "registered", "waiting", "waiting"]
    assert [o.position for o in outcomes[2:]] == [1, 2]
    assert service.register(people[0], event).new is False
    assert (reload(event).registered_count, event.waiting_count) == (2, 2)


def test_a_freed_seat_goes_to_the_first_waiting_who_is_told(app):
    event = make.event(capacity=1)
    first, second, third = make.user(), make.user(), make.user()
    for person in (first, second, third):
        service.register(person, event)

    assert service.unregister(first, event) is True
    states = dict(db.session.execute(select(EventRegistration.user_id,
                                            EventRegistration.state)).all())
    assert states == {second.id: "registered", third.id: "waiting"}
    assert (reload(event).registered_count, event.waiting_count) == (1, 1)
    told = db.session.scalars(select(Notification).where(Notification.kind == "event_seat"))
    assert [(n.user_id, n.item_type, n.item_id) for n in told] == [(second.id, "event", event.id)]
    assert service.unregister(first, event) is False


def test_leaving_the_waiting_list_promotes_nobody(app):
    event = make.event(capacity=1)
    first, second = make.user(), make.user()
    service.register(first, event)
    service.register(second, event)
    service.unregister(second, event)
    assert (reload(event).registered_count, event.waiting_count) == (1, 0)
    assert count(Notification, Notification.kind == "event_seat") == 0


def test_more_seats_go_to_the_people_waiting(app, admin):
    event = make.event(capacity=1)
    people = [make.user() for _ in range(3)]
    for person in people:
        service.register(person, event)
    draft = service.EventDraft(event.title, event.description_source, "en", "in_person",
                               rules.to_local(event.starts_at, event.timezone),
                               rules.to_local(event.ends_at, event.timezone), event.timezone,
                               capacity=2, address=event.address)
    service.update_event(event, draft)
    assert (reload(event).registered_count, event.waiting_count) == (2, 1)
    assert count(Notification, Notification.kind == "event_seat") == 1


def test_without_a_capacity_everyone_gets_a_seat(app):
    event = make.event(capacity=None)
    for _ in range(5):
        assert service.register(make.user(), event).state == "registered"
    assert reload(event).registered_count == 5


def test_a_citizen_registers_and_unregisters_on_the_page(app, client):
    event = make.event(capacity=1)
    citizen = make.user("Marta")
    log_in(client, citizen)
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "You are registered." in flashes(response)
    assert "1 of 1 taken" in main(response).text
    other = browser(app)
    log_in(other, make.user("Tom"))
    waiting = other.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "waiting list, number 1" in flashes(waiting)
    assert "Leave the waiting list" in main(waiting).text
    gone = client.post(f"/events/{event.id}/unregister", follow_redirects=True)
    assert "no longer registered" in flashes(gone)
    assert "You are registered." in main(other.get(f"/events/{event.id}")).text


@pytest.mark.parametrize("how", ["past", "hidden"])
def test_past_and_hidden_events_take_no_registration(app, client, how):
    event = make.event(starts=PAST if how == "past" else SOON, capacity=3)
    if how == "hidden":
        service.set_hidden(event, True)
    citizen = make.user()
    with pytest.raises(rules.EventRefused):
        service.register(citizen, event)
    log_in(client, citizen)
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    if how == "hidden":
        assert response.status_code == 404
    else:
        assert "This event is over" in flashes(response)
        assert "Register" not in [b.text for b in main(response).find_all("button")]
    assert count(EventRegistration) == 0 and reload(event).registered_count == 0


def test_nobody_unregisters_from_an_event_that_is_over(app):
    event = make.event(starts=SOON)
    citizen = make.user()
    service.register(citizen, event)
    event.starts_at, event.ends_at = event.starts_at - timedelta(days=60), \
        event.ends_at - timedelta(days=60)
    db.session.commit()
    with pytest.raises(rules.EventRefused):
        service.unregister(citizen, event)
    assert reload(event).registered_count == 1


def test_a_deleted_account_hands_its_seat_on(app):
    from forum.privacy.service import delete_account

    event = make.event(capacity=1)
    leaving, waiting = make.user(), make.user()
    service.register(leaving, event)
    service.register(waiting, event)
    delete_account(leaving)
    assert (reload(event).registered_count, event.waiting_count) == (1, 0)
    assert service.registration_of(waiting, event).state == "registered"


# --- Hiding ----------------------------------------------------------------------------------

def test_a_hidden_event_is_gone_for_everyone_but_moderators(app, client):
    event = make.event()
    moderator = make.user("Mod", role="moderator")
    log_in(client, moderator)
    assert client.post(f"/events/{event.id}/hide").status_code == 302
    assert reload(event).hidden_at is not None
    assert "Hidden on" in main(client.get(f"/events/{event.id}")).text
    visitor = browser(app)
    assert visitor.get(f"/events/{event.id}").status_code == 404
    assert visitor.get(f"/events/{event.id}.ics").status_code == 404
    assert event.title not in visitor.get(f"/processes/{event.process.slug}/events").get_data(
        as_text=True)
    client.post(f"/events/{event.id}/hide", data={"action": "show"})
    assert reload(event).hidden_at is None
    assert visitor.get(f"/events/{event.id}").status_code == 200


# --- Organisers: attendees, messages, minutes ------------------------------------------------

def test_organisers_see_who_comes_and_others_only_the_count(app, client, admin):
    event = make.event(capacity=1)
    service.register(make.user("Marta"), event)
    service.register(make.user("Tom"), event)
    log_in(client, admin)
    shown = main(client.get(f"/events/{event.id}"))
    assert shown.find("ol", class_="attendees").text == "Marta Tom (waiting)"
    other = browser(app)
    log_in(other, make.user())
    shown = main(other.get(f"/events/{event.id}"))
    assert shown.find("ol", class_="attendees") is None and "1 of 1 taken" in shown.text
    assert "Marta" not in shown.text


def test_a_message_reaches_registered_people_only(app, client, admin):
    event = make.event(capacity=2)
    registered = [make.user(), make.user()]
    waiting = make.user()
    for person in (*registered, waiting):
        service.register(person, event)
    log_in(client, admin)
    response = client.post(f"/events/{event.id}/message",
                           data={"message": "Bring a pen: we vote on the benches."})
    assert response.status_code == 302
    sent = db.session.scalars(select(Notification).where(Notification.kind == "event_message"))
    assert sorted(n.user_id for n in sent) == sorted(p.id for p in registered)
    reader = browser(app)
    log_in(reader, registered[0])
    shown = main(reader.get("/notifications")).text
    assert "sent a message" in shown and "Bring a pen: we vote on the benches." in shown
    assert client.post(f"/events/{event.id}/message", data={"message": ""}).status_code == 422


def test_minutes_wait_for_the_end_then_are_translated_and_mark_proposals(app, client, admin):
    discussed, other = make.proposal(title="Benches along the river"), make.proposal()
    event = make.event(starts=SOON, proposals=[discussed, other])
    with pytest.raises(rules.EventRefused):
        service.publish_minutes(event, "We agreed on **twelve** benches.", [discussed.id])
    event.starts_at, event.ends_at = PAST, PAST + timedelta(hours=2)
    db.session.execute(TranslationJob.__table__.update().values(state=JobState.DONE))
    db.session.commit()

    log_in(client, admin)
    response = client.post(f"/events/{event.id}/minutes",
                           data={"minutes": "We agreed on **twelve** benches.",
                                 "discussed": [str(discussed.id)]})
    assert response.status_code == 302
    assert "<strong>twelve</strong>" in reload(event).minutes_html
    assert event.minutes_published_at is not None
    owed = count(TranslationJob, TranslationJob.item_type == "event",
                 TranslationJob.item_id == event.id, TranslationJob.state == JobState.PENDING)
    assert owed == len(app.config["LANGUAGES"]) - 1
    marks = dict(db.session.execute(select(EventProposal.proposal_id,
                                           EventProposal.discussed)).all())
    assert marks == {discussed.id: True, other.id: False}
    assert "twelve" in main(client.get(f"/events/{event.id}")).find("section", id="minutes").text
    shown = main(client.get(f"/proposals/{discussed.id}")).find("section", id="events")
    assert "discussed there" in shown.text
    assert "discussed there" not in main(client.get(f"/proposals/{other.id}")).find(
        "section", id="events").text
    refused = client.post(f"/events/{event.id}/minutes",
                          data={"minutes": "Short but long enough.", "discussed": ["424242"]})
    assert refused.status_code == 422


def test_proposals_show_their_visible_events(app, client):
    proposal = make.proposal()
    shown, hidden = make.event(title="Walk along the river", proposals=[proposal]), \
        make.event(title="Secret gathering", proposals=[proposal])
    service.set_hidden(hidden, True)
    section = main(client.get(f"/proposals/{proposal.id}")).find("section", id="events")
    assert "Walk along the river" in section.text and "Secret gathering" not in section.text
    assert shown.id


def test_the_process_list_splits_upcoming_and_past(app, client, process):
    make.event(title="Coming walk", starts=SOON)
    make.event(title="Last walk", starts=PAST)
    upcoming, past = main(client.get(f"/processes/{process.slug}/events")).find_all("section")
    assert "Coming walk" in upcoming.text and "Last walk" not in upcoming.text
    assert "Last walk" in past.text


# --- Reading costs the same whatever the numbers ---------------------------------------------

def statements(client, queries, address: str) -> int:
    with queries.counting():
        response = client.get(address)
    assert response.status_code == 200
    return queries.count


@pytest.mark.parametrize("reader", ["visitor", "citizen", "admin"])
def test_an_event_page_costs_the_same_whatever_its_size(app, client, queries, reader):
    if reader != "visitor":
        log_in(client, make.user(role="citizen" if reader == "citizen" else "admin"))
    small = make.event(proposals=[make.proposal()], capacity=1)
    service.register(make.user(), small)
    large = make.event(proposals=[make.proposal() for _ in range(5)], capacity=3)
    for _ in range(8):
        service.register(make.user(), large)
    db.session.expire_all()
    assert statements(client, queries, f"/events/{small.id}") == \
        statements(client, queries, f"/events/{large.id}")


@pytest.mark.parametrize("address", ["/proposals/{}", "/api/v1/proposals/{}?lang=en"])
def test_a_proposal_costs_the_same_with_no_event_one_or_many(app, client, queries, address):
    # In Spanish, so that every page looks translations up, events or not.
    none, one, many = (make.proposal(make.user(language="es"), title="Sombra en el paseo",
                                     body="Plantemos árboles a lo largo del paseo del río.")
                       for _ in range(3))
    elsewhere = make.process("Budget 2027")
    make.event(proposals=[one], language="es", title="Paseo junto al río")
    for number in range(4):
        make.event(elsewhere if number % 2 else None, proposals=[many], language="es",
                   title="Paseo junto al río")
    db.session.expire_all()
    counts = [statements(client, queries, address.format(p.id)) for p in (none, one, many)]
    assert len(set(counts)) == 1, counts


# --- Calendars -------------------------------------------------------------------------------

def parsed(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.get_data())


def check_rfc5545(calendar: icalendar.Calendar) -> list:
    """Assert what RFC 5545 requires of a calendar and its events; return the events."""
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, required
    used = {e["DTSTART"].params.get("TZID") for e in events} - {None}
    assert used <= {tz["TZID"] for tz in calendar.walk("VTIMEZONE")}  # each TZID defined
    return events


def test_an_events_calendar_file_is_valid_and_says_where_and_when(app, client):
    event = make.event(title="Meeting, with; commas", starts=SOON, timezone="Europe/Madrid")
    (item,) = check_rfc5545(parsed(client.get(f"/events/{event.id}.ics")))
    assert str(item["SUMMARY"]) == "Meeting, with; commas"
    assert item["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert item.decoded("DTSTART").replace(tzinfo=None) == SOON
    assert item.decoded("DTEND") - item.decoded("DTSTART") == timedelta(hours=2)
    assert str(item["LOCATION"]) == "Town hall, room 2\nMain square 1"
    assert str(item["URL"]).endswith(f"/events/{event.id}")
    assert "river walk" in str(item["DESCRIPTION"])
    assert str(item["UID"]).startswith(f"event-{event.id}@")


def test_a_process_calendar_holds_its_visible_events(app, client, process):
    online = make.event(kind="online", title="Online hearing", timezone="UTC")
    make.event(title="Town hall meeting")
    service.set_hidden(make.event(title="Hidden one"), True)
    events = check_rfc5545(parsed(client.get(f"/processes/{process.slug}/events.ics")))
    assert sorted(str(e["SUMMARY"]) for e in events) == ["Online hearing", "Town hall meeting"]
    item = next(e for e in events if str(e["SUMMARY"]) == "Online hearing")
    assert str(item["URL"]) == online.online_url
    assert client.get("/processes/no-such-process/events.ics").status_code == 404
    assert client.get("/events/4242.ics").status_code == 404


def test_an_online_link_is_a_plain_link_never_embedded(app, client):
    event = make.event(kind="online")
    shown = main(client.get(f"/events/{event.id}"))
    link = shown.find("a", href=event.online_url)
    assert link is not None and set(link.attrs["rel"].split()) == {"nofollow", "noopener",
                                                                   "noreferrer"}
    assert shown.find("iframe") is None


# --- The API ---------------------------------------------------------------------------------

def test_the_api_lists_a_proposals_events(app, client):
    proposal = make.proposal()
    event = make.event(proposals=[proposal], capacity=10)
    detail = client.get(f"/api/v1/proposals/{proposal.id}?lang=en").get_json()
    (listed,) = detail["events"]
    assert listed["id"] == event.id and listed["title"]["text"] == event.title
    assert listed["timezone"] == "Europe/Madrid" and listed["starts_at"].endswith("Z")
    assert listed["kind"] == "in_person" and listed["discussed"] is False
    assert listed["capacity"] == 10 and listed["registered_count"] == 0


# --- Hostile texts ---------------------------------------------------------------------------

def test_event_texts_carry_no_markup_anywhere_they_are_shown(app, client):
    proposal = make.proposal()
    for number in range(0, len(PAYLOADS), 8):
        batch = "\n\n".join(PAYLOADS[number:number + 8])
        event = make.event(title=f"Walk {PAYLOADS[number]}"[:200], description=batch,
                           proposals=[proposal], starts=PAST)
        event.address = batch[:500]
        db.session.commit()
        service.publish_minutes(event, batch)
        for address in (f"/events/{event.id}", f"/processes/{event.process.slug}/events",
                        f"/proposals/{proposal.id}"):
            assert page_problems(client.get(address).get_data(as_text=True)) == [], address


# --- Who may do what -------------------------------------------------------------------------

def test_only_admins_organise_and_only_members_register(app, client, process):
    event = make.event()
    visitor = browser(app)
    assert visitor.post(f"/events/{event.id}/register").status_code == 302  # to the login
    log_in(client, make.user())
    for address in (f"/processes/{process.slug}/events/new", f"/events/{event.id}/edit",
                    f"/events/{event.id}/minutes", f"/events/{event.id}/message"):
        assert client.get(address).status_code == 403
        assert client.post(address, data=form_data()).status_code == 403
    assert client.post(f"/events/{event.id}/hide").status_code == 403
    assert count(Event) == 1 and reload(event).hidden_at is None


# --- A race for the last seat ----------------------------------------------------------------

def test_two_processes_on_postgresql_race_for_the_last_seat(postgresql_settings):
    from event_race import register

    app = create_app(postgresql_settings)
    context = multiprocessing.get_context("spawn")
    for round_ in range(4):
        with app.app_context():
            event_id = make.event(capacity=1).id
            people = [make.user().id for _ in range(2)]
            db.session.remove()
        barrier, results = context.Barrier(2), context.Queue()
        workers = [context.Process(target=register,
                                   args=(postgresql_settings, event_id, person, barrier, results))
                   for person in people]
        for worker in workers:
            worker.start()
        outcome = sorted(results.get(timeout=120) for _ in workers)
        for worker in workers:
            worker.join(60)
        assert outcome == ["registered", "waiting"], (round_, outcome)
        with app.app_context():
            event = db.session.get(Event, event_id)
            assert (event.registered_count, event.waiting_count) == (1, 1)
            db.session.remove()


def test_the_process_page_shows_the_next_events(app, client, process):
    process.title = "River plan"
    db.session.commit()
    make.event(title="Coming walk", starts=SOON)
    make.event(title="Last walk", starts=PAST)
    section = main(client.get(f"/processes/{process.slug}")).find("h2", id="process-events").parent
    assert "Coming walk" in section.text and "Last walk" not in section.text
    assert section.find("a", href=f"/processes/{process.slug}/events") is not None


def test_what_organisers_do_is_in_the_audit_log(app):
    from forum.audit.models import AdminAction
    from forum.events import service as events

    admin = make.user("Council", role="admin")
    event = make.event(organiser=admin)
    events.set_hidden(event, True, admin)
    events.set_hidden(event, False, admin)
    logged = list(db.session.scalars(select(AdminAction.action).order_by(AdminAction.id)))
    assert logged[-3:] == ["event_created", "event_hidden", "event_shown"]
