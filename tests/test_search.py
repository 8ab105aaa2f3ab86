"""Searching in one's own language finds what others wrote in theirs."""
from __future__ import annotations

import factories as make
from forum.comments import service as comments
from forum.db import db
from forum.proposals import service as proposals
from forum.search.service import search
from support_mt import need_apertium, run_worker


def catalan_proposal(topic=None):
    author = make.user(language="ca")
    return make.proposal(author, topic, language="ca", title="Més bancs al parc del riu",
                         body="Proposo posar bancs i fonts d'aigua al parc del riu.")


def test_a_french_search_finds_a_catalan_proposal_through_its_translation(app, client):
    need_apertium()
    proposal = catalan_proposal()
    run_worker(app)

    found = search("parc", "fr")

    assert [(h.item_type, h.item_id, h.machine_translated) for h in found.hits] == \
        [("proposal", proposal.id, True)]
    assert "<mark>" in str(found.hits[0].title) + str(found.hits[0].snippet)
    html = client.get("/search?q=bancs+parc&lang=fr").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}"' in html and "machine-translated" in html


def test_searches_in_three_languages_reach_the_same_comment(app):
    need_apertium()
    proposal = make.proposal(title="Benches along the river path")
    comment = make.comment(proposal, make.user(language="es"),
                           "Necesitamos más árboles y sombra en la plaza del mercado.")
    run_worker(app)

    for words, language in (("árboles sombra", "es"), ("arbres ombra", "ca"), ("trees shadow", "en")):
        hits = search(words, language).hits
        assert ("comment", comment.id) in [(h.item_type, h.item_id) for h in hits], language
    spanish = search("árboles", "es").hits[0]
    assert not spanish.machine_translated


def test_accents_and_prefixes_are_forgiving(app):
    proposal = make.proposal(make.user(language="fr"), language="fr",
                             title="Des abris vélos sécurisés à la gare",
                             body="Les cyclistes méritent des abris couverts.")

    assert [h.item_id for h in search("velo", "fr").hits] == [proposal.id]
    assert [h.item_id for h in search("sécur", "fr").hits] == [proposal.id]


def test_topic_and_state_filters(app):
    mobility, housing = make.topic("Mobility"), make.topic("Housing")
    bus = make.proposal(topic_=mobility, title="A night bus to the station")
    make.proposal(topic_=housing, title="A bus stop near the new houses")
    db.session.get(type(bus), bus.id).state = "accepted"
    db.session.commit()

    assert {h.item_id for h in search("bus", "en").hits} == {1, 2}
    assert [h.item_id for h in search("bus", "en", topic_id=mobility.id).hits] == [bus.id]
    assert [h.item_id for h in search("bus", "en", state="accepted").hits] == [bus.id]


def test_hidden_and_deleted_texts_are_not_found(app):
    proposal = make.proposal(title="A playground for the old tannery")
    comment = make.comment(proposal, body="The tannery needs a playground.")
    comments.delete_comment(comment)
    assert [h.item_type for h in search("tannery", "en").hits] == ["proposal"]

    db.session.get(type(proposal), proposal.id).hidden_at = db.func.now()
    db.session.commit()
    assert search("tannery", "en").total == 0


def test_an_edit_replaces_the_indexed_text(app):
    proposal = make.proposal(title="A playground for the old tannery")
    proposals.edit_proposal(proposal, "A skatepark under the bridge", proposal.body_source, "en")

    assert search("tannery", "en").total == 0
    assert search("skatepark", "en").total == 1


def test_search_input_is_never_syntax(app, client):
    make.proposal(title="Quotes and stars in titles")
    for query in ['"', "*", "AND OR NOT", "title:x", "a) (b", "NEAR(x y)", "-x", "\x00", "'; --"]:
        assert client.get("/search", query_string={"q": query}).status_code == 200
    assert search('"quotes" AND *stars*', "en").total == 1
    assert search("", "en").total == 0


def test_the_page_escapes_what_it_highlights(app, client):
    make.proposal(title="Cheaper <b>tickets</b> for students")

    html = client.get("/search?q=tickets&lang=en").get_data(as_text=True)

    assert "&lt;b&gt;<mark>tickets</mark>&lt;/b&gt;" in html or "<mark>tickets</mark>" in html
    assert "<b>tickets</b>" not in html and "<b><mark>" not in html
