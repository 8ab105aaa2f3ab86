"""The versioned, read-only JSON API (/api/v1), also the basis of open-data exports."""


def blueprint():
    """Return the API blueprint with the routes of both its modules."""
    from forum.api import open_data, views  # noqa: F401 - open_data's routes: exports

    return views.bp
