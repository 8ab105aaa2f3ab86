"""A participatory process, its dated phases, and what each phase lets people do."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Model, utcnow
from forum.items import ItemKind
from forum.machine_translation.translatable import translatable


class Action(StrEnum):
    """What a phase may open; the value names the phase's column."""

    PROPOSE = "proposals"
    COMMENT = "comments"
    SUPPORT = "supports"
    ANSWER = "answers"


@translatable(ItemKind.PROCESS, title="title", description="markdown:description_source")
class Process(Model):
    """A consultation an institution runs, e.g. "Climate plan 2027", with its topics."""

    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # Empty for the process the migration made for the forum as it was: pages name it
    # with an interface string until an admin gives it a title.
    title: Mapped[str] = mapped_column(String(200), default="")
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    phases: Mapped[list[Phase]] = relationship(
        order_by="Phase.starts_on", lazy="selectin", back_populates="process",
        cascade="all, delete-orphan")


@translatable(ItemKind.PHASE, name="name")
class Phase(Model):
    """A dated step of a process; its flags say which actions it opens.

    The dates are days in the instance's time zone, both included. A process with no
    phases is always open (the forum as it was); one with phases is closed between and
    outside them.
    """

    __tablename__ = "process_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    proposals: Mapped[bool] = mapped_column(default=False)
    comments: Mapped[bool] = mapped_column(default=False)
    supports: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[bool] = mapped_column(default=True)

    process: Mapped[Process] = relationship(back_populates="phases")

    def opens(self, action: Action) -> bool:
        """Say whether this phase lets people do `action`."""
        return bool(getattr(self, action.value))
