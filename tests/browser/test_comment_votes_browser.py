"""A citizen marks a comment helpful and reads the arguments side by side, in a real browser."""
from __future__ import annotations

import pytest

import factories as make

from .conftest import only_from
from .site_tour import log_in


def refused(page) -> list[str]:
    return page.evaluate("window.refused || []")


@pytest.mark.browser
def test_a_citizen_marks_a_comment_helpful_and_reads_both_sides(app, live_server, page):
    proposal = make.proposal(make.user("Priya M."), title="A bus lane on Bridge Street")
    pro = make.comment(proposal, make.user("Tom"), "Buses would be on time.", alignment="for")
    make.comment(proposal, make.user("Ana"), "Shops need deliveries.", alignment="against")
    make.comment(proposal, make.user("Lea"), "Timetables first, please.", parent=pro)
    citizen = make.user("Marta")
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.refused = window.refused || []).push(e.violatedDirective))")

    log_in(page, citizen)
    page.goto(f"/proposals/{proposal.id}")
    page.locator(f"#c{pro.id} > article").get_by_role("button", name="Helpful").click()
    assert "you marked this comment helpful" in page.locator(".flashes").inner_text()
    assert "1 person found this helpful" in page.locator(f"#c{pro.id} > article").inner_text()

    page.get_by_role("link", name="For and against").click()
    for_side = page.get_by_role("region", name="For (1)")
    against = page.get_by_role("region", name="Against (1)")
    assert "Buses would be on time." in for_side.inner_text()
    assert "Shops need deliveries." in against.inner_text()
    assert "Timetables first" not in for_side.inner_text()
    for_side.get_by_role("link", name="Show 1 reply").click()
    assert "Timetables first, please." in page.get_by_role("region", name="For (1)").inner_text()

    page.locator(f"#c{pro.id} > article").get_by_role("button", name="Undo “helpful”").click()
    assert "found this helpful" not in page.locator(f"#c{pro.id} > article").inner_text()
    assert refused(page) == []
    assert only_from(live_server, page.requested_urls) == []
