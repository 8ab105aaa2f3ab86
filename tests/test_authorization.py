"""Who may do what: every route, for every kind of person, for GET and POST.

The table below must name every endpoint of the app: a new route without an entry fails
`test_every_route_has_expectations`, so nobody adds a page without deciding who may use it.
"""
from __future__ import annotations

from datetime import date

import pytest

import factories as make
from fixtures_core import browser, csrf_token, is_login_redirect, location, log_in, page

PEOPLE = ("anonymous", "citizen", "moderator", "admin", "author")  # the author acts last
LOGIN = "login"  # a redirect to the login page, coming back afterwards
JSON404 = "json404"


def anyone(outcome):
    return {person: outcome for person in PEOPLE}


def members(outcome, anonymous=LOGIN):
    """Logged-in people get `outcome`; visitors are asked to log in."""
    return {**anyone(outcome), "anonymous": anonymous}


def moderators(outcome, others=403):
    """Moderators and admins get `outcome`, other members `others`, visitors the login page."""
    return {**members(others), "moderator": outcome, "admin": outcome}


def only(who: str, outcome, others=403):
    """One kind of person gets `outcome`, other members `others`, visitors the login page."""
    return {**members(others), who: outcome}


# endpoint: {method: outcome per person}, for a form POSTed empty: an int for a status, a
# path for a redirect there. The author wrote the proposal and the comment. An empty POST
# to an edit form keeps what the form was filled in with (WTForms then reads no form data).
EXPECTED = {
    "static": {"GET": anyone(404), "POST": anyone(405)},
    "health.healthz": {"GET": anyone(200), "POST": anyone(405)},
    "accounts.register": {"GET": members("/", anonymous=200),
                          "POST": members("/", anonymous=422)},
    "accounts.login": {"GET": members("/", anonymous=200), "POST": members("/", anonymous=422)},
    "accounts.logout": {"GET": anyone(405), "POST": anyone("/")},
    "accounts.log_out_everywhere": {"GET": anyone(405), "POST": members("/login")},
    "accounts.change_password": {"GET": members(200), "POST": members(422)},
    "accounts.settings": {"GET": members(200), "POST": members("/account")},
    "accounts.profile": {"GET": anyone(200), "POST": anyone(405)},
    # Getting back in: without SMTP (as in the tests) the forgot page only explains the
    # other ways; {token} is a valid reset link, so it is no confirmation link.
    "recovery.forgot": {"GET": anyone(200), "POST": anyone(200)},
    "recovery.reset": {"GET": anyone(200), "POST": anyone(422)},
    "recovery.recover": {"GET": anyone(200), "POST": anyone(422)},
    "recovery.new_codes": {"GET": members(200), "POST": members(422)},
    "recovery.confirm": {"GET": anyone(404), "POST": anyone(404)},
    "recovery.resend_confirmation": {"GET": anyone(405), "POST": members("/account")},
    "audit.index": {"GET": only("admin", 200), "POST": anyone(405)},
    "notifications.follow_topic": {"GET": anyone(405), "POST": members("/topics/housing")},
    "feeds.proposal": {"GET": anyone(200), "POST": anyone(405)},
    "feeds.topic": {"GET": anyone(200), "POST": anyone(405)},
    "feeds.forum": {"GET": anyone(200), "POST": anyone(405)},
    "feeds.process": {"GET": anyone(200), "POST": anyone(405)},
    "residents.verify": {"GET": members(200), "POST": members(422)},
    "residents.batches": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "residents.revoke": {"GET": anyone(405), "POST": only("admin", "/admin/residents")},
    "proposals.index": {"GET": anyone(200), "POST": anyone(405)},
    "proposals.list_all": {"GET": anyone(200), "POST": anyone(405)},
    "proposals.topic": {"GET": anyone(200), "POST": anyone(405)},
    "proposals.new": {"GET": members(200), "POST": members(422)},
    "proposals.show": {"GET": anyone(200), "POST": anyone(405)},
    "proposals.edit": {"GET": only("author", 200),
                       "POST": only("author", "/proposals/{proposal}")},
    "proposals.withdraw": {"GET": anyone(405), "POST": only("author", "/proposals/{proposal}")},
    "proposals.support": {"GET": anyone(405),
                          "POST": members("/proposals/{proposal}#support")},
    "processes.index": {"GET": anyone(200), "POST": anyone(405)},
    "processes.show": {"GET": anyone(200), "POST": anyone(405)},
    "processes.manage": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "processes.edit": {"GET": only("admin", 200),
                       "POST": only("admin", "/admin/processes/{process}/edit")},
    "processes.add_phase": {"GET": anyone(405), "POST": only("admin", 422)},
    "processes.edit_phase": {"GET": only("admin", 200),
                             "POST": only("admin", "/admin/processes/{process}/edit#phases")},
    "processes.delete_phase": {"GET": anyone(405),
                               "POST": only("admin", "/admin/processes/{process}/edit#phases")},
    # Events: anyone reads them and their calendars; members register; admins organise,
    # moderators (and admins) hide. An empty POST to the edit form saves it as it was.
    "events.index": {"GET": anyone(200), "POST": anyone(405)},
    "events.show": {"GET": anyone(200), "POST": anyone(405)},
    "events.calendar": {"GET": anyone(200), "POST": anyone(405)},
    "events.process_calendar": {"GET": anyone(200), "POST": anyone(405)},
    "events.register": {"GET": anyone(405), "POST": members("/events/{event}#registration")},
    "events.unregister": {"GET": anyone(405), "POST": members("/events/{event}#registration")},
    "events.new": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "events.edit": {"GET": only("admin", 200), "POST": only("admin", "/events/{event}")},
    "events.minutes": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "events.message": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "events.hide": {"GET": anyone(405), "POST": moderators("/events/{event}")},
    "proposals.manage_topics": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "proposals.edit_topic": {"GET": only("admin", 200), "POST": only("admin", "/admin/topics")},
    "comments.create": {"GET": anyone(405), "POST": members(422)},
    "comments.reply": {"GET": members(200), "POST": members(422)},
    "comments.show": {"GET": anyone(200), "POST": anyone(405)},
    "comments.edit": {"GET": only("author", 200),
                      "POST": only("author", "/proposals/{proposal}?page=1#c{comment}")},
    "comments.delete": {"GET": anyone(405),
                        "POST": only("author", "/proposals/{proposal}?page=1#c{comment}")},
    # Everyone logged in is sent back to the comment: a vote, or (the author's own comment)
    # the reason it was refused.
    "comments.helpful": {"GET": anyone(405),
                         "POST": members("/proposals/{proposal}?page=1#c{comment}")},
    "machine_translation.overview": {"GET": only("admin", 200), "POST": anyone(405)},
    "machine_translation.retry": {"GET": anyone(405),
                                  "POST": only("admin", "/admin/translation")},
    "machine_translation.glossary": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "machine_translation.edit_glossary_term": {"GET": only("admin", 200),
                                               "POST": only("admin", "/admin/glossary")},
    "machine_translation.delete_glossary_term": {"GET": anyone(405),
                                                 "POST": only("admin", "/admin/glossary")},
    "notifications.index": {"GET": members(200), "POST": anyone(405)},
    "notifications.mark_read": {"GET": anyone(405), "POST": members("/notifications")},
    "notifications.follow": {"GET": anyone(405), "POST": members("/proposals/{proposal}")},
    "answers.answer": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "answers.new_milestone": {"GET": only("admin", 200), "POST": only("admin", 422)},
    "answers.edit_milestone": {"GET": only("admin", 200),
                               "POST": only("admin", "/proposals/{proposal}#milestones")},
    "answers.delete_milestone": {"GET": anyone(405),
                                 "POST": only("admin", "/proposals/{proposal}#milestones")},
    "accountability.overview": {"GET": anyone(200), "POST": anyone(405)},
    "accountability.topic": {"GET": anyone(200), "POST": anyone(405)},
    "accountability.process": {"GET": anyone(200), "POST": anyone(405)},
    "accountability.open_data": {"GET": anyone(200), "POST": anyone(405)},
    "search.results": {"GET": anyone(200), "POST": anyone(405)},
    # Without a known code the switcher only sends people back where they came from.
    "languages.choose": {"GET": anyone("/"), "POST": anyone("/")},
    # Anyone logged in reports what others wrote; an empty report shows the form again.
    "moderation.report_proposal": {"GET": {**members(200), "author": 403},
                                   "POST": {**members(422), "author": 403}},
    "moderation.report_comment": {"GET": {**members(200), "author": 403},
                                  "POST": {**members(422), "author": 403}},
    "moderation.report_account": {"GET": {**members(200), "author": 403},
                                  "POST": {**members(422), "author": 403}},
    # Only the author appeals, and nothing of theirs is hidden or restricted here.
    "moderation.appeal_proposal": {"GET": only("author", "/proposals/{proposal}"),
                                   "POST": only("author", "/proposals/{proposal}")},
    "moderation.appeal_comment": {"GET": only("author", "/comments/{comment}"),
                                  "POST": only("author", "/comments/{comment}")},
    "moderation.appeal_account": {"GET": members("/account"), "POST": members("/account")},
    "moderation.queue": {"GET": moderators(200), "POST": anyone(405)},
    "moderation.hidden": {"GET": moderators(200), "POST": anyone(405)},
    "moderation.proposal": {"GET": moderators(200), "POST": moderators(422)},
    "moderation.comment": {"GET": moderators(200), "POST": moderators(422)},
    "moderation.account": {"GET": moderators(200), "POST": moderators(422)},
    "moderation.bulk": {"GET": anyone(405), "POST": moderators("/moderation")},
    "moderation.appeal_queue": {"GET": moderators(200), "POST": moderators(422)},
    "moderation.public_log": {"GET": anyone(200), "POST": anyone(405)},
    # Each person's own data; the download is a zip, an empty deletion form is refused.
    "privacy.data": {"GET": members(200), "POST": anyone(405)},
    "privacy.download": {"GET": anyone(405), "POST": members(200)},
    "privacy.delete_account": {"GET": anyone(405), "POST": members(422)},
    "privacy.policy": {"GET": anyone(200), "POST": anyone(405)},
    # The tests' settings name no contact: without one there is no security.txt.
    "privacy.security_txt": {"GET": anyone(404), "POST": anyone(405)},
    # The API is read-only; any other method on it is an unknown endpoint.
    "api.languages": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.topics": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.process_list": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.process_detail": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.proposal_list": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.proposal_detail": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.accountability_figures": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.export_csv": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.export_json": {"GET": anyone(200), "POST": anyone(JSON404)},
    "api.unknown": {"GET": anyone(JSON404), "POST": anyone(JSON404)},
}


