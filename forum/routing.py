"""URL converters: ids in addresses stay within what the databases can store."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; larger ids cannot exist, so they are 404s


class IdConverter(IntegerConverter):
    """An integer from 1 to MAX_ID; anything else does not match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    """Make `<int:…>` in every route a bounded id."""
    app.url_map.converters["int"] = IdConverter
