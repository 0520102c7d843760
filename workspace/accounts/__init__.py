"""Organisations, people and their roles; sign-in; API tokens."""
