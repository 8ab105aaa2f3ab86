"""What a proposal page says about the answer its supports oblige."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from forum.thresholds.service import standing


def obligation(proposal, answers) -> str | None:
    """Describe the answer a proposal's supports oblige, or None if they oblige none."""
    first = min((a.created_at for a in answers), default=None)
    state = standing(proposal.answer_due_at, first)
    if state is None:
        return None
    reached, due = format_date(proposal.threshold_reached_at), format_date(proposal.answer_due_at)
    if state == "in_time":
        return _("This proposal reached its topic's support threshold on %(reached)s. The "
                 "institution answered it within the deadline.", reached=reached)
    if state == "late":
        return _("This proposal reached its topic's support threshold on %(reached)s. The "
                 "institution answered it after the deadline of %(due)s.", reached=reached,
                 due=due)
    if state == "due":
        return _("This proposal reached its topic's support threshold on %(reached)s: the "
                 "institution must answer it by %(due)s.", reached=reached, due=due)
    return _("This proposal reached its topic's support threshold on %(reached)s: its answer "
             "was due by %(due)s and is late.", reached=reached, due=due)


TEMPLATE_GLOBALS = {"answer_obligation": obligation}
