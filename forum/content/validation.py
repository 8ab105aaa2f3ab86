"""Limits on what people write, shared by forms, services and the API."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l


class ContentError(ValueError):
    """A text that cannot be accepted; `field` says which input is at fault."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _clean(text: str | None) -> str:
    # Control characters other than newline and tab have no place in a text and can
    # break engines and terminals downstream.
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or ch >= " " and ch != "\x7f").strip()


def check_length(field: str, text: str | None, minimum: int, maximum: int) -> str:
    """Return the cleaned text, or raise ContentError when it is too short or too long."""
    text = _clean(text)
    if len(text) < minimum:
        if minimum <= 1:
            raise ContentError(field, _l("This field cannot be empty."))
        raise ContentError(field, _l("Write at least %(n)s characters.", n=minimum))
    if len(text) > maximum:
        raise ContentError(field, _l("Write at most %(n)s characters (this has %(m)s).",
                                     n=maximum, m=len(text)))
    return text


def check_language(language: str | None) -> str:
    """Return the language if the instance accepts content in it, else raise ContentError."""
    if language is None or language not in current_app.config["LANGUAGES"]:
        raise ContentError("language", _l("Choose one of the offered languages."))
    return language


def title(text: str | None) -> str:
    """Validate and clean a proposal title (one line)."""
    config = current_app.config
    cleaned = check_length("title", " ".join((text or "").split()),
                           config["TITLE_MIN_LENGTH"], config["TITLE_MAX_LENGTH"])
    return cleaned


def proposal_body(text: str | None) -> str:
    """Validate and clean a proposal body (markdown)."""
    config = current_app.config
    return check_length("body", text, config["PROPOSAL_BODY_MIN_LENGTH"],
                        config["PROPOSAL_BODY_MAX_LENGTH"])


def comment_body(text: str | None) -> str:
    """Validate and clean a comment (markdown)."""
    return check_length("body", text, 1, current_app.config["COMMENT_MAX_LENGTH"])
