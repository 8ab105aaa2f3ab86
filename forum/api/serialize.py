"""Turn forum items into JSON-ready dictionaries, every text with its language."""
from __future__ import annotations

from flask import url_for

from forum.accountability.service import Figures
from forum.comments.service import CommentNode
from forum.i18n import language_name, native_language_name
from forum.machine_translation.reading import ShownText, TranslationLookup
from forum.processes import rules
from forum.processes.models import Action


def text(shown: ShownText, with_html: bool = False) -> dict:
    """Describe one text: what is shown, its language, and whether a machine made it."""
    out = {"text": shown.plain, "language": shown.language,
           "machine_translated": shown.machine_translated,
           "original_language": shown.original_language,
           "translation_status": shown.status}
    if shown.machine_translated:
        out["engine"] = shown.engine
    if with_html:
        out["html"] = str(shown.html)
    return out


def _when(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def author(user) -> dict | None:
    """Describe an author by display name only: no other personal data leaves."""
    if user is None or user.deleted_at is not None:
        return None
    return {"id": user.id, "display_name": user.display_name}


def topic(item, texts: TranslationLookup) -> dict:
    """Describe a topic."""
    return {"id": item.id, "slug": item.slug, "name": text(texts.shown(item, "name")),
            "description": text(texts.shown(item, "description")),
            "process": item.process.slug}


def proposal(item, texts: TranslationLookup, full: bool = False) -> dict:
    """Describe a proposal; `full` adds the body."""
    hidden = item.hidden_at is not None
    out = {"id": item.id, "url": url_for("proposals.show", proposal_id=item.id, _external=True),
           "topic": {"id": item.topic.id, "slug": item.topic.slug},
           "title": None if hidden else text(texts.shown(item, "title")),
           "state": item.state, "author": None if hidden else author(item.author),
           "created_at": _when(item.created_at),
           "edited_at": _when(item.edited_at), "support_count": item.support_count,
           "verified_support_count": item.verified_support_count,
           "threshold_reached_at": _when(item.threshold_reached_at),
           "answer_due_at": _when(item.answer_due_at),
           "comment_count": item.comment_count, "hidden": hidden,
           "locked": item.locked_at is not None}
    if full:
        out["process"] = {"id": item.topic.process.id, "slug": item.topic.process.slug}
    if full and not hidden:
        out["body"] = text(texts.shown(item, "body"), with_html=True)
    return out


def comment_tree(nodes: list[CommentNode], texts: TranslationLookup) -> list[dict]:
    """Describe comments with their replies nested, tombstones included."""
    return [_comment(node, texts) for node in nodes]


def _comment(node: CommentNode, texts: TranslationLookup) -> dict:
    item = node.comment
    out = {"id": item.id, "parent_id": item.parent_id, "depth": item.depth,
           "author": None if item.is_tombstone else author(item.author),
           "alignment": item.alignment, "created_at": _when(item.created_at),
           "edited_at": _when(item.edited_at), "deleted": item.deleted_at is not None,
           "hidden": item.hidden_at is not None, "helpful_count": item.helpful_count,
           "replies": comment_tree(node.children, texts)}
    if not item.is_tombstone:
        out["body"] = text(texts.shown(item, "body"), with_html=True)
    return out


def language(code: str) -> dict:
    """Describe a configured language."""
    return {"code": code, "name": language_name(code, "en"),
            "native_name": native_language_name(code)}


def answer(item, texts: TranslationLookup) -> dict:
    """Describe an official answer: the state it gave the proposal, and its text."""
    return {"id": item.id, "state": item.state, "author": author(item.author),
            "created_at": _when(item.created_at),
            "body": text(texts.shown(item, "body"), with_html=True)}


def milestone(item, texts: TranslationLookup) -> dict:
    """Describe a follow-up milestone."""
    return {"id": item.id, "date": item.due_on.isoformat(), "done": item.done,
            "title": text(texts.shown(item, "title"))}


def event(item, discussed: bool, texts: TranslationLookup) -> dict:
    """Describe an event treating a proposal: when (UTC, with its zone), where, and whether
    its minutes say the proposal was discussed."""
    return {"id": item.id, "url": url_for("events.show", event_id=item.id, _external=True),
            "title": text(texts.shown(item, "title")), "kind": item.kind,
            "starts_at": _when(item.starts_at), "ends_at": _when(item.ends_at),
            "timezone": item.timezone, "capacity": item.capacity,
            "registered_count": item.registered_count,
            "minutes_published_at": _when(item.minutes_published_at), "discussed": discussed}


def figures(found) -> dict:
    """Describe accountability figures (see forum/accountability/service.py)."""
    def rounded(value):
        return None if value is None else round(value, 4)

    return {"proposals": found.proposals, "answered": found.answered, "decided": found.decided,
            "awaiting": found.awaiting, "share_answered": rounded(found.share_answered),
            "share_decided": rounded(found.share_decided),
            "median_days_to_answer": rounded(found.median_days_to_answer),
            "median_days_to_decision": rounded(found.median_days_to_decision),
            "states": dict(found.states),
            "answer_obligations": {"proposals": found.obliged, **found.obligations,
                                   "share_answered_within_deadline":
                                   rounded(found.share_in_time)}}


def topic_figures(item, found, texts: TranslationLookup) -> dict:
    """Describe a topic's accountability figures (`found` is None when it has no proposals)."""
    return {"slug": item.slug, "name": text(texts.shown(item, "name")),
            **figures(found or Figures())}


def process(item, texts: TranslationLookup) -> dict:
    """Describe a process and its phases; an untitled one is the forum's ongoing process."""
    return {"id": item.id, "slug": item.slug,
            "url": url_for("processes.show", slug=item.slug, _external=True),
            "title": text(texts.shown(item, "title")) if item.title else None,
            "description": text(texts.shown(item, "description"), with_html=True)
            if item.description_source else None,
            "status": rules.status(item),
            "phases": [phase(p, texts) for p in item.phases]}


def phase(item, texts: TranslationLookup) -> dict:
    """Describe a phase: its dates (days in the instance's time zone) and what it opens."""
    return {"id": item.id, "name": text(texts.shown(item, "name")),
            "starts_on": item.starts_on.isoformat(), "ends_on": item.ends_on.isoformat(),
            "current": rules.current_phase(item.process) is item,
            "opens": [action.value for action in Action if item.opens(action)]}


def process_figures(item, found, texts: TranslationLookup) -> dict:
    """Describe a process's accountability figures (`found` is None without proposals)."""
    return {"slug": item.slug,
            "title": text(texts.shown(item, "title")) if item.title else None,
            **figures(found or Figures())}
