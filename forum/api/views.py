"""Read-only endpoints under /api/v1; each takes ?lang=xx for the reading language."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _

from forum.answers import service as official
from forum.api import serialize
from forum.api.arguments import fail, int_arg, texts_for
from forum.caching import cacheable
from forum.comments import service as comments
from forum.db import db
from forum.errors.handlers import error_response
from forum.events import service as events
from forum.processes import service as processes
from forum.proposals import service as proposals
from forum.proposals.models import Proposal, ProposalState, Topic

bp = Blueprint("api", __name__)


@bp.get("/languages")
@cacheable
def languages():
    return jsonify({"languages": [serialize.language(c) for c in current_app.config["LANGUAGES"]]})


@bp.get("/topics")
@cacheable
def topics():
    found = proposals.list_topics()
    texts = texts_for(found)
    return jsonify({"language": texts.language,
                    "topics": [serialize.topic(t, texts) for t in found]})


@bp.get("/processes")
@cacheable
def process_list():
    found = processes.list_processes()
    texts = texts_for([*found, *(phase for p in found for phase in p.phases)])
    return jsonify({"language": texts.language,
                    "processes": [serialize.process(p, texts) for p in found]})


@bp.get("/processes/<slug>")
@cacheable
def process_detail(slug: str):
    found = processes.find_process(slug)
    if found is None:
        fail(404, f"No process {slug!r}.", "not_found")
    topics = processes.topics_of(found)
    texts = texts_for([found, *found.phases, *topics])
    return jsonify({"language": texts.language, **serialize.process(found, texts),
                    "topics": [serialize.topic(t, texts) for t in topics]})


@bp.get("/proposals")
@cacheable
def proposal_list():
    topic = None
    if request.args.get("topic"):
        slug = request.args["topic"]
        # PostgreSQL refuses NUL in text: such a slug names no topic.
        topic = None if "\x00" in slug else \
            db.session.scalar(db.select(Topic).where(Topic.slug == slug))
        if topic is None:
            fail(404, f"No topic {slug!r}.", "unknown_topic")
    sort = request.args.get("sort", "newest")
    if sort not in proposals.SORTS:
        fail(400, f"sort must be one of {sorted(proposals.SORTS)}.", "bad_parameter")
    state = request.args.get("state") or None
    if state is not None and state not in {s.value for s in ProposalState}:
        fail(400, f"state must be one of {sorted(s.value for s in ProposalState)}.",
              "bad_parameter")
    page = proposals.list_proposals(topic, sort, int_arg("page", 1), state,
                                    int_arg("per_page", 20, 100))
    texts = texts_for(page.items)
    return jsonify({"language": texts.language, "page": page.page, "pages": page.pages,
                    "per_page": page.per_page, "total": page.total,
                    "proposals": [serialize.proposal(p, texts) for p in page.items]})


@bp.get("/proposals/<int:proposal_id>")
@cacheable
def proposal_detail(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    thread = comments.thread_page(proposal, int_arg("page", 1),
                                  int_arg("per_page", current_app.config["COMMENTS_PER_PAGE"], 500))
    answers = official.answers_of(proposal.id)
    milestones = official.milestones_of([proposal.id])[proposal.id]
    linked_events = events.events_of_proposal(proposal.id)
    texts = texts_for([proposal, *answers, *milestones, *(e for e, _ in linked_events),
                       *thread.comments])
    out = serialize.proposal(proposal, texts, full=True)
    out.update(language=texts.language, comments=serialize.comment_tree(thread.roots, texts),
               answers=[serialize.answer(a, texts) for a in answers],
               milestones=[serialize.milestone(m, texts) for m in milestones],
               events=[serialize.event(e, discussed, texts) for e, discussed in linked_events],
               comments_page=thread.page, comments_pages=thread.pages,
               top_level_comments=thread.total_roots)
    return jsonify(out)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@cacheable
def unknown(anything: str):
    return error_response(404, _("No such endpoint in /api/v1."), "not_found")

