"""Forms for proposals and topics."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

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
    # Set once the author was shown the proposals that may say the same: publishing then
    # goes ahead without showing them again (forum.search.similar).
    similar_seen = HiddenField()

    def __init__(self, topics, *args, closed=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # Topics whose process takes no proposals today stay listed, marked: the author
        # learns why rather than missing a topic.
        self.topic.choices = [SelectChoice(t.id, _l("%(topic)s (not taking proposals now)",
                                                    topic=t.name) if t.id in closed else t.name)
                              for t in topics]
        self.language.choices = language_choices()
        config = current_app.config
        self.title.validators = [DataRequired(),
                                 Length(config["TITLE_MIN_LENGTH"], config["TITLE_MAX_LENGTH"])]
        self.body.validators = [DataRequired(), Length(config["PROPOSAL_BODY_MIN_LENGTH"],
                                                       config["PROPOSAL_BODY_MAX_LENGTH"])]


class TopicForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(2, 120)])
    process_id = SelectField(_l("Participatory process"), coerce=int, validate_choice=False,
                             validators=[Optional()],
                             description=_l("Its phases say when proposals, comments and "
                                            "supports are open in this topic."))
    description = TextAreaField(_l("Description"), validators=[Length(max=500)])
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    answer_threshold = IntegerField(
        _l("Supports that oblige an answer (optional)"),
        validators=[Optional(), NumberRange(1, 1_000_000)],
        description=_l("A proposal with this many supports must get an official answer."))
    answer_days = IntegerField(_l("Days to answer"), validators=[Optional(), NumberRange(1, 3650)],
                               description=_l("Counted from the day the proposal reaches the "
                                              "threshold."))

    def __init__(self, processes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.process_id.choices = [SelectChoice(p.id, p.title or _l("Ongoing discussion"))
                                   for p in processes]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (self.answer_threshold.data is None) != (self.answer_days.data is None):
            empty = self.answer_days if self.answer_days.data is None else self.answer_threshold
            empty.errors = [_l("Give both the number of supports and the days, or neither.")]
            return False
        return True

