"""Topics, proposals and supports."""


def blueprint():
    """Return the proposals blueprint with the routes of both its modules."""
    from forum.proposals import topics, views  # noqa: F401 - topics' routes: topic admin

    return views.bp
