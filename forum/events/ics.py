"""Events as iCalendar files (RFC 5545), in the reader's language, for any calendar program."""
from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import request, url_for

from forum.events.models import Event, EventKind
from forum.machine_translation.reading import TranslationLookup

PRODID = "-//forum//events//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def calendar(events: list[Event], texts: TranslationLookup, name: str | None = None) -> bytes:
    """Return an iCalendar file holding `events`, with the time zones they use."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_component(event, texts))
    if events:
        # Only the years the events need: a zone's whole history would weigh kilobytes.
        cal.add_missing_timezones(
            first_date=min(e.starts_at for e in events).date() - timedelta(days=366),
            last_date=max(e.ends_at for e in events).date() + timedelta(days=366))
    return cal.to_ical()


def _component(event: Event, texts: TranslationLookup) -> icalendar.Event:
    zone = ZoneInfo(event.timezone)
    page = url_for("events.show", event_id=event.id, _external=True)
    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@{request.host.split(':')[0]}")
    # Without a METHOD, DTSTAMP is when the event was last changed (RFC 5545, 3.8.7.2).
    item.add("dtstamp", event.updated_at.replace(tzinfo=UTC))
    item.add("last-modified", event.updated_at.replace(tzinfo=UTC))
    item.add("dtstart", event.starts_at.replace(tzinfo=UTC).astimezone(zone))
    item.add("dtend", event.ends_at.replace(tzinfo=UTC).astimezone(zone))
    item.add("summary", texts.shown(event, "title").plain)
    description = texts.shown(event, "description").plain
    item.add("description", f"{description}\n\n{page}".strip())
    if event.kind == EventKind.ONLINE:
        item.add("location", event.online_url)
        item.add("url", event.online_url)
    else:
        item.add("location", event.address)
        item.add("url", page)
    return item
