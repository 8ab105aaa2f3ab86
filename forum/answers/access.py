"""Who may answer proposals and plan their follow-up, decided in one place."""
from __future__ import annotations

from forum.accounts.access import can_administer
from forum.proposals.models import Proposal, ProposalState


def can_answer(user, proposal: Proposal) -> bool:
    """Admins speak for the institution on visible proposals their authors still stand by."""
    return (can_administer(user) and proposal.hidden_at is None
            and proposal.state != ProposalState.WITHDRAWN)


def can_manage_timelines(user) -> bool:
    """Only admins keep timelines; others are refused before any milestone is looked up."""
    return can_administer(user)


def can_plan(user, proposal: Proposal) -> bool:
    """Admins keep the follow-up timeline of visible proposals."""
    return can_administer(user) and proposal.hidden_at is None
