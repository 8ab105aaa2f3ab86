"""Error pages and JSON errors: every failure gets a clear answer, never a bare 500."""
