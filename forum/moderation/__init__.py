"""Moderation: reports, the moderators' queue and actions, appeals, the public log."""
