"""How pages name processes, phases and what a phase opens, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum.processes import rules
from forum.processes.models import Action, Process

ACTION_LABELS = {
    Action.PROPOSE: _l("new proposals"),
    Action.COMMENT: _l("comments"),
    Action.SUPPORT: _l("supports"),
    Action.ANSWER: _l("official answers"),
}
STATUS_LABELS = {
    "always": _l("Open all year"),
    "upcoming": _l("Upcoming"),
    "running": _l("Open now"),
    "between": _l("Between phases"),
    "over": _l("Closed"),
}


def opens_label(phase) -> str:
    """Say what a phase opens, e.g. "new proposals, comments", or that it is closed."""
    opened = [str(label) for action, label in ACTION_LABELS.items() if phase.opens(action)]
    return ", ".join(opened) if opened else _("nothing: closed")


def status_label(process: Process) -> str:
    """Name where a process stands today."""
    return str(STATUS_LABELS[rules.status(process)])


def phase_refusal(proposal, action: str) -> str | None:
    """Say why the proposal's process refuses `action` today, or None if it is open."""
    process = proposal.topic.process
    chosen = Action(action)
    if rules.is_open(process, chosen):
        return None
    try:
        rules.require_open(process, chosen)
    except rules.PhaseClosed as refused:
        return str(refused.message)
    return None


TEMPLATE_GLOBALS = {"phase_opens_label": opens_label, "process_status_label": status_label,
                    "phase_refusal": phase_refusal, "current_phase": rules.current_phase,
                    "next_phase": rules.next_phase, "process_state": rules.status}
