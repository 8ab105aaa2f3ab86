"""Forms for proposals and topics."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from forum.web.forms import Form, language_choices


class ProposalForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired()])
    body = TextAreaField(_l("Your proposal"), validators=[DataRequired()],
                         description=_l("Markdown: **bold**, *italic*, lists, [links](https://…)."))
    topic = SelectField(_l("Topic"), coerce=int, validators=[DataRequired()])
    language = SelectField(_l("Written in"), validators=[DataRequired()],
                           description=_l("Others read it machine-translated into their language."))
    # Set when the author confirmed the declared language despite the identifier's doubt.
    language_confirmed = HiddenField()

    def __init__(self, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic.choices = [SelectChoice(t.id, t.name) for t in topics]
        self.language.choices = language_choices()
        config = current_app.config
        self.title.validators = [DataRequired(),
                                 Length(config["TITLE_MIN_LENGTH"], config["TITLE_MAX_LENGTH"])]
        self.body.validators = [DataRequired(), Length(config["PROPOSAL_BODY_MIN_LENGTH"],
                                                       config["PROPOSAL_BODY_MAX_LENGTH"])]


class TopicForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(2, 120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=500)])
    language = SelectField(_l("Written in"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

