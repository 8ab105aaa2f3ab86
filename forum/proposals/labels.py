"""The names of proposal states in the interface language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "open": _l("Open"), "under_review": _l("Under review"), "accepted": _l("Accepted"),
    "rejected": _l("Rejected"), "implemented": _l("Implemented"), "withdrawn": _l("Withdrawn"),
}


def state_label(state: str) -> str:
    """Name a proposal state in the interface language."""
    return str(STATE_LABELS.get(state, state))
