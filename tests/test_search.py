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

    for words, language in (("árboles sombra", "es"), ("arbres ombra", "ca"),
                            ("trees shadow", "en")):
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


# --- Bounded work per query -------------------------------------------------------------

def test_a_query_is_at_most_eight_distinct_words():
    from forum.search.service import terms

    assert terms("a a A a b " * 100) == ["a", "b"]
    assert terms(" ".join(f"word{n}" for n in range(30))) == [f"word{n}" for n in range(8)]
    assert terms("x" * 500) == ["x" * 60]


def test_short_words_match_whole_words_only(app):
    proposal = make.proposal(title="Avinguda del port amb bancs",
                             body="Bancs a l'avinguda, per seure a l'ombra.")

    assert search("av", "en").total == 0  # not every word starting with "av"
    assert [h.item_id for h in search("avi", "en").hits] == [proposal.id]
    assert [h.item_id for h in search("amb", "en").hits] == [proposal.id]


def test_results_are_counted_up_to_a_limit(app, monkeypatch):
    from forum.search import service

    monkeypatch.setattr(service, "COUNT_LIMIT", 5)
    for n in range(8):
        make.proposal(title=f"Benches number {n} by the river")

    found = search("benches", "en", per_page=2)
    assert (found.total, found.more, found.pages) == (5, True, 3)
    assert search("benches", "en", page=99, per_page=2).page == 3


def test_a_statement_over_the_time_budget_stops_and_the_request_goes_on(app):
    import pytest
    from sqlalchemy import text

    from forum.db import is_postgresql
    from forum.search.service import TooSlow, time_budget

    slow = ("SELECT pg_sleep(2)" if is_postgresql() else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) "
            "SELECT count(*) FROM n")
    with pytest.raises(TooSlow), time_budget(50):
        db.session.execute(text(slow)).scalar()

    assert db.session.execute(text("SELECT 1")).scalar() == 1  # the transaction lives on
    with time_budget(5000):
        assert db.session.execute(text("SELECT 2")).scalar() == 2


def test_a_search_cut_short_says_so(app, client, monkeypatch):
    from contextlib import contextmanager

    from forum.search import service

    @contextmanager
    def exhausted(_milliseconds):
        raise service.TooSlow("budget spent")
        yield  # pragma: no cover

    monkeypatch.setattr(service, "time_budget", exhausted)
    make.proposal(title="Benches by the river")

    response = client.get("/search?q=benches")
    assert response.status_code == 200
    assert "This search took too long and was stopped." in response.get_data(as_text=True)
