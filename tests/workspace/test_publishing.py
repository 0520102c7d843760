"""An organisation's registered ocid prefix: set by its administrators, audited, and used by
every OCDS it publishes (sourcing records and the public contracts register), which stays valid
against the shipped OCDS 1.1.5 schema."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.contracts.conftest import Contracts, contracts  # noqa: F401
from tests.workspace.cycles.conftest import _media_in_tmp, cycle, frameworks, programme  # noqa: F401
from tests.workspace.permissions import check_matrix
from workspace.accounts.models import Organisation
from workspace.accounts.services import organisation_ocid_prefix_set
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.sourcing import services as sourcing_services

pytestmark = pytest.mark.django_db


def _council(cast: Cast) -> Organisation:
    return cast.organisations["council"]


def test_only_the_administrator_opens_the_page(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    url = f"/organisations/{_council(cast).slug}/publishing/"
    check_matrix(client_for, method="get", url=url, allowed={"administrator"})
    check_matrix(client_for, method="post", url=url, allowed={"administrator"})


@pytest.mark.parametrize(
    "persona",
    [
        "commissioner",
        "analyst",
        "finance",
        "procurement",
        "approver",
        "auditor",
        "provider",
        "outsider",
    ],
)
def test_no_one_else_sets_the_prefix(cast: Cast, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        organisation_ocid_prefix_set(
            actor=cast.users[persona], organisation=_council(cast), prefix="ocds-abc123"
        )
    assert Organisation.objects.get(pk=_council(cast).pk).ocid_prefix == ""


def test_the_prefix_is_checked_audited_and_can_be_cleared(cast: Cast) -> None:
    council = _council(cast)
    admin = cast.users["administrator"]
    with pytest.raises(ValidationError) as caught:
        organisation_ocid_prefix_set(actor=admin, organisation=council, prefix="ocds-12345")
    assert "is not an ocid prefix" in caught.value.message_dict["ocid_prefix"][0]
    organisation_ocid_prefix_set(actor=admin, organisation=council, prefix=" OCDS-K1NGSM ")
    council.refresh_from_db()
    assert council.ocid_prefix == "ocds-k1ngsm"
    assert council.publishing_prefix == "ocds-k1ngsm"
    event = AuditEvent.objects.get(action="set ocid prefix")
    assert event.before["ocid_prefix"] == ""
    assert event.after["ocid_prefix"] == "ocds-k1ngsm"
    organisation_ocid_prefix_set(actor=admin, organisation=council, prefix="")
    council.refresh_from_db()
    assert council.publishing_prefix == "ocds-spiral"


def test_the_page_shows_errors_and_saves(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("administrator")
    url = f"/organisations/{_council(cast).slug}/publishing/"
    body = client.post(url, {"ocid_prefix": "ocds-toolong1"}).content.decode()
    assert "There is a problem" in body
    assert "is not an ocid prefix" in body
    assert client.post(url, {"ocid_prefix": "ocds-k1ngsm"}).status_code == 302
    page = client.get(url).content.decode()
    assert "ocds-k1ngsm-kingsmere-1" in page
    assert "ocds-k1ngsm-kingsmere-agreement-1" in page


def test_the_page_says_how_the_organisation_is_named_as_buyer(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    council = _council(cast)
    page = client_for("administrator").get(f"/organisations/{council.slug}/publishing/")
    body = page.content.decode()
    assert f"<code>spiral-{council.slug}</code>" in body
    assert "a GSS code is not one" in body


def test_sourcing_exports_use_the_registered_prefix_and_stay_valid(
    cast: Cast,
    cycle: Cycle,  # noqa: F811
    client_for: Callable[[str | None], Client],
) -> None:
    organisation_ocid_prefix_set(
        actor=cast.users["administrator"], organisation=_council(cast), prefix="ocds-k1ngsm"
    )
    sourcing = sourcing_services.sourcing_create(
        actor=cast.users["procurement"],
        cycle=cycle,
        title="Home care",
        route="pa23_open",
        rationale="Wide market.",
        contract_value=Decimal(900000),
        planned_on=dt.date(2025, 1, 6),
        tender_start=dt.date(2025, 2, 3),
        tender_end=dt.date(2025, 3, 3),
    )
    assert sourcing.ocid == f"ocds-k1ngsm-kingsmere-{sourcing.pk}"
    response = client_for("auditor").get(f"/sourcing/{sourcing.pk}/ocds.json")
    package = json.loads(response.content)
    assert {r["ocid"] for r in package["releases"]} == {sourcing.ocid}
    assert all(r["id"].startswith(sourcing.ocid) for r in package["releases"])
    report = ProblemReport()
    validate_item(package, "export", report)
    assert not report, report.text()
    notices = json.loads(client_for("auditor").get(f"/sourcing/{sourcing.pk}/notices.json").content)
    assert notices["ocid"] == sourcing.ocid


def test_the_public_register_uses_the_registered_prefix_and_stays_valid(
    cast: Cast,
    contracts: Contracts,  # noqa: F811
) -> None:
    from workspace.contracts import services as contract_services
    from workspace.contracts.register import register_ocds

    council = _council(cast)
    for agreement in (contracts.agreement, contracts.other):
        contract_services.agreement_publish(
            actor=cast.users["commissioner"],
            agreement=agreement,
            published=True,
            value_confidential=False,
        )
    organisation_ocid_prefix_set(
        actor=cast.users["administrator"], organisation=council, prefix="ocds-k1ngsm"
    )
    package = register_ocds(council, published_date="2026-01-01T00:00:00Z")
    report = ProblemReport()
    validate_item(package, "register", report)
    assert not report, report.text()
    assert sorted(r["ocid"] for r in package["releases"]) == sorted(
        f"ocds-k1ngsm-kingsmere-agreement-{a.pk}" for a in (contracts.agreement, contracts.other)
    )
