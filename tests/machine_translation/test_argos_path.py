"""Argos Translate through the real CLI and the real worker, on the tiny model tests build."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import factories
from fixtures_core import browser
from forum.db import db
from forum.machine_translation.models import JobState, Translation, TranslationJob
from support.tiny_argos import CORRUPT_KINDS, build_corrupt_package, build_tiny_package
from support_mt import run_worker


@pytest.fixture
def german(app, tmp_path_factory):
    """An instance that also offers German, with the tiny en→de model installed by the CLI."""
    package = build_tiny_package(tmp_path_factory.mktemp("argos"), "en", "de")
    app.config["LANGUAGES"] = ["en", "de"]
    result = app.test_cli_runner().invoke(args=["forum", "mt", "install", str(package)])
    assert result.exit_code == 0, result.output
    assert "installed en -> de" in result.output
    return package


def test_mt_list_shows_the_installed_pair(app, german):
    output = app.test_cli_runner().invoke(args=["forum", "mt", "list"]).output

    assert "argos: available, 1 pairs" in output
    assert "en -> de  en-de v1.0" in output
    assert "en -> de: argos:en-de v1.0" in output


def test_the_tiny_models_exact_output_reaches_the_page_and_the_api(app, german):
    proposal = factories.proposal(title="Benches along the river path",
                                  body="Please add benches. Older people need rest!")
    run_worker(app)

    html = browser(app).get(f"/proposals/{proposal.id}",
                            headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "BENCHES ALONG THE RIVER PATH" in html
    assert "PLEASE ADD BENCHES. OLDER PEOPLE NEED REST!" in html
    assert "Machine-translated from English by Argos Translate" in html
    api = browser(app).get(f"/api/v1/proposals/{proposal.id}?lang=de").get_json()
    assert api["title"] == {"text": "BENCHES ALONG THE RIVER PATH", "language": "de",
                            "machine_translated": True, "original_language": "en",
                            "translation_status": "translated", "engine": "argos:en-de v1.0"}


def test_a_text_the_engine_chokes_on_fails_alone(app, german):
    app.config["MT_MAX_ATTEMPTS"] = 2
    good = factories.proposal(title="A perfectly normal title")
    bad = factories.proposal(title="A title that is fine",
                             body="word " * 300)  # one 1,500-character sentence: too long
    run_worker(app)

    states = {(j.item_type, j.item_id): j for j in db.session.scalars(select(TranslationJob))}
    assert states[("proposal", good.id)].state == JobState.DONE
    failed = states[("proposal", bad.id)]
    assert failed.state == JobState.PENDING and failed.attempts == 1
    assert "Argos en->de failed" in failed.last_error


@pytest.mark.parametrize("kind", CORRUPT_KINDS)
def test_a_corrupt_package_is_refused_and_nothing_is_installed(app, tmp_path, kind):
    broken = build_corrupt_package(tmp_path, kind)
    packages = Path(app.config["MT_ARGOS_PACKAGES_DIR"])
    listing = lambda: sorted(p.name for p in packages.iterdir()) if packages.exists() else []  # noqa: E731
    before = listing()

    result = app.test_cli_runner().invoke(args=["forum", "mt", "install", str(broken)])

    assert result.exit_code == 1
    assert f"error: {broken}" in result.output
    assert listing() == before


def test_remove_uninstalls_and_later_jobs_wait_for_an_engine(app, german):
    runner = app.test_cli_runner()
    assert "removed en -> de" in runner.invoke(args=["forum", "mt", "remove", "en", "de"]).output
    factories.proposal(title="Benches along the river path")

    run_worker(app)

    jobs = db.session.scalars(select(TranslationJob).where(TranslationJob.language == "de"))
    assert {j.state for j in jobs} == {JobState.UNAVAILABLE}
    assert runner.invoke(args=["forum", "mt", "remove", "en", "de"]).exit_code != 0


def test_backfill_translates_content_written_before_a_language_was_added(app, tmp_path):
    proposal = factories.proposal(title="Benches along the river path")  # en, es, fr, ca only
    package = build_tiny_package(tmp_path, "en", "de")
    app.config["LANGUAGES"] = ["en", "es", "fr", "ca", "de"]
    app.config["MT_ENGINE_ORDER"] = ["argos"]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["forum", "mt", "install", str(package)]).exit_code == 0

    result = runner.invoke(args=["forum", "mt", "backfill", "--language", "de"])

    assert result.exit_code == 0, result.output
    assert "2 translation jobs queued" in result.output  # the topic and the proposal
    title = db.session.scalar(select(Translation.text).where(
        Translation.item_id == proposal.id, Translation.item_type == "proposal",
        Translation.field == "title", Translation.language == "de"))
    assert title == "BENCHES ALONG THE RIVER PATH"
