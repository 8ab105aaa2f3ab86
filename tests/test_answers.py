"""Official answers and follow-up milestones: the institution says what it does, in public."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import field_errors, flashes, location, log_in, main, reload, store_translation
from forum.answers import service
from forum.answers.models import Milestone, OfficialAnswer
from forum.content.validation import ContentError
from forum.db import db
from forum.machine_translation.models import Translation, TranslationJob
from forum.notifications import service as notifications
from forum.notifications.models import Notification
from xss_payloads import PAYLOADS, executable_markup, page_problems


def inbox(user) -> list[tuple[str, str | None, int | None]]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return [(n.kind, n.item_type, n.item_id) for n in rows]


def test_an_answer_sets_the_state_and_tells_the_author_and_followers_once(app):
    author, follower, admin = make.user(), make.user(), make.user(role="admin")
    proposal = make.proposal(author)
    notifications.start_following(follower, proposal)
    notifications.start_following(admin, proposal)  # the admin follows too: not told of their own
    answer = make.answer(proposal, admin, state="under_review")

    assert reload(proposal).state == "under_review"
    assert inbox(follower) == [("answer", "answer", answer.id)]
    assert inbox(author)[-1] == ("answer", "answer", answer.id)
    assert [k for k, _, _ in inbox(author)].count("answer") == 1
    assert inbox(admin) == []

    second = make.answer(proposal, admin, state="accepted")
    assert reload(proposal).state == "accepted"
    assert inbox(follower) == [("answer", "answer", answer.id), ("answer", "answer", second.id)]
    assert [a.state for a in service.answers_of(proposal.id)] == ["under_review", "accepted"]


def test_an_answer_owes_translations_like_any_text(app):
    proposal = make.proposal()
    answer = make.answer(proposal, language="en")
    owed = db.session.scalars(select(TranslationJob.language).where(
        TranslationJob.item_type == "answer", TranslationJob.item_id == answer.id))
    assert sorted(owed) == ["ca", "es", "fr"]


@pytest.mark.parametrize("state, body, field", [
    ("open", "A long enough official answer to a proposal.", "state"),
    ("withdrawn", "A long enough official answer to a proposal.", "state"),
    ("accepted", "Too short.", "body"),
])
def test_answers_that_cannot_be_given(app, state, body, field):
    proposal, admin = make.proposal(), make.user(role="admin")
    with app.test_request_context(), pytest.raises(ContentError) as error:
        service.give_answer(proposal, admin, state, body, "en")
    assert error.value.field == field
    assert reload(proposal).state == "open"
    assert db.session.scalar(select(func.count(OfficialAnswer.id))) == 0


def test_milestones_are_kept_in_date_order_and_deleted_without_leftovers(app):
    proposal = make.proposal()
    later = make.milestone(proposal, "Works end", date(2026, 9, 1))
    earlier = make.milestone(proposal, "Works begin", date(2026, 3, 1), done=True)
    assert [m.title for m in service.milestones_of([proposal.id])[proposal.id]] == [
        "Works begin", "Works end"]

    store_translation(later, "title", "Fin de las obras", language="es")
    db.session.commit()
    service.delete_milestone(later)
    for model in (Translation, TranslationJob):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            model.item_type == "milestone", model.item_id == later.id)) == 0
    assert service.milestones_of([proposal.id])[proposal.id] == [earlier]


@pytest.mark.parametrize("due_on", [None, date(1900, 1, 1), date(2999, 1, 1)])
def test_far_fetched_milestone_dates_are_refused(app, due_on):
    milestone = make.milestone(make.proposal())
    with app.test_request_context(), pytest.raises(ContentError) as error:
        service.edit_milestone(milestone, "Works begin", due_on, "en", True)
    assert error.value.field == "due_on"
    assert reload(milestone).done is False  # nothing changed


@pytest.fixture
def admin_client(client):
    admin = make.user("Town Council", role="admin")
    log_in(client, admin)
    return client


def test_an_admin_answers_from_the_proposal_page(admin_client):
    proposal = make.proposal(make.user(language="es"), title="Más bancos en la plaza")
    page = main(admin_client.get(f"/proposals/{proposal.id}"))
    assert page.find("a", href=f"/proposals/{proposal.id}/answer") is not None

    form = admin_client.get(f"/proposals/{proposal.id}/answer")
    assert main(form).find("input", value="under_review").attrs.get("checked") is not None
    response = admin_client.post(f"/proposals/{proposal.id}/answer", data={
        "state": "accepted", "language": "en",
        "body": "Accepted: **twelve benches** arrive in spring, paid from the parks budget."})
    assert location(response) == f"/proposals/{proposal.id}#answers"
    shown = admin_client.get(location(response))
    assert "The answer is published" in flashes(shown)
    section = main(shown).find("section", id="answers")
    assert "twelve benches" in section.text
    assert section.find("span", class_="state-accepted") is not None
    assert "Town Council" in section.find("li", class_="answer").text


def test_the_answer_form_refuses_bad_input_without_crashing(admin_client):
    proposal = make.proposal()
    response = admin_client.post(f"/proposals/{proposal.id}/answer", data={
        "state": "open", "language": "xx", "body": "short"})
    assert response.status_code == 422
    assert field_errors(response, "state")
    assert field_errors(response, "body")
    assert field_errors(response, "language")
    assert reload(proposal).state == "open"


@pytest.mark.parametrize("value, message", [
    ("", "Give a date."), ("31/02/2026", "Write the date as year-month-day"),
    ("2026-02-31", "Write the date as year-month-day"), ("9999-12-31", "within 50 years"),
    ("0001-01-01", "within 50 years"), ("\x00", "Write the date as year-month-day"),
])
def test_bad_milestone_dates_are_form_errors(admin_client, value, message):
    proposal = make.proposal()
    response = admin_client.post(f"/proposals/{proposal.id}/milestones/new", data={
        "title": "Works begin", "due_on": value, "language": "en"})
    assert response.status_code == 422
    assert message in field_errors(response, "due_on")
    assert db.session.scalar(select(func.count(Milestone.id))) == 0


def test_an_admin_keeps_the_timeline(admin_client):
    proposal = make.proposal()
    response = admin_client.post(f"/proposals/{proposal.id}/milestones/new", data={
        "title": "Budget approved", "due_on": "2026-03-31", "language": "en", "done": "y"})
    assert location(response) == f"/proposals/{proposal.id}#milestones"
    milestone = db.session.scalar(select(Milestone))
    assert (milestone.title, milestone.due_on, milestone.done) == (
        "Budget approved", date(2026, 3, 31), True)

    edit = f"/milestones/{milestone.id}/edit"
    assert main(admin_client.get(edit)).find("input", id="due_on").attrs["value"] == "2026-03-31"
    admin_client.post(edit, data={"title": "Budget voted", "due_on": "2026-04-02",
                                  "language": "en"})
    assert (reload(milestone).title, milestone.done) == ("Budget voted", False)

    item = main(admin_client.get(f"/proposals/{proposal.id}")).find("li", class_="milestone")
    assert "Budget voted" in item.text and "Planned" in item.text
    assert item.find("time").attrs["datetime"] == "2026-04-02"

    response = admin_client.post(f"/milestones/{milestone.id}/delete")
    assert location(response) == f"/proposals/{proposal.id}#milestones"
    assert db.session.scalar(select(func.count(Milestone.id))) == 0


def test_readers_see_answers_and_milestones_in_their_language(client):
    proposal = make.proposal()
    answer = make.answer(proposal, make.user("Ajuntament", language="ca", role="admin"),
                         body="Acceptada: les obres començaran a la primavera.", language="ca")
    milestone = make.milestone(proposal, "Inici de les obres", date(2026, 4, 1), language="ca")
    store_translation(answer, "body", "Accepted: works will begin in spring.",
                      engine="apertium:cat-eng")
    store_translation(milestone, "title", "Works begin", engine="apertium:cat-eng")
    db.session.commit()

    section = main(client.get(f"/proposals/{proposal.id}", headers={
        "Accept-Language": "en"})).find("section", id="answers")
    assert "Accepted: works will begin in spring." in section.text
    assert "Machine-translated from Catalan by Apertium" in section.text
    assert "Acceptada: les obres" in section.find("div", class_="original").text
    item = section.find("li", class_="milestone")
    assert "Works begin" in item.text and "Machine-translated from Catalan" in item.text
    # Visitors get no admin links.
    assert section.find("a", href=f"/proposals/{proposal.id}/answer") is None


def test_withdrawn_and_hidden_proposals_are_not_answered(admin_client):
    from forum.proposals import service as proposals

    withdrawn, hidden = make.proposal(), make.proposal()
    proposals.withdraw(withdrawn)
    hidden.hidden_at = hidden.created_at
    db.session.commit()
    assert admin_client.get(f"/proposals/{withdrawn.id}/answer").status_code == 403
    assert admin_client.get(f"/proposals/{hidden.id}/answer").status_code == 403
    assert admin_client.get(f"/proposals/{hidden.id}/milestones/new").status_code == 403
    assert admin_client.get(f"/proposals/{withdrawn.id}/milestones/new").status_code == 200


def test_the_api_describes_state_answers_and_milestones(client):
    proposal = make.proposal()
    answer = make.answer(proposal, make.user("Ajuntament", language="ca", role="admin"),
                         state="accepted", body="Acceptada: les obres començaran aviat.",
                         language="ca")
    milestone = make.milestone(proposal, "Inici de les obres", date(2026, 4, 1), done=True,
                               language="ca")
    store_translation(answer, "body", "Accepted: works begin soon.", engine="apertium:cat-eng")
    db.session.commit()

    detail = client.get(f"/api/v1/proposals/{proposal.id}?lang=en").get_json()
    assert detail["state"] == "accepted"
    [described] = detail["answers"]
    assert described["id"] == answer.id and described["state"] == "accepted"
    assert described["author"]["display_name"] == "Ajuntament"
    assert described["body"]["text"] == "Accepted: works begin soon."
    assert described["body"]["machine_translated"] is True
    assert described["body"]["original_language"] == "ca"
    assert described["body"]["engine"] == "apertium:cat-eng"
    assert detail["milestones"] == [{
        "id": milestone.id, "date": "2026-04-01", "done": True,
        "title": {"text": "Inici de les obres", "language": "ca", "machine_translated": False,
                  "original_language": "ca", "translation_status": "pending"}}]
    listed = client.get("/api/v1/proposals?state=accepted").get_json()["proposals"]
    assert [p["id"] for p in listed] == [proposal.id]


@pytest.mark.parametrize("payload", PAYLOADS[::3])
def test_answers_and_milestones_carry_nothing_executable(admin_client, payload):
    topic = make.topic()
    proposal = make.proposal(topic_=topic)
    response = admin_client.post(f"/proposals/{proposal.id}/answer", data={
        "state": "accepted", "language": "en",
        "body": f"{payload}\n\nA few more words, so the answer is long enough."})
    assert response.status_code == 302
    response = admin_client.post(f"/proposals/{proposal.id}/milestones/new", data={
        "title": f"Step: {payload}"[:200], "due_on": "2026-05-01", "language": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    milestone = db.session.scalar(select(Milestone))
    for address in (f"/proposals/{proposal.id}", f"/proposals/{proposal.id}/answer",
                    f"/milestones/{milestone.id}/edit", "/accountability",
                    f"/accountability/{topic.slug}"):
        response = admin_client.get(address)
        assert response.status_code == 200, address
        assert page_problems(response.get_data(as_text=True)) == [], address
    detail = admin_client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert executable_markup(detail["answers"][0]["body"]["html"]) == []
