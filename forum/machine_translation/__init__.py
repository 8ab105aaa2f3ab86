"""Machine translation on the server: owed work, workers, engines, and reading.

Web processes use only the light parts (outbox, reading, admin view). Engines translate
in worker processes alone.
"""
from forum.machine_translation import outbox  # noqa: F401  (registers the session hooks)