@pytest.fixture
def world(app):
    """A forum with one of each kind of person, and content written by the author."""
    author = make.user("Author")
    topic = make.topic("Housing")
    proposal = make.proposal(author=author, topic_=topic)
    comment = make.comment(proposal, author=author)
    milestone = make.milestone(proposal)
    # A process at the topic's own slug, so that one {slug} serves both kinds of page.
    process = make.process("Housing plan", slug=topic.slug,
                           phases=[(date(2020, 1, 1), date(2020, 2, 1), {"comments": True})])
    event = make.event(process, proposals=[proposal])
    people = {"citizen": make.user("Citizen"), "moderator": make.user("Mod", role="moderator"),
              "admin": make.user("Admin", role="admin"), "author": author}
    ids = {"proposal": proposal.id, "comment": comment.id, "process": process.id,
           "event": event.id}
    values = {"proposal_id": proposal.id, "comment_id": comment.id, "user_id": author.id,
              "topic_id": topic.id, "slug": topic.slug, "filename": "no-such-file.css",
              "anything": "nowhere", "milestone_id": milestone.id, "name": "proposals",
              "token": reset_token(author), "batch_id": batch_id(),
              "process_id": process.id, "phase_id": process.phases[0].id,
              "event_id": event.id, "term_id": glossary_term_id()}
    return people, ids, values


