"""Pages for registering, logging in and out, settings and profiles."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from forum.accounts import service, sessions, throttle
from forum.accounts.forms import LoginForm, PasswordForm, RegisterForm, SettingsForm
from forum.accounts.models import User
from forum.caching import cacheable
from forum.comments.service import comments_by
from forum.db import db
from forum.extensions import configured, limiter, login_manager, write_limit
from forum.machine_translation.reading import for_request
from forum.proposals.models import Proposal
from forum.recovery import addresses, codes
from forum.web.arguments import page_arg, safe_next
from forum.web.forms import ConfirmForm

bp = Blueprint("accounts", __name__)
ROLE_LABELS = {"citizen": _l("Citizen"), "moderator": _l("Moderator"), "admin": _l("Admin")}


def role_label(role: str) -> str:
    """Name a role in the interface language."""
    return str(ROLE_LABELS.get(role, role))


TEMPLATE_GLOBALS = {"role_label": role_label}


@login_manager.user_loader
def load_user(login_token: str) -> User | None:
    return sessions.user_for(login_token)


@login_manager.unauthorized_handler
def unauthorized():
    from forum.errors.handlers import error_response, wants_json

    if wants_json():
        return error_response(401)
    flash(_("Please log in first."))
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def start_session(user: User, remember: bool) -> None:
    # A fresh session on login, so a session id planted before cannot be taken over.
    session.clear()
    sessions.start(user)
    login_user(user, remember=remember)
    session.permanent = remember


def _end_session() -> None:
    sessions.end(current_user.get_id() if current_user.is_authenticated else None)
    logout_user()
    session.clear()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.index"))
    form = RegisterForm()
    if request.method == "GET":
        from forum.i18n import reading_language
        form.language.data = reading_language()
    if form.validate_on_submit():
        try:
            user = service.register(form.display_name.data, form.password.data,
                                    form.language.data, form.email.data)
        except service.AccountError:
            form.display_name.errors = [_("This name is taken. Please choose another.")]
        else:
            start_session(user, remember=False)
            # Shown once, in the answer to the form: never stored readable, never re-shown.
            return render_template("recovery/codes.html", codes=codes.replace(user),
                                   welcome=True, next=safe_next(request.args.get("next"))), \
                200, {"Cache-Control": "no-store"}
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_LOGIN"), methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.index"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.LoginAttempt.start(form.display_name.data)
        wait = attempt.refusal()
        if wait is not None:
            return throttled("accounts/login.html", form, form.password, wait)
        user = service.authenticate(form.display_name.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            start_session(user, remember=form.remember.data)
            flash(_("You are logged in."))
            return redirect(safe_next(request.args.get("next")))
        attempt.failed()
        form.password.errors = [_("That name and password do not match an account.")]
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


def throttled(template: str, form, field, wait: int):
    """Show a form again with `field` refused until `wait` seconds have passed."""
    minutes = max(1, round(wait / 60))
    field.errors = [ngettext(
        "Too many failed attempts at this name from your connection. "
        "Please try again in %(num)s minute.",
        "Too many failed attempts at this name from your connection. "
        "Please try again in %(num)s minutes.", minutes)]
    return render_template(template, form=form), 429, {"Retry-After": str(wait)}


@bp.post("/logout")
def logout():
    if ConfirmForm().validate_on_submit():
        _end_session()
        flash(_("You are logged out."))
    return redirect(url_for("proposals.index"))


@bp.post("/account/sessions/end")
@login_required
def log_out_everywhere():
    if ConfirmForm().validate_on_submit():
        sessions.end_all(current_user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are logged out on every device."))
        return redirect(url_for(".login"))
    return redirect(url_for(".settings"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_PASSWORD", "password")
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data, form.password.data)
        except service.AccountError:
            form.current_password.errors = [_("That is not your current password.")]
        else:
            start_session(current_user._get_current_object(), remember=False)
            flash(_("Your password is changed. Other devices are logged out."))
            return redirect(url_for(".settings"))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        service.update_settings(current_user, form.language.data, form.email.data,
                                form.mail_frequency.data)
        flash(_("Your settings are saved."))
        return redirect(url_for(".settings"))
    return render_template("accounts/settings.html", form=form, end_form=ConfirmForm(),
                           logins=sessions.count(current_user.id),
                           codes_left=codes.remaining(current_user.id),
                           unconfirmed=addresses.awaits_confirmation(current_user)), \
        422 if form.errors else 200


@bp.get("/people/<int:user_id>")
@cacheable
def profile(user_id: int):
    person = db.get_or_404(User, user_id)
    if person.deleted_at is not None:
        abort(404)
    page = page_arg()
    proposals = list(db.session.scalars(
        select(Proposal).where(Proposal.author_id == person.id, Proposal.hidden_at.is_(None))
        .order_by(Proposal.created_at.desc())))
    comments = comments_by(person, page)
    related = {c.proposal_id for c in comments.items} - {p.id for p in proposals}
    others = list(db.session.scalars(select(Proposal).where(Proposal.id.in_(related)))) \
        if related else []
    titles = {p.id: p for p in proposals + others}
    texts = for_request(proposals + others + list(comments.items))
    return render_template("accounts/profile.html", person=person, proposals=proposals,
                           comments=comments, titles=titles, texts=texts)
