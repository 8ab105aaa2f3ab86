"""Which language a person reads the interface and the content in."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Blueprint, current_app, g, has_request_context, redirect, request
from flask_babel import get_locale
from flask_login import current_user

from forum.extensions import babel

LANGUAGE_COOKIE = "lang"
# Scripts written right to left; the page's dir attribute follows the language.
RTL_LANGUAGES = {"ar", "he", "fa", "ur"}


def init_app(app) -> None:
    """Bind Flask-Babel with the forum's locale negotiation."""
    babel.init_app(app, locale_selector=select_ui_language)


def _preferred(offered: list[str]) -> str | None:
    """Return the person's setting, else their cookie, else Accept-Language, if offered."""
    if current_user and current_user.is_authenticated and current_user.language in offered:
        return current_user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in offered:
        return cookie
    return request.accept_languages.best_match(offered)


def select_ui_language() -> str:
    """Pick the interface language among the catalogs the instance offers."""
    if not has_request_context():  # a CLI command or the worker: the instance's default
        return current_app.config["DEFAULT_LANGUAGE"]
    offered = current_app.config["UI_LANGUAGES"]
    return _preferred(offered) or current_app.config["DEFAULT_LANGUAGE"]


def reading_language() -> str:
    """Pick the language content is shown in: preference, cookie, browser, interface."""
    if "reading_language" not in g:
        offered = current_app.config["LANGUAGES"]
        ui = str(get_locale())
        g.reading_language = _preferred(offered) or (ui if ui in offered else offered[0])
    return g.reading_language


def language_name(code: str, in_language: str | None = None) -> str:
    """Name a language in the reader's interface language, e.g. "Catalan" or "català"."""
    return _display_name(code, in_language or str(get_locale()))


@lru_cache(maxsize=4096)
def _display_name(code: str, in_language: str) -> str:
    # As the language writes it mid-sentence: "Catalan" in English, "catalan" in French.
    try:
        return Locale.parse(code).get_display_name(in_language) or code
    except (ValueError, TypeError):
        return code


def native_language_name(code: str) -> str:
    """Name a language in itself, capitalised as an item of a language picker."""
    name = language_name(code, code)
    return name[:1].upper() + name[1:]


def text_direction(code: str) -> str:
    """Return "rtl" or "ltr" for a language code."""
    return "rtl" if code[:2] in RTL_LANGUAGES else "ltr"


# --- The language switcher on every page --------------------------------------------

bp = Blueprint("languages", __name__)
COOKIE_SECONDS = 365 * 24 * 3600


def chosen_language() -> str:
    """Return the language the reader chose (setting, cookie), else the interface's."""
    if current_user and current_user.is_authenticated:
        return current_user.language
    return request.cookies.get(LANGUAGE_COOKIE) or str(get_locale())


def switcher_languages() -> list[tuple[str, str]]:
    """List the languages a reader may pick (interface ones, then content-only ones)."""
    config = current_app.config
    codes = list(dict.fromkeys(config["UI_LANGUAGES"] + config["LANGUAGES"]))
    return [(code, native_language_name(code)) for code in codes]


@bp.route("/language", methods=["GET", "POST"])
def choose():
    """Remember a reader's language: a cookie for visitors, the setting for members."""
    from forum.db import db
    from forum.web.arguments import safe_next

    code = request.values.get("code", "")
    target = redirect(safe_next(request.values.get("next")))
    if code not in dict(switcher_languages()):
        return target
    if current_user.is_authenticated:
        # A member's choice changes their setting, which outranks any cookie; a GET may
        # not change an account (no CSRF token on links), so members use the POST form.
        if request.method != "POST":
            return target
        current_user.language = code
        db.session.commit()
    target.set_cookie(LANGUAGE_COOKIE, code, max_age=COOKIE_SECONDS, httponly=True,
                      samesite="Lax", secure=current_app.config.get("SECURE_COOKIES", False))
    return target


TEMPLATE_GLOBALS = dict(language_name=language_name, reading_language=reading_language,
                        text_direction=text_direction, switcher_languages=switcher_languages,
                        chosen_language=chosen_language)