def glossary_term_id() -> int:
    """Return the id of a term of the translation glossary."""
    from forum.machine_translation.glossary import KEEP
    from forum.machine_translation.glossary_terms import TermInput, create_term

    return create_term(TermInput("Carrer Major", "ca", KEEP), None)[0].id


def batch_id() -> int:
    """Return the id of a batch of verification codes."""
    from forum.residents.service import create_batch

    return create_batch(3, "Town hall desk")[0].id


def reset_token(person) -> str:
    """Return a valid one-time reset link's secret for `person`."""
    from forum.db import db
    from forum.recovery import tokens

    raw = tokens.issue(person, tokens.RESET, 3600)
    db.session.commit()
    return raw


def address(app, endpoint: str, values: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{k: values[k] for k in rule.arguments})


def as_person(app, people, person: str):
    someone = browser(app)
    if person != "anonymous":
        log_in(someone, people[person])
    return someone


def check(response, outcome, ids: dict) -> None:
    status = response.status_code
    assert status < 500
    if outcome == LOGIN:
        assert is_login_redirect(response), (status, response.headers.get("Location"))
    elif outcome == JSON404:
        assert status == 404 and response.get_json()["error"]["code"] == "not_found"
    elif isinstance(outcome, str):
        assert status == 302 and location(response) == outcome.format(**ids)
    else:
        assert status == outcome, response.get_data(as_text=True)[:300]


