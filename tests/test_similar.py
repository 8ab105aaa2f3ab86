"""Has this been proposed already? Drafts meet proposals written in other languages."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

import factories as make
import similar_cases
from fixtures_core import location, log_in, main, reload
from forum.db import db, utcnow
from forum.moderation import service as moderation
from forum.moderation.models import Action
from forum.proposals import service as proposals
from forum.proposals.models import Proposal
from forum.search.similar import LIMIT, profile, resemblance, similar_proposals
from support_mt import need_apertium, run_worker

BENCHES = ("Benches and shade in the riverside park",
           "The park along the river has almost no benches. Install benches and plant trees so "
           "that older people can rest in the shade.")
DRAFT = ("More benches in the riverside park",
         "Older people walking in the park by the river have nowhere to sit: put benches "
         "under the trees, in the shade.")


def found_ids(title: str, body: str, language: str = "en", **options) -> list[int]:
    return [s.proposal.id for s in similar_proposals(title, body, language, reader="en",
                                                     **options)]


def count_proposals() -> int:
    return db.session.scalar(select(func.count(Proposal.id)))


# --- Measured on the test set ---------------------------------------------------------------

def test_paraphrases_across_languages_find_their_original(app, capsys):
    """36 paraphrases across en/es/fr/ca find their original; 30 unrelated drafts flag none."""
    need_apertium()
    test_set = similar_cases.cases()
    originals = similar_cases.publish_originals(test_set)
    run_worker(app)  # the real worker, through Apertium: the index holds the translations

    figures = similar_cases.measure(test_set, originals)

    with capsys.disabled():
        print(f"\nsimilar proposals on {db.engine.dialect.name}:\n{figures.report()}")
    assert figures.pairs >= 30 and figures.unrelated >= 30
    assert figures.recall >= 0.8, figures.report()
    assert figures.flagged_unrelated == [], figures.report()


def test_the_test_set_covers_every_pair_of_languages():
    test_set = similar_cases.cases()
    combinations = {(p["draft"]["language"], p["original"]["language"]) for p in test_set["pair"]}

    assert len(combinations) == 12 and ("fr", "ca") in combinations
    assert all(d != o for d, o in combinations)


def test_a_french_draft_meets_a_catalan_proposal_through_its_translation(app):
    need_apertium()
    original = make.proposal(make.user(language="ca"), language="ca",
                             title="Més bancs i ombra al parc del riu",
                             body="Al parc del riu gairebé no hi ha bancs. Proposo posar bancs "
                                  "i plantar arbres per seure a l'ombra.")
    assert found_ids("Des bancs au parc", "Des bancs et des arbres au parc du riu.", "fr") == []
    run_worker(app)

    found = similar_proposals("Des bancs à l'ombre dans le parc de la rivière",
                              "Installer des bancs et planter des arbres dans le parc.", "fr",
                              reader="en")

    assert [s.proposal.id for s in found] == [original.id]
    assert found[0].flagged and 0 < found[0].score <= 1
    assert found[0].title.language == "en" and found[0].title.machine_translated


# --- What is listed -------------------------------------------------------------------------

def test_the_closest_come_first_and_at_most_five(app):
    close = make.proposal(title=BENCHES[0], body=BENCHES[1])
    others = [make.proposal(title=f"Benches number {n} in the park",
                            body="Some benches somewhere in a park, for people.")
              for n in range(6)]
    make.proposal(title="A jazz festival every autumn", body="Jazz bands play in October.")

    found = similar_proposals(*DRAFT, "en", reader="en")

    assert len(found) == LIMIT and found[0].proposal.id == close.id
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert {s.proposal.id for s in found} <= {close.id, *(o.id for o in others)}


def test_hidden_erased_and_duplicate_proposals_are_not_listed(app):
    hidden, erased, repeat, withdrawn = (make.proposal(title=BENCHES[0], body=BENCHES[1])
                                         for _ in range(4))
    db.session.execute(update(Proposal).where(Proposal.id == hidden.id)
                       .values(hidden_at=utcnow()))
    db.session.execute(update(Proposal).where(Proposal.id == erased.id)
                       .values(deleted_at=utcnow()))
    db.session.commit()
    moderation.act(make.user(role="moderator"), repeat, Action.DUPLICATE, duplicate_of=withdrawn)
    proposals.withdraw(withdrawn)

    # Withdrawn stays: the author learns the idea was proposed, and what became of it.
    assert found_ids(*DRAFT) == [withdrawn.id]


def test_the_score_is_deterministic_and_between_0_and_1():
    a, b = profile(*BENCHES, "en"), profile(*DRAFT, "en")

    assert resemblance(a, b) == resemblance(a, b) == resemblance(b, a)
    assert 0 < resemblance(a, b) < resemblance(a, a) <= 1
    assert resemblance(a, profile("Jazz festival", "Bands in October.", "en")) == 0
    assert profile("Bancs à l'ombre", "", "fr") == profile("BANC a l OMBRE", "", "fr")


# --- Bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("title, body, language", [
    ("", "", "en"), ("   ", "\n", "en"), ("the and of", "a an the", "en"),
    ("\x00\x00", "\x00", "en"), ("Benches", "in the park", "xx"), ("Benches", "park", None),
    ('"* OR NEAR(', ") AND -x:* | !", "en"), ("Benches", "park", "en'; --"),
])
def test_bad_drafts_find_nothing_and_never_raise(app, title, body, language):
    make.proposal(title=BENCHES[0], body=BENCHES[1])

    assert isinstance(similar_proposals(title, body, language, reader="en"), list)


def test_a_huge_draft_is_cut_and_still_answers(app):
    original = make.proposal(title=BENCHES[0], body=BENCHES[1])
    noise = " ".join(f"word{n}" for n in range(50_000))

    assert found_ids(DRAFT[0], (DRAFT[1] + "\x00 ") * 5_000) == [original.id]
    assert found_ids(noise, noise) == []


# --- The new-proposal form ------------------------------------------------------------------

def draft_form(topic, title=DRAFT[0], body=DRAFT[1], **extra) -> dict:
    return {"title": title, "body": body, "topic": topic.id, "language": "en", **extra}


def test_checking_shows_similar_proposals_keeps_the_draft_and_publishes_nothing(
        app, client, queries):
    original = make.proposal(title=BENCHES[0], body=BENCHES[1])
    log_in(client, make.user())
    before = count_proposals()

    data = draft_form(original.topic, step="check")

    with queries.counting():
        response = client.post("/proposals/new", data=data)

    assert response.status_code == 200 and count_proposals() == before
    html = main(response)
    listed = html.find("section", class_="similar")
    assert listed.find("a", href=f"/proposals/{original.id}").text == BENCHES[0]
    assert "Probably the same idea" in listed.text
    assert html.find("input", name="title").attrs["value"] == DRAFT[0]
    assert html.find("textarea", name="body").text == DRAFT[1]
    assert html.find("input", name="similar_seen").attrs["value"] == "1"
    # The person, topics, their processes and phases (which take proposals), the index, the
    # proposals listed, their translations, the menu; on PostgreSQL also the time budget's
    # savepoint and SET statement.
    assert queries.count <= 12, queries.statements


def test_after_the_check_publishing_is_one_click(app, client):
    original = make.proposal(title=BENCHES[0], body=BENCHES[1])
    log_in(client, make.user())

    response = client.post("/proposals/new", data=draft_form(original.topic, similar_seen="1"))

    assert location(response).startswith("/proposals/") and count_proposals() == 2


def test_publishing_a_likely_repeat_asks_once_then_publishes(app, client):
    original = make.proposal(title=BENCHES[0], body=BENCHES[1])
    log_in(client, make.user())

    first = client.post("/proposals/new", data=draft_form(original.topic))
    assert first.status_code == 200 and count_proposals() == 1
    button = main(first).find("button", type="submit")
    assert button.text == "Publish anyway"
    kept = main(first).find("input", name="similar_seen").attrs["value"]

    second = client.post("/proposals/new", data=draft_form(original.topic, similar_seen=kept))
    assert location(second).startswith("/proposals/") and count_proposals() == 2


def test_a_new_idea_is_published_at_once_and_a_check_says_nothing_is_alike(app, client):
    topic = make.topic()
    make.proposal(topic_=topic, title="A jazz festival every autumn",
                  body="Invite local bands to play on a stage in October.")
    log_in(client, make.user())

    checked = client.post("/proposals/new", data=draft_form(topic, step="check"))
    assert "No published proposal seems to say the same." in main(checked).text
    assert main(checked).find("ol", class_="similar-proposals") is None

    published = client.post("/proposals/new", data=draft_form(topic))
    assert location(published).startswith("/proposals/")


def test_an_invalid_draft_is_not_checked_but_explained(app, client):
    topic = make.topic()
    log_in(client, make.user())

    response = client.post("/proposals/new", data=draft_form(topic, body="", step="check"))

    assert response.status_code == 422 and count_proposals() == 0
    assert main(response).find("section", class_="similar") is None


def test_markup_in_a_draft_and_in_titles_is_escaped(app, client):
    original = make.proposal(title="Benches <b>and</b> shade <script>x()</script> by the river",
                             body=BENCHES[1])
    log_in(client, make.user())

    response = client.post("/proposals/new", data=draft_form(
        original.topic, title="<script>alert(1)</script> benches riverside park", step="check"))

    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<script>x()</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="/proposals/{original.id}"' in html


# --- Moderators -----------------------------------------------------------------------------

def test_moderators_see_look_alikes_and_mark_a_duplicate_in_one_click(app, client):
    original = make.proposal(title=BENCHES[0], body=BENCHES[1])
    repeat = make.proposal(title=DRAFT[0], body=DRAFT[1])
    make.proposal(title="A jazz festival every autumn", body="Bands play in October.")
    log_in(client, make.user(role="moderator"))

    page_ = main(client.get(f"/moderation/proposals/{repeat.id}"))
    buttons = [b for b in page_.find_all("button", value="duplicate")
               if b.text.startswith("Mark as a duplicate of proposal")]
    assert [b.text for b in buttons] == [f"Mark as a duplicate of proposal {original.id}"]
    listed = page_.find("ol", class_="similar-proposals").find_all("a")
    assert [a.attrs["href"] for a in listed] == [f"/proposals/{original.id}"]  # not itself

    response = client.post(f"/moderation/proposals/{repeat.id}",
                           data={"action": "duplicate", "duplicate_of": original.id})
    assert response.status_code == 302 and reload(repeat).duplicate_of_id == original.id
    after = main(client.get(f"/moderation/proposals/{repeat.id}"))
    assert after.find("ol", class_="similar-proposals") is None
