"""Creating and changing processes and their phases; these functions commit."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from forum.audit import service as audit
from forum.content import validation
from forum.content.render import render_markdown
from forum.content.slugs import slugify
from forum.db import db
from forum.processes import rules
from forum.processes.models import Phase, Process
from forum.proposals.models import Topic

DEFAULT_SLUG = "ongoing"   # the process the migration made for the forum as it was
YEARS = 10                 # how far from today a phase may be dated


def default_process() -> Process:
    """Return the process new topics join unless told otherwise, making it if need be."""
    found = db.session.scalar(select(Process).order_by(Process.position, Process.id).limit(1))
    if found is None:
        found = Process(slug=DEFAULT_SLUG, language="en", position=0)
        db.session.add(found)
        db.session.flush()
    return found


def list_processes() -> list[Process]:
    """Return every process in display order (phases come with them)."""
    return list(db.session.scalars(select(Process).order_by(Process.position, Process.id)))


def current_processes() -> list[Process]:
    """Return the processes worth showing first: running, between phases, or upcoming."""
    return [p for p in list_processes() if rules.status(p) in ("running", "between", "upcoming")]


def find_process(slug: str) -> Process | None:
    """Return the process with this slug, if there is one."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text: such a slug names nothing
        return None
    return db.session.scalar(select(Process).where(Process.slug == slug))


def process_or_404(slug: str) -> Process:
    """Return the process with this slug, or answer 404."""
    found = find_process(slug)
    if found is None:
        abort(404)
    return found


def topics_of(process: Process) -> list[Topic]:
    """Return the topics a process uses, in display order."""
    return list(db.session.scalars(select(Topic).where(Topic.process_id == process.id)
                                   .order_by(Topic.position, Topic.id)))


def _slug(slug: str | None, title: str, process: Process | None) -> str:
    slug = slugify(slug or title, fallback="process")
    taken = select(Process.id).where(Process.slug == slug)
    if process is not None:
        taken = taken.where(Process.id != process.id)
    if db.session.scalar(taken) is not None:
        raise validation.ContentError("slug", _l("Another process has this address already."))
    return slug


def _fill(process: Process, title: str, description: str, language: str) -> None:
    process.title = validation.check_length("title", title, 3, 200)
    description = validation.check_length("description", description, 0, 20_000)
    process.description_source = description
    process.description_html = render_markdown(description) if description else ""
    process.language = validation.check_language(language)


def create_process(admin, title: str, description: str, language: str,
                   slug: str | None = None, topic_ids: list[int] | None = None) -> Process:
    """Create a process (translated like every text) and move the chosen topics into it."""
    process = Process()
    _fill(process, title, description, language)
    process.slug = _slug(slug, title, None)
    process.position = (db.session.scalar(select(func.max(Process.position))) or 0) + 1
    db.session.add(process)
    db.session.flush()
    _move_topics(process, topic_ids or [])
    audit.record("process_created", admin, detail=process.slug)
    db.session.commit()
    return process


def update_process(admin, process: Process, title: str, description: str, language: str,
                   slug: str | None = None, topic_ids: list[int] | None = None) -> None:
    """Change a process's texts, its address and the topics it uses."""
    _fill(process, title, description, language)
    process.slug = _slug(slug, title, process) if slug else process.slug
    if topic_ids is not None:
        _move_topics(process, topic_ids)
    audit.record("process_changed", admin, detail=process.slug)
    db.session.commit()


def _move_topics(process: Process, topic_ids: list[int]) -> None:
    # A topic belongs to one process: choosing it here takes it from its former one.
    if topic_ids:
        db.session.execute(update(Topic).where(Topic.id.in_(topic_ids))
                           .values(process_id=process.id)
                           .execution_options(synchronize_session="fetch"))


def check_phase_dates(process: Process, starts_on, ends_on, phase: Phase | None = None) -> None:
    """Raise ContentError for missing, reversed, far-fetched or overlapping phase dates."""
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            raise validation.ContentError(field, _l("Give a date."))
        span = timedelta(days=365 * YEARS)
        if not rules.today() - span <= value <= rules.today() + span:
            raise validation.ContentError(field, _l(
                "Give a date within %(years)s years of today.", years=YEARS))
    if ends_on < starts_on:
        raise validation.ContentError("ends_on", _l("A phase cannot end before it starts."))
    for other in process.phases:
        if other is not phase and other.starts_on <= ends_on and starts_on <= other.ends_on:
            raise validation.ContentError("starts_on", _l(
                "These dates overlap the phase “%(name)s”; phases follow one another.",
                name=other.name))


def save_phase(admin, process: Process, name: str, language: str, starts_on, ends_on,
               opens: dict[str, bool], phase: Phase | None = None) -> Phase:
    """Add a phase to a process, or change one; dates are checked against the others."""
    name = validation.check_length("name", name, 2, 120)
    language = validation.check_language(language)
    check_phase_dates(process, starts_on, ends_on, phase)
    if phase is None:
        phase = Phase(process=process)
        db.session.add(phase)
    phase.name, phase.language, phase.starts_on, phase.ends_on = (name, language,
                                                                   starts_on, ends_on)
    for action, value in opens.items():
        setattr(phase, action, bool(value))
    audit.record("phase_saved", admin, detail=f"{process.slug}: {starts_on}–{ends_on}")
    db.session.commit()
    db.session.refresh(process)  # the phases, in date order again
    return phase


def delete_phase(admin, phase: Phase) -> None:
    """Remove a phase; its dates become closed (or, with no phase left, always open)."""
    process = phase.process
    process.phases.remove(phase)
    audit.record("phase_deleted", admin, detail=f"{process.slug}: {phase.starts_on}–"
                                                f"{phase.ends_on}")
    db.session.commit()
