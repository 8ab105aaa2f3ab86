"""`forum demo`: a multilingual demo forum in one command, loaded once."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from fixtures_core import comment_ids, log_in, main
from forum.accounts.models import User
from forum.accounts.service import find_by_name
from forum.comments.models import Comment, path_segment
from forum.db import db
from forum.proposals.models import Proposal, Support, Topic

LANGUAGES = {"en", "es", "fr", "ca"}


def counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Topic, Proposal, Comment, Support)}


def test_demo_loads_a_multilingual_discussion(runner):
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0, result.output
    loaded = counts()
    assert result.output.startswith("demo loaded: ")
    assert f"{loaded['proposals']} proposals" in result.output
    assert loaded["proposals"] >= 25 and loaded["comments"] >= 250
    assert loaded["supports"] > 0 and loaded["topics"] > 1

    proposals = list(db.session.scalars(select(Proposal)))
    comments = list(db.session.scalars(select(Comment)))
    assert {p.language for p in proposals} == LANGUAGES
    assert {c.language for c in comments} == LANGUAGES
    assert max(c.depth for c in comments) >= 2
    assert {c.alignment for c in comments} >= {"for", "against"}
    assert sum(p.support_count for p in proposals) == loaded["supports"]


def test_demo_threads_are_consistent(runner):
    runner.invoke(args=["forum", "demo"])
    comments = {c.id: c for c in db.session.scalars(select(Comment))}
    replies = Counter(c.parent_id for c in comments.values() if c.parent_id)
    per_proposal = Counter(c.proposal_id for c in comments.values())
    for comment in comments.values():
        parent = comments.get(comment.parent_id)
        expected_path = (parent.path if parent else "") + path_segment(comment.id)
        assert comment.path == expected_path
        assert comment.root_id == (parent.root_id if parent else comment.id)
        assert comment.depth == (parent.depth + 1 if parent else 0)
        assert comment.reply_count == replies[comment.id]
        if parent:
            assert comment.created_at >= parent.created_at
    for proposal in db.session.scalars(select(Proposal)):
        assert proposal.comment_count == per_proposal[proposal.id]


def test_running_the_demo_twice_adds_nothing(runner):
    runner.invoke(args=["forum", "demo"])
    before = counts()
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0
    assert result.output.strip() == "demo already loaded: nothing to do"
    assert counts() == before


def test_demo_accounts_log_in_only_with_a_chosen_password(runner, client):
    runner.invoke(args=["forum", "demo", "--password", "demo password 123"])
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    log_in(client, admin, password="demo password 123")
    assert client.get("/admin/topics").status_code == 200


def test_demo_accounts_are_locked_by_default(runner, client):
    runner.invoke(args=["forum", "demo"])
    response = client.post("/login", data={"display_name": "Town Council", "password": ""})
    assert response.status_code == 422
    assert find_by_name("Town Council").password_hash.startswith("$argon2")


def test_the_demo_reads_well(runner, client):
    runner.invoke(args=["forum", "demo"])
    home = main(client.get("/"))
    assert len(home.find_all("li", class_="proposal-card")) == 20  # a full first page
    busiest = db.session.scalar(select(Proposal).order_by(Proposal.comment_count.desc()))
    shown = main(client.get(f"/proposals/{busiest.id}"))
    assert len(comment_ids(shown)) == busiest.comment_count
    for topic in db.session.scalars(select(Topic)):
        assert client.get(f"/topics/{topic.slug}").status_code == 200


def test_the_demo_answers_every_proposal_the_institution_moved_on(runner):
    from forum.answers.models import Milestone, OfficialAnswer
    from forum.db import utcnow

    runner.invoke(args=["forum", "demo"])
    answers = list(db.session.scalars(select(OfficialAnswer).order_by(OfficialAnswer.created_at)))
    milestones = list(db.session.scalars(select(Milestone)))
    for proposal in db.session.scalars(select(Proposal)):
        given = [a for a in answers if a.proposal_id == proposal.id]
        if proposal.state == "open":
            assert given == [] and not [m for m in milestones if m.proposal_id == proposal.id]
            continue
        assert given and given[-1].state == proposal.state, proposal.title
        assert all(proposal.created_at < a.created_at < utcnow() for a in given)
        assert proposal.last_activity_at >= given[-1].created_at
    assert {a.author.display_name for a in answers} == {"Town Council"}
    assert {a.language for a in answers} == LANGUAGES
    today = utcnow().date()
    assert all(m.due_on <= today for m in milestones if m.done)
    assert any(m.due_on > today for m in milestones if not m.done)


def test_answers_are_added_to_a_demo_loaded_before_them(runner):
    from forum.answers.models import Milestone, OfficialAnswer

    runner.invoke(args=["forum", "demo"])
    loaded = (counts(), db.session.scalar(select(func.count(OfficialAnswer.id))),
              db.session.scalar(select(func.count(Milestone.id))))
    db.session.execute(Milestone.__table__.delete())
    db.session.execute(OfficialAnswer.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["forum", "demo"])
    assert result.output.strip() == f"demo loaded: {loaded[1]} answers, {loaded[2]} milestones"
    assert (counts(), db.session.scalar(select(func.count(OfficialAnswer.id))),
            db.session.scalar(select(func.count(Milestone.id)))) == loaded


def test_the_demo_has_verified_residents_counted_apart(runner):
    result = runner.invoke(args=["forum", "demo"])
    assert "22 verified residents" in result.output
    verified = set(db.session.scalars(select(User.id).where(User.verified_at.is_not(None))))
    assert {u.district for u in db.session.scalars(select(User).where(
        User.id.in_(verified)))} == {"Riverside", "Old Town", "Hillside"}
    for proposal in db.session.scalars(select(Proposal)):
        supporters = set(db.session.scalars(select(Support.user_id).where(
            Support.proposal_id == proposal.id)))
        assert proposal.verified_support_count == len(supporters & verified)
    assert any(0 < p.verified_support_count < p.support_count
               for p in db.session.scalars(select(Proposal)))


def test_the_demo_has_proposals_past_their_support_threshold(runner, client):
    runner.invoke(args=["forum", "demo"])
    obliged = list(db.session.scalars(select(Proposal).where(
        Proposal.answer_due_at.is_not(None))))
    assert obliged and all(p.support_count >= 20 and p.topic.slug == "mobility"
                           for p in obliged)
    text = main(client.get("/accountability")).text
    assert "Answers that supports oblige" in text and "Overdue answers" in text


def test_the_demo_runs_one_open_process_and_one_in_its_answer_phase(runner):
    from forum.processes import rules
    from forum.processes import service as processes
    from forum.processes.models import Action

    assert runner.invoke(args=["forum", "demo"]).exit_code == 0
    assert runner.invoke(args=["forum", "demo"]).exit_code == 0  # loaded once
    demo = {p.slug: p for p in processes.list_processes() if p.title}
    assert len(demo) == 2
    climate, budget = demo["climate-plan-2027"], demo["pressupostos-participatius-2026"]
    assert rules.is_open(climate, Action.PROPOSE) and rules.is_open(climate, Action.COMMENT)
    assert [a for a in Action if rules.is_open(budget, a)] == [Action.ANSWER]
    assert {p.language for p in demo.values()} == {"en", "ca"}
    assert processes.topics_of(budget) and processes.topics_of(climate)


def test_the_demo_has_events_with_minutes_in_several_languages(runner):
    from forum.events.models import Event, EventRegistration

    assert runner.invoke(args=["forum", "demo"]).exit_code == 0
    assert runner.invoke(args=["forum", "demo"]).exit_code == 0  # loaded once
    events = list(db.session.scalars(select(Event)))
    assert len(events) == 3
    with_minutes = [e for e in events if e.minutes_published_at]
    assert len({e.language for e in with_minutes}) == 2
    assert {e.kind for e in events} == {"in_person", "online"}
    assert db.session.scalar(select(func.count(EventRegistration.id))) >= 1
