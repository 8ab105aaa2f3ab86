"""Writing, editing, withdrawing, listing and sorting proposals; managing topics."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

import factories as make
from fixtures_core import (
    field_errors,
    flashes,
    is_login_redirect,
    location,
    log_in,
    main,
    page,
    reload,
)
from forum.db import db, utcnow
from forum.proposals import service as proposals
from forum.proposals.models import Proposal, Topic

BODY = "We should plant **one hundred** trees along the river walk, mostly native species."


def titles(response) -> list[str]:
    """Return the proposal titles of a list page, in the order shown."""
    return [card.find("h3").find("a").text
            for card in main(response).find_all("li", class_="proposal-card")]


def card(response, title: str):
    return next(c for c in main(response).find_all("li", class_="proposal-card")
                if c.find("h3").text.startswith(title))


def set_columns(proposal, **values):
    """Change a proposal's columns directly, as time or another process would."""
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(**values))
    db.session.commit()


def submit(client, topic, title="Plant trees along the river", body=BODY, language="en"):
    return client.post("/proposals/new", data={"title": title, "body": body,
                                               "topic": topic.id, "language": language})


# --- Writing ---------------------------------------------------------------------------------

def test_a_citizen_publishes_a_proposal(client):
    author, topic = make.user("Marta"), make.topic("Environment")
    log_in(client, author)
    response = submit(client, topic)
    proposal = db.session.scalar(db.select(Proposal))
    assert location(response) == f"/proposals/{proposal.id}"

    shown = client.get(location(response))
    assert "Your proposal is published." in flashes(shown)
    article = main(shown).find("article", class_="proposal")
    assert article.find("h1").text == "Plant trees along the river"
    assert article.find("strong").text == "one hundred"  # markdown rendered
    assert article.find("p", class_="breadcrumb").text == "Environment"
    assert "Marta" in article.find("p", class_="meta").text
    assert (proposal.language, proposal.topic_id, proposal.state) == ("en", topic.id, "open")


def test_the_form_offers_the_authors_language_and_the_chosen_topic(client):
    topic = make.topic("Mobility")
    log_in(client, make.user(language="fr"))
    form = page(client.get(f"/proposals/new?topic={topic.id}"))
    assert form.find("select", name="language").find("option", selected="").attrs["value"] == "fr"
    assert form.find("select", name="topic").find("option", selected="").text == "Mobility"


def test_a_proposal_may_be_written_in_another_offered_language(client):
    topic = make.topic()
    log_in(client, make.user(language="en"))
    submit(client, topic, title="Plantar árboles junto al río", language="es")
    assert db.session.scalar(db.select(Proposal.language)) == "es"


@pytest.mark.parametrize("data, field", [
    ({"title": "Short"}, "title"),
    ({"title": "x" * 161}, "title"),
    ({"body": "Too short."}, "body"),
    ({"language": "xx"}, "language"),
])
def test_bad_proposals_come_back_with_reasons(client, data, field):
    topic = make.topic()
    log_in(client, make.user())
    response = client.post("/proposals/new", data={
        "title": "Plant trees along the river", "body": BODY, "topic": topic.id,
        "language": "en", **data})
    assert response.status_code == 422 and field_errors(response, field)
    assert db.session.scalar(db.select(Proposal)) is None


def test_the_language_check_asks_before_publishing(client, app):
    app.config["LANGUAGE_CHECK"] = True
    topic = make.topic()
    log_in(client, make.user())
    spanish = ("Proponemos plantar cien árboles a lo largo del paseo del río, "
               "sobre todo especies autóctonas que den sombra en verano.")
    response = submit(client, topic, title="Árboles junto al río", body=spanish)
    assert response.status_code == 200
    assert "looks like Spanish, but it is marked as English" in main(response).text
    assert db.session.scalar(db.select(Proposal)) is None
    confirmed = page(response).find("input", name="language_confirmed").attrs["value"]
    response = client.post("/proposals/new", data={
        "title": "Árboles junto al río", "body": spanish, "topic": topic.id,
        "language": "en", "language_confirmed": confirmed})
    assert response.status_code == 302  # the author insisted: it is published as English


# --- Editing and withdrawing -------------------------------------------------------------------

def test_the_author_edits_within_the_window(client):
    proposal = make.proposal(author=make.user("Marta"))
    log_in(client, proposal.author)
    shown = main(client.get(f"/proposals/{proposal.id}"))
    assert shown.find("a", href=f"/proposals/{proposal.id}/edit").text == "Edit"

    response = client.post(f"/proposals/{proposal.id}/edit", data={
        "title": "A better title for it", "body": BODY, "topic": proposal.topic_id,
        "language": "en"})
    assert location(response) == f"/proposals/{proposal.id}"
    article = main(client.get(location(response))).find("article")
    assert article.find("h1").text == "A better title for it"
    assert "edited" in article.find("p", class_="meta").text


