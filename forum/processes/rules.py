"""What a process lets people do today: the one place the phases' rules are read.

Services call `require_open` before they write, so every write path (forms, and any
later one) obeys the phases, not only the buttons pages show or hide. "Today" is the day
in the instance's time zone (DEFAULT_TIMEZONE): phases are dated in days of the town.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from forum.content.validation import ContentError
from forum.processes.models import Action, Phase, Process

REFUSALS = {
    Action.PROPOSE: _l("This process does not take new proposals at the moment."),
    Action.COMMENT: _l("Comments are closed in this process at the moment."),
    Action.SUPPORT: _l("Supports are closed in this process at the moment."),
    Action.ANSWER: _l("This process does not take official answers at the moment."),
}


class PhaseClosed(ContentError):
    """An action the process's current phase does not open."""


def today() -> date:
    """Return today's date in the instance's time zone."""
    zone = ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")
    return datetime.now(UTC).astimezone(zone).date()


def current_phase(process: Process, day: date | None = None) -> Phase | None:
    """Return the phase running on `day` (today), if any."""
    day = day or today()
    return next((p for p in process.phases if p.starts_on <= day <= p.ends_on), None)


def next_phase(process: Process, day: date | None = None) -> Phase | None:
    """Return the first phase that starts after `day` (today), if any."""
    day = day or today()
    return next((p for p in process.phases if p.starts_on > day), None)


def is_open(process: Process, action: Action, day: date | None = None) -> bool:
    """Say whether `action` is open in `process` on `day`; a process without phases always is."""
    if not process.phases:
        return True
    phase = current_phase(process, day)
    return phase is not None and phase.opens(action)


def require_open(process: Process, action: Action, field: str = "body") -> None:
    """Raise PhaseClosed, with a message saying when it opens again, unless `action` is open."""
    if is_open(process, action):
        return
    message = REFUSALS[action]
    reopening = next((p for p in process.phases if p.starts_on > today() and p.opens(action)),
                     None)
    if reopening is not None:
        message = _l("%(refusal)s It opens on %(day)s.", refusal=message,
                     day=format_date(reopening.starts_on, "long"))
    raise PhaseClosed(field, message)


def status(process: Process, day: date | None = None) -> str:
    """Name where a process stands: "always", "upcoming", "running", "between" or "over"."""
    if not process.phases:
        return "always"
    day = day or today()
    if day < process.phases[0].starts_on:
        return "upcoming"
    if day > process.phases[-1].ends_on:
        return "over"
    return "running" if current_phase(process, day) else "between"
