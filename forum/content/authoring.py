"""Steps shared by every form where people write: the language check, form errors."""
from __future__ import annotations

from flask import current_app

from forum.content.language import mismatch
from forum.content.validation import ContentError


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
