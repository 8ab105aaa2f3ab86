"""Forms for getting back into an account."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from forum.accounts import password_policy
from forum.accounts.forms import EMAIL_RE, NOT_AN_ADDRESS
from forum.web.forms import Form


def _password_policy(form, field) -> None:
    message = password_policy.problem(field.data or "", form.person_name())
    if message is not None:
        raise ValidationError(message)


def _repeat():
    return PasswordField(_l("Repeat the new password"),
                         validators=[DataRequired(), EqualTo("password",
                                     message=_l("The two passwords differ."))])


def _stripped(text: str | None) -> str | None:
    return text.strip() if text else text


class ForgotForm(Form):
    # Addresses are often pasted with a space around them.
    email = EmailField(_l("Your e-mail address"), filters=[_stripped],
                       validators=[DataRequired(), Regexp(EMAIL_RE, message=NOT_AN_ADDRESS),
                                   Length(max=254)])


class ResetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_policy])
    confirm = _repeat()

    def __init__(self, display_name: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._name = display_name

    def person_name(self) -> str:
        return self._name


class RecoverForm(Form):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Recovery code"), validators=[DataRequired(), Length(max=64)],
                       description=_l("One of the codes you saved, e.g. 7K2M-Q9XH-3FRA-WD6P."))
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_policy])
    confirm = _repeat()

    def person_name(self) -> str:
        return self.display_name.data or ""


class NewCodesForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
