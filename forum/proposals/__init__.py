"""Topics, proposals and supports."""
