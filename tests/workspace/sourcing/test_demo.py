"""The demo council's sourcing records and market data load through the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from workspace.audit.services import audit_verify
from workspace.cycles.demo import load_cycles_demo
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.demo import load_sourcing_demo
from workspace.sourcing.models import ImportedProcess, MarketImport, Sourcing

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cast: Cast) -> None:
    load_cycles_demo(cast=cast, progress=lambda message: None)
    load_sourcing_demo(cast=cast, progress=lambda message: None)


def test_every_programme_has_a_sourcing_record_with_costs(demo: None) -> None:
    sourcings = list(Sourcing.objects.all())
    assert len(sourcings) == 5
    assert {s.cycle.programme.name for s in sourcings} == {
        "Adult home care",
        "Drug and alcohol treatment",
        "0–19 public health nursing",
        "Domestic abuse support",
        "Homelessness prevention",
    }
    for sourcing in sourcings:
        assert services.cost_summary(sourcing) is not None
        report = ProblemReport()
        validate_item(services.ocds_package(sourcing, uri="https://k.example/x"), "demo", report)
        assert not report, report.text()


def test_the_small_pilot_shows_procurement_costing_more_than_it_saves(demo: None) -> None:
    pilot = Sourcing.objects.get(title="Recovery café pilot")
    summary = services.cost_summary(pilot)
    assert summary is not None
    assert summary.costs_more_than_it_saves
    zone = Sourcing.objects.get(title="Home care, rural north zone")
    assert not services.cost_summary(zone).costs_more_than_it_saves  # type: ignore[union-attr]
    assert zone.award_decision is not None
    assert zone.cycle.decisions.filter(pk=zone.award_decision.pk).exists()


def test_the_contracts_finder_packages_and_a_spend_file_are_imported(demo: None) -> None:
    ocds = MarketImport.objects.filter(kind=MarketImport.Kind.OCDS)
    assert ocds.count() == 5
    for record in ocds:
        assert ImportedProcess.objects.filter(market_import=record).count() == 100
    assert MarketImport.objects.filter(kind=MarketImport.Kind.SPEND).count() == 1


def test_loading_twice_changes_nothing_and_the_trail_verifies(cast: Cast, demo: None) -> None:
    before = (Sourcing.objects.count(), MarketImport.objects.count())
    load_sourcing_demo(cast=cast, progress=lambda message: None)
    assert (Sourcing.objects.count(), MarketImport.objects.count()) == before
    assert audit_verify().ok


def test_the_demo_market_page_shows_charts_and_tables(
    demo: None, client_for: Callable[[str | None], Client]
) -> None:
    programme = Sourcing.objects.get(title="Home care, rural north zone").cycle.programme
    body = client_for("analyst").get(f"/programmes/{programme.pk}/market/").content.decode()
    assert body.count('role="img"') == 2
    assert "Kingsmere Community Care CIC" in body
