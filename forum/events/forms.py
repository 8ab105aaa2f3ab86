"""Forms for organising events: the event itself, its minutes, a message to attendees."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from forum.events.models import EventKind
from forum.events.rules import zone_names
from forum.web.forms import Form, SaysWhatIsWrong, language_choices

KIND_LABELS = {EventKind.IN_PERSON: _l("In person"), EventKind.ONLINE: _l("Online")}


class MomentField(SaysWhatIsWrong, DateTimeLocalField):
    """A required local date and time that says plainly what is wrong: missing, or not one."""

    missing = _l("Give a date and a time.")
    malformed = _l("Write the date and time as year-month-day hours:minutes, "
                   "e.g. 2026-03-31 18:30.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                                        "%Y-%m-%d %H:%M"], **kwargs)


class ProposalNumbersField(StringField):
    """Proposal numbers separated by commas or spaces, e.g. "12, 40"."""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist or []).strip()
        self.raw = text
        if not re.fullmatch(r"[\d,\s]*", text):
            self.data = []
            raise ValueError(_l("Give proposal numbers separated by commas, e.g. 12, 40."))
        self.data = sorted({int(n) for n in re.findall(r"\d{1,9}", text)})

    def _value(self):
        if isinstance(self.data, list):
            return ", ".join(map(str, self.data))
        return getattr(self, "raw", "")


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired()],
                        description=_l("One line, e.g. “Neighbourhood meeting on the river "
                                       "walk”."))
    description = TextAreaField(_l("Description"), description=_l(
        "What the event is for and how it goes. Markdown: **bold**, lists, [links](https://…). "
        "Everyone reads it in their language."))
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    language_confirmed = HiddenField()
    kind = RadioField(_l("Where"), validators=[DataRequired(
        message=_l("Say whether the event is in person or online."))])
    address = TextAreaField(_l("Address (in person)"), description=_l(
        "The place as people would write it on a letter, with any directions."))
    online_url = URLField(_l("Meeting link (online)"), description=_l(
        "The address attendees open, e.g. https://meet.example.org/river-walk. Pages show it "
        "as a plain link."))
    starts_at = MomentField(_l("Starts"))
    ends_at = MomentField(_l("Ends"))
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()],
                           description=_l("The time zone of the start and end times."))
    capacity = IntegerField(_l("Seats"), validators=[Optional()],
                            description=_l("Leave empty for no limit. When every seat is "
                                           "taken, people join a waiting list."))
    proposals = ProposalNumbersField(_l("Proposals it treats"), description=_l(
        "Their numbers (the last part of their address), separated by commas, e.g. 12, 40."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.kind.choices = [SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
        self.timezone.choices = list(zone_names())
        if self.timezone.data is None:
            self.timezone.data = current_app.config.get("DEFAULT_TIMEZONE") or "UTC"


class MinutesForm(Form):
    minutes = TextAreaField(_l("Minutes"), validators=[DataRequired(
        message=_l("Write the minutes first."))], description=_l(
        "What was said and decided, in the event's language. Markdown: **bold**, lists, "
        "[links](https://…). Everyone reads them in their language."))
    discussed = SelectMultipleField(_l("Proposals discussed"), coerce=int)

    def __init__(self, proposals, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.discussed.choices = [(p.id, str(p.id)) for p in proposals]


class MessageForm(Form):
    message = TextAreaField(_l("Message"), validators=[DataRequired(
        message=_l("Write the message first."))], description=_l(
        "Registered people read it among their notifications, and by mail if they chose so."))
