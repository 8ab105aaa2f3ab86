"""Settings: documented defaults, an operator's file, FORUM_* variables, the secret key."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from forum import create_app
from forum.config import load_settings


def test_defaults_are_the_documented_file():
    settings = load_settings({})
    assert settings["LANGUAGES"] == ["en", "es", "fr", "ca"]
    assert settings["EDIT_WINDOW_MINUTES"] == 60
    assert settings["THREAD_DISPLAY_DEPTH"] == 8
    assert settings["DATABASE_URL"] == ""
    assert settings["SECURE_COOKIES"] is False
    assert settings["RATELIMIT_ENABLED"] is True


def test_an_operators_file_overrides_the_defaults(tmp_path):
    file = tmp_path / "forum.toml"
    file.write_text('SITE_NAME = "Fòrum de Vilanova"\nLANGUAGES = ["ca", "es"]\n'
                    "EDIT_WINDOW_MINUTES = 15\n")
    settings = load_settings({"FORUM_CONFIG": str(file)})
    assert settings["SITE_NAME"] == "Fòrum de Vilanova"
    assert settings["LANGUAGES"] == ["ca", "es"]
    assert settings["EDIT_WINDOW_MINUTES"] == 15
    assert settings["COMMENTS_PER_PAGE"] == 30  # untouched defaults stay
    assert "CONFIG" not in settings


def test_environment_variables_override_the_file(tmp_path):
    file = tmp_path / "forum.toml"
    file.write_text('SITE_NAME = "From the file"\nEDIT_WINDOW_MINUTES = 15\n')
    settings = load_settings({
        "FORUM_CONFIG": str(file),
        "FORUM_SITE_NAME": "Ágora de Vilanova",    # not JSON: a plain string
        "FORUM_EDIT_WINDOW_MINUTES": "5",          # JSON: a number
        "FORUM_LANGUAGES": '["en", "de"]',         # JSON: a list
        "FORUM_SECURE_COOKIES": "true",            # JSON: a boolean
        "FORUM_MT_PAIR_ENGINES": '{"ca-es": ["apertium"]}',
        "FORUM_TEST_DATABASE_URL": "postgresql://elsewhere/test",  # for the test suite only
        "FORUM_INSTANCE_PATH": "/srv/forum",
        "OTHER_SETTING": "ignored",
    })
    assert settings["SITE_NAME"] == "Ágora de Vilanova"
    assert settings["EDIT_WINDOW_MINUTES"] == 5
    assert settings["LANGUAGES"] == ["en", "de"]
    assert settings["SECURE_COOKIES"] is True
    assert settings["MT_PAIR_ENGINES"] == {"ca-es": ["apertium"]}
    assert not {"TEST_DATABASE_URL", "INSTANCE_PATH", "OTHER_SETTING"} & settings.keys()


def test_the_app_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_SITE_NAME", "Ágora")
    monkeypatch.setenv("FORUM_PROPOSALS_PER_PAGE", "7")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["SITE_NAME"] == "Ágora"
    assert app.config["PROPOSALS_PER_PAGE"] == 7
    # Nothing configured: SQLite in the instance folder, nothing else to install.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == \
        f"sqlite:///{tmp_path / 'instance' / 'forum.db'}"


def test_the_apps_own_mapping_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_SITE_NAME", "From the environment")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SITE_NAME": "From the test"})
    assert app.config["SITE_NAME"] == "From the test"


def test_secure_cookies_over_https(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECURE_COOKIES": True})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_cookies_are_private_by_default(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 30


# --- The secret key ------------------------------------------------------------------------------

@pytest.fixture
def no_secret_in_environment(monkeypatch):
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)


def test_the_secret_key_is_generated_privately_and_reused(tmp_path, no_secret_in_environment):
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance)})
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64

    again = create_app({"INSTANCE_PATH": str(instance)})
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    elsewhere = create_app({"INSTANCE_PATH": str(tmp_path / "other")})
    assert elsewhere.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_a_configured_secret_key_is_used_and_nothing_written(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "from the operator"})
    assert app.config["SECRET_KEY"] == "from the operator"
    assert not (Path(tmp_path) / "secret_key").exists()
