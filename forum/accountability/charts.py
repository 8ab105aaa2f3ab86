"""Geometry of the accountability charts; the templates draw it as inline SVG.

Charts are horizontal bars: a label column, the bars, and each bar's value after it.
Colours are mid-tones with at least 3:1 contrast against both the light and the dark
page background; text is drawn in currentColor, so it follows the page's colour scheme.
Every chart has a data table beside it, so nothing depends on colour or on seeing it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal, format_number, format_percent
from flask_babel import gettext as _

from forum.accountability.service import Figures
from forum.proposals.labels import state_label

STATE_COLOURS = {
    "open": "#3d7cc9", "under_review": "#b07800", "accepted": "#4c9a2a",
    "rejected": "#d2453d", "implemented": "#1f7a4d", "withdrawn": "#7d8590",
}
ANSWERED_COLOUR = "#3d7cc9"
DECIDED_COLOUR = "#1f7a4d"
DAYS_COLOUR = "#b07800"

WIDTH = 640
LABEL_WIDTH = 210  # the label column, right-aligned against the bars
VALUE_ROOM = 80  # after the longest bar, for its value
ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_CHARACTERS = 28  # longer labels are shortened; the table beside has them whole


@dataclass(frozen=True)
class Segment:
    """One coloured part of a bar."""

    x: float
    width: float
    fill: str
    title: str  # what a pointer hovering over it is told


@dataclass(frozen=True)
class Row:
    """One labelled bar, made of one segment or stacked ones."""

    label: str
    full_label: str
    y: float
    segments: tuple[Segment, ...]
    value_text: str
    value_x: float

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT * 0.7


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart ready to draw."""

    rows: tuple[Row, ...]
    width: int = WIDTH
    track: bool = False  # draw each bar's full scale (for shares out of 100 %)

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * ROW_HEIGHT

    @property
    def axis_x(self) -> int:
        return LABEL_WIDTH

    @property
    def plot_width(self) -> int:
        return WIDTH - LABEL_WIDTH - VALUE_ROOM

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def shorten(label: str, limit: int = LABEL_CHARACTERS) -> str:
    """Cut a label to fit the label column."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def stacked(rows: list[tuple[str, list[tuple[float, str, str]], str]],
            maximum: float | None = None, track: bool = False) -> Chart:
    """Lay out rows of (label, [(value, colour, title), …], value text) on one scale."""
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    if maximum is None:
        maximum = max((sum(part[0] for part in parts) for _label, parts, _text in rows), default=0)
    scale = plot / (maximum or 1)  # an empty chart keeps its frame
    laid_out = []
    for index, (label, parts, value_text) in enumerate(rows):
        x = float(LABEL_WIDTH)
        segments = []
        for value, colour, title in parts:
            width = value * scale
            if width > 0:
                segments.append(Segment(round(x, 2), round(width, 2), colour, title))
            x += width
        end = LABEL_WIDTH + (plot if track else x - LABEL_WIDTH)
        top = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        laid_out.append(Row(shorten(label), label, top, tuple(segments), value_text,
                            round(end + 6, 2)))
    return Chart(tuple(laid_out), track=track)


def bars(items: list[tuple[str, float, str, str]], maximum: float | None = None,
         track: bool = False) -> Chart:
    """Lay out one bar per (label, value, value text, colour)."""
    return stacked([(label, [(value, colour, f"{label}: {text}")], text)
                    for label, value, text, colour in items], maximum, track)


@dataclass(frozen=True)
class Drawn:
    """A chart with what assistive technology reads instead: its title and description."""

    chart: Chart
    title: str
    description: str


def _colour(state: str) -> str:
    return STATE_COLOURS.get(state, STATE_COLOURS["withdrawn"])


def _percent(share: float | None) -> str:
    return format_percent(share) if share is not None else "–"


def _days(value: float | None) -> str:
    return format_decimal(round(value, 1), format="#,##0.#") if value is not None else "–"


def answered_chart(figures) -> Drawn:
    """Draw the shares of proposals answered and decided, out of 100 %."""
    rows = [(_("Answered"), figures.share_answered or 0, _percent(figures.share_answered),
             ANSWERED_COLOUR),
            (_("Decided"), figures.share_decided or 0, _percent(figures.share_decided),
             DECIDED_COLOUR)]
    description = _("Proposals: %(total)s. With an official answer: %(answered)s (%(share)s). "
                    "With a decision: %(decided)s (%(decided_share)s).",
                    total=format_number(figures.proposals),
                    answered=format_number(figures.answered),
                    share=_percent(figures.share_answered),
                    decided=format_number(figures.decided),
                    decided_share=_percent(figures.share_decided))
    return Drawn(bars(rows, maximum=1, track=True), _("Share of proposals answered and decided"),
                 description)


def states_chart(figures) -> Drawn:
    """Draw how many proposals are in each state."""
    rows = [(state_label(state), count, format_number(count), _colour(state))
            for state, count in figures.states.items()]
    description = "; ".join(f"{label}: {text}" for label, _value, text, _colour in rows)
    return Drawn(bars(rows), _("Proposals by state"), description)


def topics_chart(report, topics, texts) -> Drawn:
    """Draw each topic's proposals as one bar, stacked by state."""
    rows = []
    for topic in topics:
        figures = report.by_topic.get(topic.id) or Figures()
        name = str(texts.shown(topic, "name"))
        parts = [(count, _colour(state), f"{name} · {state_label(state)}: {format_number(count)}")
                 for state, count in figures.states.items()]
        rows.append((name, parts, str(figures.published)))
    return Drawn(stacked(rows), _("Proposals by state in each topic"),
                 _("One bar per topic, its length the number of proposals, its parts their "
                   "states. The table below gives every number."))


def median_chart(report, topics, texts) -> Drawn:
    """Draw each topic's median days to an official answer."""
    rows = []
    for topic in topics:
        median_days = (report.by_topic.get(topic.id) or Figures()).median_days_to_answer
        rows.append((str(texts.shown(topic, "name")), median_days or 0, _days(median_days),
                     DAYS_COLOUR))
    description = "; ".join(f"{label}: {text}" for label, _value, text, _colour in rows)
    return Drawn(bars(rows), _("Median days to an official answer, by topic"),
                 _("Median days to an official answer: %(figures)s.", figures=description))
