"""A live server for the test's app and a real Chromium page to drive it.

`live_server` serves the test's app (and so the test's database) on 127.0.0.1 on a free
port and yields its base URL. `page` is a Playwright page in a fresh browser context; its
`requested_urls` lists every URL the page asked for, so tests can prove no request left
the forum. Chromium is Debian's (/usr/bin/chromium); Playwright never downloads one.
"""
from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from conftest import need

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def settings(settings):
    # A real browser sends the forms' CSRF tokens, as in production.
    return {**settings, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app):
    """Serve the test's app on 127.0.0.1 in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    """Launch Debian's Chromium once per test process."""
    need(os.access(CHROMIUM, os.X_OK), f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """Open a page in a fresh browser context that records every URL it requests."""
    context = chromium.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    page.set_default_timeout(10_000)
    yield page
    context.close()


def only_from(base_url: str, urls: list[str]) -> list[str]:
    """Return the requested URLs that went anywhere but the forum itself."""
    origin = urlsplit(base_url)
    return [u for u in urls if urlsplit(u)[:2] != origin[:2] and not u.startswith("data:")]
