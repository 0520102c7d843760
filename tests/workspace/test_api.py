"""The HTTP API: token authentication, and the OpenAPI document at a stable URL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from workspace.accounts.services import api_token_create, api_token_revoke
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def test_a_token_identifies_its_owner_and_their_roles(cast: Cast) -> None:
    _, key = api_token_create(user=cast.users["commissioner"], name="script")
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json() == {
        "username": "priya.shah",
        "memberships": [
            {
                "organisation": "Kingsmere Borough Council",
                "organisation_slug": "kingsmere",
                "role": "commissioner",
            }
        ],
    }


def test_no_token_a_wrong_token_and_a_revoked_token_are_refused(cast: Cast) -> None:
    token, key = api_token_create(user=cast.users["commissioner"], name="script")
    assert Client().get("/api/me").status_code == 401
    assert Client().get("/api/me", headers={"Authorization": "Bearer spl_nope"}).status_code == 401
    api_token_revoke(user=cast.users["commissioner"], token=token)
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_a_signed_in_session_also_works(client_for: Callable[[str | None], Client]) -> None:
    assert client_for("auditor").get("/api/me").json()["username"] == "sam.reid"


def test_the_openapi_document_is_published(db: None) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Spiral API"
