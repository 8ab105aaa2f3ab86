"""Answering proposals and keeping their follow-up timeline; these functions commit.

What else their commits do (hooks installed by `create_app`): a new or changed text owes
its translations into every other language and rewrites its search documents in the same
transaction (machine_translation.outbox); a change readers can see bumps the HTTP cache's
content version after the commit (caching); notifications, and the e-mails they owe,
are written in the same transaction (notifications).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from forum.answers.models import ANSWER_STATES, Milestone, OfficialAnswer
from forum.content import validation
from forum.content.render import render_markdown
from forum.db import db, utcnow
from forum.items import ItemKind
from forum.machine_translation.models import Translation, TranslationJob
from forum.notifications import service as notifications
from forum.processes import rules as phases
from forum.processes.models import Action
from forum.proposals.models import Proposal

TITLE_MAX_LENGTH = 200
# Milestones further than this from today are typing mistakes (2062 for 2026), and
# dates the databases would store differently.
MILESTONE_YEARS = 50


def give_answer(proposal: Proposal, author, state: str, body: str,
                language: str) -> OfficialAnswer:
    """Publish an official answer, move the proposal to its state, tell author and followers."""
    if state not in ANSWER_STATES:
        raise validation.ContentError("state", _l("Choose one of the offered states."))
    phases.require_open(proposal.topic.process, Action.ANSWER)
    config = current_app.config
    body = validation.check_length("body", body, config["PROPOSAL_BODY_MIN_LENGTH"],
                                   config["PROPOSAL_BODY_MAX_LENGTH"])
    answer = OfficialAnswer(proposal_id=proposal.id, author_id=author.id, state=state,
                            body_source=body, body_html=render_markdown(body),
                            language=validation.check_language(language))
    db.session.add(answer)
    proposal.state = state
    proposal.last_activity_at = utcnow()
    db.session.flush()  # the notifications point at the answer's id
    notifications.notify([proposal.author_id, *notifications.followers(proposal.id)], "answer",
                         item_type=ItemKind.ANSWER, item_id=answer.id, proposal_id=proposal.id,
                         actor_id=author.id)
    db.session.commit()
    return answer


def answers_of(proposal_id: int) -> list[OfficialAnswer]:
    """Return a proposal's official answers, oldest first."""
    return list(db.session.scalars(select(OfficialAnswer)
                                   .where(OfficialAnswer.proposal_id == proposal_id)
                                   .order_by(OfficialAnswer.created_at, OfficialAnswer.id)))


def milestones_of(proposal_ids) -> dict[int, list[Milestone]]:
    """Return the milestones of some proposals in one query, by proposal, in date order."""
    found: dict[int, list[Milestone]] = {pid: [] for pid in proposal_ids}
    if not found:
        return found
    for milestone in db.session.scalars(select(Milestone)
                                        .where(Milestone.proposal_id.in_(found))
                                        .order_by(Milestone.due_on, Milestone.id)):
        found[milestone.proposal_id].append(milestone)
    return found


def add_milestone(proposal: Proposal, title: str, due_on: date, language: str,
                  done: bool = False) -> Milestone:
    """Add a dated step to a proposal's follow-up."""
    milestone = Milestone(proposal_id=proposal.id, done=bool(done))
    _fill(milestone, title, due_on, language)
    db.session.add(milestone)
    db.session.commit()
    return milestone


def edit_milestone(milestone: Milestone, title: str, due_on: date, language: str,
                   done: bool) -> None:
    """Change a milestone; a changed title is translated again by the worker."""
    _fill(milestone, title, due_on, language)
    milestone.done = bool(done)
    milestone.updated_at = utcnow()
    db.session.commit()


def delete_milestone(milestone: Milestone) -> None:
    """Remove a milestone with its translations and the work owed to it."""
    for model in (TranslationJob, Translation):
        db.session.execute(delete(model).where(model.item_type == ItemKind.MILESTONE,
                                               model.item_id == milestone.id))
    db.session.delete(milestone)
    db.session.commit()


def _fill(milestone: Milestone, title: str, due_on: date, language: str) -> None:
    # Everything is checked before anything changes: a refused edit leaves no half-change.
    values = dict(title=validation.check_length("title", " ".join((title or "").split()), 3,
                                                TITLE_MAX_LENGTH),
                  due_on=check_date(due_on), language=validation.check_language(language))
    for name, value in values.items():
        setattr(milestone, name, value)


def check_date(value) -> date:
    """Return a milestone date, or raise ContentError when it is missing or far-fetched."""
    if not isinstance(value, date):
        raise validation.ContentError("due_on", _l("Give a date."))
    today = utcnow().date()
    span = timedelta(days=365 * MILESTONE_YEARS)
    if not today - span <= value <= today + span:
        raise validation.ContentError("due_on", _l(
            "Give a date within %(years)s years of today.", years=MILESTONE_YEARS))
    return value
