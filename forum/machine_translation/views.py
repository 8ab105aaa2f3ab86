"""The admin view of machine translation."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from forum.accounts.access import can_administer
from forum.content.authoring import add_error
from forum.content.validation import ContentError
from forum.db import db
from forum.machine_translation import glossary_terms, queue, status
from forum.machine_translation.forms import form_data, glossary_form
from forum.machine_translation.labels import engine_names, provenance_label
from forum.machine_translation.models import GlossaryTerm, JobState
from forum.web.forms import ConfirmForm

bp = Blueprint("machine_translation", __name__)
TEMPLATE_GLOBALS = {"engine_names": engine_names, "provenance_label": provenance_label}


def _engines_overview():
    # Listing pairs reads Argos package metadata and asks `apertium -l`; it never
    # imports a translation library into the web process.
    from forum.machine_translation.engines import build_router

    router = build_router(current_app.config)
    try:
        return [(engine.name, engine.available(), engine.pairs()) for engine in router.engines]
    finally:
        router.close()


@bp.get("/admin/translation")
@login_required
def overview():
    if not can_administer(current_user):
        abort(403)
    return render_template("machine_translation/admin.html",
                           coverage=status.coverage(current_app.config["LANGUAGES"]),
                           queue_length=status.queue_length(), problems=status.problems(),
                           engines=_engines_overview(), form=ConfirmForm())


@bp.post("/admin/translation/retry")
@login_required
def retry():
    if not can_administer(current_user):
        abort(403)
    if ConfirmForm().validate_on_submit():
        count = queue.requeue((JobState.FAILED, JobState.UNAVAILABLE))
        flash(_("%(n)s translation jobs are queued again.", n=count))
    return redirect(url_for(".overview"))


def _require_admin() -> None:
    if not can_administer(current_user):
        abort(403)


def _flash_owed(message: str, count: int) -> None:
    flash(message + " " + ngettext("%(num)s text will be translated again.",
                                   "%(num)s texts will be translated again.", count))


@bp.route("/admin/glossary", methods=["GET", "POST"])
@login_required
def glossary():
    _require_admin()
    form = glossary_form()
    if form.validate_on_submit():
        try:
            _term, count = glossary_terms.create_term(form.term_input(), current_user)
        except ContentError as error:
            add_error(form, error)
        else:
            _flash_owed(_("The term is added to the glossary."), count)
            return redirect(url_for(".glossary"))
    return render_template("machine_translation/glossary.html", form=form,
                           terms=glossary_terms.list_terms()), 422 if form.errors else 200


@bp.route("/admin/glossary/<int:term_id>/edit", methods=["GET", "POST"])
@login_required
def edit_glossary_term(term_id: int):
    _require_admin()
    term = db.get_or_404(GlossaryTerm, term_id)
    form = glossary_form(data=form_data(term))
    if form.validate_on_submit():
        try:
            count = glossary_terms.update_term(term, form.term_input(), current_user)
        except ContentError as error:
            add_error(form, error)
        else:
            _flash_owed(_("The term is saved."), count)
            return redirect(url_for(".glossary"))
    return render_template("machine_translation/glossary_edit.html", form=form, term=term,
                           delete_form=ConfirmForm()), 422 if form.errors else 200


@bp.post("/admin/glossary/<int:term_id>/delete")
@login_required
def delete_glossary_term(term_id: int):
    _require_admin()
    term = db.get_or_404(GlossaryTerm, term_id)
    if ConfirmForm().validate_on_submit():
        _flash_owed(_("The term is deleted from the glossary."),
                    glossary_terms.delete_term(term, current_user))
    return redirect(url_for(".glossary"))
