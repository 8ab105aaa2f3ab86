"""Moderation: reports, the moderators' queue and actions, appeals, the public log."""


def blueprint():
    """Return the moderation blueprint with the routes of both its modules."""
    from forum.moderation import citizens, views  # noqa: F401 - citizens' routes: reports, appeals

    return views.bp
