"""Read-only endpoints under /api/v1; each takes ?lang=xx for the reading language."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, make_response, request
from flask_babel import gettext as _

from forum.answers import service as official
from forum.api import serialize
from forum.comments import service as comments
from forum.db import db
from forum.errors.handlers import error_response
from forum.machine_translation.reading import lookup
from forum.proposals import service as proposals
from forum.proposals.models import Proposal, ProposalState, Topic

bp = Blueprint("api", __name__)
# Larger page numbers would overflow the database's integers; no list is that long.
MAX_PAGE = 1_000_000


def _fail(status: int, message: str, code: str):
    """Stop the request with a JSON error (abort() needs a response, not a tuple)."""
    abort(make_response(error_response(status, message, code)))


def _language() -> str:
    from forum.i18n import reading_language

    code = request.args.get("lang")
    if code is None:
        return reading_language()
    if code not in current_app.config["LANGUAGES"]:
        _fail(400, f"Unknown language {code!r}; see /api/v1/languages.", "unknown_language")
    return code


def _int_arg(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # isdecimal, not isdigit: int() refuses digits such as "²".
    if not (raw.isdecimal() and len(raw) <= 7 and 1 <= int(raw) <= MAX_PAGE):
        _fail(400, f"{name} must be an integer from 1 to {MAX_PAGE}.", "bad_parameter")
    return min(int(raw), maximum) if maximum else int(raw)


def _texts(items):
    return lookup(items, _language(), originals_only=request.args.get("original") == "1")


@bp.get("/languages")
def languages():
    return jsonify({"languages": [serialize.language(c) for c in current_app.config["LANGUAGES"]]})


@bp.get("/topics")
def topics():
    found = proposals.list_topics()
    texts = _texts(found)
    return jsonify({"language": texts.language,
                    "topics": [serialize.topic(t, texts) for t in found]})


@bp.get("/proposals")
def proposal_list():
    topic = None
    if request.args.get("topic"):
        slug = request.args["topic"]
        # PostgreSQL refuses NUL in text: such a slug names no topic.
        topic = None if "\x00" in slug else \
            db.session.scalar(db.select(Topic).where(Topic.slug == slug))
        if topic is None:
            _fail(404, f"No topic {slug!r}.", "unknown_topic")
    sort = request.args.get("sort", "newest")
    if sort not in proposals.SORTS:
        _fail(400, f"sort must be one of {sorted(proposals.SORTS)}.", "bad_parameter")
    state = request.args.get("state") or None
    if state is not None and state not in {s.value for s in ProposalState}:
        _fail(400, f"state must be one of {sorted(s.value for s in ProposalState)}.",
              "bad_parameter")
    page = proposals.list_proposals(topic, sort, _int_arg("page", 1), state,
                                    _int_arg("per_page", 20, 100))
    texts = _texts(page.items)
    return jsonify({"language": texts.language, "page": page.page, "pages": page.pages,
                    "per_page": page.per_page, "total": page.total,
                    "proposals": [serialize.proposal(p, texts) for p in page.items]})


@bp.get("/proposals/<int:proposal_id>")
def proposal_detail(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    thread = comments.thread_page(proposal, _int_arg("page", 1),
                                  _int_arg("per_page", current_app.config["COMMENTS_PER_PAGE"], 500))
    answers = official.answers_of(proposal.id)
    milestones = official.milestones_of([proposal.id])[proposal.id]
    texts = _texts([proposal, *answers, *milestones, *thread.comments])
    out = serialize.proposal(proposal, texts, full=True)
    out.update(language=texts.language, comments=serialize.comment_tree(thread.roots, texts),
               answers=[serialize.answer(a, texts) for a in answers],
               milestones=[serialize.milestone(m, texts) for m in milestones],
               comments_page=thread.page, comments_pages=thread.pages,
               top_level_comments=thread.total_roots)
    return jsonify(out)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(anything: str):
    return error_response(404, _("No such endpoint in /api/v1."), "not_found")


from forum.api import open_data  # noqa: E402,F401  (open-data routes on this blueprint)
