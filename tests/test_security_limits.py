"""Rate limits on logins, registrations and every kind of writing, in memory and in Redis."""
from __future__ import annotations

import pytest

import factories as make
from fixtures_core import browser, log_in, page
from forum import create_app
from forum.extensions import limiter
from security_support import from_address, limited, redis_keys, storage  # noqa: F401
from test_authorization import address

# Each limited form: the setting that limits it, and who sends it.
LIMITED = [
    ("accounts.login", "RATELIMIT_LOGIN", "anonymous"),
    ("accounts.register", "RATELIMIT_REGISTER", "anonymous"),
    ("accounts.change_password", "RATELIMIT_PASSWORD", "citizen"),
    ("proposals.new", "RATELIMIT_PROPOSAL", "citizen"),
    ("proposals.edit", "RATELIMIT_EDIT", "author"),
    ("comments.edit", "RATELIMIT_EDIT", "author"),
    ("proposals.support", "RATELIMIT_SUPPORT", "citizen"),
    ("comments.create", "RATELIMIT_COMMENT", "citizen"),
    ("comments.reply", "RATELIMIT_COMMENT", "citizen"),
    ("moderation.report_proposal", "RATELIMIT_REPORT", "citizen"),
    ("moderation.report_comment", "RATELIMIT_REPORT", "citizen"),
    ("moderation.report_account", "RATELIMIT_REPORT", "citizen"),
    ("moderation.appeal_proposal", "RATELIMIT_APPEAL", "author"),
    ("moderation.appeal_comment", "RATELIMIT_APPEAL", "author"),
    ("moderation.appeal_account", "RATELIMIT_APPEAL", "citizen"),
    ("recovery.forgot", "RATELIMIT_PASSWORD_RESET", "anonymous"),
    ("recovery.recover", "RATELIMIT_RECOVER", "anonymous"),
    ("recovery.new_codes", "RATELIMIT_PASSWORD", "citizen"),
    ("recovery.resend_confirmation", "RATELIMIT_PASSWORD", "citizen"),
    ("residents.verify", "RATELIMIT_VERIFY", "citizen"),
    ("events.register", "RATELIMIT_EVENT", "citizen"),
    ("events.unregister", "RATELIMIT_EVENT", "citizen"),
    ("comments.helpful", "RATELIMIT_VOTE", "citizen"),
]
TOO_MANY = "Too many attempts in a short time"


@pytest.fixture
def settings(settings, storage):
    return limited(settings, storage)


@pytest.fixture
def world(app):
    author, citizen = make.user("Author"), make.user("Citizen")
    proposal = make.proposal(author=author)
    comment = make.comment(proposal, author=author)
    values = {"proposal_id": proposal.id, "comment_id": comment.id, "user_id": author.id,
              "event_id": make.event().id}
    return {"author": author, "citizen": citizen}, values


def person(app, people, who: str):
    client = browser(app)
    if who != "anonymous":
        log_in(client, people[who])
    return client


def test_every_limited_form_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert {endpoint for endpoint, _, _ in LIMITED} <= endpoints


@pytest.mark.parametrize("endpoint, setting, who", LIMITED)
def test_each_form_is_limited_by_its_setting_read_at_request_time(app, world, endpoint,
                                                                    setting, who):
    people, values = world
    client = person(app, people, who)
    app.config[setting] = "2 per hour"  # after the app started: read per request
    target = address(app, endpoint, values)
    for _ in range(2):
        assert client.post(target, data={}).status_code != 429
    refused = client.post(target, data={})
    assert refused.status_code == 429
    assert TOO_MANY in page(refused).find("main").text
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 200  # reading is never limited


def test_api_clients_get_a_json_429(app, world):
    people, values = world
    app.config["RATELIMIT_SUPPORT"] = "1 per hour"
    client = person(app, people, "citizen")
    target = address(app, "proposals.support", values)
    client.post(target)
    refused = client.post(target, headers={"Accept": "application/json"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"


def test_comments_and_replies_share_one_budget_per_person(app, world):
    people, values = world
    app.config["RATELIMIT_COMMENT"] = "2 per hour"
    citizen = person(app, people, "citizen")
    comment = {"body": "A comment.", "language": "en"}
    assert citizen.post(address(app, "comments.create", values), data=comment).status_code == 302
    assert citizen.post(address(app, "comments.reply", values), data=comment).status_code == 302
    assert citizen.post(address(app, "comments.create", values), data=comment).status_code == 429
    # Someone else on the same address (a library, a town hall's Wi-Fi) still writes.
    other = person(app, {"other": make.user("Other")}, "other")
    assert other.post(address(app, "comments.create", values), data=comment).status_code == 302


def test_visitors_are_counted_by_address(app):
    app.config["RATELIMIT_REGISTER"] = "1 per hour"
    client = browser(app)
    assert client.post("/register", data={}, **from_address("192.0.2.1")).status_code == 422
    assert client.post("/register", data={}, **from_address("192.0.2.1")).status_code == 429
    assert client.post("/register", data={}, **from_address("192.0.2.2")).status_code == 422


def test_the_default_login_limit_stops_a_flood(app):
    make.user("Marta")
    client = browser(app)
    statuses = [client.post("/login", data={"display_name": f"Name {n}",
                                            "password": "wrong password"}).status_code
                for n in range(11)]
    assert statuses == [422] * 10 + [429]  # RATELIMIT_LOGIN = "10 per minute; …"


def test_the_counters_live_in_the_configured_storage(app, world, storage):
    people, values = world
    app.config["RATELIMIT_SUPPORT"] = "1 per hour"
    citizen = person(app, people, "citizen")
    citizen.post(address(app, "proposals.support", values))
    if "_redis" in storage:  # shared by every web process
        keys = redis_keys(storage)
    else:
        keys = [str(key) for key in [*limiter.storage.storage, *limiter.storage.events]]
    assert any("support" in key for key in keys), keys


def test_a_malformed_limit_stops_the_app_from_starting(settings):
    with pytest.raises(ValueError, match="RATELIMIT_LOGIN"):
        create_app({**settings, "RATELIMIT_LOGIN": "ten per minute"})


class TestRedisDown:
    """When Redis cannot be reached, the forum keeps answering and counts in memory."""

    @pytest.fixture
    def storage(self):
        return {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"}  # nothing listens there

    @pytest.fixture
    def settings(self, settings):
        return {**settings, "RATELIMIT_LOGIN": "3 per minute"}

    def test_logins_still_work_and_are_still_limited(self, app):
        make.user("Marta")
        client = browser(app)
        statuses = [client.post("/login", data={"display_name": "Marta",
                                                "password": "wrong password"}).status_code
                    for _ in range(5)]
        assert statuses == [422, 422, 422, 429, 429], statuses
        assert client.post("/login", data={"display_name": "Marta",
                                           "password": make.PASSWORD}).status_code == 429
