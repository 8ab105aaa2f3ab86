"""The moderators' pages: the menu count, the queue's cost, bulk actions, hidden items."""
from __future__ import annotations

import pytest
from moderation_steps import audit_log, open_reports, report

import factories as make
from fixtures_core import browser, flashes, location, log_in, main, page, reload
from forum.moderation import service
from forum.moderation.models import Action


def logged_in(app, person):
    client = browser(app)
    log_in(client, person)
    return client


def moderation_statements(queries) -> list[str]:
    return [s for s in queries.statements if "reports" in s or "appeals" in s]


def test_moderators_see_how_much_waits_in_one_statement_and_citizens_nothing(app, queries):
    report(make.proposal())
    report(make.comment(make.proposal()))
    moderator = logged_in(app, make.user(role="moderator"))
    citizen = logged_in(app, make.user())

    with queries.counting():
        menu = page(moderator.get("/proposals")).find("nav")
    assert len(moderation_statements(queries)) == 1
    link = menu.find("a", href="/moderation")
    assert link is not None and "2 to review" in link.text

    with queries.counting():
        menu = page(citizen.get("/proposals")).find("nav")
    assert moderation_statements(queries) == []
    assert menu.find("a", href="/moderation") is None


def test_the_queue_costs_the_same_for_two_items_or_twenty(app, queries):
    moderator = logged_in(app, make.user(role="moderator"))

    def cost() -> int:
        with queries.counting():
            assert moderator.get("/moderation").status_code == 200
        return queries.count

    def one_of_each_kind():
        report(make.comment(make.proposal(), make.user(language="es")))
        report(make.proposal(author=make.user(language="fr")))
        report(make.user())

    one_of_each_kind()
    few = cost()
    for _ in range(6):
        one_of_each_kind()
    assert cost() == few


def test_a_spam_wave_is_cleared_from_the_queue_at_once(app):
    spammer = make.user("Spammer")
    proposal = make.proposal()
    spam = [make.comment(proposal, spammer, body=f"Cheap watches {i}") for i in range(3)]
    for comment in spam:
        report(comment)
    moderator = logged_in(app, make.user(role="moderator"))
    selected = [box.attrs["value"] for box in
                main(moderator.get("/moderation")).find_all("input", name="items")]

    response = moderator.post("/moderation/bulk", data={
        "items": selected, "action": "ban", "reason": "Spam.", "next": "/moderation"})

    queue = moderator.get(location(response))
    assert ("Hidden, and their authors banned: 3 done, 0 already handled by someone else, "
            "0 skipped.") in flashes(queue)
    assert "Nothing to review" in main(queue).text
    assert reload(spammer).banned_at is not None
    assert [a[0] for a in audit_log()] == ["hide", "ban", "hide", "hide"]


def test_a_bulk_hide_without_a_reason_changes_nothing(app):
    comment = make.comment(make.proposal())
    report(comment)
    moderator = logged_in(app, make.user(role="moderator"))

    response = moderator.post("/moderation/bulk", data={
        "items": [f"comment:{comment.id}:999"], "action": "hide", "reason": ""})

    assert "Give a public reason" in flashes(moderator.get(location(response)))
    assert reload(comment).hidden_at is None and open_reports("comment", comment.id) == 1


def test_hiding_without_a_reason_shows_the_item_again_with_the_error(app):
    proposal = make.proposal()
    moderator = logged_in(app, make.user(role="moderator"))

    response = moderator.post(f"/moderation/proposals/{proposal.id}", data={"action": "hide"})

    assert response.status_code == 422
    assert "This field cannot be empty." in main(response).find("div", class_="notice").text
    assert reload(proposal).hidden_at is None


def test_marking_a_duplicate_of_a_missing_proposal_is_refused_kindly(app):
    proposal = make.proposal()
    moderator = logged_in(app, make.user(role="moderator"))

    response = moderator.post(f"/moderation/proposals/{proposal.id}", data={
        "action": "duplicate", "duplicate_of": 4242})

    assert response.status_code == 422
    assert "There is no proposal with this number." in main(response).text


@pytest.mark.parametrize("kind", ["proposal", "comment", "account"])
def test_each_moderation_page_shows_the_state_and_the_history(app, kind):
    author = make.user("Writer")
    proposal = make.proposal(author)
    comment = make.comment(proposal, author)
    moderator_user = make.user("Mod A", role="moderator")
    item = {"proposal": proposal, "comment": comment, "account": author}[kind]
    if kind == "account":
        service.restrict(moderator_user, author, Action.SUSPEND, "Spam.", days=7)
    else:
        service.act(moderator_user, item, Action.HIDE, "Spam.")
    path = {"proposal": f"/moderation/proposals/{proposal.id}",
            "comment": f"/moderation/comments/{comment.id}",
            "account": f"/moderation/people/{author.id}"}[kind]

    shown = main(logged_in(app, make.user(role="moderator")).get(path))

    assert ("Now: suspended until" if kind == "account" else "Now: hidden") in shown.text
    decisions = shown.find("ol", class_="decisions").text
    assert "Mod A" in decisions and "Spam." in decisions


def test_a_moderator_may_not_restrict_an_admin_nor_a_fellow_moderator(app):
    moderator = logged_in(app, make.user(role="moderator"))
    for role in ("admin", "moderator"):
        other = make.user(role=role)
        response = moderator.post(f"/moderation/people/{other.id}", data={
            "action": "ban", "reason": "Because."})
        assert response.status_code == 403
        assert reload(other).banned_at is None


def test_moderators_find_what_is_hidden_and_restore_it(app):
    comment = make.comment(make.proposal(), body="Meet me at 12 Elm Street.")
    service.act(make.user("Mod A", role="moderator"), comment, Action.HIDE, "Personal data.")
    moderator = logged_in(app, make.user(role="moderator"))

    listed = main(moderator.get("/moderation/hidden"))
    card = listed.find("li", id=f"comment-{comment.id}")
    assert "Personal data." in card.text and "Meet me at 12 Elm Street." in card.text
    form = card.find("form")
    moderator.post(form.attrs["action"], data={"action": "restore", "next": "/moderation/hidden"})

    assert reload(comment).hidden_at is None
    assert "Nothing is hidden." in main(moderator.get("/moderation/hidden")).text
