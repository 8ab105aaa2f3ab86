"""Support thresholds: enough supports oblige an official answer within a topic's deadline."""
from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import browser, field_errors, flashes, location, log_in, main, page
from forum.accounts.models import User
from forum.answers import service as answers
from forum.db import db, utcnow
from forum.notifications.models import Notification
from forum.proposals import service as proposals
from forum.proposals.models import Proposal, Support
from forum.residents import service as residents
from forum.thresholds import service as thresholds


@pytest.fixture
def council(app):
    return make.user("Council", role="admin")


def obliging(topic, supports: int = 3, days: int = 30):
    thresholds.set_threshold(topic, supports, days)
    return topic


def supported_by(proposal, count: int):
    for _ in range(count):
        proposals.support(make.user(), proposal)


def reload(proposal) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def alerts(kind: str = "threshold") -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == kind))


def test_the_support_that_reaches_the_threshold_starts_the_deadline_once(app, council):
    topic = obliging(make.topic("Mobility"), supports=3, days=30)
    proposal = make.proposal(topic_=topic)
    supported_by(proposal, 2)
    assert reload(proposal).threshold_reached_at is None

    supported_by(proposal, 1)
    reached = reload(proposal)
    assert reached.threshold_reached_at is not None
    assert reached.answer_due_at - reached.threshold_reached_at == timedelta(days=30)
    assert alerts() == 1  # the admin is told

    supported_by(proposal, 2)
    for supporter in db.session.scalars(select(Support.user_id)):
        proposals.withdraw_support(db.session.get(User, supporter), proposal)
    assert reload(proposal).answer_due_at == reached.answer_due_at  # an obligation stays
    assert alerts() == 1


def test_an_admin_sets_a_threshold_and_proposals_already_past_it_are_obliged(app, council):
    topic = make.topic("Mobility")
    popular, quiet = make.proposal(topic_=topic), make.proposal(topic_=topic)
    supported_by(popular, 4)
    client = browser(app)
    log_in(client, council)

    half = client.post(f"/admin/topics/{topic.id}/edit", data={
        "name": "Mobility", "language": "en", "answer_threshold": "4"})
    assert half.status_code == 422 and "or neither" in field_errors(half, "answer_days")

    saved = client.post(f"/admin/topics/{topic.id}/edit", data={
        "name": "Mobility", "language": "en", "answer_threshold": "4", "answer_days": "45"})
    assert "1 proposal is past the new threshold" in flashes(client.get(location(saved)))
    assert reload(popular).answer_due_at is not None and reload(quiet).answer_due_at is None

    client.post(f"/admin/topics/{topic.id}/edit", data={
        "name": "Mobility", "language": "en", "answer_threshold": "", "answer_days": ""})
    db.session.expire_all()
    assert topic.answer_threshold is None
    assert reload(popular).answer_due_at is not None  # removing the threshold later too
    audit = page(client.get("/admin/audit")).find("table").text
    assert "mobility: 4 supports, answer within 45 days" in audit
    assert "mobility: no threshold" in audit


def test_the_proposal_page_says_where_the_obliged_answer_stands(app, council):
    topic = obliging(make.topic("Mobility"))
    proposal = make.proposal(topic_=topic)
    supported_by(proposal, 3)
    client = browser(app)

    def shown() -> str:
        return page(client.get(f"/proposals/{proposal.id}")).find("p", class_="obligation").text

    assert "must answer it by" in shown()
    reload(proposal).answer_due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "is late" in shown()
    answers.give_answer(reload(proposal), council, "under_review",
                        "We are studying it with the traffic department.", "en")
    assert "after the deadline" in shown()


def test_accountability_lists_overdue_answers_and_counts_answers_in_time(app, council):
    topic = obliging(make.topic("Mobility"))
    in_time, late, overdue, due = (make.proposal(topic_=topic, title=f"Proposal {name}")
                                   for name in ("in time", "late", "overdue", "due"))
    for proposal in (in_time, late, overdue, due):
        supported_by(proposal, 3)
    answers.give_answer(reload(in_time), council, "accepted",
                        "Yes, we will do it in the next budget.", "en")
    for proposal in (late, overdue):
        reload(proposal).answer_due_at = utcnow() - timedelta(days=2)
        db.session.commit()
    answers.give_answer(reload(late), council, "rejected",
                        "No, we cannot do it on this street.", "en")

    client = browser(app)
    section = main(client.get("/accountability")).find("section",
                                                       **{"aria-labelledby": "obliged-heading"})
    assert "1 of 3 (33%)" in section.text  # in time, of those answered or past their deadline
    listed = [a.text for a in section.find("ul", class_="overdue").find_all("a")]
    assert listed == ["Proposal overdue"]

    figures = client.get("/api/v1/accountability").get_json()["overall"]["answer_obligations"]
    assert figures == {"proposals": 4, "in_time": 1, "late": 1, "overdue": 1, "due": 1,
                       "share_answered_within_deadline": 0.3333}
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(
        client.get("/api/v1/export/proposals.csv").get_data(as_text=True)))}
    assert [rows[f"Proposal {name}"]["answered_within_deadline"]
            for name in ("in time", "late", "overdue", "due")] == ["true", "false", "false", ""]
    assert rows["Proposal due"]["answer_due_at"]
    api = client.get(f"/api/v1/proposals/{due.id}").get_json()
    assert api["answer_due_at"] and api["threshold_reached_at"]


def test_only_verified_supports_count_when_the_instance_says_so(app, council):
    app.config["ANSWER_THRESHOLD_VERIFIED_ONLY"] = True
    topic = obliging(make.topic("Mobility"), supports=2)
    proposal = make.proposal(topic_=topic)
    people = [make.user() for _ in range(3)]
    for person in people:
        proposals.support(person, proposal)
    assert reload(proposal).answer_due_at is None
    _, codes = residents.create_batch(2, "Town hall desk")
    residents.redeem(people[0], codes[0])
    assert reload(proposal).answer_due_at is None
    residents.redeem(people[1], codes[1])  # the second verified support reaches it
    assert reload(proposal).answer_due_at is not None


def test_hidden_and_withdrawn_proposals_oblige_nothing(app, council):
    topic = make.topic("Mobility")
    hidden, withdrawn = make.proposal(topic_=topic), make.proposal(topic_=topic)
    supported_by(hidden, 3)
    supported_by(withdrawn, 3)
    hidden.hidden_at = utcnow()
    withdrawn.state = "withdrawn"
    db.session.commit()
    assert thresholds.set_threshold(topic, 3, 30) == []


def test_two_supports_reaching_the_threshold_at_once_oblige_once(app, council):
    topic = obliging(make.topic("Mobility"), supports=3)
    proposal = make.proposal(topic_=topic)
    supported_by(proposal, 1)
    ids = [make.user().id, make.user().id, make.user().id]
    barrier = threading.Barrier(3)

    def support(user_id):
        with app.app_context():
            barrier.wait(30)
            proposals.support(db.session.get(User, user_id), db.session.get(Proposal,
                                                                                  proposal.id))
            db.session.remove()

    threads = [threading.Thread(target=support, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert reload(proposal).support_count == 4 and reload(proposal).answer_due_at is not None
    assert alerts() == 1
