"""Provider returns through the API: the provider's token, the form's validation, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.workspace.contracts.conftest import Contracts, good_entries
from workspace.accounts.services import api_token_create
from workspace.contracts.models import Return
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    _, key = api_token_create(user=user, name="returns")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _body(contracts: Contracts, **changes: Any) -> dict[str, Any]:
    entries = good_entries(contracts.agreement)
    values = [{"kpi": pk, **dict(e.items())} for pk, e in entries.items()]
    return {
        "period_start": "2024-01-01",
        "values": values,
        "spend": "1000",
        "narrative": "All well.",
        "submit": True,
        **changes,
    }


def test_a_provider_submits_a_return_with_its_token(cast: Cast, contracts: Contracts) -> None:
    api = _client(cast.users["provider"])
    url = f"/api/agreements/{contracts.agreement.pk}/returns"
    response = api.post(url, _body(contracts), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert len(response.json()["versions"]) == 1


def test_the_api_applies_the_same_validation_as_the_form(cast: Cast, contracts: Contracts) -> None:
    api = _client(cast.users["provider"])
    url = f"/api/agreements/{contracts.agreement.pk}/returns"
    response = api.post(url, _body(contracts, narrative=""), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]["narrative"] == [
        "Enter a short narrative: what happened this period"
    ]
    assert not Return.objects.exists()


def test_another_provider_reaches_nothing_of_brightwaters_through_the_api(
    cast: Cast, contracts: Contracts
) -> None:
    maria = _client(cast.users["provider"])
    created = maria.post(
        f"/api/agreements/{contracts.agreement.pk}/returns",
        _body(contracts),
        content_type="application/json",
    ).json()
    intruder = _client(contracts.other_user)
    a = contracts.agreement.pk
    for path in (
        f"/api/agreements/{a}",
        f"/api/agreements/{a}/returns",
        f"/api/returns/{created['id']}",
    ):
        assert intruder.get(path).status_code == 404, path
    response = intruder.post(
        f"/api/agreements/{a}/returns", _body(contracts), content_type="application/json"
    )
    assert response.status_code == 404
    listed = [item["reference"] for item in intruder.get("/api/agreements").json()]
    assert listed == ["HC-2"]
    assert [item["reference"] for item in maria.get("/api/agreements").json()] == ["HC-1"]


def test_a_commissioner_may_read_returns_but_not_send_them(
    cast: Cast, contracts: Contracts
) -> None:
    api = _client(cast.users["commissioner"])
    a = contracts.agreement.pk
    assert api.get(f"/api/agreements/{a}/returns").status_code == 200
    response = api.post(
        f"/api/agreements/{a}/returns", _body(contracts), content_type="application/json"
    )
    assert response.status_code == 403


EDITORS = frozenset({"commissioner", "analyst", "finance", "procurement"})
READERS = frozenset(
    {"commissioner", "analyst", "finance", "procurement", "approver", "auditor", "administrator"}
)


def test_every_operation_lets_in_exactly_the_right_personas(
    cast: Cast, contracts: Contracts
) -> None:
    from tests.workspace.conftest import PERSONA_KEYS

    maria = _client(cast.users["provider"])
    a = contracts.agreement.pk
    created = maria.post(
        f"/api/agreements/{a}/returns", _body(contracts), content_type="application/json"
    ).json()
    draft = _body(contracts, period_start="2024-02-01", submit=False)
    operations: list[tuple[str, str, dict[str, Any] | None, frozenset[str]]] = [
        ("get", f"/api/agreements/{a}", None, READERS | {"provider"}),
        ("get", f"/api/agreements/{a}/returns", None, READERS | {"provider"}),
        ("get", f"/api/returns/{created['id']}", None, READERS | {"provider"}),
        ("post", f"/api/agreements/{a}/returns", draft, frozenset({"provider"})),
        ("post", f"/api/returns/{created['id']}/query", {"message": "?"}, EDITORS),
    ]
    failures = []
    for method, url, body, allowed in operations:
        for persona in [*PERSONA_KEYS, None]:
            # each query needs a return awaiting review
            Return.objects.filter(pk=created["id"]).update(status=Return.Status.SUBMITTED)
            client = _client(cast.users[persona]) if persona else Client()
            if method == "get":
                status = client.get(url).status_code
            else:
                status = client.post(url, body, content_type="application/json").status_code
            ok = status in {200, 201} if persona in allowed else status in {401, 403, 404}
            if not ok:
                failures.append(f"{method} {url} {persona}: {status}")
    assert not failures
    listing = _client(cast.users["outsider"]).get("/api/agreements").json()
    assert listing == []


def test_a_queried_return_is_resubmitted_through_the_api_keeping_both_versions(
    cast: Cast, contracts: Contracts
) -> None:

    maria = _client(cast.users["provider"])
    url = f"/api/agreements/{contracts.agreement.pk}/returns"
    first = maria.post(url, _body(contracts), content_type="application/json").json()
    priya = _client(cast.users["commissioner"])
    assert (
        maria.post(
            f"/api/returns/{first['id']}/query",
            {"message": "Mine?"},
            content_type="application/json",
        ).status_code
        == 403
    )
    queried = priya.post(
        f"/api/returns/{first['id']}/query", {"message": "Spend?"}, content_type="application/json"
    )
    assert queried.status_code == 200
    assert queried.json()["status"] == "queried"
    again = maria.post(url, _body(contracts, spend="1200"), content_type="application/json")
    assert again.status_code == 201
    body = again.json()
    assert body["status"] == "submitted"
    assert body["queries"] == ["Spend?"]
    assert [(v["number"], v["spend"]) for v in body["versions"]] == [(1, "1000.00"), (2, "1200.00")]
    accepted = priya.post(f"/api/returns/{first['id']}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert Return.objects.get(pk=first["id"]).status == "accepted"
