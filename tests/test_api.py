"""The read API under /api/v1: lists, one proposal with its thread, languages, errors."""
from __future__ import annotations

import pytest

import factories as make
from fixtures_core import store_translation
from forum.comments import service as comments
from forum.db import db
from forum.proposals import service as proposals


def get_json(client, address: str, status: int = 200, **kwargs) -> dict:
    response = client.get(address, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def texts_in(value) -> list[dict]:
    """Find every text description ({"text": …}) anywhere in a JSON document."""
    if isinstance(value, list):
        return [t for item in value for t in texts_in(item)]
    if isinstance(value, dict):
        own = [value] if "text" in value else []
        return own + [t for item in value.values() for t in texts_in(item)]
    return []


def assert_every_text_says_its_language(document) -> None:
    found = texts_in(document)
    assert found
    for text in found:
        assert text["language"] in ("en", "es", "fr", "ca"), text
        assert isinstance(text["machine_translated"], bool), text


def test_languages(client):
    listed = get_json(client, "/api/v1/languages")["languages"]
    assert [(lang["code"], lang["name"], lang["native_name"]) for lang in listed] == [
        ("en", "English", "English"), ("es", "Spanish", "Español"),
        ("fr", "French", "Français"), ("ca", "Catalan", "Català")]


def test_topics_in_the_readers_language(client):
    topic = make.topic("Mobilitat", language="ca")
    store_translation(topic, "name", "Movilidad", language="es", engine="apertium:cat-spa")
    db.session.commit()
    document = get_json(client, "/api/v1/topics?lang=es")
    assert document["language"] == "es"
    [listed] = document["topics"]
    assert listed["slug"] == topic.slug
    assert listed["name"] == {"text": "Movilidad", "language": "es", "machine_translated": True,
                              "original_language": "ca", "translation_status": "translated",
                              "engine": "apertium:cat-spa"}
    assert listed["description"]["machine_translated"] is False  # not translated yet
    assert listed["description"]["translation_status"] == "pending"
    assert_every_text_says_its_language(document)


def test_proposal_list_pages(client):
    topic = make.topic()
    made = [make.proposal(topic_=topic, title=f"Proposal number {n}") for n in range(5)]
    first = get_json(client, "/api/v1/proposals?per_page=2")
    assert (first["page"], first["pages"], first["per_page"], first["total"]) == (1, 3, 2, 5)
    assert [p["id"] for p in first["proposals"]] == [made[4].id, made[3].id]
    last = get_json(client, "/api/v1/proposals?per_page=2&page=3")
    assert [p["title"]["text"] for p in last["proposals"]] == ["Proposal number 0"]
    assert get_json(client, "/api/v1/proposals?per_page=2&page=4")["proposals"] == []
    assert get_json(client, "/api/v1/proposals?per_page=1000")["per_page"] == 100
    listed = first["proposals"][0]
    assert listed["url"] == f"http://forum.test/proposals/{made[4].id}"
    assert listed["topic"] == {"id": topic.id, "slug": topic.slug}
    assert "body" not in listed  # lists stay light; the detail has the body
    assert_every_text_says_its_language(first)


def test_proposal_list_filters_and_sorts(client):
    green, roads = make.topic("Green"), make.topic("Roads")
    park = make.proposal(topic_=green, title="A park in the quarry")
    trees = make.proposal(topic_=green, title="Trees on every street")
    potholes = make.proposal(topic_=roads, title="Fill the potholes")
    for _ in range(2):
        proposals.support(make.user(), park)
    make.comment(potholes)
    proposals.withdraw(trees)

    def ids(query: str) -> list[int]:
        return [p["id"] for p in get_json(client, f"/api/v1/proposals?{query}")["proposals"]]

    assert ids("topic=green") == [trees.id, park.id]
    assert ids("sort=supported")[0] == park.id
    assert ids("sort=discussed")[0] == potholes.id
    assert ids("state=withdrawn") == [trees.id]
    assert ids("topic=green&state=open") == [park.id]
    counted = get_json(client, "/api/v1/proposals?sort=supported")["proposals"][0]
    assert (counted["support_count"], counted["comment_count"]) == (2, 0)


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=two", "page=1.5", "page=²",
                                   "page=99999999999999999999", "per_page=0", "per_page=x",
                                   "sort=random", "state=lost", "lang=xx", "lang="])
def test_bad_parameters_are_400_json(client, query):
    error = get_json(client, f"/api/v1/proposals?{query}", status=400)["error"]
    assert error["status"] == 400
    assert error["code"] in ("bad_parameter", "unknown_language")
    assert error["message"]


def test_unknown_topic_filter_is_404_json(client):
    error = get_json(client, "/api/v1/proposals?topic=nowhere", status=404)["error"]
    assert (error["code"], error["message"]) == ("unknown_topic", "No topic 'nowhere'.")


@pytest.mark.parametrize("address", ["/api/v1/nothing", "/api/v1/proposals/4242",
                                     "/api/v1/proposals/4242/comments", "/api/v2/proposals"])
def test_unknown_addresses_are_404_json(client, address):
    error = get_json(client, address, status=404)["error"]
    assert (error["status"], error["code"]) == (404, "not_found")


