"""A scaled-out deployment: two web servers and two translation workers on one PostgreSQL."""
from __future__ import annotations

import http.cookiejar
import re
import signal
import threading
import time
import urllib.parse
import urllib.request

from sqlalchemy import func, select

import factories as make
from forum import create_app
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation.models import JobState, Translation, TranslationJob
from support_mt import finish, need_apertium, start_worker
from support_serving import start_web

POSTERS_PER_SERVER = 3
COMMENTS_PER_POSTER = 6
CATALAN = "Estic d'acord amb aquesta proposta, número {n}."


class Citizen:
    """A person using the forum through HTTP, with cookies and CSRF tokens like a browser."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def token(self, path: str) -> str:
        html = self.opener.open(self.base + path, timeout=30).read().decode()
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def post(self, path: str, form_path: str, data: dict) -> int:
        data = {**data, "csrf_token": self.token(form_path)}
        request = urllib.request.Request(self.base + path,
                                         data=urllib.parse.urlencode(data).encode())
        return self.opener.open(request, timeout=30).status


def test_two_web_servers_and_two_workers_store_and_translate_everything_once(postgresql_settings):
    need_apertium()
    settings = postgresql_settings
    app = create_app(settings)
    with app.app_context():
        proposal = make.proposal(title="Benches along the river path")
        posters = [make.user(f"poster{i}", language="ca") for i in range(2 * POSTERS_PER_SERVER)]
        proposal_id = proposal.id
        db.session.remove()
    servers = [start_web(settings) for _ in range(2)]
    workers = [start_worker(settings, f"w{i}", MT_POLL_SECONDS=0.2) for i in (1, 2)]
    errors: list[str] = []

    def post_as(index: int, base: str) -> None:
        try:
            citizen = Citizen(base)
            citizen.post("/login", "/login", {"display_name": f"poster{index}",
                                              "password": make.PASSWORD})
            for n in range(COMMENTS_PER_POSTER):
                citizen.post(f"/proposals/{proposal_id}/comments", f"/proposals/{proposal_id}",
                             {"body": CATALAN.format(n=f"{index}-{n}"), "language": "ca"})
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(f"{index}: {error!r}")

    threads = [threading.Thread(target=post_as, args=(i, servers[i % 2][1]))
               for i in range(len(posters))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        with app.app_context():
            owed = lambda: db.session.scalar(select(func.count()).select_from(  # noqa: E731
                TranslationJob).where(TranslationJob.state != JobState.DONE))
            deadline = time.monotonic() + 120
            while owed() and time.monotonic() < deadline:
                db.session.rollback()
                time.sleep(0.5)
            check_everything_once(len(posters) * COMMENTS_PER_POSTER)
            db.session.remove()
            db.engine.dispose()
    finally:
        for process, _ in servers:
            process.send_signal(signal.SIGTERM)
            process.wait(20)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            finish(worker)


def check_everything_once(posted: int) -> None:
    bodies = list(db.session.scalars(select(Comment.body_source)))
    assert len(bodies) == posted and len(set(bodies)) == posted  # each stored once
    jobs = list(db.session.scalars(select(TranslationJob)))
    assert {(j.state, j.attempts) for j in jobs} == {(JobState.DONE, 1)}  # each done once
    assert {j.worker for j in jobs if j.item_type == "comment"} == {"w1", "w2"}
    english = db.session.scalars(select(Translation.text).where(
        Translation.item_type == "comment", Translation.language == "en")).all()
    assert len(english) == posted and \
        all(t.startswith("I agree with this proposal") for t in english)
    for language in ("es", "fr"):
        assert db.session.scalar(select(func.count()).select_from(Translation).where(
            Translation.item_type == "comment", Translation.language == language)) == posted
