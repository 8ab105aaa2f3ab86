"""Forms for reporting, moderating and appealing."""
from __future__ import annotations

from flask import current_app
from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from forum.items import ItemKind
from forum.moderation.models import Action, ReportReason
from forum.routing import MAX_ID
from forum.web.forms import Form, language_choices

# The label dicts are keyed by str: lookups pass the plain strings rows store.
REASON_LABELS: dict[str, LazyString] = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.OFFENSIVE: _l("Offensive, hateful or harassing"),
    ReportReason.OFF_TOPIC: _l("Off-topic"),
    ReportReason.PERSONAL_DATA: _l("Reveals someone's personal data"),
    ReportReason.ILLEGAL: _l("Illegal content"),
    ReportReason.OTHER: _l("Something else (say what below)"),
}


def reason_label(reason: str) -> str:
    """Name a report reason in the interface language."""
    return str(REASON_LABELS.get(reason, reason))


class ReportForm(Form):
    reason = RadioField(_l("What is wrong?"), validators=[InputRequired(_l("Choose a reason."))],
                        choices=[SelectChoice(ReportReason(r).value, label)
                                 for r, label in REASON_LABELS.items()])
    details = TextAreaField(_l("Details for the moderators (optional)"),
                            description=_l("Only moderators read this. Nobody else learns "
                                           "that you reported it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.details.validators = [Length(max=current_app.config["REPORT_DETAILS_MAX_LENGTH"])]


def _reason_field(label=None):
    return TextAreaField(label or _l("Public reason"),
                         description=_l("Shown on the tombstone and in the moderation log, "
                                        "machine-translated for every reader."))


class ItemActionForm(Form):
    """A moderator's action on a proposal or a comment; the button pressed names it."""

    action = StringField(validators=[DataRequired(_l("Choose an action."))])
    reason = _reason_field()
    # The newest report the moderator saw: later ones stay in the queue.
    seen = IntegerField(validators=[Optional(), NumberRange(0, MAX_ID)])
    duplicate_of = IntegerField(_l("Number of the original proposal"),
                                validators=[Optional(), NumberRange(1, MAX_ID)])
    next = HiddenField()

    def __init__(self, actions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choose = _l("Choose an action.")
        self.action.validators = [DataRequired(choose),
                                  AnyOf([a.value for a in actions], message=choose)]
        self.reason.validators = [Length(max=current_app.config["MODERATION_REASON_MAX_LENGTH"])]


class AccountActionForm(ItemActionForm):
    """A moderator's action on an account: suspend for some days, ban, lift, dismiss."""

    days = SelectField(_l("Suspension length"), coerce=int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        from forum.moderation.service import ITEM_ACTIONS

        super().__init__(ITEM_ACTIONS[ItemKind.ACCOUNT], *args, **kwargs)
        self.days.choices = [SelectChoice(d, ngettext("%(num)s day", "%(num)s days", d))
                             for d in current_app.config["SUSPENSION_DAYS"]]


BULK_ACTIONS: dict[str, LazyString] = {
    Action.DISMISS: _l("Reports dismissed"), Action.HIDE: _l("Hidden"),
    Action.BAN: _l("Hidden, and their authors banned")}


def bulk_name(action: str) -> str:
    """Say what a bulk action did, in the interface language."""
    return str(BULK_ACTIONS.get(action, action))


class BulkForm(Form):
    """Settle many queue entries at once, e.g. a wave of spam."""

    items = SelectMultipleField(_l("Selected"), validate_choice=False,
                                validators=[DataRequired(_l("Select at least one item."))])
    action = StringField(validators=[AnyOf([Action(a).value for a in BULK_ACTIONS],
                                           message=_l("Choose an action."))])
    reason = _reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.validators = [Length(max=current_app.config["MODERATION_REASON_MAX_LENGTH"])]


class AppealForm(Form):
    message = TextAreaField(_l("Why should the moderators think again?"),
                            validators=[DataRequired(_l("Write your appeal first."))],
                            description=_l("You can appeal each decision once. Another "
                                           "moderator reviews it where there is one."))
    language = SelectField(_l("Written in"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.message.validators = [DataRequired(_l("Write your appeal first.")),
                                   Length(10, current_app.config["APPEAL_MAX_LENGTH"])]


class DecisionForm(Form):
    appeal = IntegerField(validators=[InputRequired(), NumberRange(1, MAX_ID)])
    decision = StringField(validators=[AnyOf(["grant", "reject"],
                                             message=_l("Choose a decision."))])
    reason = _reason_field(_l("Reason given to the person and in the log"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.validators = [DataRequired(_l("Give a reason.")), Length(
            max=current_app.config["MODERATION_REASON_MAX_LENGTH"])]


# What each action did, for the log, flashes and histories.
ACTION_NAMES: dict[str, LazyString] = {
    Action.DISMISS: _l("reports dismissed, kept as it is"),
    Action.HIDE: _l("hidden"),
    Action.AUTO_HIDE: _l("hidden pending review after several reports"),
    Action.RESTORE: _l("restored"),
    Action.LOCK: _l("thread locked"),
    Action.UNLOCK: _l("thread unlocked"),
    Action.PIN: _l("pinned"),
    Action.UNPIN: _l("unpinned"),
    Action.DUPLICATE: _l("marked as a duplicate"),
    Action.NOT_DUPLICATE: _l("no longer marked as a duplicate"),
    Action.SUSPEND: _l("account suspended"),
    Action.BAN: _l("account banned"),
    Action.LIFT: _l("account restriction lifted"),
    Action.APPEAL_GRANTED: _l("appeal granted"),
    Action.APPEAL_REJECTED: _l("appeal rejected"),
}
# What each button says.
ACTION_BUTTONS: dict[str, LazyString] = {
    Action.DISMISS: _l("Dismiss the reports"),
    Action.HIDE: _l("Hide"),
    Action.RESTORE: _l("Restore"),
    Action.LOCK: _l("Lock the thread"),
    Action.UNLOCK: _l("Unlock the thread"),
    Action.PIN: _l("Pin"),
    Action.UNPIN: _l("Unpin"),
    Action.DUPLICATE: _l("Mark as duplicate"),
    Action.NOT_DUPLICATE: _l("Not a duplicate"),
    Action.SUSPEND: _l("Suspend"),
    Action.BAN: _l("Ban"),
    Action.LIFT: _l("Lift the restriction"),
}


def action_name(action: str) -> str:
    """Say what an action did, in the interface language."""
    return str(ACTION_NAMES.get(action, action))


def action_button(action: str) -> str:
    """Name an action's button in the interface language."""
    return str(ACTION_BUTTONS.get(action, action))
