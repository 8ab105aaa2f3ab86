"""The facts the privacy page and security.txt state, read from the instance's configuration.

The page is generated from what the instance is actually set up to do, so it cannot
drift from it: add a language, configure a mail server or Redis, and it says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from limits import parse_many

from forum.db import utcnow
from forum.i18n import COOKIE_SECONDS, LANGUAGE_COOKIE
from forum.machine_translation.labels import ENGINE_LABELS

# security.txt must expire (RFC 9116 §2.5.5), preferably within a year: it is generated
# from the live configuration, so it is renewed as long as the forum runs.
SECURITY_TXT_DAYS = 180
# Limits written in the code rather than the configuration count over an hour at most.
CODE_LIMIT_SECONDS = 3600
RATE_LIMIT_STORES = {"memory": "memory", "redis": "redis", "rediss": "redis",
                     "redis+cluster": "redis", "redis+sentinel": "redis",
                     "valkey": "redis", "memcached": "memcached", "mongodb": "mongodb"}


@dataclass(frozen=True)
class EngineFacts:
    """One configured translation engine, and what it can translate here."""

    name: str
    label: str
    installed: bool
    pairs: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Cookie:
    """A cookie the forum may set: its name, when, and for how long (days; 0: the visit)."""

    name: str
    purpose: str
    days: int


@dataclass(frozen=True)
class Statement:
    """What the privacy page says about this instance."""

    site_name: str
    operator_name: str
    operator_contact: str
    security_contact: str
    languages: list[str]
    engines: list[EngineFacts]
    cookies: list[Cookie]
    secure_cookies: bool
    rate_limits: bool
    rate_limit_store: str
    rate_limit_seconds: int
    sends_email: bool
    smtp_host: str
    notifications_days: int
    reports_days: int
    access_log_days: int


def rate_limit_store(uri: str) -> str:
    """Name the kind of store rate-limit counters live in, never its address or password."""
    scheme = urlsplit(uri or "memory://").scheme.lower()
    return RATE_LIMIT_STORES.get(scheme, "other")


def rate_limit_seconds(config) -> int:
    """Return how long the longest configured rate-limit window keeps a counter."""
    longest = CODE_LIMIT_SECONDS
    for key, value in config.items():
        if key.startswith(("RATELIMIT_", "LOGIN_")) and isinstance(value, str):
            try:
                longest = max([longest] + [item.get_expiry() for item in parse_many(value)])
            except ValueError:  # a setting that is not a limit, e.g. the strategy
                continue
    return longest


def engines(config) -> list[EngineFacts]:
    """List the configured engines, whether installed, and their pairs among our languages."""
    from forum.machine_translation.engines import build_engines

    languages = set(config["LANGUAGES"])
    order = list(config["MT_ENGINE_ORDER"])
    found = []
    for engine in sorted(build_engines(config), key=lambda e: _rank(order, e.name)):
        if engine.name not in order and not _in_pair_overrides(config, engine.name):
            continue
        installed = engine.available()
        pairs = sorted({(p.source, p.target) for p in engine.pairs()
                        if p.source in languages and p.target in languages}) if installed else []
        found.append(EngineFacts(engine.name, ENGINE_LABELS.get(engine.name, engine.name),
                                 installed, pairs))
    return found


def _rank(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


def _in_pair_overrides(config, name: str) -> bool:
    return any(name in chosen for chosen in (config.get("MT_PAIR_ENGINES") or {}).values())


def cookies(config) -> list[Cookie]:
    """List the cookies the forum may set, with why and for how long."""
    from flask_babel import lazy_gettext as _l

    return [
        Cookie(config.get("SESSION_COOKIE_NAME") or "session",
               _l("Set when you log in or send a form: it keeps you logged in and protects "
                  "forms against forgery. It ends with your visit, unless you chose to stay "
                  "logged in."), 0),
        Cookie(LANGUAGE_COOKIE, _l("Set only when you pick a language: it remembers your "
                                   "choice when you are not logged in."),
               COOKIE_SECONDS // 86400),
        Cookie(config.get("REMEMBER_COOKIE_NAME") or "remember_token",
               _l("Set only if you tick \"Keep me logged in\" when logging in."),
               int(config["REMEMBER_COOKIE_DAYS"])),
    ]


def statement(config) -> Statement:
    """Gather what the privacy page states, from the configuration."""
    return Statement(
        site_name=config["SITE_NAME"], operator_name=config.get("OPERATOR_NAME", ""),
        operator_contact=config.get("OPERATOR_CONTACT", ""),
        security_contact=security_contact(config) or "",
        languages=list(config["LANGUAGES"]), engines=engines(config),
        cookies=cookies(config), secure_cookies=bool(config.get("SECURE_COOKIES")),
        rate_limits=bool(config.get("RATELIMIT_ENABLED")),
        rate_limit_store=rate_limit_store(config.get("RATELIMIT_STORAGE_URI", "")),
        rate_limit_seconds=rate_limit_seconds(config),
        sends_email=bool(config.get("SMTP_HOST")), smtp_host=config.get("SMTP_HOST") or "",
        notifications_days=int(config.get("RETENTION_NOTIFICATIONS_DAYS") or 0),
        reports_days=int(config.get("RETENTION_REPORTS_DAYS") or 0),
        access_log_days=int(config.get("ACCESS_LOG_DAYS") or 0))


def contact_uri(contact: str) -> str:
    """Turn a configured contact into a URI: a bare e-mail address becomes mailto:."""
    contact = contact.strip()
    if "@" in contact and ":" not in contact:
        return "mailto:" + contact
    return contact


def security_contact(config) -> str | None:
    """Return where to report security problems: SECURITY_CONTACT, else the operator's."""
    contact = config.get("SECURITY_CONTACT") or config.get("OPERATOR_CONTACT") or ""
    return contact_uri(contact) if contact.strip() else None


def security_txt(config, canonical: str, now: datetime | None = None) -> str | None:
    """Write security.txt (RFC 9116), or None when the operator gave no contact."""
    contact = security_contact(config)
    if contact is None:
        return None
    day = (now or utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    expires = day + timedelta(days=SECURITY_TXT_DAYS)
    languages = config.get("SECURITY_LANGUAGES") or [config["DEFAULT_LANGUAGE"]]
    return "".join(f"{name}: {value}\n" for name, value in [
        ("Contact", contact), ("Expires", expires.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("Preferred-Languages", ", ".join(languages)), ("Canonical", canonical)])