def test_detail_has_the_nested_thread_with_tombstones(client):
    author = make.user("Marta")
    proposal = make.proposal(author=author, title="Benches by the river",
                             body="We need **benches** along the river walk, every 200 m.")
    first = make.comment(proposal, author=make.user("Joan"), body="Yes!", alignment="for")
    reply = make.comment(proposal, body="Where exactly?", parent=first)
    deep = make.comment(proposal, body="Near the bridge.", parent=reply)
    gone = make.comment(proposal, author=make.user("Pere"), body="Rash words.")
    make.comment(proposal, body="Still here.", parent=gone)
    comments.delete_comment(gone)

    detail = get_json(client, f"/api/v1/proposals/{proposal.id}?lang=en")
    assert detail["id"] == proposal.id and detail["language"] == "en"
    assert detail["author"] == {"id": author.id, "display_name": "Marta"}
    assert detail["body"]["html"] == \
        "<p>We need <strong>benches</strong> along the river walk, every 200 m.</p>\n"
    assert (detail["top_level_comments"], detail["comments_page"],
            detail["comments_pages"]) == (2, 1, 1)

    thread, tombstone = detail["comments"]
    assert (thread["id"], thread["alignment"], thread["author"]["display_name"]) == \
        (first.id, "for", "Joan")
    assert thread["replies"][0]["id"] == reply.id
    assert thread["replies"][0]["replies"][0]["id"] == deep.id
    assert thread["replies"][0]["replies"][0]["depth"] == 2
    assert thread["replies"][0]["replies"][0]["parent_id"] == reply.id
    assert tombstone["deleted"] is True
    assert tombstone["author"] is None and "body" not in tombstone
    assert tombstone["replies"][0]["body"]["text"] == "Still here."
    assert_every_text_says_its_language(detail)


def test_detail_says_what_is_machine_translated(client):
    proposal = make.proposal(author=make.user(language="es"), title="Bancos junto al río",
                             body="Necesitamos bancos a lo largo del paseo del río.")
    comment = make.comment(proposal, author=make.user(language="fr"), body="D'accord !")
    store_translation(proposal, "title", "Benches by the river")
    db.session.commit()

    detail = get_json(client, f"/api/v1/proposals/{proposal.id}?lang=en")
    assert detail["title"] == {"text": "Benches by the river", "language": "en",
                               "machine_translated": True, "original_language": "es",
                               "translation_status": "translated",
                               "engine": "apertium:spa-eng"}
    assert detail["body"]["language"] == "es" and detail["body"]["machine_translated"] is False
    assert detail["body"]["translation_status"] == "pending"
    [shown] = detail["comments"]
    assert shown["body"]["text"] == "D'accord !" and shown["body"]["language"] == "fr"

    originals = get_json(client, f"/api/v1/proposals/{proposal.id}?lang=en&original=1")
    assert originals["title"]["text"] == "Bancos junto al río"
    assert originals["title"]["machine_translated"] is False
    assert get_json(client, f"/api/v1/proposals/{proposal.id}?lang=es")["title"] == {
        "text": "Bancos junto al río", "language": "es", "machine_translated": False,
        "original_language": "es", "translation_status": "original"}
    assert comment.id == shown["id"]


def test_stale_translations_are_not_served(client):
    proposal = make.proposal(author=make.user(language="es"), title="Bancos junto al río")
    store_translation(proposal, "title", "Benches by the river")
    db.session.commit()
    proposals.edit_proposal(proposal, "Bancos y fuentes junto al río", proposal.body_source, "es")
    title = get_json(client, f"/api/v1/proposals/{proposal.id}?lang=en")["title"]
    assert (title["text"], title["machine_translated"]) == ("Bancos y fuentes junto al río",
                                                            False)


def test_the_reading_language_follows_the_browser(client):
    proposal = make.proposal(author=make.user(language="en"))
    detail = get_json(client, f"/api/v1/proposals/{proposal.id}",
                      headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert detail["language"] == "fr"
    assert detail["title"]["translation_status"] == "pending"


def test_detail_pages_the_thread(client):
    proposal = make.proposal()
    roots = [make.comment(proposal, body=f"Root {n}") for n in range(3)]
    make.comment(proposal, body="A reply", parent=roots[2])
    detail = get_json(client, f"/api/v1/proposals/{proposal.id}?per_page=2&page=2")
    assert (detail["comments_page"], detail["comments_pages"]) == (2, 2)
    assert [c["id"] for c in detail["comments"]] == [roots[2].id]
    assert len(detail["comments"][0]["replies"]) == 1


def test_the_api_never_shows_private_data(client):
    person = make.user("Marta")
    person.email = "marta@example.org"
    db.session.commit()
    proposal = make.proposal(author=person)
    make.comment(proposal, author=person)
    raw = client.get(f"/api/v1/proposals/{proposal.id}").get_data(as_text=True)
    assert "marta@example.org" not in raw and "argon2" not in raw
    from forum.accounts import sessions

    login = sessions.start(person)
    raw = client.get(f"/api/v1/proposals/{proposal.id}").get_data(as_text=True)
    assert login not in raw and sessions.token_hash(login) not in raw
