"""Report → hide → the author is told → appeal → another moderator restores, as people see it."""
from __future__ import annotations

from moderation_steps import audit_log, inbox, open_reports, report

import factories as make
from fixtures_core import browser, flashes, location, log_in, main, reload, store_translation
from forum.db import db
from forum.moderation import appeals, service
from forum.moderation.models import Action, Appeal, ModerationAction


def as_logged_in(app, person):
    client = browser(app)
    log_in(client, person)
    return client


def test_report_hide_notify_appeal_restore(app):
    author = make.user("Núria", language="ca")
    proposal = make.proposal(make.user(language="en"), title="Benches along the river path")
    comment = make.comment(proposal, author, body="Ets un ximple.", language="ca")
    reply = make.comment(proposal, make.user(), body="Please stay civil.", parent=comment)
    store_translation(comment, "body", "You are a fool.", language="en")
    db.session.commit()
    hider = make.user("Mod A", language="es", role="moderator")
    reviewer = make.user("Mod B", role="moderator")

    # A citizen reports it.
    citizen = as_logged_in(app, make.user("Reporter"))
    citizen.post(f"/comments/{comment.id}/report", data={"reason": "offensive"})

    # The queue shows the text in the moderator's language, the original beside it.
    moderator = as_logged_in(app, hider)
    queue = main(moderator.get("/moderation"))
    card = queue.find("li", id=f"comment-{comment.id}")
    assert "Offensive, hateful or harassing" in card.text
    assert card.find("section", class_="original").find("div", lang="ca").text == "Ets un ximple."
    seen = card.find("input", name="seen").attrs["value"]
    response = moderator.post(f"/moderation/comments/{comment.id}", data={
        "action": "hide", "reason": "Insulta a otro participante.", "seen": seen,
        "next": "/moderation"})
    assert location(response) == "/moderation"
    assert "Nothing to review" in main(moderator.get("/moderation")).text
    hide = db.session.scalar(db.select(ModerationAction).where(ModerationAction.action == "hide"))
    store_translation(hide, "reason", "Insults another participant.", language="en")
    db.session.commit()

    # Readers see a tombstone with the reason in their language; the reply stays in place.
    thread = main(browser(app).get(f"/proposals/{proposal.id}"))
    tombstone = thread.find("li", id=f"c{comment.id}").find("p", class_="tombstone")
    assert "Hidden by moderators on" in tombstone.text
    assert "Insults another participant." in tombstone.text
    assert "You are a fool" not in thread.text and "Ets un ximple" not in thread.text
    assert "Please stay civil." in thread.find("li", id=f"c{reply.id}").text

    # The author is told, and appeals once.
    told = ("moderation", "comment", comment.id, "Insulta a otro participante.")
    assert inbox(author)[-1] == told
    writer = as_logged_in(app, author)
    notices = main(writer.get("/notifications"))
    assert f"/comments/{comment.id}/appeal" in [a.attrs["href"] for a in notices.find_all("a")]
    appeal = {"message": "Era una broma entre amics, no un insult.", "language": "ca"}
    assert writer.post(f"/comments/{comment.id}/appeal", data=appeal).status_code == 302
    again = writer.post(f"/comments/{comment.id}/appeal", data=appeal)
    assert again.status_code == 409
    assert "only once" in flashes(again)
    assert db.session.scalar(db.select(db.func.count(Appeal.id))) == 1

    # The moderator who hid it cannot decide; another one restores it.
    page = main(moderator.get("/moderation/appeals"))
    assert "another moderator reviews the appeal" in page.text
    lodged = db.session.scalar(db.select(Appeal))
    assert moderator.post("/moderation/appeals", data={
        "appeal": lodged.id, "decision": "grant", "reason": "x"}).status_code == 403
    other = as_logged_in(app, reviewer)
    response = other.post("/moderation/appeals", data={
        "appeal": lodged.id, "decision": "grant", "reason": "A joke between friends."})
    assert response.status_code == 302

    assert reload(comment).hidden_at is None
    assert "You are a fool." in main(browser(app).get(f"/comments/{comment.id}")).text
    assert inbox(author)[-1] == ("appeal", "comment", comment.id, "A joke between friends.")
    assert [(a, m) for a, _, _, m, _ in audit_log()] == [
        ("hide", hider.id), ("appeal_granted", reviewer.id)]


def test_a_lone_moderator_decides_appeals_against_their_own_decisions(app):
    author = make.user()
    moderator = make.user(role="moderator")
    proposal = make.proposal(author)
    entry = service.act(moderator, proposal, Action.HIDE, "Spam.").entry
    appeals.lodge(author, entry, "This is a real proposal.", "en")
    client = as_logged_in(app, moderator)

    response = client.post("/moderation/appeals", data={
        "appeal": appeals.appeal_of(entry).id, "decision": "reject", "reason": "Still spam."})

    assert response.status_code == 302
    assert reload(proposal).hidden_at is not None
    assert audit_log()[-1][:2] == ("appeal_rejected", "proposal")
    assert inbox(author)[-1] == ("appeal", "proposal", proposal.id, "Still spam.")


