"""Participatory processes: dated phases say what is open, and the services enforce it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import field_errors, flashes, location, log_in, main, page
from forum.answers.models import OfficialAnswer
from forum.comments import service as comments
from forum.comments.models import Comment
from forum.db import db
from forum.processes import rules
from forum.processes import service as processes
from forum.processes.models import Action, Phase, Process
from forum.proposals import service as proposals
from forum.proposals.models import Proposal, Support

OPEN_ALL = {"proposals": True, "comments": True, "supports": True, "answers": True}
ANSWERS_ONLY = {"answers": True}


def days(n: int):
    """Return the day `n` days from today in the instance's time zone."""
    return rules.today() + timedelta(days=n)


def in_phase(opens: dict, **extra):
    """A process whose running phase opens `opens`, with a topic and a proposal in it."""
    topic = make.topic(extra.pop("topic_name", None))
    process = make.process("Climate plan", topics=[topic],
                           phases=[(days(-30), days(-11), OPEN_ALL), (days(-10), days(10), opens)])
    db.session.expire_all()
    return process, topic, make_proposal_in(topic, process)


def make_proposal_in(topic, process):
    """Publish a proposal in `topic`, opening proposals for a moment if they are closed."""
    phase = rules.current_phase(process)
    saved = dict(phase.proposals and {} or {"proposals": phase.proposals})
    phase.proposals = True
    db.session.commit()
    made = make.proposal(topic_=topic)
    if saved:
        phase.proposals = saved["proposals"]
        db.session.commit()
    return made


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- The rules ----------------------------------------------------------------------------

def test_a_process_without_phases_is_always_open(app):
    process = processes.default_process()
    assert rules.status(process) == "always"
    assert all(rules.is_open(process, action) for action in Action)


def test_the_current_phase_decides_and_gaps_and_edges_are_closed(app):
    topic = make.topic()
    process = make.process(topics=[topic], phases=[
        (days(-5), days(-1), {"proposals": True}), (days(2), days(9), {"comments": True})])
    assert rules.status(process) == "between"
    assert not any(rules.is_open(process, a) for a in Action)
    assert rules.is_open(process, Action.PROPOSE, days(-5))
    assert rules.is_open(process, Action.PROPOSE, days(-1))       # the last day is included
    assert not rules.is_open(process, Action.PROPOSE, days(0))
    assert rules.is_open(process, Action.COMMENT, days(2))
    assert not rules.is_open(process, Action.COMMENT, days(10))
    assert rules.status(process, days(-6)) == "upcoming"
    assert rules.status(process, days(3)) == "running"
    assert rules.status(process, days(10)) == "over"


def test_the_services_refuse_what_the_phase_does_not_open(app):
    process, topic, proposal = in_phase(ANSWERS_ONLY)
    citizen, admin = make.user(), make.user(role="admin")
    with pytest.raises(rules.PhaseClosed):
        comments.post_comment(citizen, proposal, "Too late to say this.", "en")
    with pytest.raises(rules.PhaseClosed):
        proposals.support(citizen, proposal)
    with pytest.raises(rules.PhaseClosed):
        proposals.create_proposal(citizen, topic, "A late proposal title", "x" * 40, "en")
    db.session.rollback()
    assert (count(Comment), count(Support), count(Proposal)) == (0, 0, 1)
    make.answer(proposal, admin=admin)  # answers are what this phase is for
    assert count(OfficialAnswer) == 1


# --- Through the forms --------------------------------------------------------------------

def test_a_comment_after_its_phase_closed_is_refused_with_a_clear_message(client):
    _process, _topic, proposal = in_phase(ANSWERS_ONLY)
    log_in(client, make.user("Late"))
    shown = client.get(f"/proposals/{proposal.id}")
    assert "Comments are closed in this process" in main(shown).text
    assert main(shown).find("form", class_="comment-form") is None
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={"body": "I still want to say this.", "language": "en"})
    assert response.status_code == 422
    assert "Comments are closed in this process" in field_errors(response, "body")
    assert count(Comment) == 0


def test_a_reply_is_refused_too_and_reply_links_are_gone(client):
    process, _topic, proposal = in_phase(OPEN_ALL)
    earlier = make.comment(proposal, body="Said while it was open.")
    rules.current_phase(process).comments = False
    db.session.commit()
    log_in(client, make.user("Late"))
    shown = client.get(f"/proposals/{proposal.id}")
    assert f"/comments/{earlier.id}/reply" not in shown.get_data(as_text=True)
    response = client.post(f"/comments/{earlier.id}/reply",
                           data={"body": "A reply after the close.", "language": "en"})
    assert response.status_code == 422 and count(Comment) == 1


