"""Helpers every template uses: addresses, and dates and numbers in the reader's locale.

Features register their own template globals (labels, permissions) in `create_app`;
this module knows no feature.
"""
from __future__ import annotations

import re
from datetime import UTC

from flask import current_app, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_number, get_locale

from forum.web.links import public_url


def url_for_id(endpoint: str, value: int, argument: str = "id") -> str:
    """Build `endpoint`'s address for one id from its rule, read once per request.

    A 1,000-comment thread links each comment several times; building each link with
    url_for would cost more than rendering the comment itself.
    """
    return id_url_template(endpoint, argument).format(int(value))


def id_url_template(endpoint: str, argument: str, external: bool = False) -> str:
    """Return `endpoint`'s address with `{}` for its one id argument (built once a request)."""
    cache = g.setdefault("url_templates", {})
    key = (endpoint, argument, external)
    if key not in cache:
        (rule,) = current_app.url_map.iter_rules(endpoint)
        if rule.arguments != {argument}:
            raise ValueError(f"{endpoint} takes {sorted(rule.arguments)}, not only {argument}")
        base = request.host_url.rstrip("/") if external else ""
        cache[key] = base + request.script_root + re.sub(
            r"<(?:[^<>:]+:)?" + re.escape(argument) + ">", "{}", rule.rule)
    return cache[key]


def short_datetime(value) -> str:
    """Format a UTC timestamp briefly in the reader's locale and the instance's time zone."""
    if "short_datetime_format" not in g:
        from babel import dates
        from flask_babel import get_timezone

        locale, zone = get_locale(), get_timezone()
        g.short_datetime_format = lambda v: dates.format_datetime(
            v.replace(tzinfo=UTC), "short", tzinfo=zone, locale=locale)
    return g.short_datetime_format(value)


def here() -> str:
    """Return the current path with its query string, if it has one (for ?next=)."""
    return request.full_path.rstrip("?")


def url_with(**changes) -> str:
    """Return the current page's address with some query arguments changed or removed."""
    args = {**(request.view_args or {}), **request.args.to_dict(), **changes}
    assert request.endpoint is not None  # only pages a view rendered link to themselves
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v is not None})


def current_locale() -> str:
    """Name the interface language of the request (for the page's lang attribute)."""
    return str(get_locale())


TEMPLATE_GLOBALS = dict(url_with=url_with, here=here, url_for_id=url_for_id,
                        short_datetime=short_datetime, format_date=format_date,
                        format_datetime=format_datetime, format_number=format_number,
                        format_decimal=format_decimal, current_locale=current_locale,
                        public_url=public_url)


def init_app(app) -> None:
    """Make the generic helpers available in every template."""
    app.jinja_env.add_extension("jinja2.ext.do")
    add_globals(app, TEMPLATE_GLOBALS)


def add_globals(app, template_globals: dict) -> None:
    """Make a feature's names available in every template; a name may be taken only once."""
    taken = set(template_globals) & set(app.jinja_env.globals)
    if taken:
        raise ValueError(f"template globals registered twice: {sorted(taken)}")
    app.jinja_env.globals.update(template_globals)
