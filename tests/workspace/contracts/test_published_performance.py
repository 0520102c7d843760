"""Contract performance in the published OCDS: each KPI's rating per period, accepted returns only.

The public register's OCDS and the OCDS of the sourcing route whose award made the agreement
carry the KPIs as the OCDS Metrics extension (``agreedMetrics`` with the target,
``implementation/metrics`` with one observation per period rated), never the figures a
provider returned; both stay valid against the shipped OCDS 1.1.5 schema. The ratings are the
engine's (``spiral.spc.ratings`` through ``kpi_performance``), or the commissioner's override.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from spiral.ocds.metrics import EXTENSION, RATING_CODES, UK_EXTENSION
from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.contracts.conftest import START, Contracts, good_entries
from workspace.contracts import services
from workspace.contracts.models import Agreement, Return
from workspace.contracts.performance import kpi_performance, published_kpis
from workspace.contracts.register import register_ocds
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.sourcing import services as sourcing_services
from workspace.sourcing.models import Sourcing

pytestmark = pytest.mark.django_db

MONTHS = [START, dt.date(2024, 2, 1), dt.date(2024, 3, 1)]


def _returns(cast: Cast, agreement: Agreement, *, accept: int) -> list[Return]:
    """Three monthly returns submitted; the first ``accept`` of them accepted."""
    made = []
    for n, month in enumerate(MONTHS):
        ret = services.return_save(
            actor=cast.users["provider"],
            agreement=agreement,
            period_start=month,
            entries=good_entries(agreement, on_time=96 - 4 * n, days="4.5"),
            spend="33000",
            narrative="Private narrative",
            submit=True,
        )
        if n < accept:
            services.return_accept(actor=cast.users["commissioner"], ret=ret)
        made.append(ret)
    return made


def _valid(package: dict) -> None:
    report = ProblemReport()
    validate_item(package, "package", report)
    assert not report, report.text()


def test_only_accepted_returns_are_rated_in_public(cast: Cast, contracts: Contracts) -> None:
    agreement = contracts.agreement
    rets = _returns(cast, agreement, accept=2)
    engine = {
        (perf.kpi.pk, row["ret"].pk): row["rating"]
        for perf in kpi_performance(agreement)
        for row in perf.rows
    }
    published = published_kpis(agreement)
    assert [k.title for k in published] == ["Visits on time", "Waiting days"]
    for kpi, rated in zip(agreement.kpis.all(), published, strict=True):
        assert [p.start for p in rated.periods] == MONTHS[:2]
        assert [p.rating for p in rated.periods] == [engine[(kpi.pk, r.pk)] for r in rets[:2]]
        assert rated.target == float(kpi.target)


def test_an_override_is_what_is_published(cast: Cast, contracts: Contracts) -> None:
    agreement = contracts.agreement
    rets = _returns(cast, agreement, accept=3)
    kpi = agreement.kpis.get(name="Waiting days")
    services.rating_override(
        actor=cast.users["commissioner"],
        kpi=kpi,
        ret=rets[0],
        rating="requires_improvement",
        reason="Complaints in the month showed waits the figures missed.",
    )
    rated = next(k for k in published_kpis(agreement) if k.title == "Waiting days")
    assert rated.periods[0].rating == "requires_improvement"


def test_the_register_ocds_carries_the_ratings_and_stays_valid(
    cast: Cast, contracts: Contracts
) -> None:
    agreement = contracts.agreement
    _returns(cast, agreement, accept=2)
    package = json.loads(Client().get("/public/kingsmere/register-ocds.json").content)
    _valid(package)
    assert package["extensions"] == [EXTENSION, UK_EXTENSION]
    release = next(
        r for r in package["releases"] if r["ocid"].endswith(f"-agreement-{agreement.pk}")
    )
    assert release["tag"] == ["contract", "implementation"]
    (contract,) = release["contracts"]
    targets = {m["title"]: m["observations"][0]["measure"] for m in contract["agreedMetrics"]}
    assert targets == {"Visits on time": 95.0, "Waiting days": 5.0}
    published = {k.title: k for k in published_kpis(agreement)}
    for metric in contract["implementation"]["metrics"]:
        periods = published[metric["title"]].periods
        assert [o["measureClassification"]["id"] for o in metric["observations"]] == [
            RATING_CODES[p.rating][0] for p in periods
        ]
        assert [o["notes"] for o in metric["observations"]] == [
            RATING_CODES[p.rating][1] for p in periods
        ]
        assert all("value" not in o and "measure" not in o for o in metric["observations"])
    text = json.dumps(package)
    assert "Private narrative" not in text
    assert '"numerator"' not in text


def test_without_accepted_returns_the_register_has_targets_but_no_implementation(
    cast: Cast, contracts: Contracts
) -> None:
    _returns(cast, contracts.agreement, accept=0)
    package = register_ocds(cast.organisations["council"], published_date="2026-01-01T00:00:00Z")
    _valid(package)
    for release in package["releases"]:
        assert release["tag"] == ["contract"]
        assert "implementation" not in release["contracts"][0]
        assert len(release["contracts"][0]["agreedMetrics"]) == 2


def _awarded_sourcing(cast: Cast, contracts: Contracts, cycle: Cycle) -> Sourcing:
    """The route whose award made the contracts' agreement, with two accepted returns."""
    from tests.workspace.sourcing.conftest import evaluated

    procurement = cast.users["procurement"]
    sourcing = sourcing_services.sourcing_create(
        actor=procurement,
        cycle=cycle,
        title="Home care",
        route="pa23_open",
        rationale="Wide market.",
        contract_value=Decimal(1200000),
        planned_on=dt.date(2023, 6, 1),
        tender_start=dt.date(2023, 8, 1),
        tender_end=dt.date(2023, 9, 1),
    )
    evaluated(cast, sourcing)
    decision = sourcing_services.award_record(
        actor=procurement,
        sourcing=sourcing,
        bid=sourcing.bids.get(bidder="Carewell Ltd"),
        awarded_on=dt.date(2023, 11, 1),
        rationale="Best score.",
        contract_start=START,
        contract_end=dt.date(2026, 12, 31),
    )
    agreement = contracts.agreement
    agreement.decision = decision
    agreement.save(update_fields=["decision"])
    _returns(cast, agreement, accept=2)
    return sourcing