def test_a_support_in_a_closed_phase_is_refused_and_not_counted(client):
    _process, _topic, proposal = in_phase({"comments": True})
    log_in(client, make.user("Keen"))
    assert "Supports are closed" in main(client.get(f"/proposals/{proposal.id}")).text
    response = client.post(f"/proposals/{proposal.id}/support", follow_redirects=True)
    assert "Supports are closed in this process" in flashes(response)
    assert count(Support) == 0 and db.session.get(Proposal, proposal.id).support_count == 0


def test_a_new_proposal_in_a_closed_process_is_refused_on_its_topic(client):
    _process, topic, _proposal = in_phase({"comments": True})
    log_in(client, make.user("Eager"))
    response = client.post("/proposals/new", data={
        "title": "Plant trees along the ring road", "body": "Shade and cleaner air " * 3,
        "topic": topic.id, "language": "en"})
    assert response.status_code == 422
    assert "does not take new proposals" in field_errors(response, "topic")
    assert count(Proposal) == 1


def test_the_refusal_says_when_the_action_opens_again(app):
    topic = make.topic()
    process = make.process(topics=[topic], phases=[(days(5), days(9), OPEN_ALL)])
    with pytest.raises(rules.PhaseClosed) as refused:
        rules.require_open(process, Action.PROPOSE)
    assert "It opens on" in str(refused.value.message)


def test_an_answer_is_refused_when_the_phase_takes_none(client):
    _process, _topic, proposal = in_phase({"comments": True, "answers": False})
    log_in(client, make.user("Council", role="admin"))
    response = client.post(f"/proposals/{proposal.id}/answer", data={
        "state": "accepted", "body": "We will do it, starting next spring.", "language": "en"})
    assert response.status_code == 422 and count(OfficialAnswer) == 0


# --- Admin pages ---------------------------------------------------------------------------

@pytest.fixture
def admin_client(client):
    log_in(client, make.user("Council", role="admin"))
    return client


def test_an_admin_creates_a_process_with_topics_and_phases(admin_client):
    topic = make.topic("Mobility")
    response = admin_client.post("/admin/processes", data={
        "title": "Climate plan 2027", "description": "We decide *together*.",
        "language": "en", "slug": "", "topics": [str(topic.id)]})
    db.session.expire_all()
    process = db.session.scalar(select(Process).where(Process.slug == "climate-plan-2027"))
    assert location(response) == f"/admin/processes/{process.id}/edit"
    assert db.session.get(type(topic), topic.id).process_id == process.id
    for name, start, end in (("Proposals", -3, 20), ("Answers", 21, 60)):
        response = admin_client.post(f"/admin/processes/{process.id}/phases", data={
            "name": name, "language": "en", "starts_on": days(start).isoformat(),
            "ends_on": days(end).isoformat(), "proposals": "y", "answers": "y"})
        assert location(response) == f"/admin/processes/{process.id}/edit#phases"
    public = main(admin_client.get("/processes/climate-plan-2027"))
    assert "Climate plan 2027" in public.text and "Open now" in public.text
    assert [li.text.split()[0] for li in public.find("ol", class_="phases").find_all("li")] \
        == ["Proposals", "Answers"]


@pytest.mark.parametrize("start, end, message", [
    (5, 2, "cannot end before it starts"),
    (8, 12, "overlap"),
    (-20, 30, "overlap"),
    (-5000, 2, "within 10 years"),
])
def test_phase_dates_that_overlap_or_run_backwards_are_refused(admin_client, start, end, message):
    process = make.process(phases=[(days(10), days(20), OPEN_ALL)])
    response = admin_client.post(f"/admin/processes/{process.id}/phases", data={
        "name": "Second", "language": "en", "starts_on": days(start).isoformat(),
        "ends_on": days(end).isoformat()})
    assert response.status_code == 422
    assert message in page(response).text
    assert count(Phase) == 1


def test_a_date_that_is_no_date_is_a_form_error(admin_client):
    process = make.process()
    response = admin_client.post(f"/admin/processes/{process.id}/phases", data={
        "name": "Second", "language": "en", "starts_on": "31/02/2027", "ends_on": ""})
    assert response.status_code == 422 and count(Phase) == 0


def test_a_taken_address_is_refused(admin_client):
    make.process("Budget", slug="budget")
    response = admin_client.post("/admin/processes", data={
        "title": "Another budget", "language": "en", "slug": "budget"})
    assert response.status_code == 422 and "has this address already" in page(response).text
    assert db.session.scalar(select(func.count(Process.id)).where(
        Process.title.like("%udget%"))) == 1


