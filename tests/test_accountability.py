"""The accountability page: exact figures on a known set of proposals, drawn accessibly."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

import factories as make
from fixtures_core import main
from forum.accountability import service
from forum.db import db
from forum.proposals import service as proposals

T0 = datetime(2026, 1, 5, 9, 0)


def published(topic, title: str, answers=(), withdrawn: bool = False, hidden: bool = False):
    """Publish a proposal at T0 with official answers `(state, days after T0)`."""
    proposal = make.proposal(topic_=topic, title=title)
    proposal.created_at = T0
    for state, days in answers:
        answer = make.answer(proposal, state=state)
        answer.created_at = T0 + timedelta(days=days)
    if withdrawn:
        proposals.withdraw(proposal)
    if hidden:
        proposal.hidden_at = T0
    db.session.commit()
    return proposal


@pytest.fixture
def town(app):
    """Two topics with known answers, and a third without proposals.

    Mobility: answered after 2 (decided after 10), 4 and 7.5 days; one open; one withdrawn
    before any answer (not counted). Housing: answered after 1 and 3 days (the second then
    withdrawn, still counted), never decided; one open; one hidden (not counted at all).
    """
    mobility, housing = make.topic("Mobility"), make.topic("Housing")
    culture = make.topic("Culture")
    published(mobility, "Bike lanes on the avenue", [("under_review", 2), ("accepted", 10)])
    published(mobility, "A cable car to the castle", [("rejected", 4)])
    published(mobility, "A crossing by the school", [("implemented", 7.5)])
    published(mobility, "More buses on Sundays")
    published(mobility, "Free parking everywhere", withdrawn=True)
    published(housing, "A register of empty flats", [("under_review", 1)])
    published(housing, "Cap tourist flats", [("under_review", 3)], withdrawn=True)
    published(housing, "Co-operative housing on the old site")
    published(housing, "Something abusive", [("rejected", 1)], hidden=True)
    return mobility, housing, culture


def test_the_figures_of_each_topic_and_overall(town):
    mobility, housing, culture = town
    report = service.report()
    overall = report.overall
    by_mobility, by_housing = report.by_topic[mobility.id], report.by_topic[housing.id]

    assert (by_mobility.published, by_mobility.proposals, by_mobility.answered,
            by_mobility.decided, by_mobility.awaiting) == (5, 4, 3, 3, 1)
    assert by_mobility.share_answered == 0.75 and by_mobility.share_decided == 0.75
    assert by_mobility.median_days_to_answer == 4.0  # of 2, 4, 7.5
    assert by_mobility.median_days_to_decision == 7.5  # of 10, 4, 7.5
    assert by_mobility.states == {"open": 1, "under_review": 0, "accepted": 1, "rejected": 1,
                                  "implemented": 1, "withdrawn": 1}

    assert (by_housing.published, by_housing.proposals, by_housing.answered,
            by_housing.decided, by_housing.awaiting) == (3, 3, 2, 0, 1)
    assert by_housing.share_answered == 2 / 3 and by_housing.share_decided == 0
    assert by_housing.median_days_to_answer == 2.0  # of 1 and 3
    assert by_housing.median_days_to_decision is None
    assert by_housing.states == {"open": 1, "under_review": 1, "accepted": 0, "rejected": 0,
                                 "implemented": 0, "withdrawn": 1}

    assert (overall.published, overall.proposals, overall.answered, overall.decided,
            overall.awaiting) == (8, 7, 5, 3, 2)
    assert overall.share_answered == 5 / 7 and overall.share_decided == 3 / 7
    assert overall.median_days_to_answer == 3.0  # of 1, 2, 3, 4, 7.5
    assert overall.median_days_to_decision == 7.5
    assert overall.states == {"open": 2, "under_review": 1, "accepted": 1, "rejected": 1,
                              "implemented": 1, "withdrawn": 2}
    assert culture.id not in report.by_topic

    only_housing = service.report([housing.id])
    assert set(only_housing.by_topic) == {housing.id}
    assert only_housing.overall.median_days_to_answer == 2.0


def test_the_figures_cost_three_queries_whatever_the_number_of_proposals(town, queries):
    with queries.counting():  # states, first answers, answers obliged by supports
        service.report()
    assert queries.count == 3


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.find_all() if cell.tag in ("th", "td")]
            for row in table.find_all("tr")]


def test_the_page_shows_the_figures_in_charts_and_tables(client, town):
    response = client.get("/accountability")
    assert response.status_code == 200
    shown = main(response)
    key = shown.find("dl", class_="key-figures").text
    assert "Proposals answered 5 of 7 (71%)" in key
    assert "Median time to an answer 3 days" in key
    assert "Proposals decided 3 of 7 (43%)" in key
    assert "Median time to a decision 7.5 days" in key

    assert cells(shown.find("table", id="table-answered"))[1:] == [
        ["Answered", "5", "71%", "3 days"], ["Decided", "3", "43%", "7.5 days"],
        ["Awaiting an answer", "2", "29%", ""], ["All proposals counted", "7", "", ""]]
    assert cells(shown.find("table", id="table-states"))[1:] == [
        ["Open", "2", "25%"], ["Under review", "1", "12%"], ["Accepted", "1", "12%"],
        ["Rejected", "1", "12%"], ["Implemented", "1", "12%"], ["Withdrawn", "2", "25%"],
        ["Total", "8", ""]]
    assert cells(shown.find("table", id="table-topic-states"))[1:] == [
        ["Mobility", "1", "0", "1", "1", "1", "1", "5"],
        ["Housing", "1", "1", "0", "0", "0", "1", "3"],
        ["Culture", "0", "0", "0", "0", "0", "0", "0"]]
    assert cells(shown.find("table", id="table-topic-answers"))[1:] == [
        ["Mobility", "3 of 4 (75%)", "4 days", "3 of 4 (75%)", "7.5 days"],
        ["Housing", "2 of 3 (67%)", "2 days", "0 of 3 (0%)", "no answers yet"],
        ["Culture", "no proposals yet", "no answers yet", "no proposals yet", "no answers yet"]]

    implemented = shown.find("section", **{"aria-labelledby": "implemented-heading"})
    assert "A crossing by the school" in implemented.text
    accepted = shown.find("section", **{"aria-labelledby": "accepted-heading"})
    assert "Bike lanes on the avenue" in accepted.text


def test_charts_are_accessible_inline_svg_without_style_or_script(client, town):
    html = client.get("/accountability").get_data(as_text=True)
    assert "style=" not in html and "<script" not in html
    charts = main(client.get("/accountability")).find_all("svg", class_="chart")
    assert len(charts) == 4
    for svg in charts:
        assert svg.attrs["role"] == "img"
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        assert svg.find("title", id=title_id).text and svg.find("desc", id=desc_id).text
        figure = svg.parent
        assert figure.tag == "figure" and figure.find("table") is not None
    answered = charts[0]
    assert answered.find("desc").text == (
        "Proposals: 7. With an official answer: 5 (71%). With a decision: 3 (43%).")
    states = charts[1]
    assert states.find("desc").text == (
        "Open: 2; Under review: 1; Accepted: 1; Rejected: 1; Implemented: 1; Withdrawn: 2")
    # Bars are drawn to scale: the two "Open" proposals twice as long as one "Accepted".
    bars = [r for r in states.find_all("rect") if r.attrs.get("fill") != "none"]
    widths = [float(r.attrs["width"]) for r in bars]
    assert widths[0] == 2 * widths[2]
    assert {r.attrs["fill"] for r in bars} <= {c for c in re.findall(r"#[0-9a-f]{6}", html)}


def test_a_topic_page(client, town):
    mobility, housing, _ = town
    shown = main(client.get(f"/accountability/{housing.slug}"))
    assert shown.find("h1").text == "Accountability: Housing"
    assert "Proposals answered 2 of 3 (67%)" in shown.find("dl", class_="key-figures").text
    assert "Median time to a decision no answers yet" in shown.find("dl", class_="key-figures").text
    assert shown.find("table", id="table-topic-states") is None  # that is the overall page's
    assert len(shown.find_all("svg", class_="chart")) == 2
    assert client.get("/accountability/no-such-topic").status_code == 404
    assert client.get("/accountability/%00").status_code == 404


def test_an_empty_forum_has_an_accountability_page(client):
    shown = main(client.get("/accountability"))
    assert "no proposals yet" in shown.find("dl", class_="key-figures").text
    assert "No proposal is implemented yet." in shown.text


def test_implemented_proposals_show_their_milestones(client, town):
    from datetime import date

    from forum.proposals.models import Proposal

    crossing = db.session.scalar(db.select(Proposal).where(
        Proposal.title == "A crossing by the school"))
    make.milestone(crossing, "Crossing painted", date(2026, 2, 1), done=True)
    make.milestone(crossing, "Review after a term", date(2026, 6, 1))
    section = main(client.get("/accountability")).find(
        "section", **{"aria-labelledby": "implemented-heading"})
    assert "1 of 2 milestones done" in section.text
    assert [li.find("span", class_="milestone-title").text
            for li in section.find_all("li", class_="milestone")] == [
        "Crossing painted", "Review after a term"]


def test_the_figures_in_the_api(client, town):
    mobility, housing, culture = town
    document = client.get("/api/v1/accountability").get_json()
    assert document["overall"] == {
        "proposals": 7, "answered": 5, "decided": 3, "awaiting": 2,
        "share_answered": 0.7143, "share_decided": 0.4286,
        "median_days_to_answer": 3.0, "median_days_to_decision": 7.5,
        "states": {"open": 2, "under_review": 1, "accepted": 1, "rejected": 1,
                   "implemented": 1, "withdrawn": 2},
        "answer_obligations": {"proposals": 0, "in_time": 0, "late": 0, "overdue": 0,
                               "due": 0, "share_answered_within_deadline": None}}
    by_slug = {t["slug"]: t for t in document["topics"]}
    assert by_slug[housing.slug]["share_answered"] == 0.6667
    assert by_slug[housing.slug]["median_days_to_decision"] is None
    assert by_slug[culture.slug]["proposals"] == 0
    assert by_slug[mobility.slug]["name"]["text"] == "Mobility"

    one = client.get(f"/api/v1/accountability?topic={housing.slug}").get_json()
    assert "overall" not in one and [t["slug"] for t in one["topics"]] == [housing.slug]
    missing = client.get("/api/v1/accountability?topic=nowhere")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "unknown_topic"
