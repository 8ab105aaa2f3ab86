"""Names and formats templates use: states, alignments, roles, engines, dates."""
from __future__ import annotations

from flask import request, url_for
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


def engine_names(chain: str | None) -> str:
    """Name the engines of a chain like "apertium:cat-spa>argos:es-en", without repeats."""
    names = []
    for hop in (chain or "").split(">"):
        name = ENGINE_LABELS.get(hop.split(":")[0], hop.split(":")[0])
        if name and name not in names:
            names.append(name)
    return " + ".join(names)


def url_with(**changes) -> str:
    """Return the current page's address with some query arguments changed or removed."""
    args = {**(request.view_args or {}), **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v is not None})


def init_app(app) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        state_label=state_label, alignment_label=alignment_label, role_label=role_label,
        engine_names=engine_names, url_with=url_with, format_date=format_date, format_datetime=format_datetime,
        format_number=format_number, format_decimal=format_decimal,
        current_locale=lambda: str(get_locale()))
    from forum.comments import access as comment_access

    app.jinja_env.globals["comment_access"] = comment_access
