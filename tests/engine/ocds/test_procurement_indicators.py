"""Procurement indicators on hand-built releases and on real Contracts Finder data.

References:

- hand-built compiled releases below, each expected value worked out by hand beside it;
- ten real UK Contracts Finder OCDS 1.1 release packages in ``tests/reference/ocds_cf/``
  (mysociety/bluetail data commit 722d3712e1d2, Open Government Licence v2.0; see its
  README). Each package holds one release of its own ocid, so each release is already its own
  compiled release. The expected figures were read off the files by hand (numberOfTenderers,
  award values and dates, the parties' ``sme``/``vco`` fields), as listed in the README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.ocds.identifiers import LOCAL_AUTHORITY_SCHEMES
from spiral.ocds.indicators import (
    PUBLIC_SCHEMES,
    award_table,
    process_table,
    procurement_indicators,
)

CF = Path(__file__).resolve().parents[2] / "reference" / "ocds_cf"


def cf_releases() -> list[dict[str, Any]]:
    releases = []
    for path in sorted(CF.glob("*.json")):
        package = json.loads(path.read_text(encoding="utf-8"))
        releases.extend(package["releases"])
    return releases


def value(table: pd.DataFrame, indicator: str, group: str = "all") -> pd.Series:
    row = table[(table["indicator"] == indicator) & (table["group"] == group)]
    assert len(row) == 1, (indicator, group)
    return row.iloc[0]


def indicators(releases: list[dict[str, Any]], **options: Any) -> pd.DataFrame:
    return procurement_indicators(process_table(releases), award_table(releases), **options)


HAND = [
    {
        "ocid": "p1",
        "buyer": {"id": "B1", "name": "Borough One"},
        "tender": {
            "procurementMethod": "open",
            "numberOfTenderers": 1,
            "tenderPeriod": {
                "startDate": "2024-01-01T00:00:00Z",
                "endDate": "2024-01-31T00:00:00Z",
            },
            "items": [{"classification": {"scheme": "CPV", "id": "85311000"}}],
        },
        "parties": [
            {
                "id": "s",
                "name": "Small Co Ltd",
                "details": {"scale": "sme"},
                "identifier": {"scheme": "GB-COH", "id": "111"},
            },
        ],
        "awards": [
            {
                "id": "a",
                "status": "active",
                "date": "2024-02-10T00:00:00Z",
                "value": {"amount": 600, "currency": "GBP"},
                "suppliers": [{"id": "s", "name": "Small Co Ltd"}],
            }
        ],
    },
    {
        "ocid": "p2",
        "buyer": {"id": "B1", "name": "Borough One"},
        "tender": {
            "procurementMethod": "limited",
            "tenderPeriod": {
                "startDate": "2024-03-01T00:00:00Z",
                "endDate": "2024-03-11T00:00:00Z",
            },
            "items": [{"classification": {"scheme": "CPV", "id": "85312000"}}],
        },
        # No numberOfTenderers: two distinct tenderers of submitted bids (the withdrawn one
        # is not counted).
        "bids": {
            "details": [
                {"status": "valid", "tenderers": [{"id": "s"}]},
                {"status": "valid", "tenderers": [{"id": "c"}]},
                {"status": "withdrawn", "tenderers": [{"id": "x"}]},
            ]
        },
        "parties": [
            {
                "id": "s",
                "name": "Small Co Limited",
                "details": {"scale": "sme"},
                "identifier": {"scheme": "GB-COH", "id": "111"},
            },
            {"id": "c", "name": "Helping Hands", "identifier": {"scheme": "GB-CHC", "id": "9"}},
        ],
        "awards": [
            {
                "id": "a",
                "status": "active",
                "date": "2024-03-21T00:00:00Z",
                "value": {"amount": 300, "currency": "GBP"},
                "suppliers": [{"id": "s"}, {"id": "c"}],
            }
        ],
        "contracts": [{"id": "k", "awardID": "a", "amendments": [{"id": "1"}]}],
    },
    {
        "ocid": "p3",
        "buyer": {"id": "B2"},
        "tender": {
            "items": [{"classification": {"scheme": "CPV", "id": "45000000"}}],
        },
        # Neither numberOfTenderers nor bids: three parties with the tenderer role.
        "parties": [
            {"id": "1", "roles": ["tenderer"]},
            {
                "id": "2",
                "roles": ["tenderer", "supplier"],
                "name": "Town Council",
                "identifier": {"scheme": "GB-LAE", "id": "ABC"},
            },
            {"id": "3", "roles": ["tenderer"]},
        ],
        "awards": [
            {
                "id": "x",
                "status": "active",
                "value": {"amount": 100, "currency": "GBP"},
                "suppliers": [{"id": "2"}],
            },
            {
                "id": "y",
                "status": "pending",
                "value": {"amount": 999, "currency": "GBP"},
                "suppliers": [{"id": "3"}],
            },
        ],
    },
]


def test_process_fields_are_read_with_the_documented_fallbacks() -> None:
    table = process_table(HAND)
    assert table["bidders"].tolist() == [1, 2, 3]
    assert table["award_value"].tolist() == [600.0, 300.0, 100.0]
    assert table["amended"].tolist() == [False, True, False]


def test_country_indicators_on_hand_built_releases() -> None:
    table = indicators(HAND)
    assert value(table, "processes")["value"] == 3
    assert value(table, "bidders_mean")["value"] == 2.0  # (1 + 2 + 3) / 3
    single = value(table, "single_bid_rate")
    assert (single["value"], single["numerator"], single["denominator"]) == (1 / 3, 1, 3)
    # Methods known for p1 (open) and p2 (limited).
    assert value(table, "open_procedure_share")["value"] == 0.5
    # Tender periods 30 and 10 days; award 10 days after each tender end.
    assert value(table, "tender_period_days_median")["value"] == 20.0
    assert value(table, "days_tender_to_award_median")["value"] == 10.0
    assert value(table, "award_value_total")["value"] == 1000.0
    assert value(table, "award_value_median")["value"] == 300.0
    # Supplier values: Small Co 600 + 150 = 750 (same company number in p1 and p2),
    # Helping Hands 150, Town Council 100. Shares 0.75, 0.15, 0.10:
    # HHI = 10,000 x (0.5625 + 0.0225 + 0.01) = 5,950.
    assert value(table, "supplier_hhi")["value"] == pytest.approx(5950.0)
    assert value(table, "top1_supplier_share")["value"] == pytest.approx(0.75)
    assert value(table, "top3_supplier_share")["value"] == pytest.approx(1.0)
    # SME known for Small Co (both awards): 750 of 750 known value; Helping Hands and the
    # council have no scale, so they are not in the denominator.
    sme = value(table, "sme_value_share")
    assert (sme["value"], sme["denominator"]) == (1.0, 750.0)
    # VCSE known only for Helping Hands (charity register): 150 of 150.
    vcse = value(table, "vcse_value_share")
    assert (vcse["value"], vcse["denominator"]) == (1.0, 150.0)
    # Public body: the council (GB-LAE), 100 of 1,000 (public is known for every supplier).
    assert value(table, "public_body_value_share")["value"] == pytest.approx(0.1)
    # Small Co meets buyer B1 in p1 and p2: 2 of the 4 supplier awards are repeats.
    assert value(table, "repeat_award_share")["value"] == 0.5
    # p2's contract was amended; all three processes have an award.
    assert value(table, "modified_share")["value"] == pytest.approx(1 / 3)


def test_buyer_and_market_groupings() -> None:
    by_buyer = indicators(HAND, by="buyer")
    assert value(by_buyer, "processes", "B1")["value"] == 2
    assert value(by_buyer, "award_value_total", "B2")["value"] == 100.0
    by_market = indicators(HAND, by="market")
    assert set(by_market["group"]) == {"85", "45"}
    assert value(by_market, "processes", "85")["value"] == 2
    assert set(by_market.columns) == {
        "by",
        "group",
        "indicator",
        "value",
        "numerator",
        "denominator",
    }


def test_it_rejects_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="by must be one of country, buyer, market"):
        indicators(HAND, by="region")


def test_contracts_finder_country_indicators() -> None:
    table = indicators(cf_releases())
    assert value(table, "processes")["value"] == 10
    # numberOfTenderers: 15, 3, 2, 14, 2, 4, 2, 2, 5, 13.
    assert value(table, "bidders_mean")["value"] == pytest.approx(6.2)
    assert value(table, "bidders_median")["value"] == 3.5
    assert value(table, "single_bid_rate")["value"] == 0.0
    # procurementMethod: open x 4, selective, direct, limited; 3 releases lack it.
    share = value(table, "open_procedure_share")
    assert (share["numerator"], share["denominator"]) == (4, 7)
    # No tenderPeriod/startDate in Contracts Finder.
    assert pd.isna(value(table, "tender_period_days_median")["value"])
    # Days from tender end to award: 0, 0, 3, 7, 19, 27, 88, 88, 95, 152.
    assert value(table, "days_tender_to_award_median")["value"] == 23.0
    assert value(table, "award_value_count")["value"] == 10
    assert value(table, "award_value_total")["value"] == pytest.approx(30_879_933.4)
    assert value(table, "award_value_median")["value"] == 702_500.0
    # 62 supplier awards, 18 with sme true; value shares: 700,000 x 12/15 + 5,806,276 x 2/3
    # + 705,000 + 976,000 = 6,111,850.67 of 30,879,933.4.
    sme = value(table, "sme_award_share")
    assert (sme["numerator"], sme["denominator"]) == (18, 62)
    assert value(table, "sme_value_share")["value"] == pytest.approx(6_111_850.6667 / 30_879_933.4)
    # vco true: 3 of 15 suppliers of 700,000 and 1 of 2 of 69,000: 174,500.
    assert value(table, "vcse_value_share")["value"] == pytest.approx(174_500 / 30_879_933.4)
    assert value(table, "public_body_value_share")["value"] == 0.0
    # Same buyer, same supplier name, two processes: 4 suppliers of RAND Associates and 3 of
    # Trinity House, each twice: 14 of 62.
    repeat = value(table, "repeat_award_share")
    assert (repeat["numerator"], repeat["denominator"]) == (14, 62)
    assert value(table, "modified_share")["value"] == 0.0


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(1, 1e7, allow_nan=False), min_size=1, max_size=12))
def test_concentration_is_bounded_and_top_shares_grow(values: list[float]) -> None:
    releases = [
        {
            "ocid": f"p{i}",
            "buyer": {"id": "B"},
            "awards": [
                {
                    "status": "active",
                    "value": {"amount": amount, "currency": "GBP"},
                    "suppliers": [{"id": "s", "name": f"Supplier {i}"}],
                }
            ],
        }
        for i, amount in enumerate(values)
    ]
    table = indicators(releases)
    hhi = value(table, "supplier_hhi")["value"]
    assert 10_000 / len(values) - 1e-6 <= hhi <= 10_000 + 1e-6
    tops = [value(table, f"top{n}_supplier_share")["value"] for n in (1, 3, 5)]
    assert tops == sorted(tops)
    assert tops[-1] <= 1 + 1e-9


def test_the_public_schemes_are_the_lists_of_public_bodies_spiral_publishes_under() -> None:
    # The local authority registers and GB-NHS (spiral.ocds.identifiers) count as public;
    # GB-LAC (in no register) and GB-PPON (suppliers have PPONs too) do not.
    assert set(LOCAL_AUTHORITY_SCHEMES.values()) | {"GB-NHS", "GB-GOR"} == PUBLIC_SCHEMES
    assert "GB-LAC" not in PUBLIC_SCHEMES
    assert "GB-PPON" not in PUBLIC_SCHEMES
