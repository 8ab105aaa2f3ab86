"""Proof, in a real browser, that nobody but the forum is contacted and visitors get no cookie."""
from __future__ import annotations

import pytest

from .conftest import only_from
from .site_tour import ROLES, build_world, log_in, page_addresses


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_no_page_asks_any_other_host_for_anything(app, live_server, page, role):
    world = build_world()
    addresses = page_addresses(app, world.values)
    if role != "anonymous":
        log_in(page, world.people[role])

    statuses = {}
    for endpoint, address in sorted(addresses.items()):
        response = page.goto(address)
        statuses[endpoint] = response.status
        assert response.status < 500, (endpoint, address)

    assert only_from(live_server, page.requested_urls) == []
    assert sum(1 for s in statuses.values() if s == 200) >= (10 if role == "anonymous" else 15)
    for response_url in page.requested_urls:
        assert response_url.startswith(live_server), response_url


@pytest.mark.browser
def test_a_visitor_reading_gets_no_cookie_at_all(app, live_server, page):
    world = build_world()
    read = []
    for endpoint, address in sorted(page_addresses(app, world.values).items()):
        response = page.goto(address)
        if page.url.startswith(f"{live_server}/login") or endpoint in (
                "accounts.login", "accounts.register", "recovery.forgot", "recovery.reset",
                "recovery.recover"):
            # Forms to get in: they need the session for their CSRF token.
            page.context.clear_cookies()
            continue
        read.append(endpoint)
        assert response.status in (200, 404), endpoint
        assert page.context.cookies() == [], endpoint

    assert {"proposals.index", "proposals.show", "comments.show", "search.results"} <= set(read)


@pytest.mark.browser
def test_a_form_needs_only_the_session_cookie_and_it_is_locked_down(app, live_server, page):
    page.goto("/register")

    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == ["session"]
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Lax"


@pytest.mark.browser
def test_choosing_a_language_sets_only_that_cookie(app, live_server, page):
    app.config["UI_LANGUAGES"] = ["en", "es"]
    page.goto("/")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()

    assert [(c["name"], c["value"]) for c in page.context.cookies()] == [("lang", "es")]
    assert page.locator("html").get_attribute("lang") == "es"


@pytest.mark.browser
def test_every_response_carries_the_strict_headers(app, live_server, page):
    response = page.goto("/")
    headers = response.headers

    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["x-frame-options"] == "DENY"
