"""The public accountability pages, overall and per topic, and the open-data page."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template
from flask_babel import format_percent

from forum.accountability import charts, service
from forum.api.export import SOURCES
from forum.caching import cacheable
from forum.i18n import language_name
from forum.machine_translation.reading import for_request
from forum.processes import service as processes
from forum.processes.models import Process
from forum.proposals import service as proposals
from forum.proposals.models import ProposalState, Topic

bp = Blueprint("accountability", __name__)
TEMPLATE_GLOBALS = {"format_percent": format_percent}


@bp.get("/accountability")
@cacheable
def overview():
    topics = proposals.list_topics()
    report = service.report()
    listed = [p for p in processes.list_processes() if p.title]
    return _page(Scope(topics=topics, processes=listed,
                       by_process=service.by_process(report, topics)), report)


@bp.get("/accountability/<slug>")
@cacheable
def topic(slug: str):
    found = proposals.topic_or_404(slug)
    return _page(Scope(topic=found, topics=[found]), service.report([found.id]))


@bp.get("/accountability/processes/<slug>")
@cacheable
def process(slug: str):
    found = processes.process_or_404(slug)
    topics = processes.topics_of(found)
    return _page(Scope(process=found, topics=topics),
                 service.report([t.id for t in topics]))


@dataclass
class Scope:
    """What an accountability page covers: everything, one process, or one topic."""

    topics: list[Topic]
    topic: Topic | None = None
    process: Process | None = None
    processes: list[Process] = field(default_factory=list)
    by_process: dict[int, service.Figures] = field(default_factory=dict)

    @property
    def topic_ids(self) -> list[int] | None:
        if self.topic is None and self.process is None:
            return None
        return [t.id for t in self.topics]


def _page(scope: Scope, report: service.Report):
    topic = scope.topic
    figures = report.by_topic.get(topic.id, service.Figures()) if topic else report.overall
    delivered = {state: service.delivered(state, scope.topic_ids)
                 for state in (ProposalState.IMPLEMENTED, ProposalState.ACCEPTED)}
    late = service.overdue(scope.topic_ids)
    listed = [p for found in delivered.values() for p in found] + late
    timelines = service.timelines(listed)
    milestones = [m for found in timelines.values() for m in found]
    texts = for_request([*scope.topics, *listed, *milestones, *scope.processes,
                         *([scope.process] if scope.process else [])])
    drawn = {"answered": charts.answered_chart(figures), "states": charts.states_chart(figures)}
    if topic is None:
        drawn.update(topics=charts.topics_chart(report, scope.topics, texts),
                     medians=charts.median_chart(report, scope.topics, texts))
    return render_template("accountability/index.html", topic=topic, topics=scope.topics,
                           scope=scope, figures=figures, report=report, delivered=delivered,
                           timelines=timelines, texts=texts, charts=drawn, overdue=late,
                           empty=service.Figures(), state_colours=charts.STATE_COLOURS)


@bp.get("/open-data")
def open_data():
    names = [language_name(code) for code in current_app.config["LANGUAGES"]]
    return render_template("accountability/open_data.html", sources=SOURCES,
                           content_languages=names)
