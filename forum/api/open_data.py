"""Open data under /api/v1: the accountability figures and the streamed exports."""
from __future__ import annotations

from flask import Response, current_app, jsonify, request, stream_with_context

from forum.accountability import service as accountability
from forum.api import serialize
from forum.api.arguments import fail, texts_for
from forum.api.export import SOURCES
from forum.api.export_formats import csv_chunks, json_chunks
from forum.api.views import bp
from forum.caching import cacheable
from forum.extensions import limiter
from forum.processes import service as processes
from forum.processes.models import Process
from forum.proposals import service as proposals
from forum.proposals.models import Topic

# Exports read the whole database: a few per hour per address is plenty for analysis.
EXPORT_LIMIT = "30 per hour"


@bp.get("/accountability")
@cacheable
def accountability_figures():
    """The figures overall, per process and per topic; ?topic= or ?process= narrows them."""
    topics, chosen = _scope()
    report = accountability.report(None if chosen is None else [t.id for t in topics])
    listed = [chosen] if isinstance(chosen, Process) else \
        [] if chosen is not None else processes.list_processes()
    texts = texts_for([*topics, *listed])
    merged = accountability.by_process(report, topics)
    out = {"language": texts.language,
           "processes": [serialize.process_figures(p, merged.get(p.id), texts) for p in listed],
           "topics": [serialize.topic_figures(t, report.by_topic.get(t.id), texts)
                      for t in topics]}
    if not isinstance(chosen, Topic):
        out["overall"] = serialize.figures(report.overall)
    return jsonify(out)


def _scope() -> tuple[list[Topic], Topic | Process | None]:
    """Return the topics the figures cover and the topic or process asked for, if any."""
    if request.args.get("topic") and request.args.get("process"):
        fail(400, "Give topic or process, not both.", "bad_parameter")
    slug = request.args.get("topic") or None
    if slug is not None:
        topic = proposals.find_topic(slug)
        if topic is None:
            fail(404, f"No topic {slug!r}.", "unknown_topic")
        return [topic], topic
    slug = request.args.get("process") or None
    if slug is not None:
        process = processes.find_process(slug)
        if process is None:
            fail(404, f"No process {slug!r}.", "unknown_process")
        return processes.topics_of(process), process
    return proposals.list_topics(), None


def _download(chunks, mimetype: str, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _batch_size() -> int:
    return int(current_app.config["EXPORT_BATCH_SIZE"])


@bp.get("/export/<name>.csv")
@limiter.limit(EXPORT_LIMIT)
@cacheable
def export_csv(name: str):
    source = SOURCES.get(name)
    if source is None:
        fail(404, f"No export {name!r}; there are {sorted(SOURCES)}.", "not_found")
    chunks = csv_chunks(source, current_app.config["LANGUAGES"], _batch_size())
    return _download(chunks, "text/csv", f"{name}.csv")


@bp.get("/export.json")
@limiter.limit(EXPORT_LIMIT)
@cacheable
def export_json():
    chunks = json_chunks(current_app.config["LANGUAGES"], _batch_size(),
                         current_app.config["SITE_NAME"])
    return _download(chunks, "application/json", "export.json")
