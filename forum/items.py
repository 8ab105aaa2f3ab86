"""The kinds of things other rows point at as (item_type, item_id).

Translations, translation jobs, search documents, reports, moderation decisions and
notifications all refer to an item by its kind and id; this is the one vocabulary they
share. The values are what the database stores.
"""
from __future__ import annotations

from enum import StrEnum


class ItemKind(StrEnum):
    """A kind of item."""

    PROPOSAL = "proposal"
    COMMENT = "comment"
    ACCOUNT = "user"
    TOPIC = "topic"
    ANSWER = "answer"          # an official answer to a proposal
    MILESTONE = "milestone"
    MODERATION = "moderation"  # a moderator's decision, for its public reason
    APPEAL = "appeal"
    PROCESS = "process"        # a participatory process (forum.processes)
    PHASE = "phase"
    EVENT = "event"            # a meeting of a process (forum.events)
