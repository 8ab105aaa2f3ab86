"""axe-core (WCAG 2.1 AA rules) on every page type, and a keyboard-only journey."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import need

from .site_tour import build_world, log_in, page_addresses

AXE = Path(os.environ.get("FORUM_AXE_JS") or Path(__file__).resolve().parents[2]
           / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
SERIOUS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page (through the DevTools protocol, which CSP does not block)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations']})""")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in SERIOUS]


@pytest.mark.browser
def test_no_page_type_has_serious_accessibility_violations(app, live_server, page):
    need(AXE.exists(), f"axe-core at {AXE} (make test installs it from the npm registry)")
    world = build_world()
    addresses = page_addresses(app, world.values)
    log_in(page, world.people["admin"])  # the admin sees every page type

    found = {}
    for endpoint, address in sorted(addresses.items()):
        page.goto(address)
        if violations := axe_violations(page):
            found[endpoint] = violations
    page.context.clear_cookies()
    for endpoint in ("proposals.index", "proposals.show", "accounts.register",
                     "recovery.forgot", "recovery.recover", "recovery.reset"):
        page.goto(addresses[endpoint])
        if violations := axe_violations(page):
            found[f"{endpoint} (visitor)"] = violations

    assert found == {}
    assert len(addresses) >= 25


@pytest.mark.browser
def test_the_recovery_codes_and_a_refused_code_are_accessible(app, live_server, page):
    need(AXE.exists(), f"axe-core at {AXE} (make test installs it from the npm registry)")
    page.goto("/register")
    page.get_by_label("Display name").fill("Marta")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_label("Repeat the password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_selector("ol.recovery-codes")
    assert page.locator("ol.recovery-codes li").count() == 10
    assert axe_violations(page) == []

    page.context.clear_cookies()
    page.goto("/account/recover")
    page.get_by_label("Display name").fill("Marta")
    page.get_by_label("Recovery code").fill("0000-0000-0000-0000")
    page.get_by_label("New password", exact=True).fill("a completely different passphrase")
    page.get_by_label("Repeat the new password").fill("a completely different passphrase")
    page.get_by_role("button", name="Set the new password").click()
    page.wait_for_selector("#code-errors")
    assert axe_violations(page) == []


@pytest.mark.browser
def test_a_printed_sheet_of_verification_codes_is_accessible(app, live_server, page):
    need(AXE.exists(), f"axe-core at {AXE} (make test installs it from the npm registry)")
    world = build_world()
    log_in(page, world.people["admin"])
    page.goto("/admin/residents")
    page.get_by_label("Number of codes").fill("6")
    page.get_by_label("What the batch is for").fill("Town hall desk")
    page.get_by_label("District (optional)").fill("Riverside")
    page.get_by_role("button", name="Make the codes").click()
    page.wait_for_selector("ul.code-sheet")
    assert page.locator("ul.code-sheet li").count() == 6
    assert axe_violations(page) == []


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches a JavaScript predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"no focusable element matched {predicate}")


def enter(page) -> None:
    """Press Enter on the focused link or form control and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.browser
def test_reading_posting_and_replying_with_the_keyboard_only(app, live_server, page):
    world = build_world()
    person = world.people["citizen"]
    page.goto("/")

    tab_to(page, "el.textContent.trim() === 'Log in'")
    enter(page)
    tab_to(page, "el.name === 'display_name'")
    page.keyboard.type(person.display_name)
    tab_to(page, "el.name === 'password'")
    page.keyboard.type("correct horse battery staple")
    enter(page)

    tab_to(page, "el.textContent.trim() === 'Proposals'")
    enter(page)
    tab_to(page, "el.closest('.proposal-card') && el.tagName === 'A'")
    enter(page)

    tab_to(page, "el.name === 'body' && el.closest('form.comment-form')")
    page.keyboard.type("Written with the keyboard alone.")
    tab_to(page, "el.type === 'submit' && el.closest('form.comment-form')")
    enter(page)
    assert "Written with the keyboard alone." in page.locator("section.discussion").inner_text()

    tab_to(page, "el.textContent.trim() === 'Reply'")
    enter(page)
    tab_to(page, "el.name === 'body'")
    page.keyboard.type("A keyboard reply.")
    tab_to(page, "el.type === 'submit'")
    enter(page)
    assert "A keyboard reply." in page.locator("section.discussion").inner_text()
    tab_to(page, "el.tagName === 'A'")
    focus = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.boxShadow, s.backgroundColor]; }""")
    assert focus[0] != "none" or focus[1] != "none", focus  # keyboard focus is visible


@pytest.mark.browser
def test_the_checker_itself_catches_a_serious_violation(app, live_server, page):
    need(AXE.exists(), f"axe-core at {AXE}")
    page.goto("/")
    page.evaluate("""() => { const i = document.createElement('input');
        i.type = 'text'; document.querySelector('main').appendChild(i); }""")

    assert "label" in [v["id"] for v in axe_violations(page)]
