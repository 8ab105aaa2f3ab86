"""Redeeming a verification code, and the administrators' page for batches of them."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.db import db, utcnow
from forum.extensions import write_limit
from forum.residents import service, sheets
from forum.residents.forms import BatchForm, RedeemForm
from forum.residents.models import VerificationBatch
from forum.web.forms import ConfirmForm
from forum.web.links import public_url

bp = Blueprint("residents", __name__)
NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/account/verify", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_VERIFY", "verify")
def verify():
    form = RedeemForm()
    if form.validate_on_submit():
        outcome = service.redeem(current_user, form.code.data)
        if outcome == service.Redeemed.REFUSED:
            form.code.errors = [_("This code does not work: check it, or it was already used "
                                  "or withdrawn.")]
        else:
            flash(_("You are a verified resident.") if outcome == service.Redeemed.VERIFIED
                  else _("You are already a verified resident; the code was not used."))
            return redirect(url_for("accounts.settings"))
    return render_template("residents/verify.html", form=form), 422 if form.errors else 200


def _admin_only() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/admin/residents", methods=["GET", "POST"])
@login_required
def batches():
    _admin_only()
    form = BatchForm()
    if form.validate_on_submit():
        batch, codes = service.create_batch(form.size.data, form.label.data,
                                            form.district.data, current_user,
                                            form.valid_days.data)
        # The codes exist only in this answer: nothing can show them again.
        if form.output.data == "csv":
            return _csv(batch, codes)
        return render_template("residents/sheet.html", batch=batch, codes=codes,
                               verify_url=public_url("residents.verify")), 200, NO_STORE
    return render_template("residents/batches.html", form=form, batches=service.batches(),
                           revoke_form=ConfirmForm(), now=utcnow()), 422 if form.errors else 200


@bp.post("/admin/residents/<int:batch_id>/revoke")
@login_required
def revoke(batch_id: int):
    _admin_only()
    batch = db.get_or_404(VerificationBatch, batch_id)
    if ConfirmForm().validate_on_submit():
        count = service.revoke_batch(batch, current_user)
        flash(_("The batch is withdrawn: its codes no longer work, and %(num)s accounts are "
                "no longer verified.", num=count))
    return redirect(url_for(".batches"))


def _csv(batch: VerificationBatch, codes: list[str]) -> Response:
    return Response(sheets.rows_csv(batch, codes, public_url("residents.verify")),
                    mimetype="text/csv",
                    headers={**NO_STORE, "Content-Disposition":
                             f'attachment; filename="verification-codes-{batch.id}.csv"'})
