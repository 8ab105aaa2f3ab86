"""Topics, proposals and the supports citizens give them."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import Model, utcnow
from forum.items import ItemKind
from forum.machine_translation.translatable import translatable
from forum.processes.models import Process


class ProposalState(StrEnum):
    """Where a proposal stands; the institution moves it on with official answers."""

    OPEN = "open"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"
    WITHDRAWN = "withdrawn"


@translatable(ItemKind.TOPIC, name="name", description="description")
class Topic(Model):
    """A theme proposals are filed under, managed by admins."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # This many supports oblige an official answer within answer_days (forum.thresholds).
    answer_threshold: Mapped[int | None]
    answer_days: Mapped[int | None]
    # The participatory process whose phases say what is open (forum.processes).
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)

    process: Mapped[Process] = relationship()


LISTED = "hidden_at IS NULL AND pinned_at IS NULL"
VISIBLE = "hidden_at IS NULL"
PINNED = "pinned_at IS NOT NULL"


def _partial(name: str, where: str, *columns: str) -> Index:
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


def list_indexes() -> list[Index]:
    """Partial indexes that let a page of a proposal list stop after its own rows.

    One per sort over the listed (visible, unpinned) proposals, one of the few pinned ones,
    and one to count visible proposals without reading their rows. Partial, so that the
    planner of either database cannot prefer a "hidden_at IS NULL" index matching nearly
    every row and then sort them all.
    """
    return [_partial("ix_proposals_listed_created", LISTED, "created_at", "id"),
            _partial("ix_proposals_listed_support_count", LISTED, "support_count", "id"),
            _partial("ix_proposals_listed_comment_count", LISTED, "comment_count", "id"),
            _partial("ix_proposals_listed_last_activity_at", LISTED, "last_activity_at", "id"),
            _partial("ix_proposals_pinned", PINNED, "pinned_at"),
            _partial("ix_proposals_visible_topic_state", VISIBLE, "topic_id", "state")]


@translatable(ItemKind.PROPOSAL, title="title", body="markdown:body_source")
class Proposal(Model):
    """A citizen's proposal: a title and a markdown body in the author's language."""

    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_topic_created", "topic_id", "created_at"),
        Index("ix_proposals_created", "created_at"),
        *list_indexes(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    # Null once the author erased their account and chose to keep content anonymised.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(400))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=ProposalState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # Set when the author erased their account with their texts: the row stays as a
    # tombstone (title and body emptied) because others' comments or answers hang on it.
    deleted_at: Mapped[datetime | None]
    # Counters kept by the services, so lists sort and show counts without joins.
    support_count: Mapped[int] = mapped_column(default=0)
    # Of those, the supports of verified residents (forum.residents).
    verified_support_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the topic's support threshold was reached, and the answer it obliges is due.
    threshold_reached_at: Mapped[datetime | None]
    answer_due_at: Mapped[datetime | None] = mapped_column(index=True)
    comment_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moderation.
    pinned_at: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))

    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_withdrawn(self) -> bool:
        return self.state == ProposalState.WITHDRAWN


class Support(Model):
    """One citizen's support for one proposal."""

    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("user_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
