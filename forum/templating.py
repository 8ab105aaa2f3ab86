"""Names and formats templates use: states, alignments, roles, engines, dates."""
from __future__ import annotations

from datetime import UTC
from functools import lru_cache

from flask import g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_number, get_locale
from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "open": _l("Open"), "under_review": _l("Under review"), "accepted": _l("Accepted"),
    "rejected": _l("Rejected"), "implemented": _l("Implemented"), "withdrawn": _l("Withdrawn"),
}
ALIGNMENT_LABELS = {"for": _l("For"), "against": _l("Against"), "neutral": _l("Neutral")}
ROLE_LABELS = {"citizen": _l("Citizen"), "moderator": _l("Moderator"), "admin": _l("Admin")}
ENGINE_LABELS = {"apertium": "Apertium", "argos": "Argos Translate"}


def state_label(state: str) -> str:
    """Name a proposal state in the interface language."""
    return str(STATE_LABELS.get(state, state))


def alignment_label(alignment: str) -> str:
    """Name a comment's position in the interface language."""
    return str(ALIGNMENT_LABELS.get(alignment, alignment))


def role_label(role: str) -> str:
    """Name a role in the interface language."""
    return str(ROLE_LABELS.get(role, role))


@lru_cache(maxsize=1024)
def engine_names(chain: str | None) -> str:
    """Name the engines of a chain like "apertium:cat-spa>argos:es-en", without repeats."""
    names = []
    for hop in (chain or "").split(">"):
        name = ENGINE_LABELS.get(hop.split(":")[0], hop.split(":")[0])
        if name and name not in names:
            names.append(name)
    return " + ".join(names)


_SENTINEL = 987654321


def url_for_id(endpoint: str, value: int, argument: str = "id") -> str:
    """Build `endpoint`'s URL for one id, reusing the rule built once per request.

    A 1,000-comment thread links each comment several times; building each link with
    url_for would cost more than rendering the comment itself.
    """
    cache = g.setdefault("url_templates", {})
    key = (endpoint, argument)
    if key not in cache:
        cache[key] = url_for(endpoint, **{argument: _SENTINEL}).split(str(_SENTINEL), 1)
    prefix, suffix = cache[key]
    return f"{prefix}{int(value)}{suffix}"


def short_datetime(value) -> str:
    """Format a UTC timestamp briefly in the reader's locale and the instance's time zone."""
    if "short_datetime_format" not in g:
        from babel import dates
        from flask_babel import get_timezone

        locale, zone = get_locale(), get_timezone()
        g.short_datetime_format = lambda v: dates.format_datetime(
            v.replace(tzinfo=UTC), "short", tzinfo=zone, locale=locale)
    return g.short_datetime_format(value)


def provenance_label(shown) -> str:
    """Say where a shown text comes from ("Machine-translated from Catalan by Apertium").

    Cached per page: a thread repeats the same few labels hundreds of times.
    """
    from flask_babel import gettext as _

    from forum.i18n import language_name

    key = (shown.status, shown.original_language, shown.engine) if shown else None
    cache = g.setdefault("provenance_labels", {})
    if key not in cache:
        if shown is None:
            cache[key] = _("Show original")
        elif shown.status == "translated":
            cache[key] = _("Machine-translated from %(language)s by %(engine)s",
                           language=language_name(shown.original_language),
                           engine=engine_names(shown.engine))
        elif shown.status == "pending":
            cache[key] = _("Translation pending: shown in the original %(language)s.",
                           language=language_name(shown.original_language))
        else:
            cache[key] = _("No translation available for this language: shown in the "
                           "original %(language)s.", language=language_name(shown.original_language))
    return cache[key]


def thread_viewer(proposal):
    """Work out the current reader's permissions over a thread once."""
    from flask_login import current_user

    from forum.comments.access import Viewer

    return Viewer(current_user._get_current_object(), proposal)


def unread_notifications() -> int:
    """Count the current person's unread notifications (one query, only when shown)."""
    from flask_login import current_user

    from forum.notifications.service import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def here() -> str:
    """Return the current path with its query string, if it has one (for ?next=)."""
    return request.full_path.rstrip("?")


def url_with(**changes) -> str:
    """Return the current page's address with some query arguments changed or removed."""
    args = {**(request.view_args or {}), **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v is not None})


def init_app(app) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        state_label=state_label, alignment_label=alignment_label, role_label=role_label,
        engine_names=engine_names, url_with=url_with, here=here, unread_notifications=unread_notifications, url_for_id=url_for_id, short_datetime=short_datetime,
        thread_viewer=thread_viewer, provenance_label=provenance_label, format_date=format_date, format_datetime=format_datetime,
        format_number=format_number, format_decimal=format_decimal,
        current_locale=lambda: str(get_locale()))
