"""Steps shared by every form where people write: the language check, form errors."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.content.language import mismatch
from forum.content.validation import ContentError
from forum.i18n import language_name


@dataclass
class Written:
    """What became of a writing form: saved (with the service's result), or shown again."""

    saved: bool = False
    result: Any = None
    language_message: str | None = None


def write(form, text: str | Callable[[], str], save: Callable[[], Any]) -> Written:
    """Validate `form`, check its language against `text`, then `save()`; never raise.

    A service's ContentError becomes a form error; a doubtful language a message asking
    the author to confirm, which a second identical submission does.
    """
    if not form.validate_on_submit():
        return Written()
    found = doubtful_language(form, text() if callable(text) else text)
    if found:
        return Written(language_message=language_warning(found, form.language.data))
    try:
        return Written(saved=True, result=save())
    except ContentError as error:
        add_error(form, error)
        return Written()


def language_warning(found: str, declared: str) -> str:
    """Explain to an author that the text seems to be in another language."""
    return _l("This text looks like %(found)s, but it is marked as %(declared)s. "
              "Check the language and send again; others read it machine-translated "
              "from the language you choose.",
              found=language_name(found), declared=language_name(declared))


def doubtful_language(form, text: str) -> str | None:
    """Return the language the text seems to be in, unless the author already confirmed."""
    declared = form.language.data
    if not current_app.config["LANGUAGE_CHECK"] or form.language_confirmed.data == declared:
        return None
    found = mismatch(text, declared, current_app.config["LANGUAGES"])
    if found:
        # A second submission with the same declared language means "yes, I am sure".
        form.language_confirmed.data = declared
    return found


def add_error(form, error: ContentError) -> None:
    """Show a service's ContentError next to the form field it concerns."""
    target = getattr(form, error.field, None)
    if target is None or not hasattr(target, "errors"):
        target = getattr(form, "body", None) or next(iter(form))
    errors = list(target.errors)
    errors.append(str(error.message))
    target.errors = errors
