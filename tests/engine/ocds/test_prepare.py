"""Preparing OCDS data: publisher quirks corrected, each correction counted.

Reference: the five Contracts Finder packages in ``tests/reference/ocds/contracts_finder/`` (see
the README there). As published, every release is tagged ``tender`` yet carries awards, and some
lack ``tender.procurementMethod``; the counts below are read from the files in the test itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from spiral.ocds import prepare
from spiral.ocds.prepare import Preparer, PrepareReport, PrepareSettings, prepare_releases

REFERENCE = Path(__file__).parents[2] / "reference" / "ocds"


def _contracts_finder() -> list[dict[str, Any]]:
    return [
        release
        for path in sorted((REFERENCE / "contracts_finder").glob("*.json"))
        for release in orjson.loads(path.read_bytes())["releases"]
    ]


def test_contracts_finder_releases_get_award_tags_and_a_default_method() -> None:
    releases = _contracts_finder()
    tagged_tender_with_awards = sum(
        1 for r in releases if r["tag"] == ["tender"] and r.get("awards")
    )
    without_method = sum(1 for r in releases if not r["tender"].get("procurementMethod"))
    assert tagged_tender_with_awards == 5
    report = PrepareReport()
    prepared = list(prepare_releases(releases, PrepareSettings(procurement_method="open"), report))
    assert len(prepared) == 5
    assert all("award" in r["tag"] for r in prepared)
    assert all(r["tender"]["procurementMethod"] for r in prepared)
    expected = {prepare.ADDED_AWARD_TAG: 5}
    if without_method:
        expected[prepare.FILLED_PROCUREMENT_METHOD] = without_method
    assert report.counts == expected


def test_without_a_default_the_method_stays_missing() -> None:
    releases = _contracts_finder()
    missing = sum(1 for r in releases if not r["tender"].get("procurementMethod"))
    report = PrepareReport()
    prepared = list(prepare_releases(releases, None, report))
    assert sum(1 for r in prepared if not r["tender"].get("procurementMethod")) == missing
    assert prepare.FILLED_PROCUREMENT_METHOD not in report.counts


def test_duplicate_release_ids_are_dropped_or_renamed() -> None:
    release = {"ocid": "o", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}
    changed = {**release, "date": "2024-02-01T00:00:00Z"}
    report = PrepareReport()
    out = list(prepare_releases([dict(release), dict(release), changed], None, report))
    assert [r["id"] for r in out] == ["1", "1-duplicate-1"]
    assert report.counts == {prepare.DROPPED_DUPLICATE: 1, prepare.RENAMED_DUPLICATE: 1}


@pytest.mark.parametrize(
    ("amount", "expected", "correction"),
    [
        ("12,000", 12000.0, prepare.AMOUNT_FROM_TEXT),
        ("£1,500.50", 1500.5, prepare.AMOUNT_FROM_TEXT),
        ("-3", -3.0, prepare.AMOUNT_FROM_TEXT),
        ("about ten", "about ten", prepare.AMOUNT_NOT_CONVERTED),
    ],
)
def test_amounts_written_as_text_become_numbers(
    amount: str, expected: object, correction: str
) -> None:
    preparer = Preparer()
    release = {
        "ocid": "o",
        "id": "1",
        "date": "2024-01-01T00:00:00Z",
        "awards": [{"id": "a", "value": {"amount": amount, "currency": "GBP"}}],
    }
    prepared = preparer.prepare(release)
    assert prepared is not None
    assert prepared["awards"][0]["value"]["amount"] == expected
    assert preparer.report.counts == {correction: 1}


def test_currencies_and_dates_are_normalised_and_each_switch_works() -> None:
    def release() -> dict[str, Any]:
        return {
            "ocid": "o",
            "id": "1",
            "date": "2024-01-01",
            "tag": ["award"],
            "tender": {
                "id": "t",
                "tenderPeriod": {"endDate": "2024-01-31"},
                "value": {"amount": 5, "currency": "gbp"},
                "minValue": {"amount": 1},
            },
        }

    preparer = Preparer(PrepareSettings(default_currency="GBP"))
    prepared = preparer.prepare(release())
    assert prepared is not None
    assert prepared["date"] == "2024-01-01T00:00:00Z"
    assert prepared["tender"]["tenderPeriod"]["endDate"] == "2024-01-31T00:00:00Z"
    assert prepared["tender"]["value"]["currency"] == "GBP"
    assert prepared["tender"]["minValue"]["currency"] == "GBP"
    assert preparer.report.counts == {
        prepare.DATE_COMPLETED: 2,
        prepare.CURRENCY_CAPITALISED: 1,
        prepare.CURRENCY_FILLED: 1,
    }
    off = Preparer(
        PrepareSettings(
            add_missing_tags=False,
            duplicate_ids=False,
            amounts_from_text=False,
            currency_case=False,
            date_only=False,
        )
    )
    assert off.prepare(release()) == release()
    assert off.report.counts == {}