def test_every_route_has_expectations(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - EXPECTED.keys() == set(), "decide who may use the new routes"
    assert EXPECTED.keys() - endpoints == set(), "routes gone: drop their expectations"


@pytest.mark.parametrize("endpoint, method", [(e, m) for e in EXPECTED for m in ("GET", "POST")])
def test_the_authorisation_matrix(app, world, endpoint, method):
    people, ids, values = world
    target = address(app, endpoint, values)
    for person in PEOPLE:
        response = as_person(app, people, person).open(target, method=method, data={})
        try:
            check(response, EXPECTED[endpoint][method][person], ids)
        except AssertionError as error:
            raise AssertionError(f"{method} {target} as {person}: {error}") from None
        finally:
            response.close()  # a streamed download ends here, not whenever it is collected


def id_routes(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules()
                   if r.arguments & {"proposal_id", "comment_id", "user_id", "topic_id", "slug",
                                     "milestone_id", "event_id", "term_id"}})


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_unknown_ids_are_404(app, world, accept):
    people, _, values = world
    unknown = {**values, "proposal_id": 4242, "comment_id": 4242, "user_id": 4242,
               "topic_id": 4242, "slug": "no-such-topic", "milestone_id": 4242,
               "event_id": 4242, "process_id": 4242, "phase_id": 4242, "term_id": 4242}
    admin = as_person(app, people, "admin")  # allowed everywhere: only the id is wrong
    for endpoint in id_routes(app):
        for method in ("GET", "POST"):
            if EXPECTED[endpoint][method]["admin"] == 405:
                continue
            response = admin.open(address(app, endpoint, unknown), method=method,
                                  headers={"Accept": accept})
            assert response.status_code == 404, (endpoint, method)
            if accept == "application/json" or endpoint.startswith("api."):
                assert response.get_json()["error"]["code"] == "not_found"
            else:
                assert "There is nothing here" in page(response).find("main").text


@pytest.mark.parametrize("endpoint", ["proposals.new", "proposals.support", "comments.create",
                                      "comments.reply", "accounts.settings"])
def test_json_clients_get_401_instead_of_the_login_page(app, world, endpoint):
    _, _, values = world
    response = browser(app).post(address(app, endpoint, values),
                                 headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("target, status", [
    ("/proposals?page=99999999999999999999", 200), ("/?page=-3", 200),
    ("/proposals?sort=%00&state=%00", 200), ("/topics/%00", 404),
    ("/people/{user_id}?page=99999999999999999999", 200),
    ("/proposals/{proposal_id}?page=99999999999999999999", 200),
    ("/api/v1/proposals?topic=%00", 404), ("/api/v1/proposals?page=" + "9" * 5000, 400),
])
def test_odd_addresses_never_break_a_page(app, world, target, status):
    _, _, values = world
    assert browser(app).get(target.format(**values)).status_code == status


@pytest.mark.parametrize("path, data", [
    ("/login", {"display_name": "Auth\x00or", "password": "whatever it is"}),
    ("/register", {"display_name": "Someone", "password": "long enough password",
                   "confirm": "long enough password", "language": "en",
                   "email": "some\x00one@example.org"}),
])
def test_control_characters_in_forms_are_refused_not_crashed_on(app, world, path, data):
    assert browser(app).post(path, data=data).status_code == 422


def test_ids_beyond_the_databases_range_are_404(app, world):
    people, _, values = world
    admin = as_person(app, people, "admin")
    for huge in (2**31, 10**20):
        for endpoint in ("proposals.show", "comments.show", "accounts.profile",
                         "api.proposal_detail"):
            assert admin.get(address(app, endpoint, {**values, "proposal_id": huge,
                                                      "comment_id": huge,
                                                      "user_id": huge})).status_code == 404


class TestCsrf:
    """With CSRF protection on, as in production, forms without a token are refused."""

    @pytest.fixture
    def settings(self, settings):
        return {**settings, "WTF_CSRF_ENABLED": True}

    def test_posts_without_a_token_are_400(self, app, world):
        people, ids, values = world
        author = browser(app)
        log_in(author, people["author"], csrf=True)
        posts = [e for e in EXPECTED if EXPECTED[e]["POST"]["author"] not in (405, JSON404)]
        for endpoint in posts:
            response = author.post(address(app, endpoint, values), data={})
            assert response.status_code == 400, endpoint
            assert "The form expired or was not sent from this site" in page(response).text
        assert author.get("/account").status_code == 200  # still logged in: nothing ran

    def test_anonymous_posts_without_a_token_are_400(self, app, world):
        _, _, values = world
        response = browser(app).post("/login", data={"display_name": "Author",
                                                          "password": "anything at all"})
        assert response.status_code == 400
        json = browser(app).post(address(app, "proposals.support", values),
                                      headers={"Accept": "application/json"})
        assert json.status_code == 400 and json.get_json()["error"]["code"] == "csrf"

    def test_forms_with_the_token_work(self, app, world):
        people, ids, values = world
        citizen = browser(app)
        log_in(citizen, people["citizen"], csrf=True)
        show = f"/proposals/{ids['proposal']}"
        token = csrf_token(citizen, show)
        response = citizen.post(f"{show}/support", data={"csrf_token": token})
        assert location(response) == f"{show}#support"
        response = citizen.post(f"{show}/comments", data={
            "csrf_token": token, "body": "With a token.", "language": "en"})
        assert response.status_code == 302
