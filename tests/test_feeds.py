"""Atom feeds of the whole forum, a process, a topic and a proposal, in the language asked for."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import feedparser
import pytest
from lxml import etree

import factories as make
from fixtures_core import browser, page, store_translation
from forum.answers import service as answers
from forum.db import db, utcnow

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def check_atom(body: bytes) -> etree._Element:
    """Check the elements RFC 4287 requires of a feed and of its entries; return the feed."""
    feed = etree.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        alternate = [link for link in entry.findall(f"{ATOM}link")
                     if link.get("rel", "alternate") == "alternate"]
        assert alternate or entry.find(f"{ATOM}content") is not None
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))  # RFC 3339, with a zone
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)), "an entry id twice in one feed"
    return feed


def read(client, address: str):
    """Fetch a feed, check it as feedparser and as RFC 4287 see it, return both readings."""
    response = client.get(address)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.link and entry.updated_parsed
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == f"http://forum.test{address}"
    return parsed, check_atom(response.get_data())


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]


@pytest.fixture
def town(app):
    """A process with one topic and a proposal answered, with a milestone and comments."""
    author = make.user("Núria", language="ca")
    topic = make.topic("Mobility")
    proposal = make.proposal(author, topic, title="Carril bici a l'avinguda", language="ca")
    make.comment(proposal, make.user("Tom"), "I cycle there <b>daily</b>.")
    make.answer(proposal, body="We are studying it with the traffic department.",
                language="en")
    today = date.today()
    milestone = make.milestone(proposal, "Traffic study", today + timedelta(days=90))
    process = make.process("Climate plan", topics=[topic], phases=[
        (today - timedelta(days=30), today + timedelta(days=30), OPEN),
        (today + timedelta(days=300), today + timedelta(days=400), {"comments": True})])
    return dict(author=author, topic=topic, proposal=proposal, milestone=milestone,
                process=process)


OPEN = {"proposals": True, "comments": True, "supports": True, "answers": True}


def addresses(town) -> dict[str, str]:
    return {"forum": "/feed.atom",
            "process": f"/processes/{town['process'].slug}/feed.atom",
            "topic": f"/topics/{town['topic'].slug}/feed.atom",
            "proposal": f"/proposals/{town['proposal'].id}/feed.atom"}


# --- What each feed lists ---------------------------------------------------------------------

def test_the_forum_feed_lists_proposals_answers_and_milestones_of_every_topic(app, town):
    elsewhere = make.proposal(make.user(), make.topic("Housing"), title="Cooperative housing")
    parsed, feed = read(browser(app), "/feed.atom")
    listed = titles(parsed)
    assert "Cooperative housing" in listed and "Carril bici a l'avinguda" in listed
    assert "Official answer: Carril bici a l'avinguda" in listed
    assert "Milestone of “Carril bici a l'avinguda”: Traffic study" in listed
    assert not any(t.startswith("Comment on") for t in listed)  # comments: the proposal's feed
    assert parsed.feed.link == "http://forum.test/"
    dates = [entry.updated_parsed for entry in parsed.entries]
    assert dates == sorted(dates, reverse=True)  # newest first
    newest = max(entry.updated_parsed for entry in parsed.entries)
    assert parsed.feed.updated_parsed == newest
    proposal_entry = next(e for e in parsed.entries if e.title == "Cooperative housing")
    assert proposal_entry.id == proposal_entry.link == f"http://forum.test/proposals/{elsewhere.id}"


def test_the_forum_feed_keeps_the_newest_entries_only(app, town, monkeypatch):
    from forum.feeds import entries

    monkeypatch.setattr(entries, "ENTRIES", 2)
    parsed, _ = read(browser(app), "/feed.atom")
    assert len(parsed.entries) == 2


def test_a_process_feed_lists_its_proposals_answers_milestones_and_started_phases(app, town):
    make.proposal(make.user(), make.topic("Housing"), title="Not in this process")
    parsed, feed = read(browser(app), addresses(town)["process"])
    listed = titles(parsed)
    assert "Not in this process" not in listed
    assert {"Carril bici a l'avinguda", "Official answer: Carril bici a l'avinguda",
            "Phase begins: Phase 1"} <= set(listed)
    assert "Phase begins: Phase 2" not in listed  # not begun yet
    assert "Climate plan" in parsed.feed.title
    assert parsed.feed.link == f"http://forum.test/processes/{town['process'].slug}"


def test_a_topic_feed_has_answers_and_milestones_too(app, town):
    parsed, _ = read(browser(app), addresses(town)["topic"])
    assert len(parsed.entries) == 3
    assert {e.title.split(":")[0] for e in parsed.entries} >= {
        "Official answer", "Milestone of “Carril bici a l'avinguda”"}


def test_a_proposal_feed_has_comments_answers_and_milestones(app, town):
    parsed, _ = read(browser(app), addresses(town)["proposal"])
    by_title = {e.title.split(" ")[0]: e for e in parsed.entries}
    assert set(by_title) == {"Comment", "Official", "Milestone"}
    milestone = by_title["Milestone"]
    assert milestone.link.endswith(f"#milestone-{town['milestone'].id}")
    assert "Planned" in milestone.content[0].value and "Traffic study" in milestone.content[0].value
    assert "<b>daily</b>" not in by_title["Comment"].content[0].value  # sanitised as on the page


def test_a_changed_milestone_is_the_same_entry_updated(app, town):
    client, address = browser(app), addresses(town)["proposal"]
    before = next(e for e in read(client, address)[0].entries if e.title.startswith("Milestone"))
    milestone = town["milestone"]
    answers.edit_milestone(milestone, "Traffic study", milestone.due_on, "en", True)
    after = next(e for e in read(client, address)[0].entries if e.title.startswith("Milestone"))
    assert after.id == before.id and after.updated_parsed >= before.updated_parsed
    assert after.published == before.published and "Done" in after.content[0].value


def test_hidden_and_deleted_content_is_left_out(app, town):
    topic = town["topic"]
    hidden = make.proposal(make.user(), topic, title="A proposal moderators hid")
    make.answer(hidden, body="An answer on a hidden proposal, never shown.")
    make.milestone(hidden, "A step of a hidden proposal")
    deleted = make.proposal(make.user(), topic, title="A proposal its author erased")
    comment = make.comment(town["proposal"], make.user(), "Spam spam spam spam spam.")
    hidden.hidden_at = deleted.deleted_at = comment.hidden_at = utcnow()
    db.session.commit()
    client = browser(app)
    for address in addresses(town).values():
        body = str(read(client, address)[0])
        assert "hid" not in body and "erased" not in body and "Spam" not in body, address
    assert client.get(f"/proposals/{hidden.id}/feed.atom").status_code == 404
    assert client.get(f"/proposals/{deleted.id}/feed.atom").status_code == 404


def test_unknown_slugs_and_ids_are_404(app):
    client = browser(app)
    for address in ("/processes/nowhere/feed.atom", "/topics/nowhere/feed.atom",
                    "/proposals/4242/feed.atom"):
        assert client.get(address).status_code == 404, address


# --- Events -------------------------------------------------------------------------------------

def test_events_and_their_minutes_are_in_the_feeds_that_reach_them(app, town):
    treating = make.event(town["process"], title="Meeting on the bike lane",
                          proposals=[town["proposal"]])
    make.event(town["process"], title="Meeting on something else")
    hidden = make.event(town["process"], title="A meeting moderators hid",
                        proposals=[town["proposal"]])
    hidden.hidden_at = utcnow()
    treating.minutes_source, treating.minutes_html = "We agreed.", "<p>We agreed.</p>"
    treating.minutes_published_at = treating.updated_at = utcnow()
    db.session.commit()
    client = browser(app)
    for name, address in addresses(town).items():
        parsed, _ = read(client, address)
        listed = titles(parsed)
        assert "Event: Meeting on the bike lane" in listed, name
        assert "Minutes: Meeting on the bike lane" in listed, name
        assert ("Event: Meeting on something else" in listed) == (name in ("forum", "process"))
        assert not any("hid" in title for title in listed), name
    event = next(e for e in parsed.entries if e.title == "Event: Meeting on the bike lane")
    assert event.id == event.link == f"http://forum.test/events/{treating.id}"
    assert "river walk" in event.content[0].value


# --- Languages ---------------------------------------------------------------------------

def test_lang_chooses_the_language_of_the_texts_with_the_same_ids(app, town):
    proposal = town["proposal"]
    store_translation(proposal, "title", "Bike lane on the avenue", language="en")
    db.session.commit()
    client = browser(app)
    for address in addresses(town).values():
        english, english_tree = read(client, f"{address}?lang=en")
        catalan, catalan_tree = read(client, f"{address}?lang=ca")
        assert english_tree.get(XML_LANG) == "en" and catalan_tree.get(XML_LANG) == "ca"
        assert "Bike lane on the avenue" in " ".join(titles(english)) + english.feed.title
        assert "Bike lane" not in " ".join(titles(catalan)) + catalan.feed.title
        assert [e.id for e in english.entries] == [e.id for e in catalan.entries], address
        assert english.feed.id == catalan.feed.id


def test_a_translated_entry_says_so_and_names_its_language(app, town):
    proposal = town["proposal"]
    store_translation(proposal, "title", "Bike lane on the avenue", language="en")
    store_translation(proposal, "body", "A body, in English now.", language="en")
    db.session.commit()
    _, feed = read(browser(app), "/feed.atom?lang=en")
    entry = next(e for e in feed.findall(f"{ATOM}entry")
                 if e.findtext(f"{ATOM}title") == "Bike lane on the avenue")
    assert entry.find(f"{ATOM}title").get(XML_LANG) == "en"
    assert entry.find(f"{ATOM}content").get(XML_LANG) == "en"
    assert "Machine-translated from Catalan" in entry.findtext(f"{ATOM}content")
    _, feed = read(browser(app), "/feed.atom?lang=ca")
    original = next(e for e in feed.findall(f"{ATOM}entry")
                    if e.findtext(f"{ATOM}title") == "Carril bici a l'avinguda")
    assert "Machine-translated" not in original.findtext(f"{ATOM}content")


def test_an_unknown_language_is_a_404_that_says_which_languages_there_are(app, town):
    client = browser(app)
    for address in addresses(town).values():
        response = client.get(f"{address}?lang=xx")
        assert response.status_code == 404, address
        assert "no feed in that language" in response.get_data(as_text=True)


# --- Caching ----------------------------------------------------------------------------------

def test_feeds_answer_304_until_something_new_is_published(app, town):
    client = browser(app)
    for address in addresses(town).values():
        etag = client.get(address).headers["ETag"]
        assert client.get(address, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(f"{address}?lang=ca").headers["ETag"] != etag
    etags = {a: client.get(a).headers["ETag"] for a in addresses(town).values()}
    make.answer(town["proposal"], body="The study is done; works start in spring.")
    for address, etag in etags.items():
        response = client.get(address, headers={"If-None-Match": etag})
        assert response.status_code == 200, address
        assert "The study is done" in response.get_data(as_text=True)


# --- Cost -------------------------------------------------------------------------------------

def grow(town, count: int) -> None:
    """Give the town `count` more proposals in Catalan, each answered with a milestone."""
    admin = make.user(role="admin")
    for number in range(count):
        proposal = make.proposal(town["author"], town["topic"],
                                 title=f"Proposta número {number}", language="ca")
        answers.give_answer(proposal, admin, "accepted", "Accepted, thank you.", "en")
        make.event(town["process"], admin, f"Meeting {number}", language="ca",
                   proposals=[proposal, town["proposal"]])
        make.milestone(proposal, f"Step {number}", language="ca")
        make.comment(town["proposal"], make.user(), f"Comment number {number}.", language="ca")


def costs(app, town, queries) -> dict[str, int]:
    counted = {}
    for name, address in addresses(town).items():
        with queries.counting():
            assert browser(app).get(address).status_code == 200
        counted[name] = queries.count
    return counted


def test_a_feed_costs_the_same_queries_for_one_entry_or_twenty(app, town, queries):
    grow(town, 1)
    few = costs(app, town, queries)
    grow(town, 19)
    assert costs(app, town, queries) == few
    assert max(few.values()) <= 9, few


# --- Pages name their feeds ------------------------------------------------------------------

def test_pages_link_to_their_feeds(app, town):
    client = browser(app)
    pages = {"/": "/feed.atom",
             f"/processes/{town['process'].slug}": addresses(town)["process"],
             f"/proposals/{town['proposal'].id}": addresses(town)["proposal"]}
    for address, feed in pages.items():
        shown = page(client.get(address))
        head = shown.find("link", rel="alternate", type="application/atom+xml")
        assert head is not None and head.attrs["href"] == feed, address
        assert shown.find("a", href=feed) is not None, address


def test_a_feed_is_dated_even_with_no_entries(app):
    process = make.process("Empty plan")
    parsed, _ = read(browser(app), f"/processes/{process.slug}/feed.atom")
    assert parsed.entries == [] and parsed.feed.updated_parsed


def test_entries_are_dated_from_their_items(app, town):
    parsed, _ = read(browser(app), addresses(town)["process"])
    phase = next(e for e in parsed.entries if e.title == "Phase begins: Phase 1")
    began = town["process"].phases[0].starts_on
    assert abs(date(*phase.updated_parsed[:3]) - began) <= timedelta(days=1)
    recent = utcnow() - timedelta(minutes=5)
    others = [e for e in parsed.entries if e is not phase]
    assert all(datetime(*e.updated_parsed[:6]) >= recent for e in others)
