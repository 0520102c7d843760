"""The sourcing API: the same readers as the pages, the same figures and a valid OCDS export."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.permissions import COMMISSIONING_READERS, check_matrix
from tests.workspace.sourcing.conftest import evaluated
from tests.workspace.sourcing.test_services import SPEND
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import Sourcing

pytestmark = pytest.mark.django_db


def test_every_operation_lets_in_exactly_the_readers(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    for url in (
        f"/api/cycles/{sourcing.cycle.pk}/sourcing",
        f"/api/sourcing/{sourcing.pk}/ocds",
        f"/api/programmes/{sourcing.cycle.programme.pk}/market",
    ):
        check_matrix(client_for, method="get", url=url, allowed=COMMISSIONING_READERS)


def test_the_api_gives_the_costs_and_a_valid_ocds_package(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    services.spend_import(
        actor=cast.users["finance"],
        programme=sourcing.cycle.programme,
        file_name="spend.csv",
        data=SPEND,
    )
    client = client_for("auditor")
    (listed,) = client.get(f"/api/cycles/{sourcing.cycle.pk}/sourcing").json()
    assert listed["route_label"] == "Open procedure"
    assert listed["bids"] == 3
    assert listed["costs"] is None
    package = client.get(listed["ocds_url"]).json()
    report = ProblemReport()
    validate_item(package, "api", report)
    assert not report, report.text()
    market = client.get(f"/api/programmes/{sourcing.cycle.programme.pk}/market").json()
    assert market["spend_providers"] == 2
