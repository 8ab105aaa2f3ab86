"""What an event must say, and when people may register: checked before anything is written."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import lazy_gettext as _l

from forum.content import validation
from forum.content.render import render_markdown
from forum.db import utcnow
from forum.events.models import Event, EventKind

YEARS = 10                 # how far from today an event may be dated
CAPACITY_MAX = 1_000_000
URL_MAX_LENGTH = 2000
CLOSED = _l("This event no longer takes registrations.")


class EventRefused(validation.ContentError):
    """Something the event's state does not allow (over, hidden, not over yet)."""


def refusal(field: str, message) -> EventRefused:
    """Return the error to raise for `field`."""
    return EventRefused(field, message)


@cache
def zone_names() -> tuple[str, ...]:
    """List the time zones an organiser may choose (IANA names, e.g. Europe/Madrid)."""
    regional = (name for name in available_timezones()
                if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix", "right/")))
    return ("UTC", *sorted(regional))


def check_zone(name: str | None) -> str:
    """Return a time zone name the forum knows, or raise ContentError."""
    if not name or name not in zone_names():
        raise refusal("timezone", _l("Choose one of the offered time zones."))
    return name


def to_utc(local: datetime, zone: str) -> datetime:
    """Return the UTC moment of a wall-clock time in a zone, naive as stored."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime, zone: str) -> datetime:
    """Return the wall-clock time in a zone of a stored UTC moment, naive (for forms)."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def check_url(url: str | None) -> str:
    """Return an http(s) address with a host, or raise ContentError."""
    url = (url or "").strip()
    parts = urlsplit(url) if len(url) <= URL_MAX_LENGTH else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(ch <= " " or ch == "\x7f" for ch in url)):
        raise refusal("online_url", _l("Give the meeting's address, starting with https://."))
    return url


def _check_times(starts_local, ends_local, zone: str) -> tuple[datetime, datetime]:
    for field, value in (("starts_at", starts_local), ("ends_at", ends_local)):
        if not isinstance(value, datetime):
            raise refusal(field, _l("Give a date and a time."))
        if abs(value - utcnow()) > timedelta(days=365 * YEARS):
            raise refusal(field, _l("Give a date within %(years)s years of today.", years=YEARS))
    starts_at, ends_at = to_utc(starts_local, zone), to_utc(ends_local, zone)
    if ends_at <= starts_at:
        raise refusal("ends_at", _l("An event must end after it starts."))
    return starts_at, ends_at


def _check_capacity(capacity) -> int | None:
    if capacity is None:
        return None
    if isinstance(capacity, bool) or not isinstance(capacity, int) \
            or not 1 <= capacity <= CAPACITY_MAX:
        raise refusal("capacity", _l("Give at least one seat, or leave it empty for no limit."))
    return capacity


def _check_place(kind: str, address: str, online_url: str) -> dict[str, str]:
    if kind == EventKind.IN_PERSON:
        return {"address": validation.check_length("address", address, 3, 500),
                "online_url": ""}
    if kind == EventKind.ONLINE:
        return {"address": "", "online_url": check_url(online_url)}
    raise refusal("kind", _l("Say whether the event is in person or online."))


def checked(draft) -> dict:
    """Return an event's column values from a draft, or raise ContentError (nothing changes)."""
    zone = check_zone(draft.timezone)
    starts_at, ends_at = _check_times(draft.starts_local, draft.ends_local, zone)
    description = validation.check_length("description", draft.description, 0, 20_000)
    return dict(title=validation.check_length("title", " ".join((draft.title or "").split()),
                                              3, 200),
                description_source=description,
                description_html=render_markdown(description) if description else "",
                language=validation.check_language(draft.language), kind=draft.kind,
                starts_at=starts_at, ends_at=ends_at, timezone=zone,
                capacity=_check_capacity(draft.capacity),
                **_check_place(draft.kind, draft.address, draft.online_url))


def check_message(text: str | None) -> str:
    """Return a cleaned message to attendees, or raise ContentError."""
    return validation.check_length("message", text, 3, 2000)


def check_minutes(text: str | None) -> str:
    """Return cleaned minutes, or raise ContentError."""
    return validation.check_length("minutes", text, 10, 50_000)


def require_registration_open(event: Event) -> None:
    """Raise EventRefused unless people may register for the event now."""
    if event.hidden_at is not None:
        raise refusal("event", CLOSED)
    require_not_over(event)


def require_not_over(event: Event) -> None:
    """Raise EventRefused if the event has ended."""
    if event.is_over():
        raise refusal("event", _l("This event is over: registrations can no longer change."))


def require_over(event: Event) -> None:
    """Raise EventRefused until the event has ended (minutes come afterwards)."""
    if not event.is_over(utcnow()):
        raise refusal("minutes", _l("Minutes can be published once the event has ended."))
