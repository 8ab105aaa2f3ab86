"""The form that deletes an account."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from forum.privacy.service import DeletionMode
from forum.web.forms import Form

MODES = [
    SelectChoice(DeletionMode.ERASE.value,
                 _l("Erase it: your proposals and comments are deleted; replies by others "
                    "stay, under a note that the text was deleted.")),
    SelectChoice(DeletionMode.ANONYMISE.value,
                 _l("Keep it anonymised: your proposals and comments stay readable, signed "
                    "\"former participant\" instead of your name.")),
]


class DeleteAccountForm(Form):
    mode = RadioField(_l("What becomes of what you wrote"), choices=MODES,
                      validators=[InputRequired(message=_l("Choose what becomes of what you "
                                                           "wrote."))])
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)],
                             description=_l("To be sure it is you."))
