"""Tests that drive the real Chromium against a live server."""
