"""The institution answers a proposal in a real browser; everyone sees what became of it."""
from __future__ import annotations

import pytest

import factories as make

from .conftest import only_from
from .site_tour import log_in


def refused(page) -> list[str]:
    return page.evaluate("window.refused || []")


@pytest.mark.browser
def test_an_admin_answers_and_plans_and_the_author_is_told(app, live_server, page, chromium):
    author = make.user("Priya M.")
    proposal = make.proposal(author, title="Safe crossing outside Hillside Primary School")
    council = make.user("Town Council", role="admin")
    # Every page records what the Content-Security-Policy made the browser refuse.
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.refused = window.refused || []).push(e.violatedDirective))")

    log_in(page, council)
    page.goto(f"/proposals/{proposal.id}")
    page.get_by_role("link", name="Answer this proposal").click()
    page.get_by_label("Accepted").check()
    page.get_by_label("Official answer").fill(
        "The council accepts the **raised crossing**; works are planned for half-term.")
    page.get_by_role("button", name="Publish the answer").click()
    assert "The answer is published" in page.locator(".flashes").inner_text()
    answers = page.locator("section#answers")
    assert "raised crossing" in answers.inner_text()
    assert refused(page) == []

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("What happens").fill("Crossing built")
    page.get_by_label("Date").fill("2026-02-20")
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Add the milestone").click()
    assert "Crossing built" in page.locator("ol.timeline").inner_text()
    assert "Done" in page.locator("li.milestone").inner_text()

    page.goto("/accountability")
    assert page.get_by_role("img", name="Share of proposals answered and decided").is_visible()
    assert "1 of 1 (100%)" in page.locator("dl.key-figures").inner_text()
    assert "Crossing built" in page.locator("ul.delivered").inner_text()
    assert refused(page) == []
    assert only_from(live_server, page.requested_urls) == []

    other = chromium.new_context(base_url=live_server).new_page()
    log_in(other, author)
    other.goto("/notifications")
    assert "The institution answered" in other.locator("main").inner_text()
    other.context.close()
