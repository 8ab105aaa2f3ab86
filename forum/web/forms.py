"""The base of every form: fields come from a submitted HTML form and from nothing else."""
from __future__ import annotations

from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from forum.i18n import native_language_name

SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_AUTO = object()


class Form(FlaskForm):
    """A form filled from `request.form` only.

    Flask-WTF would also fill fields from a JSON body or from uploaded files, which puts
    numbers, lists or file objects where every field expects text; no form of the forum
    takes either, so they are never read (the request boundary refuses JSON bodies).
    """

    def __init__(self, formdata=_AUTO, **kwargs):
        if formdata is _AUTO:
            # As Flask-WTF does: an empty submission leaves the fields as they were filled.
            formdata = request.form if request.method in SUBMIT_METHODS and request.form else None
        super().__init__(formdata=formdata, **kwargs)


class ConfirmForm(Form):
    """A form with only its CSRF token, for one-click actions (support, withdraw)."""


def language_choices() -> list[SelectChoice]:
    """List the instance's content languages, each named in itself."""
    return [SelectChoice(code, native_language_name(code))
            for code in current_app.config["LANGUAGES"]]


class SaysWhatIsWrong:
    """Mixed into a required date or time field: it says plainly whether the input is missing
    (`missing`) or not a date (`malformed`).

    Not DataRequired: it would replace "not a date" with "missing"; and not InputRequired:
    an edit form filled from its row has a value but no input.
    """

    missing: str
    malformed: str

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.malformed) from None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise StopValidation(self.missing)