def test_the_edit_form_comes_filled_in_with_the_proposal(client):
    make.topic("Culture")
    proposal = make.proposal(topic_=make.topic("Housing"), title="Rent caps in the old town",
                             language="es", author=make.user(language="es"))
    log_in(client, proposal.author)
    form = page(client.get(f"/proposals/{proposal.id}/edit")).find("form", class_="writing")
    assert form.find("input", name="title").attrs["value"] == "Rent caps in the old town"
    assert form.find("textarea").text == proposal.body_source
    # Sent back unchanged, the form must not move the proposal to the first topic.
    assert form.find("select", name="topic").find("option", selected="").text == "Housing"
    assert form.find("select", name="language").find("option", selected="").attrs["value"] \
        == "es"


def test_editing_moves_a_proposal_to_another_topic(client):
    proposal, elsewhere = make.proposal(), make.topic("Culture")
    log_in(client, proposal.author)
    client.post(f"/proposals/{proposal.id}/edit", data={
        "title": proposal.title, "body": BODY, "topic": elsewhere.id, "language": "en"})
    assert reload(proposal).topic_id == elsewhere.id


def test_after_the_edit_window_the_author_cannot_edit(client):
    proposal = make.proposal()
    set_columns(proposal, created_at=utcnow() - timedelta(minutes=61))
    log_in(client, proposal.author)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    response = client.post(f"/proposals/{proposal.id}/edit", data={
        "title": "Sneaky late change", "body": BODY, "topic": proposal.topic_id,
        "language": "en"})
    assert response.status_code == 403
    assert reload(proposal).title != "Sneaky late change"
    assert main(client.get(f"/proposals/{proposal.id}")).find(
        "a", href=f"/proposals/{proposal.id}/edit") is None


def test_the_edit_window_is_configurable(client, app):
    app.config["EDIT_WINDOW_MINUTES"] = 0
    proposal = make.proposal()
    log_in(client, proposal.author)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403


def test_the_author_withdraws_a_proposal(client):
    proposal = make.proposal(title="Close the old bridge to cars")
    log_in(client, proposal.author)
    response = client.post(f"/proposals/{proposal.id}/withdraw")
    assert location(response) == f"/proposals/{proposal.id}"
    shown = client.get(location(response))
    assert "Your proposal is withdrawn." in flashes(shown)
    article = main(shown)
    assert article.find("span", class_="state").text == "Withdrawn"
    assert article.find("h1").text == "Close the old bridge to cars"  # still readable
    assert article.find("form", class_="comment-form") is None
    assert "Support this proposal" not in article.text
    # Withdrawn once is withdrawn for good.
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 403
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 403


# --- Lists ----------------------------------------------------------------------------------

def test_lists_per_topic_and_overall(client):
    green, roads = make.topic("Green spaces"), make.topic("Roads")
    make.proposal(topic_=green, title="A park in the old quarry")
    make.proposal(topic_=roads, title="Fill the potholes on Main Street")
    make.proposal(topic_=green, title="Community gardens on rooftops")

    assert titles(client.get("/proposals")) == [
        "Community gardens on rooftops", "Fill the potholes on Main Street",
        "A park in the old quarry"]
    on_green = client.get(f"/topics/{green.slug}")
    assert titles(on_green) == ["Community gardens on rooftops", "A park in the old quarry"]
    assert main(on_green).find("h1").text == "Green spaces"
    assert main(on_green).find(class_="count").text == "2 proposals"
    assert titles(client.get("/")) == titles(client.get("/proposals"))
    assert client.get("/topics/no-such-topic").status_code == 404


def test_pagination(client, app):
    app.config["PROPOSALS_PER_PAGE"] = 3
    topic = make.topic()
    for n in range(7):
        make.proposal(topic_=topic, title=f"Proposal number {n}")

    first = client.get("/proposals")
    assert titles(first) == ["Proposal number 6", "Proposal number 5", "Proposal number 4"]
    pager = main(first).find("nav", class_="pager")
    assert "Page 1 of 3" in pager.text and pager.find("a", rel="prev") is None
    assert pager.find("a", rel="next").attrs["href"] == "/proposals?page=2"
    last = client.get("/proposals?page=3")
    assert titles(last) == ["Proposal number 0"]
    assert main(last).find("nav", class_="pager").find("a", rel="next") is None
    assert titles(client.get("/proposals?page=9")) == []
    assert titles(client.get("/proposals?page=nonsense")) == titles(first)


def test_sorting_by_supports_and_comments_shows_the_counts(client):
    topic = make.topic()
    make.proposal(topic_=topic, title="Quiet hours in the library")
    popular = make.proposal(topic_=topic, title="Free buses on Sundays")
    debated = make.proposal(topic_=topic, title="Ban fireworks in the centre")
    for _ in range(3):
        proposals.support(make.user(), popular)
    proposals.support(make.user(), debated)
    for _ in range(2):
        make.comment(debated)

    assert titles(client.get("/proposals?sort=newest"))[0] == "Ban fireworks in the centre"
    assert titles(client.get("/proposals?sort=supported")) == [
        "Free buses on Sundays", "Ban fireworks in the centre", "Quiet hours in the library"]
    discussed = client.get("/proposals?sort=discussed")
    assert titles(discussed)[0] == "Ban fireworks in the centre"
    assert card(discussed, "Free buses").find("p", class_="counts").text == \
        "3 supports · 0 comments"
    assert card(discussed, "Ban fireworks").find("p", class_="counts").text == \
        "1 support · 2 comments"
    selected = page(discussed).find("select", name="sort").find("option", selected="")
    assert selected.attrs["value"] == "discussed"
    # An unknown order falls back to the newest first rather than failing.
    assert titles(client.get("/proposals?sort=bogus")) == \
        titles(client.get("/proposals?sort=newest"))


