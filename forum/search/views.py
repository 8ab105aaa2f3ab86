"""The search page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from forum.caching import cacheable
from forum.i18n import reading_language
from forum.proposals import service as proposals
from forum.proposals.models import ProposalState
from forum.search import service
from forum.web.arguments import id_arg, page_arg

bp = Blueprint("search", __name__)


@bp.get("/search")
@cacheable
def results():
    query = (request.args.get("q") or "")[:200]
    topics = proposals.list_topics()
    topic_id = id_arg("topic")
    topic_id = topic_id if topic_id in {t.id for t in topics} else None
    state = request.args.get("state") or None
    state = state if state in {s.value for s in ProposalState} else None
    language = request.args.get("lang")
    if language not in current_app.config["LANGUAGES"]:
        language = reading_language()
    found = service.search(query, language, topic_id, state,
                           page_arg())
    from forum.machine_translation.reading import for_request

    return render_template("search/results.html", query=query, found=found, topics=topics,
                           topic_id=topic_id, state=state, states=list(ProposalState),
                           language=language, texts=for_request(topics))
