"""Pages for getting back into an account: reset links, recovery codes, confirmed addresses.

No page here says whether an address or a name has an account: a reset request is
answered alike either way, and a wrong name or code gets one message for both.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from forum.accounts import throttle
from forum.accounts.models import User
from forum.accounts.passwords import verify_password
from forum.accounts.views import start_session, throttled
from forum.db import db
from forum.extensions import configured, limiter, write_limit
from forum.recovery import addresses, codes, service, tokens
from forum.recovery.forms import ForgotForm, NewCodesForm, RecoverForm, ResetForm
from forum.web.forms import ConfirmForm

bp = Blueprint("recovery", __name__)
NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/account/forgot", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_PASSWORD_RESET"), methods=["POST"])
def forgot():
    form = ForgotForm()
    if addresses.mail_configured() and form.validate_on_submit():
        service.request_reset(form.email.data)
        flash(_("If an account has this address, a link to choose a new password is on its "
                "way. Look in your inbox, and in your spam folder."))
        return redirect(url_for("accounts.login"))
    return render_template("recovery/forgot.html", form=form,
                           by_mail=addresses.mail_configured()), 422 if form.errors else 200


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    link = service.reset_link(token)
    if link is None:
        return render_template("recovery/invalid_link.html"), 404, NO_STORE
    person = db.get_or_404(User, link.user_id)
    form = ResetForm(person.display_name)
    if form.validate_on_submit():
        try:
            user = service.reset_password(token, form.password.data)
        except service.RecoveryError:
            return render_template("recovery/invalid_link.html"), 404, NO_STORE
        start_session(user, remember=False)
        flash(_("Your new password is set. Every other device is logged out."))
        return redirect(url_for("proposals.index"))
    return (render_template("recovery/reset.html", form=form, person=person),
            422 if form.errors else 200, NO_STORE)


@bp.route("/account/recover", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_RECOVER"), methods=["POST"])
def recover():
    form = RecoverForm()
    if form.validate_on_submit():
        attempt = throttle.LoginAttempt.start(form.display_name.data)
        wait = attempt.refusal()
        if wait is not None:
            return throttled("recovery/recover.html", form, form.code, wait)
        user = service.recover(form.display_name.data, form.code.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            start_session(user, remember=False)
            left = codes.remaining(user.id)
            flash(ngettext("Your new password is set. You have %(num)s recovery code left.",
                           "Your new password is set. You have %(num)s recovery codes left.",
                           left))
            return redirect(url_for("recovery.new_codes" if left < 3 else "proposals.index"))
        attempt.failed()
        form.code.errors = [_("That name and recovery code do not match an unused code.")]
    return render_template("recovery/recover.html", form=form), 422 if form.errors else 200


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_PASSWORD", "password")
def new_codes():
    form = NewCodesForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            fresh = codes.replace(current_user)
            return render_template("recovery/codes.html", codes=fresh, welcome=False), \
                200, NO_STORE
        form.current_password.errors = [_("That is not your current password.")]
    return render_template("recovery/new_codes.html", form=form,
                           left=codes.remaining(current_user.id)), 422 if form.errors else 200


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    if request.method == "GET" and tokens.find(token, tokens.CONFIRM) is None:
        return render_template("recovery/invalid_link.html"), 404, NO_STORE
    form = ConfirmForm()  # made only now: its CSRF token would start a session
    # Confirming takes a click, not only a visit: mail scanners open links by themselves.
    if form.validate_on_submit():
        try:
            service.confirm_address(token)
        except service.RecoveryError:
            return render_template("recovery/invalid_link.html"), 404, NO_STORE
        flash(_("Your e-mail address is confirmed."))
        return redirect(url_for("accounts.settings" if current_user.is_authenticated
                                else "proposals.index"))
    return render_template("recovery/confirm.html", form=form), 200, NO_STORE


@bp.post("/account/confirm")
@login_required
@write_limit("RATELIMIT_PASSWORD", "password")
def resend_confirmation():
    if ConfirmForm().validate_on_submit():
        if service.resend_confirmation(current_user):
            flash(_("A new confirmation link is on its way to %(address)s.",
                    address=current_user.email))
        else:
            flash(_("No confirmation link was sent: you asked for several today already, "
                    "or your address needs none."))
    return redirect(url_for("accounts.settings"))