def test_supporting_from_the_page_counts_once(client):
    proposal = make.proposal()
    log_in(client, make.user())
    assert location(client.post(f"/proposals/{proposal.id}/support")) == \
        f"/proposals/{proposal.id}#support"
    assert "You already support" in flashes(client.post(f"/proposals/{proposal.id}/support",
                                                        follow_redirects=True))
    support = main(client.get(f"/proposals/{proposal.id}")).find("section", id="support")
    assert "1 person supports this proposal" in support.text
    assert "You support this proposal." in support.text
    client.post(f"/proposals/{proposal.id}/support", data={"action": "withdraw"})
    assert reload(proposal).support_count == 0


def test_state_filter(client):
    topic = make.topic()
    make.proposal(topic_=topic, title="Still open for discussion")
    gone = make.proposal(topic_=topic, title="Withdrawn by its author")
    set_columns(gone, state="withdrawn")

    assert titles(client.get("/proposals?state=withdrawn")) == ["Withdrawn by its author"]
    assert titles(client.get("/proposals?state=open")) == ["Still open for discussion"]
    assert len(titles(client.get("/proposals?state=bogus"))) == 2
    assert titles(client.get(f"/topics/{topic.slug}?state=accepted")) == []


# --- Topics -----------------------------------------------------------------------------------

def test_admins_create_and_edit_topics(client):
    log_in(client, make.user(role="admin"))
    response = client.post("/admin/topics", data={
        "name": "Mobilitat i transport", "description": "Com ens movem.", "language": "ca"})
    assert location(response) == "/admin/topics"
    topic = db.session.scalar(db.select(Topic))
    assert (topic.slug, topic.language) == ("mobilitat-i-transport", "ca")
    listed = main(client.get("/admin/topics"))
    assert listed.find("a", href="/topics/mobilitat-i-transport") is not None

    response = client.post(f"/admin/topics/{topic.id}/edit", data={
        "name": "Mobilitat", "description": "Com ens movem per la ciutat.", "language": "ca"})
    assert location(response) == "/admin/topics"
    assert main(client.get(f"/topics/{topic.slug}")).find("h1").text == "Mobilitat"


def test_topic_names_are_unique(client):
    make.topic("Housing")
    log_in(client, make.user(role="admin"))
    response = client.post("/admin/topics", data={"name": "Housing", "description": "",
                                                   "language": "en"})
    assert response.status_code == 422
    assert "A topic with this name exists already." in field_errors(response, "name")


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_only_admins_manage_topics(client, role):
    topic = make.topic("Housing")
    log_in(client, make.user(role=role))
    assert client.get("/admin/topics").status_code == 403
    assert client.post("/admin/topics", data={"name": "Mine", "language": "en"}).status_code == 403
    assert client.post(f"/admin/topics/{topic.id}/edit",
                       data={"name": "Taken over", "language": "en"}).status_code == 403
    assert reload(topic).name == "Housing"
    assert main(client.get("/")).find("a", href="/admin/topics") is None


def test_visitors_are_asked_to_log_in_before_writing(client):
    response = client.get("/proposals/new")
    assert is_login_redirect(response)
    assert location(response) == "/login?next=/proposals/new"


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed", "active"])
def test_pages_of_a_list_put_pinned_first_and_lose_or_repeat_nothing(app, sort):
    author, topic = make.user(), make.topic()
    made = [make.proposal(author, topic, title=f"Proposal {n}") for n in range(28)]
    now = utcnow()
    for n, proposal in enumerate(made):
        set_columns(proposal, created_at=now - timedelta(minutes=n), support_count=n % 5,
                    comment_count=n % 3, last_activity_at=now - timedelta(minutes=n % 7))
    for proposal in made[20:23]:
        set_columns(proposal, pinned_at=now)
    set_columns(made[5], hidden_at=now)
    expected = [p.id for p in db.session.scalars(proposals.proposals_query(sort=sort))]

    pages = [proposals.list_proposals(sort=sort, page=n, per_page=10) for n in (1, 2, 3, 4)]

    assert [p.id for page_ in pages for p in page_.items] == expected
    assert {p.id for p in pages[0].items[:3]} == {p.id for p in made[20:23]}
    assert made[5].id not in expected and len(expected) == 27
    assert [page_.total for page_ in pages] == [27] * 4 and pages[3].items == []
