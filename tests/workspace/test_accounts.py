"""Signing in and out, throttling, and API tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from workspace.accounts.models import ApiToken
from workspace.audit.models import AuditEvent
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya(cast: Cast) -> Cast:
    user = cast.users["commissioner"]
    user.set_password("a-long-enough-password")
    user.save()
    return cast


def test_a_person_signs_in_with_their_password_and_lands_at_home(priya: Cast) -> None:
    response = Client().post(
        "/sign-in/", {"username": "priya.shah", "password": "a-long-enough-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_gov_uk_error(priya: Cast) -> None:
    response = Client().post("/sign-in/", {"username": "priya.shah", "password": "wrong"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a correct username and password" in body
    assert 'href="#id_username"' in body


def test_sign_in_is_refused_after_five_failures_even_with_the_right_password(
    priya: Cast,
) -> None:
    client = Client()
    for _ in range(5):
        client.post("/sign-in/", {"username": "priya.shah", "password": "wrong"})
    response = client.post(
        "/sign-in/", {"username": "priya.shah", "password": "a-long-enough-password"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_sign_in_does_not_redirect_to_another_site(priya: Cast) -> None:
    response = Client().post(
        "/sign-in/",
        {
            "username": "priya.shah",
            "password": "a-long-enough-password",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_signing_out_needs_a_post(client_for: Callable[[str | None], Client]) -> None:
    client = client_for("commissioner")
    assert client.get("/sign-out/").status_code == 405
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"


def test_home_lists_the_persons_organisations_and_roles(
    client_for: Callable[[str | None], Client],
) -> None:
    body = client_for("commissioner").get("/").content.decode()
    assert "Kingsmere Borough Council" in body
    assert "Commissioner" in body
    assert "Northdale" not in body


def test_an_api_token_is_shown_once_and_stored_only_as_a_hash(
    client_for: Callable[[str | None], Client],
) -> None:
    client = client_for("provider")
    response = client.post("/account/", {"name": "Case system"})
    body = response.content.decode()
    token = ApiToken.objects.get()
    key = body.split('data-testid="new-token">')[1].split("<")[0]
    assert key.startswith("spl_")
    assert key not in token.key_hash
    assert AuditEvent.objects.filter(action="created API token").count() == 1
    assert key not in client.get("/account/").content.decode()


def test_an_empty_token_name_is_refused_naming_the_field(
    client_for: Callable[[str | None], Client],
) -> None:
    response = client_for("provider").post("/account/", {"name": ""})
    assert "Enter what the token is for" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_a_person_cannot_revoke_someone_elses_token(
    client_for: Callable[[str | None], Client],
) -> None:
    client_for("provider").post("/account/", {"name": "Case system"})
    token = ApiToken.objects.get()
    assert client_for("commissioner").post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert client_for("provider").post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
