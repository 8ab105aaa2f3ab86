"""Events of a participatory process, the people registered for them, the proposals they treat."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Model, utcnow
from forum.items import ItemKind
from forum.machine_translation.translatable import translatable
from forum.processes.models import Process


class EventKind(StrEnum):
    """Where an event takes place."""

    IN_PERSON = "in_person"
    ONLINE = "online"


class Registration(StrEnum):
    """Where a registered person stands."""

    REGISTERED = "registered"
    WAITING = "waiting"


@translatable(ItemKind.EVENT, title="title", description="markdown:description_source",
              minutes="markdown:minutes_source")
class Event(Model):
    """A meeting of a process, in person or online, that citizens register for.

    Times are stored in UTC with the organiser's time zone, so that pages and calendars
    show the local time of the place even across a change of daylight saving time.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_process_starts", "process_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("registered_count >= 0 AND waiting_count >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"))
    # Null once the organiser's account is deleted: the event stays, as the institution's.
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(Text, default="")
    online_url: Mapped[str] = mapped_column(String(2000), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int | None]
    # Counters kept in SQL by the services: the conditional update of registered_count is
    # what keeps the capacity when many register at once.
    registered_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waiting_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_position: Mapped[int] = mapped_column(default=0, server_default="0")
    minutes_source: Mapped[str] = mapped_column(Text, default="")
    minutes_html: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Loaded when a page asks: pages listing events already hold their process, and a
    # proposal's page never needs one.
    process: Mapped[Process] = relationship()

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registered_count >= self.capacity

    def is_over(self, now: datetime | None = None) -> bool:
        """Say whether the event has ended."""
        return self.ends_at <= (now or utcnow())


class EventRegistration(Model):
    """A person registered for an event, or waiting for a seat (by position)."""

    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      Index("ix_event_registrations_waiting", "event_id", "state", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    # The place on the waiting list (lower goes first); null once registered.
    position: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventProposal(Model):
    """A proposal an event treats; `discussed` is set with the minutes."""

    __tablename__ = "event_proposals"
    __table_args__ = (UniqueConstraint("event_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    discussed: Mapped[bool] = mapped_column(default=False)
