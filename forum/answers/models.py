"""Official answers and the follow-up milestones of a proposal."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import Model, utcnow
from forum.items import ItemKind
from forum.machine_translation.translatable import translatable
from forum.proposals.models import ProposalState

# The states an official answer can move a proposal to.
ANSWER_STATES = (ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED, ProposalState.REJECTED,
                 ProposalState.IMPLEMENTED)
# Answers that settle a proposal; "under review" only acknowledges it.
DECISION_STATES = (ProposalState.ACCEPTED, ProposalState.REJECTED, ProposalState.IMPLEMENTED)


@translatable(ItemKind.ANSWER, body="markdown:body_source")
class OfficialAnswer(Model):
    """The institution's public answer to a proposal, which sets the proposal's state.

    Answers are never edited: a change of mind is a new answer, so the record of what
    the institution said, and when, stays whole.
    """

    __tablename__ = "official_answers"
    __table_args__ = (Index("ix_official_answers_proposal_created", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    # Null if the admin's account is erased: the answer stays, as the institution's.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_decision(self) -> bool:
        return self.state in DECISION_STATES


@translatable(ItemKind.MILESTONE, title="title")
class Milestone(Model):
    """A dated step of the follow-up the institution promised (or reached) on a proposal."""

    __tablename__ = "milestones"
    __table_args__ = (Index("ix_milestones_proposal_due", "proposal_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    due_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
