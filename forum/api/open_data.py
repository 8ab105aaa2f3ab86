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
from forum.proposals import service as proposals

# Exports read the whole database: a few per hour per address is plenty for analysis.
EXPORT_LIMIT = "30 per hour"


@bp.get("/accountability")
@cacheable
def accountability_figures():
    slug = request.args.get("topic") or None
    topics = proposals.list_topics()
    if slug is not None:
        topics = [t for t in topics if t.slug == slug]
        if not topics:
            fail(404, f"No topic {slug!r}.", "unknown_topic")
    report = accountability.report(topics[0].id if slug else None)
    texts = texts_for(topics)
    out = {"language": texts.language,
           "topics": [serialize.topic_figures(t, report.by_topic.get(t.id), texts)
                      for t in topics]}
    if slug is None:
        out["overall"] = serialize.figures(report.overall)
    return jsonify(out)


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
