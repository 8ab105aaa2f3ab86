"""Absolute links to the forum, for e-mails and commands, built without a request."""
from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """Return the address of a page as people reach it: PUBLIC_URL plus its path.

    A worker or a command has no request to take the host from, and Flask's SERVER_NAME
    would also make the app refuse requests for any other host name, so the path is built
    from the URL map and put under the configured address.
    """
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost")
    return base + adapter.build(endpoint, values)
