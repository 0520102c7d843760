"""The suite runs on the database it was asked to: PostgreSQL in CI, SQLite by default."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_database_is_the_one_database_url_names() -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if os.environ.get("CI") == "true":
        assert connection.vendor == "postgresql", "CI must run the suite against PostgreSQL"