def test_the_sourcing_route_that_made_the_agreement_publishes_its_performance(
    cast: Cast, contracts: Contracts, cycle: Cycle
) -> None:
    sourcing = _awarded_sourcing(cast, contracts, cycle)
    package = sourcing_services.ocds_package(sourcing, uri="https://example.org/ocds.json")
    _valid(package)
    assert package["extensions"] == [EXTENSION, UK_EXTENSION]
    implementation = next(r for r in package["releases"] if r["tag"] == ["implementation"])
    metrics = implementation["contracts"][0]["implementation"]["metrics"]
    assert [len(m["observations"]) for m in metrics] == [2, 2]
    assert implementation["date"].startswith("2024-02-29")
    notices = sourcing_services.notices(sourcing)
    assert [n["noticeType"] for n in notices][-1] == "UK9"


def test_the_council_is_the_same_party_in_the_sourcing_ocds_and_the_register(
    cast: Cast, contracts: Contracts, cycle: Cycle
) -> None:
    # Kingsmere holds a GSS code only: no organisation identifier list takes one, so both
    # publications name it by the one fallback, spiral-<slug>, with no identifier object.
    council = cast.organisations["council"]
    assert council.ons_code
    sourcing = _awarded_sourcing(cast, contracts, cycle)
    sourced = sourcing_services.ocds_package(sourcing, uri="https://example.org/ocds.json")
    register = register_ocds(council, published_date="2026-01-01T00:00:00Z")
    buyers = [r["buyer"] for r in sourced["releases"] + register["releases"]]
    assert {b["id"] for b in buyers} == {f"spiral-{council.slug}"}
    parties = [
        p
        for r in sourced["releases"] + register["releases"]
        for p in r.get("parties", [])
        if "buyer" in p["roles"]
    ]
    assert parties
    assert all(p["id"] == f"spiral-{council.slug}" for p in parties)
    assert all("identifier" not in p for p in parties)
    assert "GB-GOR" not in json.dumps(register) + json.dumps(sourced)
    assert "GB-LAC" not in json.dumps(register) + json.dumps(sourced)
