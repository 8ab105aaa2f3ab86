"""The admin view of machine translation."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.accounts.access import can_administer
from forum.machine_translation import queue, status
from forum.machine_translation.labels import engine_names, provenance_label
from forum.machine_translation.models import JobState
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
