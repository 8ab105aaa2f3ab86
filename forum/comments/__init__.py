"""Threaded comments on proposals."""
