"""Forms for official answers and milestones."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from forum.answers.models import ANSWER_STATES
from forum.proposals.labels import STATE_LABELS
from forum.web.forms import Form, SaysWhatIsWrong, language_choices


class AnswerForm(Form):
    state = RadioField(_l("The proposal is now"), validators=[DataRequired(
        message=_l("Choose the state this answer gives the proposal."))])
    body = TextAreaField(_l("Official answer"), validators=[DataRequired()],
                         description=_l("Say what the institution decided, why, and what "
                                        "happens next. Markdown: **bold**, lists, "
                                        "[links](https://…). Everyone reads it in their "
                                        "language."))
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    # Set when the admin confirmed the declared language despite the identifier's doubt.
    language_confirmed = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [SelectChoice(s.value, STATE_LABELS[s]) for s in ANSWER_STATES]
        self.language.choices = language_choices()
        config = current_app.config
        self.body.validators = [DataRequired(message=_l("Write the answer first.")),
                                Length(config["PROPOSAL_BODY_MIN_LENGTH"],
                                       config["PROPOSAL_BODY_MAX_LENGTH"])]


class DayField(SaysWhatIsWrong, DateField):
    """A required date input that says plainly what is wrong: missing, or not a date."""

    missing = _l("Give a date.")
    malformed = _l("Write the date as year-month-day, e.g. 2026-03-31.")


class MilestoneForm(Form):
    title = StringField(_l("What happens"), validators=[DataRequired(), Length(3, 200)],
                        description=_l("One line, e.g. “Works begin” or “Budget approved”."))
    due_on = DayField(_l("Date"), description=_l("The planned date, or the date it happened."))
    done = BooleanField(_l("Done"))
    language = SelectField(_l("Written in"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
