"""Verified residents: one-time codes handed out by the town, without ID numbers."""
