"""Pages about a person's data, the privacy statement and security.txt."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from forum.accounts.passwords import verify_password
from forum.db import utcnow
from forum.extensions import limiter, person_or_address, write_limit
from forum.privacy import export, service, statement
from forum.privacy.forms import DeleteAccountForm
from forum.web.forms import ConfirmForm

bp = Blueprint("privacy", __name__)


def _data_page(form: DeleteAccountForm, status: int = 200):
    return render_template("privacy/data.html", form=form,
                           download_form=ConfirmForm()), status


@bp.get("/account/data")
@login_required
def data():
    return _data_page(DeleteAccountForm())


@bp.post("/account/data/download")
@login_required
@limiter.limit("10 per hour", key_func=person_or_address)  # each export reads all their rows
def download():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".data"))
    name = f"{current_app.config['SITE_NAME']}-data-{utcnow():%Y-%m-%d}.zip"
    return Response(export.export_zip(current_user), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{_ascii(name)}"',
        "Cache-Control": "no-store"})


def _ascii(name: str) -> str:
    # A header value: keep the file name to safe ASCII whatever the site is called.
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)


@bp.post("/account/delete")
@login_required
@write_limit("RATELIMIT_PASSWORD", "password")  # it checks the password, like changing it
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
            service.delete_account(current_user._get_current_object(), form.mode.data)
            logout_user()  # the deletion ended every login already
            session.clear()
            flash(_("Your account is deleted. Thank you for taking part."))
            return redirect(url_for("proposals.index"))
        form.password.errors = [_("That is not your password.")]
    return _data_page(form, 422)


@bp.get("/privacy")
def policy():
    return render_template("privacy/policy.html", facts=statement.statement(current_app.config),
                           contact_uri=statement.contact_uri)


@bp.get("/.well-known/security.txt")
def security_txt():
    text = statement.security_txt(current_app.config,
                                  url_for(".security_txt", _external=True))
    if text is None:
        abort(404)
    return Response(text, mimetype="text/plain")
