"""Pages of events: a process's list and calendar, an event, and the organisers' forms.

The list and the event page are not cached for visitors: whether an event is upcoming or
over changes with the clock, not with a commit, and the cache only sees commits. The
calendar files say nothing that depends on the clock, so they are cached.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from forum.caching import cacheable
from forum.content.authoring import add_error, write
from forum.content.validation import ContentError
from forum.db import db
from forum.events import access, ics, labels, service
from forum.events.forms import EventForm, MessageForm, MinutesForm
from forum.events.models import Event, EventKind, Registration
from forum.extensions import write_limit
from forum.machine_translation.reading import for_request
from forum.processes import service as processes
from forum.processes.models import Process
from forum.web.forms import ConfirmForm

bp = Blueprint("events", __name__)


def _event_or_404(event_id: int) -> Event:
    """Return an event the current person may see; a hidden one is 404 for the others."""
    event = db.get_or_404(Event, event_id)
    if not access.can_see(current_user, event):
        abort(404)
    return event


def _organised(event_id: int) -> Event:
    if not access.can_organise(current_user):
        abort(403)
    return db.get_or_404(Event, event_id)


def _event_page(event: Event, anchor: str | None = None):
    return redirect(url_for(".show", event_id=event.id, _anchor=anchor))


@bp.get("/processes/<slug>/events")
def index(slug: str):
    process = processes.process_or_404(slug)
    upcoming, past = service.events_of(process, access.can_hide(current_user))
    texts = for_request([process, *upcoming, *past])
    return render_template("events/index.html", process=process, upcoming=upcoming,
                           past=past, texts=texts)


@bp.get("/events/<int:event_id>")
def show(event_id: int):
    event = _event_or_404(event_id)
    proposals = service.linked_proposals(event)
    texts = for_request([event, event.process, *(p for p, _ in proposals)])
    organiser = access.can_organise(current_user, event)
    registration = service.registration_of(current_user, event)
    rank = registration and registration.position and service.waiting_rank(
        event.id, registration.position)
    return render_template("events/show.html", event=event, proposals=proposals, texts=texts,
                           registration=registration, rank=rank,
                           attendees=service.attendees(event) if organiser else None,
                           organiser=organiser, access=access)


@bp.get("/events/<int:event_id>.ics")
@cacheable
def calendar(event_id: int):
    event = db.get_or_404(Event, event_id)
    if event.hidden_at is not None:
        abort(404)
    texts = for_request([event])
    return _calendar_file(ics.calendar([event], texts), f"event-{event.id}.ics")


@bp.get("/processes/<slug>/events.ics")
@cacheable
def process_calendar(slug: str):
    process = processes.process_or_404(slug)
    events = service.visible_events(process)
    texts = for_request([process, *events])
    name = texts.shown(process, "title").plain if process.title else None
    return _calendar_file(ics.calendar(events, texts, name), f"{process.slug}-events.ics")


def _calendar_file(body: bytes, filename: str) -> Response:
    return Response(body, content_type=ics.MEDIA_TYPE,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


# --- Citizens ------------------------------------------------------------------------------

@bp.post("/events/<int:event_id>/register")
@login_required
@write_limit("RATELIMIT_EVENT", "event")
def register(event_id: int):
    event = _event_or_404(event_id)
    if not access.can_register(current_user, event):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            outcome = service.register(current_user, event)
        except ContentError as refused:
            flash(str(refused.message))
        else:
            flash(_registered_message(outcome))
    return _event_page(event, "registration")


def _registered_message(outcome: service.Outcome) -> str:
    if outcome.state == Registration.REGISTERED:
        return _("You are registered.") if outcome.new else _("You were already registered.")
    return _("Every seat is taken: you are on the waiting list, number %(position)s. "
             "If a seat frees up, it is yours and you are told.", position=outcome.position)


@bp.post("/events/<int:event_id>/unregister")
@login_required
@write_limit("RATELIMIT_EVENT", "event")
def unregister(event_id: int):
    event = _event_or_404(event_id)
    if ConfirmForm().validate_on_submit():
        try:
            if service.unregister(current_user, event):
                flash(_("You are no longer registered."))
        except ContentError as refused:
            flash(str(refused.message))
    return _event_page(event, "registration")


# --- Organisers ----------------------------------------------------------------------------

@bp.route("/processes/<slug>/events/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    if not access.can_organise(current_user):
        abort(403)
    process = processes.process_or_404(slug)
    form = EventForm(language=current_user.language, kind=EventKind.IN_PERSON)
    written = write(form, lambda: _text_of(form),
                    lambda: service.create_event(current_user, process, _draft(form)))
    if written.saved:
        flash(_("The event is published."))
        return _event_page(written.result)
    return _form_page(form, process, None, written.language_message)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _organised(event_id)
    # Not obj=event: WTForms prefers an object's attributes to keywords, and the form
    # shows wall-clock times in the event's zone, not the stored UTC ones.
    form = EventForm(title=event.title, description=event.description_source,
                     language=event.language, kind=event.kind, address=event.address,
                     online_url=event.online_url, timezone=event.timezone,
                     capacity=event.capacity, **labels.local_form_values(event),
                     proposals=[p.id for p, _ in service.linked_proposals(event)])
    written = write(form, lambda: _text_of(form), lambda: service.update_event(
        event, _draft(form), current_user))
    if written.saved:
        flash(_("The event is saved."))
        return _event_page(event)
    return _form_page(form, event.process, event, written.language_message)


def _draft(form: EventForm) -> service.EventDraft:
    return service.EventDraft(
        title=form.title.data, description=form.description.data or "",
        language=form.language.data, kind=form.kind.data, starts_local=form.starts_at.data,
        ends_local=form.ends_at.data, timezone=form.timezone.data, capacity=form.capacity.data,
        address=form.address.data or "", online_url=form.online_url.data or "",
        proposal_ids=tuple(form.proposals.data or ()))


def _text_of(form: EventForm) -> str:
    return f"{form.title.data or ''}\n\n{form.description.data or ''}"


def _form_page(form: EventForm, process: Process, event: Event | None, language_message):
    texts = for_request([process, *([event] if event else [])])
    return render_template("events/edit.html", form=form, process=process, event=event,
                           texts=texts, language_message=language_message,
                           ), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(event_id: int):
    event = _organised(event_id)
    proposals = service.linked_proposals(event)
    form = MinutesForm([p for p, _ in proposals], minutes=event.minutes_source,
                       discussed=[p.id for p, discussed in proposals if discussed])
    if form.validate_on_submit():
        try:
            service.publish_minutes(event, form.minutes.data, form.discussed.data or [],
                                    current_user)
        except ContentError as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The minutes are published. Translations are on their way."))
            return _event_page(event, "minutes")
    texts = for_request([event, *(p for p, _ in proposals)])
    return render_template("events/minutes.html", form=form, event=event, proposals=proposals,
                           texts=texts), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
@login_required
def message(event_id: int):
    event = _organised(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            sent = service.message_attendees(current_user, event, form.message.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(ngettext("The message went to %(num)s registered person.",
                           "The message went to %(num)s registered people.", sent))
            return _event_page(event, "attendees")
    return render_template("events/message.html", form=form, event=event,
                           texts=for_request([event])), 422 if form.errors else 200


@bp.post("/events/<int:event_id>/hide")
@login_required
def hide(event_id: int):
    if not access.can_hide(current_user):
        abort(403)
    event = db.get_or_404(Event, event_id)
    if ConfirmForm().validate_on_submit():
        hidden = request.form.get("action") != "show"
        service.set_hidden(event, hidden, current_user)
        flash(_("The event is hidden from every page and calendar.") if hidden
              else _("The event is shown again."))
    return _event_page(event)


def upcoming_events(process: Process) -> dict:
    """Return a process's next events with their texts, for the process page."""
    events = service.upcoming_events(process)
    return {"events": events, "texts": for_request(events)}


TEMPLATE_GLOBALS = {"event_when": labels.event_when, "upcoming_events": upcoming_events,
                    "event_access": access}
