"""Sourcing services: routes, transaction costs, evaluation, award, publication, imports.

The OCDS exports are validated against the OCDS 1.1.5 schema shipped in ``spiral/ocds/schema``
with :func:`spiral.ocds.validation.validate_item`; the OCDS imports use the real Contracts
Finder packages shipped in ``spiral/demo_data/contracts_finder`` (Open Government Licence).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from spiral.ocds.compile import compiled_releases
from spiral.ocds.indicators import award_table, process_table, procurement_indicators
from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.sourcing.conftest import evaluated
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Cycle, Decision, Programme
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import ImportedProcess, MarketImport, Sourcing, SpendSupplier

pytestmark = pytest.mark.django_db

PACKAGES = Path(__file__).resolve().parents[3] / "spiral" / "demo_data" / "contracts_finder"


def _valid(package: dict) -> ProblemReport:
    report = ProblemReport()
    validate_item(package, "export", report)
    return report


def _costs(cast: Cast, sourcing: Sourcing, saving: str = "5") -> None:
    services.costs_save(
        actor=cast.users["finance"],
        sourcing=sourcing,
        day_rate=Decimal("350"),
        per_bid_cost=Decimal("3000"),
        per_bid_cost_source="Assumed: three days of a bid writer at £1,000 a day.",
        expected_saving_percent=Decimal(saving),
        staff_days={"specification_days": Decimal(10), "evaluation_days": Decimal(8)},
        external={"legal_external": Decimal(4000), "monitoring_external": Decimal(1000)},
    )


def test_choosing_a_route_is_audited(cast: Cast, sourcing: Sourcing) -> None:
    event = AuditEvent.objects.get(action="chose sourcing route")
    assert event.object_id == str(sourcing.pk)
    assert event.after["route"] == "pa23_open"


def test_a_route_needs_a_known_route_and_a_rationale(cast: Cast, cycle: Cycle) -> None:
    with pytest.raises(ValidationError) as caught:
        services.sourcing_create(
            actor=cast.users["commissioner"],
            cycle=cycle,
            title="X",
            route="auction",
            rationale=" ",
            contract_value=Decimal(1),
            planned_on=dt.date(2025, 1, 1),
            tender_start=dt.date(2025, 2, 1),
            tender_end=dt.date(2025, 1, 1),
        )
    assert set(caught.value.message_dict) == {"route", "rationale", "tender_end"}
    assert not Sourcing.objects.exists()


@pytest.mark.parametrize("persona", ["provider", "outsider", "approver", "auditor"])
def test_only_editors_choose_routes(cast: Cast, cycle: Cycle, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.sourcing_create(
            actor=cast.users[persona],
            cycle=cycle,
            title="X",
            route="grant",
            rationale="Y",
            contract_value=Decimal(1),
            planned_on=dt.date(2025, 1, 1),
        )


def test_transaction_costs_are_set_against_the_contract_value(
    cast: Cast, sourcing: Sourcing
) -> None:
    evaluated(cast, sourcing)
    _costs(cast, sourcing, saving="0.5")
    summary = services.cost_summary(sourcing)
    assert summary is not None
    # 18 staff days at £350 before award plus £4,000 legal; £1,000 monitoring after.
    assert summary.commissioner_before == 18 * 350 + 4000
    assert summary.commissioner_after == 1000
    assert summary.bidders == 3 * 3000  # three bids recorded
    assert summary.expected_saving == pytest.approx(2_400_000 * 0.005)
    assert summary.costs_more_than_it_saves
    assert AuditEvent.objects.filter(action="recorded transaction costs").count() == 1


def test_a_recorded_bid_count_overrides_the_bids_on_record(cast: Cast, sourcing: Sourcing) -> None:
    _costs(cast, sourcing)
    costs = sourcing.costs
    services.costs_save(
        actor=cast.users["finance"],
        sourcing=sourcing,
        day_rate=costs.day_rate,
        per_bid_cost=costs.per_bid_cost,
        per_bid_cost_source=costs.per_bid_cost_source,
        expected_saving_percent=costs.expected_saving_percent,
        staff_days={},
        external={},
        bids_received=7,
    )
    assert services.bids_counted(sourcing) == 7
    assert AuditEvent.objects.filter(action="recorded transaction costs").last().before


def test_costs_need_a_documented_per_bid_assumption(cast: Cast, sourcing: Sourcing) -> None:
    with pytest.raises(ValidationError) as caught:
        services.costs_save(
            actor=cast.users["finance"],
            sourcing=sourcing,
            day_rate=Decimal(0),
            per_bid_cost=Decimal(100),
            per_bid_cost_source="",
            expected_saving_percent=Decimal(120),
            staff_days={"legal_days": Decimal(-1)},
            external={},
        )
    assert set(caught.value.message_dict) == {
        "per_bid_cost_source",
        "day_rate",
        "expected_saving_percent",
        "legal_days",
    }


def test_weights_must_sum_to_100(cast: Cast, sourcing: Sourcing) -> None:
    with pytest.raises(ValidationError) as caught:
        services.criteria_set(
            actor=cast.users["procurement"],
            sourcing=sourcing,
            price=50,
            quality=50,
            social_value=10,
        )
    assert "sum to 110" in caught.value.message_dict["price_weight"][0]
    sourcing.refresh_from_db()
    assert sourcing.price_weight is None


def test_bids_are_scored_and_ranked(cast: Cast, sourcing: Sourcing) -> None:
    evaluated(cast, sourcing)
    scores = services.bid_scores(sourcing)
    assert [row["bidder"] for row in scores] == [
        "Kingsmere Community Care CIC",
        "Carewell Ltd",
        "National Homecare plc",
    ]
    # Lowest price 1.9m: the CIC's price score is 100 x 1.9 / 2.1.
    cic = scores[0]
    assert cic["price_score"] == pytest.approx(round(100 * 1.9 / 2.1, 2))
    assert cic["weighted_score"] == pytest.approx(
        round((40 * cic["price_score"] + 50 * 70 + 10 * 90) / 100, 2)
    )


def test_the_award_goes_into_the_decision_log(cast: Cast, sourcing: Sourcing) -> None:
    evaluated(cast, sourcing)
    winner = sourcing.bids.get(bidder="Kingsmere Community Care CIC")
    decision = services.award_record(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        bid=winner,
        awarded_on=dt.date(2025, 5, 2),
        rationale="Highest weighted score.",
        decision_maker="Cabinet member for adult care",
    )
    assert decision.cycle == sourcing.cycle
    assert decision.stage_id == "do"
    assert timezone.localdate(decision.decided_at) == dt.date(2025, 5, 2)
    assert "Kingsmere Community Care CIC" in decision.title
    assert "Carewell Ltd" in decision.options_considered
    sourcing.refresh_from_db()
    assert sourcing.award_decision == decision
    assert services.elapsed_days(sourcing) == (dt.date(2025, 5, 2) - dt.date(2025, 1, 6)).days
    assert AuditEvent.objects.filter(action="awarded contract").exists()
    with pytest.raises(ValidationError):
        services.award_record(
            actor=cast.users["procurement"],
            sourcing=sourcing,
            bid=winner,
            awarded_on=dt.date(2025, 5, 2),
            rationale="Again.",
        )
    assert Decision.objects.filter(title__startswith="Award").count() == 1


def test_no_award_before_the_criteria(cast: Cast, sourcing: Sourcing) -> None:
    bid = services.bid_record(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        bidder="A",
        price=Decimal(10),
        quality_score=Decimal(50),
        social_value_score=Decimal(50),
    )
    with pytest.raises(ValidationError):
        services.award_record(
            actor=cast.users["procurement"],
            sourcing=sourcing,
            bid=bid,
            awarded_on=dt.date(2025, 5, 2),
            rationale="R",
        )
    assert not Decision.objects.exists()


def _whole_life(cast: Cast, sourcing: Sourcing) -> None:
    user = cast.users["procurement"]
    services.milestone_add(
        actor=user,
        sourcing=sourcing,
        title="Market engagement event",
        kind="engagement",
        due_on=dt.date(2025, 2, 3),
        met_on=dt.date(2025, 2, 3),
    )
    evaluated(cast, sourcing)
    services.award_record(
        actor=user,
        sourcing=sourcing,
        bid=sourcing.bids.get(bidder="Carewell Ltd"),
        awarded_on=dt.date(2025, 5, 2),
        rationale="R",
        contract_start=dt.date(2025, 7, 1),
        contract_end=dt.date(2028, 6, 30),
    )
    services.milestone_add(
        actor=user,
        sourcing=sourcing,
        title="First quarterly performance review",
        kind="reporting",
        due_on=dt.date(2025, 10, 1),
        met_on=dt.date(2025, 10, 3),
    )
    sourcing.refresh_from_db()


def test_the_ocds_export_is_valid_ocds_through_the_whole_process(
    cast: Cast, sourcing: Sourcing
) -> None:
    _whole_life(cast, sourcing)
    services.sourcing_terminate(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        terminated_on=dt.date(2026, 3, 31),
        reason="Provider failure.",
    )
    package = services.ocds_package(sourcing, uri="https://kingsmere.example/ocds.json")
    assert not _valid(package), _valid(package).text()
    assert [r["tag"][0] for r in package["releases"]] == [
        "planning",
        "tender",
        "award",
        "contract",
        "implementation",
        "contractTermination",
    ]
    award = package["releases"][2]
    assert award["tender"]["numberOfTenderers"] == 3
    assert award["awards"][0]["suppliers"][0]["name"] == "Carewell Ltd"
    assert [n["noticeType"] for n in services.notices(sourcing)] == [
        "UK1",
        "UK4",
        "UK6",
        "UK7",
        "UK9",
        "UK11",
    ]


def test_the_export_compiles_and_reads_as_the_engine_expects(
    cast: Cast, sourcing: Sourcing, tmp_path: Path
) -> None:
    import orjson

    _whole_life(cast, sourcing)
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(services.ocds_package(sourcing, uri="https://k.example/x")))
    compiled = list(compiled_releases([path]))
    assert len(compiled) == 1
    table = procurement_indicators(process_table(compiled), award_table(compiled))
    values = table.set_index("indicator")["value"]
    assert values["bidders_mean"] == 3
    assert values["sme_value_share"] == 1.0


def test_a_grant_publishes_ocds_but_no_uk_notices(cast: Cast, cycle: Cycle) -> None:
    grant = services.sourcing_create(
        actor=cast.users["commissioner"],
        cycle=cycle,
        title="Community grants",
        route="grant",
        rationale="Small local groups.",
        contract_value=Decimal(50000),
        planned_on=dt.date(2025, 1, 1),
    )
    package = services.ocds_package(grant, uri="https://kingsmere.example/g.json")
    assert not _valid(package)
    assert services.notices(grant) == []


def test_valid_ocds_is_imported_whole(cast: Cast, programme: Programme) -> None:
    files = sorted(PACKAGES.glob("*.json"))[:5]
    (record,) = services.ocds_import_paths(
        actor=cast.users["analyst"], programmes=[programme], paths=files, file_name="five.json"
    )
    assert record.summary["processes"] == 5
    assert ImportedProcess.objects.filter(market_import=record).count() == 5
    view = services.market_view(programme)
    compiled = list(compiled_releases(files))
    expected = procurement_indicators(process_table(compiled), award_table(compiled))
    hhi = expected.set_index("indicator").loc["supplier_hhi", "value"]
    assert view["indicators"]["supplier_hhi"] == pytest.approx(hhi)
    assert view["processes"] == 5


def test_an_ocds_file_with_any_error_imports_nothing(cast: Cast, programme: Programme) -> None:
    bad = (
        b'{"ocid": "ocds-1", "id": "1", "date": "15/03/2010", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": []}\n'
        b'{"ocid": "ocds-2", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": [],'
        b' "tender": {"id": "t", "value": {"amount": "12,000", "currency": "GBP"}}}\n'
        b'{"ocid": "ocds-3", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tend\n'
    )
    with pytest.raises(services.ImportRefused) as caught:
        services.ocds_import(
            actor=cast.users["analyst"], programme=programme, file_name="bad.jsonl", data=bad
        )
    counts = caught.value.report.counts
    assert counts["badly formatted value"] == 1
    assert counts["wrong type"] == 1
    assert not MarketImport.objects.exists()
    assert not ImportedProcess.objects.exists()


def test_a_package_field_in_error_is_a_warning_not_a_refusal(
    cast: Cast, programme: Programme
) -> None:
    release = (
        b'{"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": []}'
    )
    package = (
        b'{"uri": "https://example.org/p", "version": "1.1", "publishedDate": "",'
        b' "publisher": {"name": "P"}, "releases": [' + release + b"]}"
    )
    record = services.ocds_import(
        actor=cast.users["analyst"], programme=programme, file_name="p.json", data=package
    )
    assert record.summary["processes"] == 1
    assert record.summary["warnings"]["badly formatted value"]["count"] == 1


SPEND = (
    "Service,Payment Date,Net Amount,Supplier Name,Supplier Number\n"
    'Adult care,13/08/2024,"£12,500.00",Carewell Ltd,100\n'
    "Adult care,14/08/2024,7500,CAREWELL LIMITED,100\n"
    "Adult care,15/08/2024,5000,Kingsmere Community Care CIC,200\n"
    "Adult care,16/08/2024,900,REDACTED PERSONAL DATA,\n"
).encode("cp1252")


def test_a_spend_file_is_imported_with_suppliers_matched(cast: Cast, programme: Programme) -> None:
    record = services.spend_import(
        actor=cast.users["finance"], programme=programme, file_name="spend.csv", data=SPEND
    )
    assert record.summary["payments"] == 4
    assert record.summary["redacted"] == 1
    suppliers = list(SpendSupplier.objects.filter(market_import=record))
    assert [(s.payments, float(s.net_total)) for s in suppliers] == [(2, 20000.0), (1, 5000.0)]
    view = services.market_view(programme)
    assert view["spend_concentration"]["hhi"] == pytest.approx(
        10_000 * ((20000 / 25000) ** 2 + (5000 / 25000) ** 2)
    )


def test_a_spend_file_with_a_bad_row_imports_nothing(cast: Cast, programme: Programme) -> None:
    bad = b"Payment Date,Net Amount,Supplier Name\n31/02/2024,ten,X\n01/03/2024,5,Y\n"
    with pytest.raises(ValidationError) as caught:
        services.spend_import(
            actor=cast.users["finance"], programme=programme, file_name="bad.csv", data=bad
        )
    problems = caught.value.message_dict["file"]
    assert any("row 2, payment_date" in p for p in problems)
    assert any("row 2, net_amount" in p for p in problems)
    assert not MarketImport.objects.exists()


def test_the_market_statement_is_drafted_then_saved(cast: Cast, programme: Programme) -> None:
    services.spend_import(
        actor=cast.users["finance"], programme=programme, file_name="spend.csv", data=SPEND
    )
    draft = services.statement_draft(programme)
    assert draft.startswith("Market position statement: Adult home care")
    statement = services.statement_save(
        actor=cast.users["commissioner"], programme=programme, text=draft + "\nEdited."
    )
    assert statement.text.endswith("Edited.")
    assert AuditEvent.objects.filter(action="saved market position statement").exists()
    with pytest.raises(PermissionDenied):
        services.statement_save(actor=cast.users["auditor"], programme=programme, text="x")
