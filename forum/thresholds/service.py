"""Noting when a proposal reaches its topic's support threshold, and its answer deadline.

A topic may set `answer_threshold` supports and `answer_days`: a proposal that reaches
the threshold must get an official answer within that many days. The moment it is reached
and the deadline are stored on the proposal, once: supports withdrawn later, or a topic's
setting changed later, do not take an obligation back or move its deadline. Counted
supports are all supports, or only verified residents' with ANSWER_THRESHOLD_VERIFIED_ONLY.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select, update

from forum.accounts.models import Role, User
from forum.audit import service as audit
from forum.db import db, rows_changed, utcnow
from forum.items import ItemKind
from forum.notifications import service as notifications
from forum.proposals.models import Proposal, ProposalState, Topic


def counted():
    """The support count thresholds compare with."""
    if current_app.config["ANSWER_THRESHOLD_VERIFIED_ONLY"]:
        return Proposal.verified_support_count
    return Proposal.support_count


def check(proposal_ids=None, topic_id: int | None = None, now: datetime | None = None
          ) -> list[int]:
    """Mark the listed proposals (or a topic's) that reached their threshold; the caller
    commits. Each is marked once, even by concurrent supports; admins are notified."""
    now = now or utcnow()
    query = (select(Proposal.id, Proposal.state, Topic.answer_days)
             .join(Topic, Topic.id == Proposal.topic_id)
             .where(Proposal.threshold_reached_at.is_(None), Proposal.hidden_at.is_(None),
                    Proposal.state != ProposalState.WITHDRAWN,
                    Topic.answer_threshold.is_not(None), counted() >= Topic.answer_threshold))
    if proposal_ids is not None:
        query = query.where(Proposal.id.in_(
            proposal_ids if isinstance(proposal_ids, Select) else list(proposal_ids)))
    if topic_id is not None:
        query = query.where(Proposal.topic_id == topic_id)
    reached, admins = [], None
    for proposal_id, state, days in db.session.execute(query).all():
        marked = db.session.execute(
            update(Proposal).where(Proposal.id == proposal_id,
                                   Proposal.threshold_reached_at.is_(None))
            .values(threshold_reached_at=now, answer_due_at=now + timedelta(days=days or 0))
            .execution_options(synchronize_session=False))
        if rows_changed(marked) != 1:
            continue  # another process marked it first
        reached.append(proposal_id)
        if state == ProposalState.OPEN:  # one the institution has not answered yet
            admins = admins if admins is not None else _admins()
            notifications.notify(admins, "threshold", item_type=ItemKind.PROPOSAL,
                                 item_id=proposal_id, proposal_id=proposal_id)
    return reached


def _admins() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                        User.deleted_at.is_(None))))


def set_threshold(topic: Topic, supports: int | None, days: int | None,
                  admin: User | None = None) -> list[int]:
    """Set a topic's threshold (None for none), in the audit log if it changed; mark the
    proposals already past it (commits)."""
    before = (topic.answer_threshold, topic.answer_days)
    topic.answer_threshold, topic.answer_days = (supports, days) if supports else (None, None)
    if (topic.answer_threshold, topic.answer_days) != before:
        audit.record("answer_threshold_set", admin, detail=json.dumps(
            {"topic": topic.slug, "supports": topic.answer_threshold, "days": topic.answer_days}))
    db.session.flush()
    reached = check(topic_id=topic.id)
    db.session.commit()
    return reached


def standing(due: datetime | None, first_answer: datetime | None, now: datetime | None = None
             ) -> str | None:
    """Say where an obliged answer stands: due, overdue, in_time or late (None: no duty)."""
    if due is None:
        return None
    if first_answer is not None:
        return "in_time" if first_answer <= due else "late"
    return "due" if (now or utcnow()) <= due else "overdue"
