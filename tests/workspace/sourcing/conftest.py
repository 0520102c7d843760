"""Fixtures for sourcing: the cycles' programme and cycle, and a sourcing route on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.workspace.cycles import conftest as cycle_fixtures
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import Sourcing

# The programme and cycle fixtures of the cycles' tests, shared.
_media_in_tmp = cycle_fixtures._media_in_tmp
frameworks = cycle_fixtures.frameworks
programme = cycle_fixtures.programme
cycle = cycle_fixtures.cycle


@pytest.fixture
def sourcing(cast: Cast, cycle: Cycle) -> Sourcing:
    return services.sourcing_create(
        actor=cast.users["procurement"],
        cycle=cycle,
        title="Home care framework",
        route="pa23_open",
        rationale="The options appraisal favoured an external contract; the market is wide.",
        contract_value=Decimal("2400000"),
        planned_on=dt.date(2025, 1, 6),
        tender_start=dt.date(2025, 3, 3),
        tender_end=dt.date(2025, 4, 4),
    )


def evaluated(cast: Cast, sourcing: Sourcing) -> None:
    """Give the route its weights and three scored bids."""
    user = cast.users["procurement"]
    services.criteria_set(actor=user, sourcing=sourcing, price=40, quality=50, social_value=10)
    for bidder, price, quality, social in (
        ("Carewell Ltd", "2300000", "80", "60"),
        ("Kingsmere Community Care CIC", "2100000", "70", "90"),
        ("National Homecare plc", "1900000", "55", "40"),
    ):
        services.bid_record(
            actor=user,
            sourcing=sourcing,
            bidder=bidder,
            price=Decimal(price),
            quality_score=Decimal(quality),
            social_value_score=Decimal(social),
            sme=bidder != "National Homecare plc",
            vcse=bidder.endswith("CIC"),
            moderation_notes="Scores agreed at moderation.",
        )
