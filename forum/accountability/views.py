"""The public accountability pages, overall and per topic, and the open-data page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import format_percent

from forum.accountability import charts, service
from forum.api.export import SOURCES
from forum.caching import cacheable
from forum.i18n import language_name
from forum.machine_translation.reading import for_request
from forum.proposals import service as proposals
from forum.proposals.models import ProposalState, Topic

bp = Blueprint("accountability", __name__)
TEMPLATE_GLOBALS = {"format_percent": format_percent}


@bp.get("/accountability")
@cacheable
def overview():
    topics = proposals.list_topics()
    return _page(None, topics, service.report())


@bp.get("/accountability/<slug>")
@cacheable
def topic(slug: str):
    found = proposals.topic_or_404(slug)
    return _page(found, [found], service.report(found.id))


def _page(topic: Topic | None, topics: list[Topic], report: service.Report):
    topic_id = topic.id if topic else None
    figures = report.by_topic.get(topic.id, service.Figures()) if topic else report.overall
    delivered = {state: service.delivered(state, topic_id)
                 for state in (ProposalState.IMPLEMENTED, ProposalState.ACCEPTED)}
    late = service.overdue(topic_id)
    listed = [p for found in delivered.values() for p in found] + late
    timelines = service.timelines(listed)
    milestones = [m for found in timelines.values() for m in found]
    texts = for_request([*topics, *listed, *milestones])
    drawn = {"answered": charts.answered_chart(figures), "states": charts.states_chart(figures)}
    if topic is None:
        drawn.update(topics=charts.topics_chart(report, topics, texts),
                     medians=charts.median_chart(report, topics, texts))
    return render_template("accountability/index.html", topic=topic, topics=topics,
                           figures=figures, report=report, delivered=delivered,
                           timelines=timelines, texts=texts, charts=drawn, overdue=late,
                           empty=service.Figures(), state_colours=charts.STATE_COLOURS)


@bp.get("/open-data")
def open_data():
    names = [language_name(code) for code in current_app.config["LANGUAGES"]]
    return render_template("accountability/open_data.html", sources=SOURCES,
                           content_languages=names)
