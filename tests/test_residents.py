"""Verified residents: batches of one-time codes, redeeming one, and supports counted apart."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import re
import stat
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import browser, field_errors, flashes, location, log_in, page
from forum import create_app
from forum.accounts.models import User
from forum.audit.models import AdminAction
from forum.db import db, utcnow
from forum.proposals import service as proposals
from forum.proposals.models import Proposal
from forum.residents import service
from forum.residents.models import VerificationBatch, VerificationCode
from forum.residents.service import Redeemed

CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
REFUSED = "This code does not work"


def batch_of(size: int = 3, district: str | None = None, **kwargs):
    return service.create_batch(size, "Letter to households", district, **kwargs)


def verify(client, code: str):
    return client.post("/account/verify", data={"code": code})


def logged_in(app, person):
    client = browser(app)
    log_in(client, person)
    return client


def counts(proposal) -> tuple[int, int]:
    db.session.expire_all()
    found = db.session.get(Proposal, proposal.id)
    return found.support_count, found.verified_support_count


# --- Making batches ---------------------------------------------------------------------------

def test_the_command_writes_a_csv_and_a_printable_sheet_readable_only_by_the_operator(
        app, runner, tmp_path):
    sheet, table = tmp_path / "codes.html", tmp_path / "codes.csv"
    result = runner.invoke(args=["forum", "residents", "codes", "5", "--label", "Letter, March",
                                 "--district", "Riverside", "--valid-days", "90",
                                 "--csv", str(table), "--sheet", str(sheet)])
    assert result.exit_code == 0, result.output
    for path in (sheet, table):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    rows = list(csv.DictReader(io.StringIO(table.read_text())))
    assert len(rows) == 5 and len({r["code"] for r in rows}) == 5
    assert all(CODE.fullmatch(r["code"]) for r in rows)
    assert {r["district"] for r in rows} == {"Riverside"}
    assert rows[0]["redeem_at"] == "http://127.0.0.1:5000/account/verify"
    assert sorted(CODE.findall(sheet.read_text())) == sorted(r["code"] for r in rows)

    # Only hashes are kept, and the audit log says who made what, never a code.
    stored = set(db.session.scalars(select(VerificationCode.code_hash)))
    assert len(stored) == 5 and not {r["code"].replace("-", "") for r in rows} & stored
    entry = db.session.scalar(select(AdminAction))
    assert (entry.action, entry.via) == ("verification_batch_created", "command")
    assert json.loads(entry.detail)["size"] == 5 and rows[0]["code"] not in entry.detail

    listed = runner.invoke(args=["forum", "residents", "batches"]).output
    assert "Letter, March" in listed and "0 redeemed" in listed

    again = runner.invoke(args=["forum", "residents", "codes", "2", "--label", "x",
                                "--csv", str(table)])
    assert again.exit_code == 1 and "exists" in again.output


def test_an_admin_makes_a_batch_on_the_page_and_gets_the_codes_once(app):
    admin = make.user("Council", role="admin")
    client = logged_in(app, admin)
    assert client.get("/admin/residents").status_code == 200

    shown = client.post("/admin/residents", data={"size": "4", "label": "Town hall desk",
                                                  "district": "Old Town", "output": "sheet"})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    assert len(set(CODE.findall(page(shown).find("ul", class_="code-sheet").text))) == 4

    table = client.post("/admin/residents", data={"size": "2", "label": "By post",
                                                  "output": "csv"})
    assert table.mimetype == "text/csv" and "attachment" in table.headers["Content-Disposition"]
    assert len(list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))) == 2

    listed = page(client.get("/admin/residents")).find("table").text
    assert "Town hall desk" in listed and "Old Town" in listed and "By post" in listed
    audit = page(client.get("/admin/audit")).find("table").text
    assert "Council" in audit and "made a batch of verification codes" in audit


@pytest.mark.parametrize("form", [{"size": "0", "label": "x"}, {"size": "5001", "label": "x"},
                                  {"size": "lots", "label": "x"}, {"size": "3", "label": ""},
                                  {"size": "3", "label": "x", "valid_days": "-1"}])
def test_a_bad_batch_gets_a_form_message_and_makes_nothing(app, form):
    client = logged_in(app, make.user("Council", role="admin"))
    assert client.post("/admin/residents", data={"output": "sheet", **form}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(VerificationBatch)) == 0


# --- Redeeming a code -------------------------------------------------------------------------

def test_a_code_verifies_one_account_once_with_its_district(app):
    _, (code, *_) = batch_of(district="Riverside")
    marta, joan = make.user("Marta"), make.user("Joan")
    client = logged_in(app, marta)

    assert location(verify(client, code.lower().replace("-", " "))) == "/account"
    db.session.expire_all()
    marta = db.session.get(User, marta.id)
    assert marta.verified_at is not None and marta.district == "Riverside"
    assert "verified resident" in page(client.get("/account")).find("p", id="verified").text

    refused = verify(logged_in(app, joan), code)
    assert refused.status_code == 422 and REFUSED in field_errors(refused, "code")
    # Nothing links the code to Marta.
    assert "Marta" not in str(db.session.execute(select(VerificationCode.__table__)).all())


def test_an_already_verified_person_keeps_the_code_unused(app):
    _, (first, second, _third) = batch_of()
    client = logged_in(app, make.user("Marta"))
    verify(client, first)
    response = verify(client, second)
    assert "already a verified resident" in flashes(client.get(location(response)))
    assert db.session.scalar(select(func.count()).select_from(VerificationCode).where(
        VerificationCode.redeemed_at.is_not(None))) == 1


@pytest.mark.parametrize("typed", ["", "0000-0000-0000", "not a code", "X" * 500,
                                   "7K2M-Q9XH-3FRA-WD6P"])
def test_a_wrong_code_is_refused_clearly(app, typed):
    batch_of()
    response = verify(logged_in(app, make.user()), typed)
    assert response.status_code == 422 and field_errors(response, "code")


def test_codes_of_an_expired_or_withdrawn_batch_do_not_work(app):
    expired, (old, *_) = batch_of(valid_days=30)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    withdrawn, (void, *_) = batch_of()
    service.revoke_batch(withdrawn)
    for code in (old, void):
        assert service.redeem(make.user(), code) == Redeemed.REFUSED


def test_withdrawing_a_batch_unverifies_its_accounts_and_their_supports(app, runner):
    batch, codes = batch_of(district="Riverside")
    other, (kept, *_) = batch_of()
    proposal = make.proposal()
    people = [make.user() for _ in range(3)]
    for person, code in zip(people, [codes[0], codes[1], kept], strict=True):
        assert service.redeem(person, code) == Redeemed.VERIFIED
        proposals.support(person, proposal)
    assert counts(proposal) == (3, 3)

    result = runner.invoke(args=["forum", "residents", "revoke", str(batch.id)])
    assert "2 accounts no longer verified" in result.output
    assert counts(proposal) == (3, 1)
    assert db.session.get(User, people[0].id).district is None
    assert db.session.get(User, people[2].id).verified_at is not None
    assert service.redeem(make.user(), codes[2]) == Redeemed.REFUSED
    assert runner.invoke(args=["forum", "residents", "revoke", str(batch.id)]).output.count(
        "0 accounts") == 1  # a second time changes nothing
    actions = list(db.session.scalars(select(AdminAction.action)))
    assert actions.count("verification_batch_revoked") == 1


# --- Supports counted apart ------------------------------------------------------------------

def test_pages_the_api_and_open_data_count_verified_supports_apart(app):
    _, codes = batch_of()
    proposal = make.proposal()
    early, late = make.user(), make.user()
    proposals.support(early, proposal)
    proposals.support(late, proposal)
    assert counts(proposal) == (2, 0)
    service.redeem(early, codes[0])  # supports given before count once verified
    assert counts(proposal) == (2, 1)

    client = browser(app)
    shown = page(client.get(f"/proposals/{proposal.id}")).find("p", class_="count").text
    assert "2 people support this proposal" in shown and "(1 verified resident)" in shown
    assert "(1 verified resident)" in page(client.get("/proposals")).text
    api = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert (api["support_count"], api["verified_support_count"]) == (2, 1)
    row = next(csv.DictReader(io.StringIO(
        client.get("/api/v1/export/proposals.csv").get_data(as_text=True))))
    assert (row["support_count"], row["verified_support_count"]) == ("2", "1")

    proposals.withdraw_support(early, proposal)
    assert counts(proposal) == (1, 0)
    proposals.support(early, proposal)
    from forum.privacy.service import delete_account

    delete_account(db.session.get(User, early.id))
    assert counts(proposal) == (1, 0)


def test_when_supports_need_verification_only_residents_give_them(app):
    app.config["SUPPORT_REQUIRES_VERIFICATION"] = True
    _, codes = batch_of()
    proposal = make.proposal()
    marta = make.user("Marta")
    client = logged_in(app, marta)
    shown = page(client.get(f"/proposals/{proposal.id}")).find("section", id="support")
    assert shown.find("a", href="/account/verify") is not None
    assert "(0 verified residents)" in shown.text

    refused = client.post(f"/proposals/{proposal.id}/support")
    assert "Only verified residents can support" in flashes(client.get(location(refused)))
    assert counts(proposal) == (0, 0)

    verify(client, codes[0])
    client.post(f"/proposals/{proposal.id}/support")
    assert counts(proposal) == (1, 1)
    # Someone verified no more may still take their support back.
    service.revoke_batch(db.session.scalar(select(VerificationBatch)))
    client.post(f"/proposals/{proposal.id}/support", data={"action": "withdraw"})
    assert counts(proposal) == (0, 0)


def test_a_persons_data_says_whether_they_are_verified(app):
    _, codes = batch_of(district="Riverside")
    marta = make.user("Marta")
    service.redeem(marta, codes[0])
    from forum.privacy.export import export

    with app.test_request_context():
        account = export(db.session.get(User, marta.id))["account"]
    assert account["verified_resident_since"] and account["district"] == "Riverside"


# --- Two people, one code, at the same moment --------------------------------------------------

def test_a_code_redeemed_by_two_people_at_once_verifies_one(app):
    _, codes = batch_of(size=3)
    for code in codes:
        ids = [make.user().id, make.user().id]
        barrier, outcome = threading.Barrier(2), []

        def one(user_id, code=code, barrier=barrier, outcome=outcome):
            with app.app_context():
                barrier.wait(30)
                outcome.append(service.redeem(db.session.get(User, user_id), code))
                db.session.remove()

        threads = [threading.Thread(target=one, args=(i,)) for i in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(outcome) == [Redeemed.REFUSED, Redeemed.VERIFIED]


def test_two_processes_on_postgresql_redeem_a_code_once(postgresql_settings):
    from recovery_race import spend

    app = create_app(postgresql_settings)
    with app.app_context():
        _, codes = batch_of(size=5)
        people = [(make.user().id, make.user().id) for _ in codes]
        db.session.remove()
    context = multiprocessing.get_context("spawn")
    for code, pair in zip(codes, people, strict=True):
        barrier, results = context.Barrier(2), context.Queue()
        processes = [context.Process(target=spend, args=(postgresql_settings, "verify",
                                                         (user_id, code), barrier, results))
                     for user_id in pair]
        for process in processes:
            process.start()
        outcome = sorted(results.get(timeout=120) for _ in processes)
        for process in processes:
            process.join(60)
        assert outcome == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.verified_at.is_not(None))) == 5
        db.session.remove()
