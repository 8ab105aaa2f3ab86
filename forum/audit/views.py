"""The administrators' audit log page."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from forum.accounts.views import role_label
from forum.audit import service
from forum.audit.models import AdminAction
from forum.templating import short_datetime
from forum.web.arguments import page_arg

bp = Blueprint("audit", __name__)
ACTION_LABELS = {
    "password_reset_issued": _l("issued a one-time password reset for"),
    "role_given": _l("changed the role of"),
    "verification_batch_created": _l("made a batch of verification codes"),
    "verification_batch_revoked": _l("withdrew a batch of verification codes"),
    "answer_threshold_set": _l("set the supports that oblige an answer in a topic"),
    "process_created": _l("created a participatory process"),
    "process_changed": _l("changed a participatory process"),
    "phase_saved": _l("saved a phase of a process"),
    "phase_deleted": _l("deleted a phase of a process"),
    "event_created": _l("created an event"),
    "event_changed": _l("changed an event"),
    "event_hidden": _l("hid an event"),
    "event_shown": _l("showed a hidden event again"),
    "event_minutes_published": _l("published the minutes of an event"),
    "event_message_sent": _l("sent a message to the people registered for an event"),
    "glossary_term_added": _l("added a term to the translation glossary"),
    "glossary_term_changed": _l("changed a term of the translation glossary"),
    "glossary_term_deleted": _l("deleted a term from the translation glossary"),
}

# Actions done to one person's account: without one, that account was deleted since.
ACCOUNT_ACTIONS = ("password_reset_issued", "role_given")


def action_label(action: str) -> str:
    """Say what an administrator did, in the interface language."""
    return str(ACTION_LABELS.get(action, action))


def detail_label(entry: AdminAction) -> str:
    """Say the entry's details in the interface language."""
    if entry.action == "password_reset_issued" and entry.detail:
        until = short_datetime(datetime.fromisoformat(entry.detail))
        return _("usable once, until %(when)s", when=until)
    if entry.action == "role_given" and "->" in entry.detail:
        before, _arrow, after = entry.detail.partition("->")
        return f"{role_label(before)} → {role_label(after)}"
    if entry.action.startswith("verification_batch_") and entry.detail.startswith("{"):
        facts = json.loads(entry.detail)
        label = f"{facts['batch']}. {facts['label']}" + (
            f" ({facts['district']})" if facts.get("district") else "")
        if entry.action == "verification_batch_created":
            return ngettext("%(label)s: %(num)s code", "%(label)s: %(num)s codes",
                            facts["size"], label=label)
        return ngettext("%(label)s: %(num)s account no longer verified",
                        "%(label)s: %(num)s accounts no longer verified", facts["size"],
                        label=label)
    if entry.action == "answer_threshold_set" and entry.detail.startswith("{"):
        facts = json.loads(entry.detail)
        if facts["supports"] is None:
            return _("%(topic)s: no threshold", topic=facts["topic"])
        return _("%(topic)s: %(supports)s supports, answer within %(days)s days",
                 topic=facts["topic"], supports=facts["supports"], days=facts["days"])
    return entry.detail


@bp.get("/admin/audit")
@login_required
def index():
    if not current_user.is_admin:
        abort(403)
    return render_template("audit/index.html", entries=service.recent(page_arg()),
                           action_label=action_label, detail_label=detail_label,
                           account_actions=ACCOUNT_ACTIONS)
