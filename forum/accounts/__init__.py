"""Accounts: registration, login, roles and profiles."""
