"""Workers as real processes: killed mid-job, running side by side, never in the web process."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import select

import factories
from forum import create_app
from forum.db import db
from forum.machine_translation.models import JobState, Translation, TranslationJob
from support_mt import ROOT, environment, finish, need_apertium, start_worker

CATALAN = ["Estic d'acord amb aquesta proposta.", "Cal més arbres a la plaça.",
           "El barri necessita més bancs.", "Proposo obrir la biblioteca el diumenge."]


def backlog(comments: int) -> None:
    proposal = factories.proposal()
    author = factories.user(language="ca")
    for index in range(comments):
        factories.comment(proposal, author, f"{CATALAN[index % len(CATALAN)]} ({index})")


def jobs() -> list[TranslationJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(TranslationJob)))


def wait_for(condition, timeout: float = 90, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    pytest.fail("condition not reached in time")


def freeze_while_busy(process: subprocess.Popen, name: str) -> list[int]:
    """Stop the worker at a moment it holds claimed jobs; return their ids."""
    while process.poll() is None:
        time.sleep(0.03)
        process.send_signal(signal.SIGSTOP)
        held = [j.id for j in jobs() if j.state == JobState.RUNNING and
                (j.claimed_by or "").startswith(name + ":")]
        if held:
            return held
        process.send_signal(signal.SIGCONT)
    pytest.fail("the worker finished before it could be caught mid-job")


def test_work_of_a_killed_worker_is_completed_by_the_next(app, settings):
    need_apertium()
    backlog(60)
    fast = dict(MT_CLAIM_BATCH=4, MT_LEASE_SECONDS=3, MT_POLL_SECONDS=0.2)
    first = start_worker(settings, "doomed", **fast)

    held = freeze_while_busy(first, "doomed")
    first.kill()  # SIGKILL: no chance to hand anything back
    first.wait()
    second = start_worker(settings, "survivor", **fast)
    wait_for(lambda: all(j.state == JobState.DONE for j in jobs()))
    second.send_signal(signal.SIGTERM)
    finish(second)

    done = {j.id: j for j in jobs()}
    assert all(done[i].attempts == 2 and done[i].worker == "survivor" for i in held)
    assert {j.attempts for i, j in done.items() if i not in held} == {1}
    assert db.session.scalar(select(Translation.text).where(
        Translation.item_type == "comment", Translation.item_id == 1,
        Translation.language == "en")) == "I agree with this proposal. (0)"


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_two_workers_side_by_side_do_each_job_once(engine, settings, request):
    need_apertium()
    if engine == "postgresql":
        settings = request.getfixturevalue("postgresql_settings")
    app = create_app(settings)
    with app.app_context():
        backlog(80)
        owed = len(jobs())
        workers = [start_worker(settings, f"w{i}", "--once", MT_CLAIM_BATCH=3) for i in (1, 2)]
        for worker in workers:
            finish(worker)

        finished = jobs()
        assert len(finished) == owed
        assert {(j.state, j.attempts) for j in finished} == {(JobState.DONE, 1)}
        assert {j.worker for j in finished} == {"w1", "w2"}  # both took part
        db.session.remove()
        db.engine.dispose()


def test_the_web_process_never_imports_translation_libraries(app, settings, tmp_path):
    from support.tiny_argos import build_tiny_package

    package = build_tiny_package(tmp_path / "pkg", "en", "de")
    app.test_cli_runner().invoke(args=["forum", "mt", "install", str(package)])
    admin = factories.user("Admin", role="admin")
    proposal = factories.proposal(admin)
    factories.comment(proposal, admin)
    script = textwrap.dedent(f"""
        import sys
        from forum import create_app
        app = create_app()
        client = app.test_client()
        pages = ["/", "/proposals", "/proposals/{proposal.id}", "/comments/1",
                 "/api/v1/proposals/{proposal.id}?lang=es", "/api/v1/topics", "/healthz"]
        statuses = [client.get(page).status_code for page in pages]
        client.post("/login", data={{"display_name": "Admin", "password": "{factories.PASSWORD}"}})
        statuses.append(client.get("/admin/translation").status_code)
        client.post("/proposals/{proposal.id}/comments", data={{"body": "Hola", "language": "es"}})
        heavy = sorted(m for m in ("argostranslate", "ctranslate2", "torch", "stanza")
                       if m in sys.modules)
        print(statuses, heavy)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, env=environment(settings), timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[200, 200, 200, 200, 200, 200, 200, 200] []"
