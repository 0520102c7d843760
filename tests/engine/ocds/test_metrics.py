"""KPI ratings published as OCDS (Metrics extension), valid against the shipped OCDS 1.1.5 schema.

References: the OCDS 1.1.5 release and release-package schemas shipped in ``spiral/ocds/schema``;
the five ratings of a contract performance notice (Procurement Regulations 2024, reg. 39(5)),
which are Spiral's ratings in ``spiral.spc.ratings``, and the id each is published with in the
Cabinet Office's UK extension's ``measureClassification``, in ``tests/reference/uk_kpi_ratings/``
(README there).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.ocds.metrics import (
    EXTENSION,
    RATING_CODES,
    UK_EXTENSION,
    RatedKPI,
    RatedPeriod,
    agreed_metrics,
    extensions,
    implementation_metrics,
)
from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from spiral.sourcing.publication import (
    BidderEntry,
    CommissioningRecord,
    ocds_release_package,
    uk_notices,
)
from spiral.spc.ratings import RATING_LABELS

JAN = RatedPeriod(dt.date(2025, 1, 1), dt.date(2025, 1, 31), "good")
FEB = RatedPeriod(dt.date(2025, 2, 1), dt.date(2025, 2, 28), "inadequate")


def _record(kpis: tuple[RatedKPI, ...]) -> CommissioningRecord:
    return CommissioningRecord(
        ocid="ocds-b5fd17-kingsmere-1",
        title="Home care",
        description="Help at home.",
        route="pa23_open",
        buyer_id="spiral-kingsmere",
        buyer_name="Kingsmere Borough Council",
        value=900_000,
        planned=dt.date(2024, 6, 1),
        tender_start=dt.date(2024, 7, 1),
        tender_end=dt.date(2024, 8, 1),
        bids=(BidderEntry("bid-1", "Care Co", 880_000, sme=True),),
        awarded_bid="bid-1",
        awarded=dt.date(2024, 10, 1),
        contract_start=dt.date(2025, 1, 1),
        contract_signed=dt.date(2024, 12, 1),
        kpis=kpis,
    )


def _package(kpis: tuple[RatedKPI, ...]) -> dict:
    return ocds_release_package(
        _record(kpis),
        uri="https://example.org/ocds.json",
        publisher="Kingsmere Borough Council",
        published=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )


REFERENCE = list(
    csv.DictReader(
        (Path(__file__).parents[2] / "reference/uk_kpi_ratings/ratings.csv").open(encoding="utf-8")
    )
)


def test_every_assessment_of_the_act_has_a_published_code() -> None:
    assert set(RATING_CODES) == set(RATING_LABELS)
    assert [words for _, words in RATING_CODES.values()] == list(RATING_LABELS.values())


@pytest.mark.parametrize("row", REFERENCE, ids=[r["rating"] for r in REFERENCE])
def test_each_rating_is_published_with_the_uk_extensions_id(row: dict[str, str]) -> None:
    (rating,) = [k for k, (_, words) in RATING_CODES.items() if words == row["rating"]]
    kpi = RatedKPI(
        id="kpi-1",
        title="K",
        unit="%",
        periods=(RatedPeriod(dt.date(2025, 1, 1), dt.date(2025, 1, 31), rating),),
    )
    (observation,) = implementation_metrics([kpi])[0]["observations"]
    assert observation["measureClassification"] == {
        "id": row["measure_classification_id"],
        "description": row["rating"],
    }
    assert observation["notes"] == row["rating"]
    assert "measure" not in observation
    assert "value" not in observation


def test_the_reference_covers_every_rating_in_the_regulations_order() -> None:
    assert [r["rating"] for r in REFERENCE] == list(RATING_LABELS.values())
    assert [r["measure_classification_id"] for r in REFERENCE] == [
        code for code, _ in RATING_CODES.values()
    ]


def test_the_uk_extension_is_declared_only_once_a_period_is_rated() -> None:
    targets_only = RatedKPI(id="kpi-1", title="K", unit="%", target=5.0)
    rated = RatedKPI(id="kpi-2", title="K", unit="%", periods=(JAN,))
    assert extensions([]) == []
    assert extensions([targets_only]) == [EXTENSION]
    assert extensions([targets_only, rated]) == [EXTENSION, UK_EXTENSION]


def test_kpi_ratings_go_into_the_implementation_release_as_the_uk9_notice() -> None:
    kpi = RatedKPI(id="kpi-1", title="Visits on time", unit="%", target=95.0, periods=(JAN, FEB))
    package = _package((kpi,))
    report = ProblemReport()
    validate_item(package, "package", report)
    assert not report, report.text()
    assert package["extensions"] == [EXTENSION, UK_EXTENSION]
    implementation = package["releases"][-1]
    assert implementation["tag"] == ["implementation"]
    assert implementation["date"] == "2025-02-28T00:00:00Z"
    (metric,) = implementation["contracts"][0]["implementation"]["metrics"]
    assert [(o["measureClassification"]["id"], o["notes"]) for o in metric["observations"]] == [
        ("met", "Good"),
        ("significantlyBelow", "Inadequate"),
    ]
    assert [n["noticeType"] for n in uk_notices(_record((kpi,)))][-1] == "UK9"


def test_kpis_not_yet_rated_publish_targets_only() -> None:
    kpi = RatedKPI(id="kpi-1", title="Waiting days", unit="days", target=5.0)
    package = _package((kpi,))
    assert package["extensions"] == [EXTENSION]
    assert [r["tag"][0] for r in package["releases"]] == ["planning", "tender", "award", "contract"]
    contract = package["releases"][-1]["contracts"][0]
    assert contract["agreedMetrics"][0]["observations"][0]["measure"] == 5.0


def test_without_kpis_nothing_changes_and_no_extension_is_declared() -> None:
    assert "extensions" not in _package(())
    assert "agreedMetrics" not in _package(())["releases"][-1]["contracts"][0]


def test_an_unknown_rating_is_refused_naming_the_kpi_and_period() -> None:
    bad = RatedKPI(
        id="kpi-9",
        title="X",
        unit="%",
        periods=(RatedPeriod(dt.date(2025, 1, 1), dt.date(2025, 1, 31), "excellent"),),
    )
    with pytest.raises(ValueError, match="KPI 'kpi-9', period from 2025-01-01: 'excellent'"):
        implementation_metrics([bad])


ratings = st.sampled_from(sorted(RATING_CODES))


@given(codes=st.lists(ratings, min_size=1, max_size=24), target=st.none() | st.floats(0, 100))
def test_any_run_of_ratings_publishes_valid_ocds(codes: list[str], target: float | None) -> None:
    periods = tuple(
        RatedPeriod(
            dt.date(2025 + n // 12, n % 12 + 1, 1), dt.date(2025 + n // 12, n % 12 + 1, 28), c
        )
        for n, c in enumerate(codes)
    )
    kpi = RatedKPI(id="kpi-1", title="K", unit="%", target=target, periods=periods)
    report = ProblemReport()
    validate_item(_package((kpi,)), "package", report)
    assert not report, report.text()
    (metric,) = implementation_metrics([kpi])
    assert len(metric["observations"]) == len(codes)
    assert len(agreed_metrics([kpi])[0].get("observations", [])) == (target is not None)
