"""Which language a person reads the interface and the content in."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app, g, request
from flask_babel import get_locale
from flask_login import current_user

from forum.extensions import babel

LANGUAGE_COOKIE = "lang"
# Scripts written right to left; the page's dir attribute follows the language.
RTL_LANGUAGES = {"ar", "he", "fa", "ur"}


def init_app(app) -> None:
    """Bind Flask-Babel with the forum's locale negotiation."""
    babel.init_app(app, locale_selector=select_ui_language)
    app.jinja_env.globals.update(language_name=language_name,
                                 reading_language=reading_language,
                                 text_direction=text_direction)


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
    try:
        name = Locale.parse(code).get_display_name(in_language)
    except (ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


def native_language_name(code: str) -> str:
    """Name a language in itself, for language pickers."""
    return language_name(code, code)


def text_direction(code: str) -> str:
    """Return "rtl" or "ltr" for a language code."""
    return "rtl" if code[:2] in RTL_LANGUAGES else "ltr"
