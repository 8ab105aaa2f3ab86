"""The open-data export: every public text with its language and its stored translations.

Records are read in batches by keyset pagination (`WHERE id > last ORDER BY id LIMIT n`)
as plain rows, so memory stays flat whatever the number of comments and no cursor stays
open while the client downloads. Hidden and deleted items are tombstones: their place in
the data without their text, language or author. The only personal data is the display
names of authors. Translations are listed only while they match the current text.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased

from forum.accounts.models import User
from forum.answers.models import Milestone, OfficialAnswer
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation.models import Translation
from forum.machine_translation.translatable import TYPES, source_hash
from forum.processes.models import Action, Phase, Process
from forum.proposals.models import Proposal, Topic
from forum.templating import id_url_template
from forum.thresholds.service import standing


def _author(model):
    """Select the author's display name, or nothing once their account is erased."""
    user = aliased(User)
    name = case((user.deleted_at.is_(None), user.display_name)).label("author")
    return name, (user, user.id == model.author_id)


def _when(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def _proposal_url(proposal_id: int) -> str:
    # From the rule's pattern, built once: url_for per row costs more than the row.
    return id_url_template("proposals.show", "proposal_id", external=True).format(proposal_id)


@dataclass(frozen=True)
class Source:
    """One kind of exported record: how to select it, and its fields other than texts."""

    name: str
    kind: str  # the translatable kind of its texts
    model: type[Any]
    query: Callable[[], Select]
    columns: tuple[str, ...]  # the record's fields other than texts, in this order
    fields: Callable[[object], dict]
    is_tombstone: Callable[[object], bool] = lambda row: False

    @property
    def texts(self):
        return TYPES[self.kind].fields


def _processes_query():
    return select(Process.id, Process.slug, Process.position, Process.language, Process.title,
                  Process.description_source, Process.created_at)


def _phases_query():
    return select(Phase.id, Phase.process_id, Phase.starts_on, Phase.ends_on, Phase.proposals,
                  Phase.comments, Phase.supports, Phase.answers, Phase.language, Phase.name)


def _topics_query():
    return (select(Topic.id, Topic.slug, Process.slug.label("process"), Topic.position,
                   Topic.language, Topic.name, Topic.description, Topic.created_at)
            .join(Process, Process.id == Topic.process_id))


def _proposals_query():
    author, (user, joined) = _author(Proposal)
    return (select(Proposal.id, Topic.slug.label("topic"), Proposal.state, author,
                   Proposal.language, Proposal.title, Proposal.body_source,
                   Proposal.created_at, Proposal.edited_at, Proposal.withdrawn_at,
                   Proposal.deleted_at, Proposal.hidden_at, Proposal.locked_at,
                   Proposal.support_count, Proposal.verified_support_count,
                   Proposal.comment_count, Proposal.duplicate_of_id,
                   Proposal.threshold_reached_at, Proposal.answer_due_at,
                   select(func.min(OfficialAnswer.created_at))
                   .where(OfficialAnswer.proposal_id == Proposal.id)
                   .scalar_subquery().label("first_answer_at"))
            .join(Topic, Topic.id == Proposal.topic_id).outerjoin(user, joined))


def _comments_query():
    author, (user, joined) = _author(Comment)
    return (select(Comment.id, Comment.proposal_id, Comment.parent_id, Comment.depth, author,
                   Comment.alignment, Comment.language, Comment.body_source,
                   Comment.created_at, Comment.edited_at, Comment.deleted_at,
                   Comment.hidden_at, Comment.helpful_count)
            .outerjoin(user, joined))


def _answers_query():
    author, (user, joined) = _author(OfficialAnswer)
    return (select(OfficialAnswer.id, OfficialAnswer.proposal_id, OfficialAnswer.state, author,
                   OfficialAnswer.language, OfficialAnswer.body_source,
                   OfficialAnswer.created_at)
            .outerjoin(user, joined))


def _milestones_query():
    return select(Milestone.id, Milestone.proposal_id, Milestone.due_on, Milestone.done,
                  Milestone.language, Milestone.title, Milestone.updated_at)


def _process_fields(row) -> dict:
    return {"id": row.id, "slug": row.slug, "position": row.position, "language": row.language,
            "created_at": _when(row.created_at)}


def _phase_fields(row) -> dict:
    opens = " ".join(action.value for action in Action if getattr(row, action.value))
    return {"id": row.id, "process_id": row.process_id, "starts_on": row.starts_on.isoformat(),
            "ends_on": row.ends_on.isoformat(), "opens": opens, "language": row.language}


def _topic_fields(row) -> dict:
    return {"id": row.id, "slug": row.slug, "process": row.process, "position": row.position,
            "language": row.language, "created_at": _when(row.created_at)}


def _proposal_is_tombstone(row) -> bool:
    # Erasing an account hides its proposals too; both leave only their place.
    return row.hidden_at is not None or row.deleted_at is not None


def _proposal_fields(row) -> dict:
    tombstone = _proposal_is_tombstone(row)
    return {"id": row.id, "url": _proposal_url(row.id), "topic": row.topic, "state": row.state,
            "author": None if tombstone else row.author,
            "language": None if tombstone else row.language,
            "created_at": _when(row.created_at), "edited_at": _when(row.edited_at),
            "withdrawn_at": _when(row.withdrawn_at), "deleted": row.deleted_at is not None,
            "hidden": row.hidden_at is not None, "locked": row.locked_at is not None,
            "support_count": row.support_count,
            "verified_support_count": row.verified_support_count,
            "comment_count": row.comment_count, "duplicate_of": row.duplicate_of_id,
            "threshold_reached_at": _when(row.threshold_reached_at),
            "answer_due_at": _when(row.answer_due_at),
            "answered_within_deadline": _in_time(row)}


def _in_time(row) -> bool | None:
    """Whether an answer obliged by supports came by its deadline (None: not yet known)."""
    where = standing(row.answer_due_at, row.first_answer_at)
    return {"in_time": True, "late": False, "overdue": False}.get(where or "")


def _comment_is_tombstone(row) -> bool:
    return row.deleted_at is not None or row.hidden_at is not None


def _comment_fields(row) -> dict:
    tombstone = _comment_is_tombstone(row)
    return {"id": row.id, "proposal_id": row.proposal_id, "parent_id": row.parent_id,
            "depth": row.depth, "author": None if tombstone else row.author,
            "alignment": None if tombstone else row.alignment,
            "language": None if tombstone else row.language,
            "created_at": _when(row.created_at), "edited_at": _when(row.edited_at),
            "deleted": row.deleted_at is not None, "hidden": row.hidden_at is not None,
            "helpful_count": row.helpful_count}


def _answer_fields(row) -> dict:
    return {"id": row.id, "proposal_id": row.proposal_id, "state": row.state,
            "author": row.author, "language": row.language, "created_at": _when(row.created_at)}


def _milestone_fields(row) -> dict:
    return {"id": row.id, "proposal_id": row.proposal_id, "date": row.due_on.isoformat(),
            "done": row.done, "language": row.language, "updated_at": _when(row.updated_at)}


SOURCES: dict[str, Source] = {source.name: source for source in (
    Source("processes", "process", Process, _processes_query,
           ("id", "slug", "position", "language", "created_at"), _process_fields),
    Source("phases", "phase", Phase, _phases_query,
           ("id", "process_id", "starts_on", "ends_on", "opens", "language"), _phase_fields),
    Source("topics", "topic", Topic, _topics_query,
           ("id", "slug", "process", "position", "language", "created_at"), _topic_fields),
    Source("proposals", "proposal", Proposal, _proposals_query,
           ("id", "url", "topic", "state", "author", "language", "created_at", "edited_at",
            "withdrawn_at", "deleted", "hidden", "locked", "support_count",
            "verified_support_count", "comment_count", "duplicate_of", "threshold_reached_at",
            "answer_due_at", "answered_within_deadline"),
           _proposal_fields, _proposal_is_tombstone),
    Source("comments", "comment", Comment, _comments_query,
           ("id", "proposal_id", "parent_id", "depth", "author", "alignment", "language",
            "created_at", "edited_at", "deleted", "hidden", "helpful_count"),
           _comment_fields, _comment_is_tombstone),
    Source("answers", "answer", OfficialAnswer, _answers_query,
           ("id", "proposal_id", "state", "author", "language", "created_at"), _answer_fields),
    Source("milestones", "milestone", Milestone, _milestones_query,
           ("id", "proposal_id", "date", "done", "language", "updated_at"), _milestone_fields),
)}


def batches(source: Source, size: int) -> Iterator[list[dict]]:
    """Yield the source's records, `size` at a time, each with its texts and translations."""
    last, query = 0, source.query().order_by(source.model.id).limit(size)
    while True:
        rows = db.session.execute(query.where(source.model.id > last)).all()
        if not rows:
            return
        translations = _translations(source, [r.id for r in rows if not source.is_tombstone(r)])
        yield [_record(source, row, translations) for row in rows]
        if len(rows) < size:
            return
        last = rows[-1].id


def _translations(source: Source, ids: list[int]) -> dict[tuple[int, str], list]:
    found: dict[tuple[int, str], list] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(Translation.item_id, Translation.field, Translation.language,
               Translation.source_hash, Translation.text, Translation.engine)
        .where(Translation.item_type == source.kind, Translation.item_id.in_(ids))
        .order_by(Translation.item_id, Translation.field, Translation.language))
    for row in rows:
        found.setdefault((row.item_id, row.field), []).append(row)
    return found


def _record(source: Source, row, translations) -> dict:
    record = source.fields(row)
    tombstone = source.is_tombstone(row)
    for text_field in source.texts:
        original = getattr(row, text_field.attribute) or ""
        if tombstone:
            record[text_field.name] = None
            continue
        current = source_hash(row.language, original)
        record[text_field.name] = {
            "language": row.language, "text": original,
            "translations": [{"language": t.language, "text": t.text, "engine": t.engine}
                             for t in translations.get((row.id, text_field.name), [])
                             if t.source_hash == current]}
    return record
