"""Who may do what with proposals and topics, decided in one place."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from forum.accounts.access import can_administer, can_write
from forum.db import utcnow
from forum.proposals.models import Proposal, ProposalState


def within_edit_window(created_at) -> bool:
    """Say whether a text posted at `created_at` may still be edited by its author."""
    window = timedelta(minutes=current_app.config["EDIT_WINDOW_MINUTES"])
    return utcnow() - created_at <= window


def is_visible(user, proposal: Proposal) -> bool:
    """Say whether a proposal's content is shown (hidden ones leave a tombstone)."""
    return proposal.hidden_at is None


def is_author(user, proposal: Proposal) -> bool:
    """Say whether `user` wrote the proposal."""
    return bool(user and user.is_authenticated and proposal.author_id == user.id)


def is_open_for_discussion(proposal: Proposal) -> bool:
    """Say whether people may still comment on and support the proposal."""
    return (proposal.hidden_at is None and proposal.locked_at is None
            and proposal.state != ProposalState.WITHDRAWN)


def can_edit(user, proposal: Proposal) -> bool:
    """Authors edit their open proposal within the edit window."""
    return (is_author(user, proposal) and can_write(user)
            and proposal.state == ProposalState.OPEN and proposal.hidden_at is None
            and within_edit_window(proposal.created_at))


def can_withdraw(user, proposal: Proposal) -> bool:
    """Authors withdraw their proposal until the institution has answered it."""
    return (is_author(user, proposal) and can_write(user)
            and proposal.state in (ProposalState.OPEN, ProposalState.UNDER_REVIEW))


def can_support(user, proposal: Proposal) -> bool:
    """Citizens support proposals that are still open for discussion."""
    return can_write(user) and is_open_for_discussion(proposal)


def needs_verification(user) -> bool:
    """Say whether a person must be a verified resident before giving a new support.

    Taking a support back never needs it: someone whose batch was revoked keeps that right.
    """
    return (bool(current_app.config["SUPPORT_REQUIRES_VERIFICATION"])
            and getattr(user, "verified_at", None) is None)


def can_comment(user, proposal: Proposal) -> bool:
    """Citizens comment on proposals that are not locked, hidden or withdrawn."""
    return can_write(user) and is_open_for_discussion(proposal)


def can_create(user) -> bool:
    """Citizens in good standing post proposals."""
    return can_write(user)


def can_manage_topics(user) -> bool:
    """Only admins create and change topics."""
    return can_administer(user)


def can_follow(user, proposal: Proposal) -> bool:
    """Anyone logged in may follow a visible proposal, even a closed one (for its answers)."""
    return bool(user and user.is_authenticated) and proposal.hidden_at is None
