"""Forms for writing comments."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from forum.web.forms import Form, language_choices


class CommentForm(Form):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired()],
                         description=_l("Markdown: **bold**, *italic*, lists, [links](https://…)."))
    alignment = RadioField(_l("Your position"), validators=[Optional()], default="",
                           choices=[SelectChoice("", _l("No position")),
                                    SelectChoice("for", _l("For")),
                                    SelectChoice("against", _l("Against")),
                                    SelectChoice("neutral", _l("Neutral"))])
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    language_confirmed = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.body.validators = [DataRequired(message=_l("Write something first.")),
                                Length(max=current_app.config["COMMENT_MAX_LENGTH"])]
