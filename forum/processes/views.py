"""Pages of participatory processes, and the admin pages that make them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.accounts.access import can_administer
from forum.caching import cacheable
from forum.content.authoring import add_error
from forum.content.validation import ContentError
from forum.db import db
from forum.machine_translation.reading import for_request
from forum.processes import rules, service
from forum.processes.forms import PhaseForm, ProcessForm
from forum.processes.models import Phase, Process
from forum.proposals import service as proposals
from forum.web.arguments import page_arg
from forum.web.forms import ConfirmForm

bp = Blueprint("processes", __name__)


@bp.get("/processes")
@cacheable
def index():
    listed = service.list_processes()
    texts = for_request([*listed, *(phase for p in listed for phase in p.phases)])
    return render_template("processes/index.html", processes=listed, texts=texts,
                           status=rules.status)


@bp.get("/processes/<slug>")
@cacheable
def show(slug: str):
    process = service.process_or_404(slug)
    topics = service.topics_of(process)
    page = proposals.list_proposals(page=page_arg(), process=process)
    texts = for_request([process, *process.phases, *topics, *page.items])
    return render_template("processes/show.html", process=process, topics=topics, page=page,
                           texts=texts, phase=rules.current_phase(process),
                           status=rules.status(process))


def _require_admin() -> None:
    if not can_administer(current_user):
        abort(403)


@bp.route("/admin/processes", methods=["GET", "POST"])
@login_required
def manage():
    _require_admin()
    form = ProcessForm(proposals.list_topics(), language=current_user.language)
    if form.validate_on_submit():
        try:
            process = service.create_process(current_user, form.title.data,
                                             form.description.data, form.language.data,
                                             form.slug.data, form.topics.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(_("The process is created. Now give it its phases."))
            return redirect(url_for(".edit", process_id=process.id))
    return render_template("processes/manage.html", processes=service.list_processes(),
                           form=form, status=rules.status), 422 if form.errors else 200


@bp.route("/admin/processes/<int:process_id>/edit", methods=["GET", "POST"])
@login_required
def edit(process_id: int):
    _require_admin()
    process = db.get_or_404(Process, process_id)
    topics = proposals.list_topics()
    form = ProcessForm(topics, title=process.title, description=process.description_source,
                       language=process.language, slug=process.slug,
                       topics=[t.id for t in topics if t.process_id == process.id])
    if form.validate_on_submit():
        try:
            service.update_process(current_user, process, form.title.data, form.description.data,
                                   form.language.data, form.slug.data, form.topics.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(_("The process is saved."))
            return redirect(url_for(".edit", process_id=process.id))
    return render_template("processes/edit.html", process=process, form=form,
                           phase_form=PhaseForm(formdata=None, language=current_user.language),
                           ), 422 if form.errors else 200


@bp.route("/admin/processes/<int:process_id>/phases", methods=["POST"])
@login_required
def add_phase(process_id: int):
    _require_admin()
    process = db.get_or_404(Process, process_id)
    return _save_phase(process, PhaseForm(), None)


@bp.route("/admin/phases/<int:phase_id>/edit", methods=["GET", "POST"])
@login_required
def edit_phase(phase_id: int):
    _require_admin()
    phase = db.get_or_404(Phase, phase_id)
    return _save_phase(phase.process, PhaseForm(obj=phase), phase)


def _save_phase(process: Process, form: PhaseForm, phase: Phase | None):
    if form.validate_on_submit():
        try:
            service.save_phase(current_user, process, form.name.data, form.language.data,
                               form.starts_on.data, form.ends_on.data, form.opens(), phase)
        except ContentError as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The phase is saved."))
            return redirect(url_for(".edit", process_id=process.id) + "#phases")
    return render_template("processes/phase.html", process=process, phase=phase,
                           form=form), 422 if form.errors else 200


@bp.post("/admin/phases/<int:phase_id>/delete")
@login_required
def delete_phase(phase_id: int):
    _require_admin()
    phase = db.get_or_404(Phase, phase_id)
    process_id = phase.process_id
    if ConfirmForm().validate_on_submit():
        service.delete_phase(current_user, phase)
        flash(_("The phase is deleted."))
    return redirect(url_for(".edit", process_id=process_id) + "#phases")
