"""Forms for registering, logging in and managing one's account."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from forum.accounts import password_policy
from forum.accounts.service import DISPLAY_NAME_RE
from forum.web.forms import Form, language_choices

# No control characters: PostgreSQL refuses NUL in text, and none belongs in an address.
EMAIL_RE = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
NOT_AN_ADDRESS = _l("That is not an e-mail address.")


def _password_policy(form, field) -> None:
    # Registration names the account in the form; a password change is for the person in.
    name = form.display_name.data if "display_name" in form else current_user.display_name
    message = password_policy.problem(field.data or "", name)
    if message is not None:
        raise ValidationError(message)


def _display_name(form, field) -> None:
    name = " ".join((field.data or "").split())
    maximum = current_app.config["DISPLAY_NAME_MAX_LENGTH"]
    if not 3 <= len(name) <= maximum:
        raise ValidationError(_l("Use between 3 and %(n)s characters.", n=maximum))
    if not DISPLAY_NAME_RE.match(name):
        raise ValidationError(_l("Use letters, digits, spaces and . _ - ' only."))


class RegisterForm(Form):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), _display_name],
                               description=_l("Shown with everything you write. "
                                              "It does not need to be your real name."))
    password = PasswordField(_l("Password"), validators=[DataRequired(), _password_policy])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password",
                                        message=_l("The two passwords differ."))])
    language = SelectField(_l("Your language"), validators=[DataRequired()],
                           description=_l("You read everything in this language."))
    email = EmailField(_l("E-mail (optional)"),
                       validators=[Optional(), Regexp(EMAIL_RE, message=NOT_AN_ADDRESS),
                                   Length(max=254)],
                       description=_l("Only to recover your account. Never shown, never shared."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class LoginForm(Form):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class PasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_policy])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password",
                                        message=_l("The two passwords differ."))])


class SettingsForm(Form):
    language = SelectField(_l("Your language"), validators=[DataRequired()])
    email = EmailField(_l("E-mail (optional)"),
                       validators=[Optional(), Regexp(EMAIL_RE, message=NOT_AN_ADDRESS),
                                   Length(max=254)])
    mail_frequency = SelectField(_l("Notifications by e-mail"), default="immediate", choices=[
        SelectChoice("immediate", _l("One e-mail for each")),
        SelectChoice("daily", _l("A daily digest")),
        SelectChoice("weekly", _l("A weekly digest")),
        SelectChoice("none", _l("None: I read them in the forum"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
