"""The request boundary: what a request must look like before any view reads it.

Forms are sent as a browser sends them (URL-encoded or multipart); any other body sent
to a page (JSON, XML, plain text) is refused with 415 before a view or a form parses it.
Bodies are limited to `MAX_CONTENT_LENGTH` bytes (413). The read API under /api/ takes
no bodies and answers for itself.
"""
from __future__ import annotations

from flask import abort, request

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_app(app) -> None:
    """Check every request's body before the views see it."""
    app.before_request(refuse_unreadable_bodies)


def refuse_unreadable_bodies() -> None:
    """Refuse a body that is not a form (415), unless it is empty."""
    if request.method not in BODY_METHODS or request.path.startswith("/api/"):
        return
    if request.mimetype in FORM_TYPES:
        return
    if not request.mimetype and not request.content_length:
        return  # an empty POST: the form answers "required", CSRF "expired"
    abort(415)
