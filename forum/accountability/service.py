"""Accountability figures, from two aggregate queries whatever the number of proposals.

Which proposals count: every visible proposal, except those their authors withdrew before
any answer (nobody awaits an answer to them). A proposal is *answered* once the
institution published any official answer to it, *decided* once an answer accepted,
rejected or implemented it. Days are counted from the proposal's publication to its
first answer (or first decision), to the fraction of a day; medians are over the
proposals concerned.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import case, func, select

from forum.answers.models import DECISION_STATES, OfficialAnswer
from forum.answers.service import milestones_of
from forum.db import db, utcnow
from forum.proposals.models import Proposal, ProposalState
from forum.thresholds.service import standing

# What a state breakdown lists, in this order.
STATES = tuple(ProposalState)
# How many delivered proposals the page lists per state before linking to the full list.
DELIVERED_SHOWN = 20


@dataclass
class Figures:
    """How the institution answered one set of proposals (a topic, or all of them)."""

    states: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in STATES})
    withdrawn_answered: int = 0
    days_to_answer: list[float] = field(default_factory=list)
    days_to_decision: list[float] = field(default_factory=list)
    # Answers obliged by support thresholds (forum.thresholds), by where each stands.
    obligations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("in_time", "late", "overdue", "due"), 0))

    def add(self, other: Figures) -> None:
        """Count another set of proposals in with these (a process's topics)."""
        for key, count in other.states.items():
            self.states[key] = self.states.get(key, 0) + count
        for key, count in other.obligations.items():
            self.obligations[key] += count
        self.withdrawn_answered += other.withdrawn_answered
        self.days_to_answer += other.days_to_answer
        self.days_to_decision += other.days_to_decision

    @property
    def obliged(self) -> int:
        """Count the proposals whose supports oblige an answer."""
        return sum(self.obligations.values())

    @property
    def share_in_time(self) -> float | None:
        """Of the obliged answers whose deadline passed or that came, the share in time."""
        settled = self.obliged - self.obligations["due"]
        return self.obligations["in_time"] / settled if settled else None

    @property
    def published(self) -> int:
        """Count the visible proposals, withdrawn ones included."""
        return sum(self.states.values())

    @property
    def proposals(self) -> int:
        """Count the proposals that call for an answer."""
        withdrawn = self.states.get(ProposalState.WITHDRAWN.value, 0)
        return self.published - (withdrawn - self.withdrawn_answered)

    @property
    def answered(self) -> int:
        return len(self.days_to_answer)

    @property
    def decided(self) -> int:
        return len(self.days_to_decision)

    @property
    def awaiting(self) -> int:
        return self.proposals - self.answered

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.proposals if self.proposals else None

    @property
    def share_decided(self) -> float | None:
        return self.decided / self.proposals if self.proposals else None

    @property
    def median_days_to_answer(self) -> float | None:
        return median(self.days_to_answer) if self.days_to_answer else None

    @property
    def median_days_to_decision(self) -> float | None:
        return median(self.days_to_decision) if self.days_to_decision else None


@dataclass
class Report:
    """The figures overall and per topic id."""

    overall: Figures
    by_topic: dict[int, Figures]


def by_process(found: Report, topics) -> dict[int, Figures]:
    """Return the figures of each process, from those of its topics."""
    merged: dict[int, Figures] = {}
    for topic in topics:
        if topic.id in found.by_topic:
            merged.setdefault(topic.process_id, Figures()).add(found.by_topic[topic.id])
    return merged


def days_between(start: datetime, end: datetime) -> float:
    """Return the days from `start` to `end`, to the fraction of a day."""
    return (end - start).total_seconds() / 86400


def report(topic_ids: list[int] | None = None) -> Report:
    """Compute the figures for every visible proposal, or for those of some topics."""
    found = Report(Figures(), {})
    for topic, state, count in db.session.execute(_state_counts(topic_ids)):
        for target in (found.overall, found.by_topic.setdefault(topic, Figures())):
            target.states[state] = target.states.get(state, 0) + count
    for row in db.session.execute(_first_answers(topic_ids)):
        for target in (found.overall, found.by_topic.setdefault(row.topic_id, Figures())):
            target.days_to_answer.append(days_between(row.created_at, row.first_answer))
            if row.first_decision is not None:
                target.days_to_decision.append(days_between(row.created_at, row.first_decision))
            if row.state == ProposalState.WITHDRAWN:
                target.withdrawn_answered += 1
    now = utcnow()
    for row in db.session.execute(_obligations(topic_ids)):
        where = standing(row.answer_due_at, row.first_answer, now) or "due"
        for target in (found.overall, found.by_topic.setdefault(row.topic_id, Figures())):
            target.obligations[where] += 1
    return found


def _visible(query, topic_ids: list[int] | None):
    query = query.where(Proposal.hidden_at.is_(None))
    return query if topic_ids is None else query.where(Proposal.topic_id.in_(topic_ids))


def _state_counts(topic_ids: list[int] | None):
    query = select(Proposal.topic_id, Proposal.state, func.count(Proposal.id))
    return _visible(query, topic_ids).group_by(Proposal.topic_id, Proposal.state)


def _first_answers(topic_ids: list[int] | None):
    decision = case((OfficialAnswer.state.in_([s.value for s in DECISION_STATES]),
                     OfficialAnswer.created_at))
    query = (select(Proposal.id, Proposal.topic_id, Proposal.state, Proposal.created_at,
                    func.min(OfficialAnswer.created_at).label("first_answer"),
                    func.min(decision).label("first_decision"))
             .join(OfficialAnswer, OfficialAnswer.proposal_id == Proposal.id))
    return _visible(query, topic_ids).group_by(Proposal.id, Proposal.topic_id, Proposal.state,
                                              Proposal.created_at)


def _obligations(topic_ids: list[int] | None):
    query = (select(Proposal.topic_id, Proposal.answer_due_at,
                    func.min(OfficialAnswer.created_at).label("first_answer"))
             .outerjoin(OfficialAnswer, OfficialAnswer.proposal_id == Proposal.id)
             .where(Proposal.answer_due_at.is_not(None)))
    return _visible(query, topic_ids).group_by(Proposal.id, Proposal.topic_id,
                                              Proposal.answer_due_at)


def overdue(topic_ids: list[int] | None = None, limit: int = DELIVERED_SHOWN) -> list[Proposal]:
    """Return visible proposals whose obliged answer is late, the longest overdue first."""
    answered = select(OfficialAnswer.id).where(OfficialAnswer.proposal_id == Proposal.id)
    query = _visible(select(Proposal).where(Proposal.answer_due_at < utcnow(),
                                            ~answered.exists()), topic_ids)
    return list(db.session.scalars(query.order_by(Proposal.answer_due_at, Proposal.id)
                                   .limit(limit)))


def delivered(state: str, topic_ids: list[int] | None = None,
              limit: int = DELIVERED_SHOWN) -> list[Proposal]:
    """Return the most recently active visible proposals in `state` (accepted, implemented)."""
    query = _visible(select(Proposal).where(Proposal.state == state), topic_ids)
    return list(db.session.scalars(query.order_by(Proposal.last_activity_at.desc(),
                                                  Proposal.id.desc()).limit(limit)))


def timelines(proposals: list[Proposal]):
    """Return the milestones of the listed proposals, by proposal id, in one query."""
    return milestones_of([p.id for p in proposals])
