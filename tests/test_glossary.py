"""The instance glossary: terms kept or given a fixed translation, by every engine."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import browser, field_errors, flashes, location, log_in
from forum.audit.models import AdminAction
from forum.content.validation import ContentError
from forum.db import db
from forum.machine_translation import glossary_terms
from forum.machine_translation.glossary import FIXED, KEEP, Entry, Rules
from forum.machine_translation.glossary_terms import TermInput
from forum.machine_translation.models import GlossaryTerm, JobState, Translation, TranslationJob
from forum.machine_translation.segments import document
from support.tiny_argos import build_tiny_package
from support_mt import ROOT, environment, need_apertium, run_worker

COUNCIL = {"en": "Riverside Town Council", "es": "Ayuntamiento de Riverside",
           "fr": "Conseil municipal de Riverside"}


def keep(term: str, language: str | None = None, **extra) -> GlossaryTerm:
    return glossary_terms.create_term(TermInput(term, language, KEEP, **extra), None)[0]


def fixed(term: str, renderings: dict[str, str], language: str | None = None) -> GlossaryTerm:
    return glossary_terms.create_term(TermInput(term, language, FIXED,
                                                renderings=renderings), None)[0]


def translation(item, language: str, field: str = "body") -> str:
    return db.session.scalar(select(Translation.text).where(
        Translation.item_type == type(item).__translatable__,
        Translation.item_id == item.id, Translation.field == field,
        Translation.language == language))


def _finish_jobs() -> None:
    db.session.execute(TranslationJob.__table__.update().values(state=JobState.DONE))
    db.session.commit()


def owed() -> set[tuple[str, int, str]]:
    return set(db.session.execute(select(TranslationJob.item_type, TranslationJob.item_id,
                                         TranslationJob.language)
                                  .where(TranslationJob.state == JobState.PENDING)))


# Matching, where engines play no part.

def test_longest_match_first_whole_words_and_case_rule():
    entries = [Entry("Major", None, KEEP), Entry("Carrer Major", None, FIXED,
                                                    renderings=(("en", "Main Street"),)),
               Entry("PAM", None, KEEP, case_sensitive=True)]
    rules = Rules(entries, "ca", "en")

    assert rules.split("al carrer  major, Majorca i PAM però no pam") == [
        ("al ", None), ("carrer  major", "Main Street"), (", Majorca i ", None),
        ("PAM", "PAM"), (" però no pam", None)]


def test_a_term_becomes_a_placeholder_and_comes_back_escaped_in_markdown():
    rules = Rules([Entry("Plaça_Nova", None, KEEP)], "ca", "en")
    doc = document("Anem a la **Plaça\\_Nova** avui.", markdown=True, glossary=rules)

    assert "Plaça" not in doc.segments[0].text
    assert doc.rebuild(["We go to the " + doc.segments[0].text.split("la ")[1]]) == \
        "We go to the **Plaça\\_Nova** avui."


# Through the real engines.

def test_keep_and_fixed_terms_through_apertium(app):
    need_apertium()
    keep("Carrer Major", "ca")
    fixed("Ajuntament de Riberaclara", {"en": "Riberaclara Town Council",
                                        "es": "Ayuntamiento de Riberaclara",
                                        "fr": "Mairie de Riberaclara"}, "ca")
    _finish_jobs()
    author = make.user(language="ca")
    proposal = make.proposal()
    comment = make.comment(proposal, author, "L'Ajuntament de Riberaclara arregla el "
                           "carrer major i la plaça.")
    run_worker(app)

    english = translation(comment, "en")
    assert "Riberaclara Town Council" in english and "carrer major" in english
    assert "Ajuntament" not in english and "arranges" in english  # the rest is translated
    spanish = translation(comment, "es")
    assert "Ayuntamiento de Riberaclara" in spanish and "carrer major" in spanish
    assert "plaza" in spanish
    assert "\ue000" not in english + spanish  # every placeholder came back


def test_keep_and_fixed_terms_through_argos_with_the_tiny_model(app, tmp_path_factory):
    package = build_tiny_package(tmp_path_factory.mktemp("argos"), "en", "de")
    app.config["LANGUAGES"] = ["en", "de"]
    assert app.test_cli_runner().invoke(
        args=["forum", "mt", "install", str(package)]).exit_code == 0
    keep("Mill Lane")
    fixed("Town Council", {"de": "Stadtrat", "en": "Town Council"})
    proposal = make.proposal(title="Benches on Mill Lane",
                             body="The Town Council should put benches on mill lane.")
    run_worker(app)

    # The tiny model writes everything in capitals: what it never saw stays as it was.
    assert translation(proposal, "de", "title") == "BENCHES ON Mill Lane"
    assert translation(proposal, "de") == "THE Stadtrat SHOULD PUT BENCHES ON mill lane."


# Bad input: a clear message, and nothing written.

@pytest.mark.parametrize("data, field, message", [
    (TermInput("   ", None, KEEP), "term", "Enter the term."),
    (TermInput("<b>Main</b>", None, KEEP), "term", "Leave out markup"),
    (TermInput("Carrer\nMajor", None, KEEP), "term", "Leave out markup"),
    (TermInput("carrer major", None, KEEP), "term", "in the glossary already"),
    (TermInput("Major", "ca", KEEP), "term", "overlaps “Carrer Major”"),
    (TermInput("Carrer Major de Dalt", None, KEEP), "term", "overlaps “Carrer Major”"),
    (TermInput("Town Council", None, FIXED, renderings={"es": "Ayuntamiento",
                                                        "fr": "Mairie"}), "rendering_en",
     "Give the fixed translation in English."),
    (TermInput("Town Council", "en", FIXED, renderings={"es": "Ayuntamiento", "fr": "<i>M",
                                                        "ca": "Ajuntament"}),
     "rendering_fr", "Leave out markup"),
    (TermInput("Town Council", "xx", KEEP), "language", "Choose one of"),
])
def test_bad_terms_are_refused_and_nothing_is_written(app, data, field, message):
    keep("Carrer Major", "ca")
    before = db.session.scalar(select(func.count()).select_from(GlossaryTerm))

    with pytest.raises(ContentError) as refused:
        glossary_terms.create_term(data, None)

    assert refused.value.field == field and message in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(GlossaryTerm)) == before


def test_terms_in_other_languages_do_not_overlap(app):
    keep("Major", "ca")
    keep("Major", "es")  # another scope: no overlap

    assert len(glossary_terms.list_terms()) == 2


# The admin page.

@pytest.fixture
def admin_client(client):
    log_in(client, make.user("Council", role="admin"))
    return client


def test_an_admin_adds_changes_and_deletes_terms_and_texts_are_owed_again(app, admin_client):
    proposal = make.proposal(title="Benches on Mill Lane", body="Shade trees on mill lane.")
    other = make.proposal(title="A library", body="Open the library on Sundays.")
    _finish_jobs()

    added = admin_client.post("/admin/glossary", data={"term": "Mill Lane", "language": "",
                                                       "kind": "keep"})
    assert location(added) == "/admin/glossary"
    assert "1 text will be translated again." in flashes(admin_client.get("/admin/glossary"))
    assert owed() == {("proposal", proposal.id, lang) for lang in ("es", "fr", "ca")}
    term = db.session.scalar(select(GlossaryTerm))

    _finish_jobs()
    changed = admin_client.post(f"/admin/glossary/{term.id}/edit", data={
        "term": "Mill Lane", "language": "", "kind": "fixed", "rendering_en": "Mill Lane",
        "rendering_es": "Calle del Molino", "rendering_fr": "Rue du Moulin",
        "rendering_ca": "Carrer del Molí"})
    assert location(changed) == "/admin/glossary"
    db.session.expire_all()
    assert db.session.get(GlossaryTerm, term.id).renderings["es"] == "Calle del Molino"
    assert ("proposal", proposal.id, "es") in owed()
    assert not any(item_id == other.id for _kind, item_id, _lang in owed())

    _finish_jobs()
    deleted = admin_client.post(f"/admin/glossary/{term.id}/delete")
    assert location(deleted) == "/admin/glossary"
    assert glossary_terms.list_terms() == []
    assert ("proposal", proposal.id, "fr") in owed()
    actions = list(db.session.scalars(select(AdminAction.action).order_by(AdminAction.id)))
    assert actions[-3:] == ["glossary_term_added", "glossary_term_changed",
                            "glossary_term_deleted"]
    assert "deleted a term from the translation glossary" in \
        admin_client.get("/admin/audit").get_data(as_text=True)


def test_the_form_says_what_is_wrong_and_writes_nothing(app, admin_client):
    keep("Mill Lane")
    for data, field, message in [
        ({"term": "", "kind": "keep"}, "term", "Enter the term."),
        ({"term": "Mill", "kind": "keep"}, "term", "overlaps"),
        ({"term": "a > b", "kind": "keep"}, "term", "Leave out markup"),
        ({"term": "Council", "kind": "fixed", "rendering_es": "Ayuntamiento"},
         "rendering_en", "Give the fixed translation in English."),
    ]:
        response = admin_client.post("/admin/glossary", data={"language": "", **data})
        assert response.status_code == 422
        assert message in field_errors(response, field)
    assert [t.term for t in glossary_terms.list_terms()] == ["Mill Lane"]


def test_only_admins_reach_the_glossary(app, client):
    term = keep("Mill Lane")
    assert browser(app).get("/admin/glossary").status_code == 302  # to the login page
    log_in(client, make.user("Mod", role="moderator"))
    for address in ("/admin/glossary", f"/admin/glossary/{term.id}/edit"):
        assert client.get(address).status_code == 403
    assert client.post(f"/admin/glossary/{term.id}/delete").status_code == 403
    assert db.session.get(GlossaryTerm, term.id) is not None


# Re-translating the texts that contain a term from the command line.

def test_backfill_requeues_only_texts_containing_the_term(app):
    author = make.user(language="ca")
    proposal = make.proposal()
    with_term = make.comment(proposal, author, "Cal arreglar el Carrer Major.")
    without = make.comment(proposal, author, "Cal arreglar la plaça.")
    make.comment(proposal, make.user(language="es"), "El carrer major está en Cataluña.")
    keep("Carrer Major", "ca")
    _finish_jobs()

    result = app.test_cli_runner().invoke(args=["forum", "mt", "backfill", "--queue-only",
                                                "--glossary", "carrer major"])

    assert result.exit_code == 0, result.output
    assert "3 translation jobs queued" in result.output
    assert {(kind, item_id) for kind, item_id, _lang in owed()} == {("comment", with_term.id)}
    assert without.id not in {item_id for _kind, item_id, _lang in owed()}


# The web process still imports no engine.

def test_the_glossary_pages_load_no_translation_engine(app, settings):
    keep("Mill Lane")
    script = textwrap.dedent("""
        import sys
        from forum import create_app
        from forum.accounts.models import User
        from forum.db import db
        from sqlalchemy import select
        app = create_app()
        client = app.test_client()
        with app.app_context():
            admin = db.session.scalar(select(User).where(User.display_name == "Council"))
        client.post("/login", data={"display_name": "Council", "password": sys.argv[1]})
        statuses = [client.get("/admin/glossary").status_code,
                    client.get("/admin/glossary/1/edit").status_code,
                    client.post("/admin/glossary", data={"term": "Council", "language": "",
                                                         "kind": "keep"}).status_code]
        engines = ("argostranslate", "ctranslate2", "torch", "stanza")
        print(statuses, sorted({m.split(".")[0] for m in sys.modules} & set(engines)))
    """)
    make.user("Council", role="admin")
    result = subprocess.run([sys.executable, "-c", script, make.PASSWORD], cwd=ROOT,
                            capture_output=True, text=True, env=environment(settings),
                            timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[200, 200, 302] []"
