"""The workspace's test cast: one person per role, plus an outsider from another council.

Every workspace test signs in as one of these personas (see ``workspace/demo/personas.py``)
rather than building users by hand, so the permission tests and the demo agree.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from workspace.demo.personas import PERSONAS, Cast, create_cast

PERSONA_KEYS = [p.key for p in PERSONAS]
"""commissioner, analyst, finance, procurement, approver, auditor, administrator, provider,
outsider."""


@pytest.fixture
def cast(db: None) -> Cast:
    return create_cast(password=None)


@pytest.fixture
def client_for(cast: Cast) -> Callable[[str | None], Client]:
    """A test client signed in as the named persona (``None``: an anonymous visitor)."""

    def make(persona: str | None) -> Client:
        client = Client()
        if persona is not None:
            client.force_login(cast.users[persona])
        return client

    return make
