"""A permission matrix: for one request, which personas get in and which are refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.test import Client

from tests.workspace.conftest import PERSONA_KEYS

ANYONE_SIGNED_IN = frozenset(PERSONA_KEYS)
COMMISSIONING_READERS = frozenset(
    {"commissioner", "analyst", "finance", "procurement", "approver", "auditor", "administrator"}
)
COMMISSIONING_EDITORS = frozenset({"commissioner", "analyst", "finance", "procurement"})
AUDIT_READERS = frozenset({"auditor", "administrator"})


def check_matrix(
    client_for: Callable[[str | None], Client],
    *,
    method: str,
    url: str,
    allowed: Iterable[str],
    data: dict[str, Any] | None = None,
    allowed_status: Iterable[int] = (200, 302),
    refused_status: Iterable[int] = (403, 404),
) -> None:
    """Assert every persona in ``allowed`` gets in and every other persona, and an anonymous
    visitor, is refused (an anonymous page visit is sent to sign in)."""
    allowed_set = set(allowed)
    failures = []
    for persona in [*PERSONA_KEYS, None]:
        response = getattr(client_for(persona), method)(url, data or {})
        if persona in allowed_set:
            ok = response.status_code in set(allowed_status)
            if response.status_code == 302:
                ok = ok and "/sign-in/" not in response["Location"]
        elif persona is None:
            ok = response.status_code in {401, 403, 404} or (
                response.status_code == 302 and "/sign-in/" in response["Location"]
            )
        else:
            ok = response.status_code in set(refused_status)
        if not ok:
            failures.append(f"{persona or 'anonymous'}: {response.status_code}")
    assert not failures, f"{method.upper()} {url}: unexpected access for {', '.join(failures)}"
