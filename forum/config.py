"""Load the forum's settings: documented defaults, an operator's file, the environment."""
from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "config" / "defaults.toml"
# Names that configure the process around the app rather than the app itself.
_NOT_SETTINGS = {"CONFIG", "INSTANCE_PATH", "REQUIRE_ALL", "TEST_DATABASE_URL"}


def load_settings(environ: Mapping[str, str] | None = None) -> dict:
    """Merge the defaults, the FORUM_CONFIG file and FORUM_* variables, in that order."""
    environ = os.environ if environ is None else environ
    settings = _read_toml(DEFAULTS_FILE)
    operator_file = environ.get("FORUM_CONFIG")
    if operator_file:
        settings.update(_read_toml(Path(operator_file)))
    for name, raw in environ.items():
        key = name.removeprefix("FORUM_")
        if name.startswith("FORUM_") and key not in _NOT_SETTINGS:
            settings[key] = _parse_value(raw)
    return settings


def _read_toml(path: Path) -> dict:
    with open(path, "rb") as file:
        return tomllib.load(file)


def _parse_value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def apply_settings(app, settings: dict) -> None:
    """Translate the forum's settings into Flask and extension configuration."""
    app.config.update(settings)
    instance = Path(app.instance_path)
    url = settings.get("DATABASE_URL") or f"sqlite:///{instance / 'forum.db'}"
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", url)
    if not url.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {
            "pool_size": settings["DB_POOL_SIZE"],
            "max_overflow": settings["DB_POOL_MAX_OVERFLOW"],
            "pool_recycle": settings["DB_POOL_RECYCLE_SECONDS"],
            "pool_pre_ping": True,
        })
    if not settings.get("MT_ARGOS_PACKAGES_DIR"):
        app.config["MT_ARGOS_PACKAGES_DIR"] = str(instance / "argos-packages")
    secure = bool(settings.get("SECURE_COOKIES"))
    app.config.update(
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE=settings["DEFAULT_LANGUAGE"],
        BABEL_DEFAULT_TIMEZONE=settings["DEFAULT_TIMEZONE"],
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path).parent / "translations"),
        RATELIMIT_STORAGE_URI=settings["RATELIMIT_STORAGE_URI"],
        RATELIMIT_ENABLED=settings["RATELIMIT_ENABLED"],
        WTF_CSRF_TIME_LIMIT=None,
        REMEMBER_COOKIE_DURATION=timedelta(days=settings["REMEMBER_COOKIE_DAYS"]),
    )


def ensure_secret_key(app) -> None:
    """Read the secret key from the instance folder, generating it on first run."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when the web server and the worker start together, only one writes it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = path.read_text().strip()
