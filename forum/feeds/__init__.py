"""Atom feeds of what people follow, for those who give the forum no e-mail address."""
