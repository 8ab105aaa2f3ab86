"""A web process that serves pages stays lean: what only writers or workers need is not loaded."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import factories
from support_mt import ROOT, environment

# Loaded only where they are used: translation in workers; the password lists (12 MB) when a
# password is chosen; the language identifier when a text is written.
NOT_FOR_READING = ("argostranslate", "ctranslate2", "torch", "stanza", "zxcvbn", "lingua")


def test_reading_pages_loads_none_of_what_only_writing_or_translating_needs(app, settings):
    proposal = factories.proposal()
    factories.comment(proposal)
    script = textwrap.dedent(f"""
        import sys
        from forum import create_app
        app = create_app()
        client = app.test_client()
        pages = ["/", "/proposals", "/proposals/{proposal.id}", "/comments/1", "/search?q=a",
                 "/api/v1/proposals/{proposal.id}?lang=es", "/accountability", "/login"]
        statuses = [client.get(page).status_code for page in pages]
        loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({NOT_FOR_READING!r}))
        print(statuses, loaded)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, env=environment(settings), timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{[200] * 8} []"
