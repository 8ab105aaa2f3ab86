"""An admin organises an event in a real browser; citizens register, the last one waits."""
from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest

import factories as make

from .conftest import only_from
from .site_tour import log_in


def refused(page) -> list[str]:
    return page.evaluate("window.refused || []")


def citizen_page(chromium, live_server, person):
    """Open a fresh browser context logged in as `person`, recording what it requests."""
    other = chromium.new_context(base_url=live_server, locale="es-ES").new_page()
    other.requested_urls = []
    other.on("request", lambda request: other.requested_urls.append(request.url))
    log_in(other, person)
    return other


@pytest.mark.browser
def test_an_admin_creates_an_event_and_citizens_register(app, live_server, page, chromium):
    topic = make.topic("Mobility")
    process = make.process("River plan", topics=[topic])
    proposal = make.proposal(make.user("Ana"), topic, title="Shade trees along the river walk")
    council = make.user("Town Council", role="admin")
    starts = (datetime.now() + timedelta(days=12)).replace(hour=18, minute=30)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.refused = window.refused || []).push(e.violatedDirective))")

    log_in(page, council)
    page.goto(f"/processes/{process.slug}")
    page.get_by_role("link", name="All events, past and upcoming").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Walk and talk on the river")
    page.get_by_label("Description").fill("We walk the **river** together, then vote.")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Address (in person)").fill("Meet at the old mill\nRiver walk 3")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    page.get_by_label("Seats").fill("1")
    page.get_by_label("Proposals it treats").fill(str(proposal.id))
    page.get_by_role("button", name="Publish the event").click()
    # Ending before it starts is refused where it was typed; the rest stays filled in.
    assert "must end after it starts" in page.locator("#ends_at-errors").inner_text()
    page.get_by_label("Ends").fill((starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Publish the event").click()
    assert "The event is published" in page.locator(".flashes").inner_text()
    event_address = page.url
    facts = page.locator("dl.event-facts").inner_text()
    assert "6:30" in facts or "18:30" in facts
    assert "Europe/Madrid" in facts and "Meet at the old mill" in facts
    assert refused(page) == []

    first = citizen_page(chromium, live_server, make.user("Joan", language="es"))
    first.goto(event_address)
    first.get_by_role("button", name="Register").click()
    assert "You are registered" in first.locator(".flashes").inner_text()
    assert "1 of 1 taken" in first.locator("dl.event-facts").inner_text()
    calendar = first.request.get(event_address + ".ics")
    parsed = icalendar.Calendar.from_ical(calendar.body())
    assert str(parsed.walk("VEVENT")[0]["SUMMARY"]) == "Walk and talk on the river"

    second = citizen_page(chromium, live_server, make.user("Marta"))
    second.goto(f"/proposals/{proposal.id}")
    second.locator("section#events").get_by_role("link", name="Walk and talk on the river") \
        .click()
    second.get_by_role("button", name="Join the waiting list").click()
    assert "waiting list, number 1" in second.locator(".flashes").inner_text()

    first.get_by_role("button", name="Cancel my registration").click()
    assert "no longer registered" in first.locator(".flashes").inner_text()
    second.goto("/notifications")
    assert "A seat freed up" in second.locator("main").inner_text()

    page.goto(event_address)
    assert "Marta" in page.locator("ol.attendees").inner_text()
    assert only_from(live_server, page.requested_urls + first.requested_urls
                     + second.requested_urls) == []
    first.context.close()
    second.context.close()