def test_moving_a_phase_keeps_it_apart_from_the_others(admin_client):
    process = make.process(phases=[(days(1), days(5), OPEN_ALL), (days(6), days(9), OPEN_ALL)])
    first = process.phases[0]
    moved = admin_client.post(f"/admin/phases/{first.id}/edit", data={
        "name": "First", "language": "en", "starts_on": days(0).isoformat(),
        "ends_on": days(5).isoformat(), "comments": "y"})
    assert location(moved) == f"/admin/processes/{process.id}/edit#phases"
    clash = admin_client.post(f"/admin/phases/{first.id}/edit", data={
        "name": "First", "language": "en", "starts_on": days(0).isoformat(),
        "ends_on": days(7).isoformat()})
    assert clash.status_code == 422
    db.session.expire_all()
    assert db.session.get(Phase, first.id).ends_on == days(5)


def test_changes_to_processes_are_in_the_audit_log(admin_client):
    process = make.process()
    admin_client.post(f"/admin/phases/{0}/delete")
    admin_client.post(f"/admin/processes/{process.id}/phases", data={
        "name": "Debate", "language": "en", "starts_on": days(1).isoformat(),
        "ends_on": days(3).isoformat()})
    log = main(admin_client.get("/admin/audit")).text
    assert "saved a phase of a process" in log


# --- Public pages --------------------------------------------------------------------------

def test_the_home_page_shows_current_processes_with_dates_in_the_readers_locale(settings, database):
    from conftest import browser
    from forum import create_app

    app = create_app({**settings, "UI_LANGUAGES": ["en", "fr"]})
    with app.app_context():
        _home_page_in_french(browser(app))
        db.session.remove()
    database.reset(app)


def _home_page_in_french(client):
    topic = make.topic()
    make.process("Climate plan", topics=[topic], phases=[(days(-3), days(40), OPEN_ALL)])
    make.process("Finished consultation", phases=[(days(-90), days(-60), OPEN_ALL)])
    home = main(client.get("/", headers={"Accept-Language": "fr"}))
    section = home.find("section", class_="processes")
    assert "Climate plan" in section.text and "Finished" not in section.text
    assert "Phase 1" in section.text
    from babel.dates import format_date

    assert format_date(days(40), "long", locale="fr") in section.text


def test_the_process_page_lists_its_proposals_and_nothing_else(client):
    process, topic, proposal = in_phase(OPEN_ALL)
    elsewhere = make.proposal(title="A proposal about something else")
    shown = main(client.get(f"/processes/{process.slug}"))
    assert proposal.title in shown.text and elsewhere.title not in shown.text
    assert client.get("/processes/no-such-process").status_code == 404
    assert client.get("/processes/a%00b").status_code == 404


def test_existing_addresses_keep_working_in_the_default_process(client):
    proposal = make.proposal()
    assert proposal.topic.process.slug == processes.DEFAULT_SLUG
    assert client.get(f"/topics/{proposal.topic.slug}").status_code == 200
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert "Ongoing discussion" in main(client.get("/processes")).text


def test_a_topic_moves_to_another_process_and_an_unknown_one_is_refused(admin_client):
    topic = make.topic("Parks")
    process = make.process("Green plan")
    moved = admin_client.post(f"/admin/topics/{topic.id}/edit", data={
        "name": "Parks", "description": "", "language": "en", "process_id": process.id})
    assert location(moved) == "/admin/topics"
    refused = admin_client.post("/admin/topics", data={
        "name": "Squares", "description": "", "language": "en", "process_id": 999})
    assert refused.status_code == 422 and "offered processes" in page(refused).text
    db.session.expire_all()
    assert db.session.get(type(topic), topic.id).process_id == process.id
    assert [t.slug for t in proposals.list_topics()] == ["parks"]


# --- Accountability, open data and the API ---------------------------------------------------

def answered_in(process, topic):
    proposal = make_proposal_in(topic, process)
    make.answer(proposal)
    return proposal


def test_accountability_and_open_data_have_a_view_per_process(client):
    process, topic, _unanswered = in_phase(OPEN_ALL)
    answered_in(process, topic)
    make.answer(make.proposal(title="A proposal in the ongoing discussion"))
    make.proposal(title="Another proposal in the ongoing discussion")
    overview = main(client.get("/accountability"))
    row = overview.find("table", id="table-process-answers").find("tbody").find("tr")
    assert "Climate plan" in row.text and "1 of 2" in row.text
    one = main(client.get(f"/accountability/processes/{process.slug}"))
    assert "Climate plan" in one.find("h1").text and "1 of 2" in one.text
    assert client.get("/accountability/processes/nothing-here").status_code == 404

    figures = client.get(f"/api/v1/accountability?process={process.slug}").get_json()
    assert [p["slug"] for p in figures["processes"]] == [process.slug]
    assert figures["overall"]["proposals"] == 2 and figures["overall"]["answered"] == 1
    everything = client.get("/api/v1/accountability").get_json()
    by_slug = {p["slug"]: p for p in everything["processes"]}
    assert by_slug[process.slug]["answered"] == 1
    assert by_slug[processes.DEFAULT_SLUG]["proposals"] == 2
    assert client.get("/api/v1/accountability?process=nope").status_code == 404
    assert client.get(f"/api/v1/accountability?process={process.slug}&topic=x").status_code == 400