def test_a_suspended_person_appeals_their_suspension(app):
    person = make.user()
    service.restrict(make.user(role="moderator"), person, Action.SUSPEND, "Spam.", days=7)
    client = as_logged_in(app, person)

    page = main(client.get("/account/appeal"))
    assert "suspended your account" in page.text
    response = client.post("/account/appeal", data={"message": "I posted by mistake.",
                                                    "language": "en"})
    assert location(response) == "/account/appeal"
    assert "A moderator will review it" in main(client.get("/account/appeal")).text


def test_there_is_nothing_to_appeal_on_a_visible_text(app):
    author = make.user()
    comment = make.comment(make.proposal(), author)
    client = as_logged_in(app, author)

    response = client.get(f"/comments/{comment.id}/appeal")

    assert location(response) == f"/comments/{comment.id}"
    assert "There is no decision to appeal" in flashes(client.get(location(response)))
    assert as_logged_in(app, make.user()).get(f"/comments/{comment.id}/appeal").status_code == 403


def test_a_late_moderator_sees_the_state_now_instead_of_acting_twice(app):
    proposal = make.proposal()
    report(proposal)
    first = as_logged_in(app, make.user("Mod A", role="moderator"))
    late = as_logged_in(app, make.user("Mod B", role="moderator"))
    seen = main(late.get("/moderation")).find("input", name="seen").attrs["value"]

    first.post(f"/moderation/proposals/{proposal.id}", data={
        "action": "hide", "reason": "Spam.", "seen": seen})
    response = late.post(f"/moderation/proposals/{proposal.id}", data={
        "action": "dismiss", "seen": seen, "next": "/moderation"})

    message = flashes(late.get(location(response)))
    assert "Nothing was done: Mod A acted first (hidden" in message
    assert "Now: hidden, no open reports." in message
    assert [a[0] for a in audit_log()] == ["hide"]


def test_hidden_proposals_leave_lists_and_keep_a_tombstone(app):
    proposal = make.proposal(title="Buy cheap watches online today")
    service.act(make.user(role="moderator"), proposal, Action.HIDE, "Advertising.")
    visitor = browser(app)

    assert "cheap watches" not in main(visitor.get("/proposals")).text
    page = main(visitor.get(f"/proposals/{proposal.id}"))
    assert page.find("h1").text == "Hidden proposal"
    assert "cheap watches" not in page.text
    assert "Hidden by moderators on" in page.find("p", class_="tombstone").text
    assert "Advertising." in page.find("p", class_="tombstone").text


def test_a_duplicate_points_readers_to_the_original(app):
    original = make.proposal(title="Shade trees on the river walk")
    duplicate = make.proposal()
    service.act(make.user(role="moderator"), duplicate, Action.DUPLICATE, duplicate_of=original)

    notice = main(browser(app).get(f"/proposals/{duplicate.id}")).find("p", class_="notice")

    assert "marked this proposal as a duplicate of Shade trees on the river walk" in notice.text
    assert notice.find("a").attrs["href"] == f"/proposals/{original.id}"


def test_the_public_log_never_names_reporters(app):
    reporter = make.user("Whistle Blower")
    comment = make.comment(make.proposal(title="Benches along the river path"))
    report(comment, reporter)
    moderator = make.user("Mod A", role="moderator")
    service.act(moderator, comment, Action.HIDE, "Off-topic advertising.")

    public = main(browser(app).get("/moderation/log")).text
    assert "Off-topic advertising." in public and "Benches along the river path" in public
    assert "Whistle Blower" not in public and "Mod A" not in public
    internal = main(as_logged_in(app, moderator).get("/moderation/log")).text
    assert "Mod A" in internal and "Whistle Blower" not in internal


def test_the_queue_groups_reports_by_item_oldest_first(app):
    later, earlier = make.proposal(), make.comment(make.proposal())
    report(earlier, reason="spam")
    report(later, reason="off_topic")
    report(earlier, reason="offensive")
    client = as_logged_in(app, make.user(role="moderator"))

    cards = main(client.get("/moderation")).find_all("li", class_="queue-item")

    assert [c.attrs["id"] for c in cards] == [f"comment-{earlier.id}", f"proposal-{later.id}"]
    assert "2 reports" in cards[0].text and open_reports("comment", earlier.id) == 2


def test_only_the_author_is_offered_an_appeal_on_the_tombstone(app):
    author = make.user()
    comment = make.comment(make.proposal(), author)
    service.act(make.user(role="moderator"), comment, Action.HIDE, "Spam <b>links</b>.")
    appeal_link = f"/comments/{comment.id}/appeal"

    def tombstone(client):
        response = client.get(f"/proposals/{comment.proposal_id}")
        assert "Spam &lt;b&gt;links&lt;/b&gt;." in response.get_data(as_text=True)
        return main(response).find("li", id=f"c{comment.id}").find("p", class_="tombstone")

    links = [a.attrs["href"] for a in tombstone(as_logged_in(app, author)).find_all("a")]
    assert links == [appeal_link]
    assert tombstone(as_logged_in(app, make.user())).find_all("a") == []
