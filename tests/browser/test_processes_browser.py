"""An admin runs a participatory process in a real browser; citizens see its phases obeyed."""
from __future__ import annotations

from datetime import timedelta

import pytest

import factories as make
from forum.processes import rules

from .conftest import only_from
from .site_tour import log_in


def refused(page) -> list[str]:
    return page.evaluate("window.refused || []")


@pytest.mark.browser
def test_an_admin_opens_a_process_in_phases_and_citizens_meet_its_rules(app, live_server, page,
                                                                         chromium):
    topic = make.topic("Energy")
    proposal = make.proposal(make.user("Ana"), topic, title="Solar panels on every school roof")
    council = make.user("Town Council", role="admin")
    today = rules.today()
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.refused = window.refused || []).push(e.violatedDirective))")

    log_in(page, council)
    page.goto("/admin/processes")
    page.get_by_label("Title").fill("Climate plan 2027")
    page.get_by_label("Description").fill("We decide the plan **together**.")
    page.get_by_label("Energy").check()
    page.get_by_role("button", name="Create process").click()
    assert "Now give it its phases" in page.locator(".flashes").inner_text()

    for name, start, end, opens in (("Debate", -5, 10, ("Comments",)),
                                    ("Answers", 11, 40, ("Official answers",))):
        page.get_by_label("Name").last.fill(name)
        page.get_by_label("First day").fill((today + timedelta(days=start)).isoformat())
        page.get_by_label("Last day").fill((today + timedelta(days=end)).isoformat())
        for box in ("New proposals", "Comments", "Supports", "Official answers"):
            page.get_by_label(box).set_checked(box in opens)
        page.get_by_role("button", name="Save phase").click()
        assert "The phase is saved" in page.locator(".flashes").inner_text()
    # Overlapping dates are refused where they were typed.
    page.get_by_label("Name").last.fill("Overlap")
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Last day").fill((today + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save phase").click()
    assert "overlap" in page.locator(".errors").first.inner_text()
    assert refused(page) == []

    page.goto("/")
    current = page.locator("section.processes")
    assert "Climate plan 2027" in current.inner_text() and "Debate" in current.inner_text()
    current.get_by_role("link", name="Climate plan 2027").click()
    assert "Open now" in page.locator("main").inner_text()
    assert page.locator("ol.phases li[aria-current=step]").inner_text().startswith("Debate")

    citizen = chromium.new_context(base_url=live_server).new_page()
    citizen.requested_urls = []
    citizen.on("request", lambda request: citizen.requested_urls.append(request.url))
    log_in(citizen, make.user("Joan"))
    citizen.goto(f"/proposals/{proposal.id}")
    assert "Supports are closed in this process" in citizen.locator("#support").inner_text()
    citizen.get_by_label("Your comment").fill("Start with the schools that have flat roofs.")
    citizen.get_by_role("button", name="Publish comment").click()
    assert "Your comment is published" in citizen.locator(".flashes").inner_text()
    assert only_from(live_server, page.requested_urls + citizen.requested_urls) == []
    citizen.context.close()
