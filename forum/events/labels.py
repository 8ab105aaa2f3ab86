"""How pages say when and where an event is, in the reader's locale and the event's zone."""
from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from babel import dates
from flask_babel import get_locale
from flask_babel import gettext as _

from forum.events.models import Event
from forum.events.rules import to_local


def event_when(event: Event) -> str:
    """Say when an event takes place in its own time zone, e.g. "Sunday, 29 March 2026,
    18:00–20:30 (Europe/Madrid)"."""
    locale, zone = get_locale(), ZoneInfo(event.timezone)
    starts, ends = (moment.replace(tzinfo=UTC).astimezone(zone)
                    for moment in (event.starts_at, event.ends_at))
    if starts.date() == ends.date():
        return _("%(date)s, %(start)s–%(end)s (%(zone)s)",
                 date=dates.format_date(starts.date(), "full", locale=locale),
                 start=dates.format_time(starts, "short", tzinfo=zone, locale=locale),
                 end=dates.format_time(ends, "short", tzinfo=zone, locale=locale),
                 zone=event.timezone)
    return _("%(start)s – %(end)s (%(zone)s)", start=_moment(starts, zone, locale),
             end=_moment(ends, zone, locale), zone=event.timezone)


def _moment(moment, zone, locale) -> str:
    # The locale's own way of joining a date and a time, with minutes but no seconds.
    pattern = str(dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", dates.format_date(moment.date(), "medium", locale=locale)) \
        .replace("{0}", dates.format_time(moment, "short", tzinfo=zone, locale=locale))


def local_form_values(event: Event) -> dict:
    """Return the start and end as the edit form shows them: wall-clock times in the zone."""
    return {"starts_at": to_local(event.starts_at, event.timezone),
            "ends_at": to_local(event.ends_at, event.timezone)}
