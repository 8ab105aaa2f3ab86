"""Forms for processes and their phases."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from forum.answers.forms import DayField
from forum.web.forms import Form, language_choices


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes: no JavaScript, no ctrl-click."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProcessForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(3, 200)],
                        description=_l("E.g. “Climate plan 2027”."))
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)],
                                description=_l("What is decided, by whom, and how proposals "
                                               "are used. Markdown."))
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=60),
                                                  Regexp(r"^[a-z0-9-]*$", message=_l(
                                                      "Use lower-case letters, digits and "
                                                      "hyphens."))],
                       description=_l("The end of the page's address; made from the title "
                                      "when left empty."))
    topics = CheckboxesField(_l("Topics it uses"), coerce=int, validate_choice=False,
                             description=_l("A topic belongs to one process: choosing it here "
                                            "moves it."))

    def __init__(self, all_topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.topics.choices = [SelectChoice(t.id, t.name) for t in all_topics]


class PhaseForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(2, 120)],
                       description=_l("E.g. “Proposals”, “Debate”, “Answers”."))
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    starts_on = DayField(_l("First day"))
    ends_on = DayField(_l("Last day"), description=_l("Included: the phase ends at midnight "
                                                      "after this day."))
    proposals = BooleanField(_l("New proposals"))
    comments = BooleanField(_l("Comments"))
    supports = BooleanField(_l("Supports"))
    answers = BooleanField(_l("Official answers"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def opens(self) -> dict[str, bool]:
        """Return what the phase opens, by action."""
        return {name: bool(getattr(self, name).data)
                for name in ("proposals", "comments", "supports", "answers")}
