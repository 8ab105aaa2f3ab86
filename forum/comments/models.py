"""Threaded comments on proposals.

A thread is stored as a materialised path: every comment keeps `path`, the ids of its
ancestors and itself, each as a fixed-width run of digits. Sorting a thread by path gives
depth-first order with siblings oldest first, a subtree is a path prefix, and `root_id`
(the top-level comment it hangs from) lets a page of top-level comments fetch all of
their replies in one query. Reading a thread therefore costs a constant number of
queries whatever its size or depth, and writing a reply costs one extra UPDATE.
Digits only, because PostgreSQL's locale collations ignore punctuation when sorting.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import Model, utcnow
from forum.items import ItemKind
from forum.machine_translation.translatable import translatable

PATH_STEP = 10  # digits per level: ids up to 9,999,999,999


def path_segment(comment_id: int) -> str:
    """Return the fixed-width path step of one comment id."""
    return f"{comment_id:0{PATH_STEP}d}"


class Alignment(StrEnum):
    """Where a comment stands towards its proposal."""

    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"


@translatable(ItemKind.COMMENT, body="markdown:body_source")
class Comment(Model):
    """A comment on a proposal, or a reply to another comment at any depth."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_proposal_parent", "proposal_id", "parent_id", "id"),
        Index("ix_comments_root", "root_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    path: Mapped[str] = mapped_column(Text, default="")
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    alignment: Mapped[str | None] = mapped_column(String(8))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    # A deleted or hidden comment keeps its row (a tombstone) so replies keep their place.
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    reply_count: Mapped[int] = mapped_column(default=0)
    # People who marked it helpful (comment_votes), kept in step by SQL increments.
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_tombstone(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None


class CommentVote(Model):
    """One person marking one comment helpful (at most once: a unique pair).

    `proposal_id` repeats the comment's so that a thread's votes are read through one
    index: which comments a reader marked, and who judged the thread since a comment
    appeared (forum/comments/orders.py).
    """

    __tablename__ = "comment_votes"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        Index("ix_comment_votes_proposal_created", "proposal_id", "created_at", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