def test_the_api_lists_processes_with_their_phases(client):
    process, topic, proposal = in_phase(ANSWERS_ONLY)
    listed = client.get("/api/v1/processes").get_json()["processes"]
    found = next(p for p in listed if p["slug"] == process.slug)
    assert found["title"]["text"] == "Climate plan" and found["status"] == "running"
    assert [(p["current"], p["opens"]) for p in found["phases"]] == [
        (False, ["proposals", "comments", "supports", "answers"]), (True, ["answers"])]
    assert found["phases"][1]["starts_on"] == days(-10).isoformat()
    detail = client.get(f"/api/v1/processes/{process.slug}").get_json()
    assert [t["slug"] for t in detail["topics"]] == [topic.slug]
    assert client.get("/api/v1/processes/none").get_json()["error"]["code"] == "not_found"
    shown = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert shown["process"]["slug"] == process.slug


def _statements(client, queries, path: str) -> int:
    with queries.counting():
        assert client.get(path).status_code == 200
    return queries.count


def test_process_pages_cost_the_same_whatever_they_hold(client, queries):
    small_topic, large_topic = make.topic(), make.topic()
    small = make.process("Small", topics=[small_topic], phases=[(days(-1), days(1), OPEN_ALL)])
    large = make.process("Large", topics=[large_topic], phases=[
        (days(-40 + 4 * n), days(-37 + 4 * n), OPEN_ALL) for n in range(12)])
    make.proposal(topic_=small_topic)
    for _ in range(12):
        make.proposal(topic_=large_topic)
    make.topic()  # another topic of the large process
    db.session.expire_all()
    assert _statements(client, queries, f"/processes/{small.slug}") \
        == _statements(client, queries, f"/processes/{large.slug}")
    home_with_two = _statements(client, queries, "/")
    for number in range(5):
        make.process(f"More {number}", phases=[(days(-1), days(3), OPEN_ALL)])
    assert _statements(client, queries, "/") == home_with_two
    listed = _statements(client, queries, "/processes")
    make.process("Yet another", phases=[(days(2), days(3), OPEN_ALL)])
    assert _statements(client, queries, "/processes") == listed


def test_a_catalan_process_and_its_phases_are_read_in_spanish_through_apertium(app, client):
    from support_mt import need_apertium, run_worker

    need_apertium()
    topic = make.topic()
    process = make.process("Pressupostos del barri", topics=[topic], language="ca",
                           phases=[(days(-1), days(9), OPEN_ALL)])
    rules.current_phase(process).name = "Propostes dels veïns"
    db.session.commit()
    assert run_worker(app) > 0
    client.set_cookie("lang", "es", domain="forum.test")
    shown = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Presupuestos del barrio" in shown and "Machine-translated from Catalan" in shown
    assert "Propuestas de los vecinos" in shown
    found = client.get(f"/api/v1/processes/{process.slug}?lang=es").get_json()
    assert found["title"]["machine_translated"] and found["title"]["original_language"] == "ca"
    assert found["phases"][0]["name"]["language"] == "es"
    assert "vecinos" in found["phases"][0]["name"]["text"]


def test_the_new_proposal_form_marks_topics_closed_to_proposals(client):
    _process, closed, _proposal = in_phase({"comments": True}, topic_name="Closed topic")
    make.topic("Open topic")
    log_in(client, make.user("Eager"))
    options = [o.text for o in main(client.get("/proposals/new")).find_all("option")]
    assert "Closed topic (not taking proposals now)" in options and "Open topic" in options


def test_the_new_proposal_form_costs_the_same_whatever_the_number_of_processes(client, queries):
    log_in(client, make.user("Eager"))
    in_phase({"comments": True})
    few = _statements(client, queries, "/proposals/new")
    for number in range(4):
        make.process(f"Another {number}", topics=[make.topic()],
                     phases=[(days(-1), days(3), OPEN_ALL)])
    assert _statements(client, queries, "/proposals/new") == few
