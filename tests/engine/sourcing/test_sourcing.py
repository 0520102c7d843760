"""The sourcing engine: bid scoring, transaction costs, concentration, OCDS publication.

References: Cabinet Office, *Guidance on the evaluation of tenders* (lowest-price ratio price
scoring); the US DoJ/FTC *Merger Guidelines* (2023) for the Herfindahl-Hirschman index bands;
the OCDS 1.1.5 release package schema (shipped in ``spiral/ocds/schema``) for the exports;
the Procurement Act 2023 notice numbering (UK1-UK12).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from spiral.sourcing.evaluation import check_weights, score_bids
from spiral.sourcing.market import concentration, concentration_band, supplier_shares
from spiral.sourcing.publication import (
    BidderEntry,
    CommissioningRecord,
    MilestoneEntry,
    ocds_release_package,
    uk_notices,
)
from spiral.sourcing.routes import ROUTES, route
from spiral.sourcing.transaction_costs import AFTER, BEFORE, CostInputs, transaction_costs

weights = st.integers(0, 100).flatmap(
    lambda price: st.integers(0, 100 - price).map(
        lambda quality: (price, quality, 100 - price - quality)
    )
)
bids = st.lists(
    st.tuples(
        st.floats(1, 1e7, allow_nan=False),
        st.floats(0, 100, allow_nan=False),
        st.floats(0, 100, allow_nan=False),
    ),
    min_size=1,
    max_size=8,
)


@given(weights, bids)
def test_weighted_scores_lie_between_0_and_100_and_the_cheapest_scores_100_on_price(
    w: tuple[int, int, int], rows: list[tuple[float, float, float]]
) -> None:
    frame = pd.DataFrame(
        {
            "bidder": [f"B{i}" for i in range(len(rows))],
            "price": [r[0] for r in rows],
            "quality": [r[1] for r in rows],
            "social_value": [r[2] for r in rows],
        }
    )
    scored = score_bids(frame, price_weight=w[0], quality_weight=w[1], social_value_weight=w[2])
    assert scored["weighted_score"].between(0, 100).all()
    assert scored.loc[scored["price"].idxmin(), "price_score"] == 100.0
    assert scored["rank"].min() == 1


def test_weights_must_sum_to_100_and_each_lie_in_0_to_100() -> None:
    with pytest.raises(ValueError, match="sum to 90"):
        check_weights(30, 50, 10)
    with pytest.raises(ValueError, match="price weight must be between 0 and 100"):
        check_weights(-10, 100, 10)


def test_a_bid_without_a_price_is_refused_naming_the_bidder() -> None:
    frame = pd.DataFrame(
        {"bidder": ["A", "B"], "price": [10.0, 0.0], "quality": [1, 1], "social_value": [1, 1]}
    )
    with pytest.raises(ValueError, match="bid from B: the price must be more than 0"):
        score_bids(frame, price_weight=50, quality_weight=40, social_value_weight=10)


amounts = st.floats(0, 1e6, allow_nan=False)


@given(
    st.floats(1, 2000, allow_nan=False),
    st.dictionaries(st.sampled_from(BEFORE + AFTER), amounts),
    st.dictionaries(st.sampled_from(BEFORE + AFTER), amounts),
    st.integers(0, 50),
    amounts,
    amounts,
    st.floats(0, 1, allow_nan=False),
)
def test_the_whole_transaction_cost_is_the_sum_of_its_parts(  # noqa: PLR0917
    rate: float,
    days: dict[str, float],
    external: dict[str, float],
    count: int,
    per_bid: float,
    value: float,
    saving: float,
) -> None:
    summary = transaction_costs(
        CostInputs(
            day_rate=rate,
            staff_days=days,
            external=external,
            bids=count,
            per_bid_cost=per_bid,
            contract_value=value,
            expected_saving_rate=saving,
        )
    )
    parts = (
        summary.staff_before + summary.external_before + summary.staff_after
    ) + summary.external_after
    assert summary.commissioner_total == pytest.approx(parts)
    assert summary.total == pytest.approx(summary.commissioner_total + count * per_bid)
    assert summary.costs_more_than_it_saves == (summary.total > value * saving)


def test_negative_costs_and_unknown_activities_are_refused() -> None:
    with pytest.raises(ValueError, match=r"staff_days\.legal must not be negative"):
        transaction_costs(CostInputs(day_rate=1.0, staff_days={"legal": -1}))
    with pytest.raises(ValueError, match="unknown activity: lunch"):
        transaction_costs(CostInputs(day_rate=1.0, external={"lunch": 5.0}))


@given(st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_the_hhi_lies_between_10000_over_n_and_10000(values: list[float]) -> None:
    table = pd.DataFrame({"k": [str(i) for i in range(len(values))], "v": values})
    shares = supplier_shares(table, key="k", name="k", value="v")["share"]
    hhi = concentration(shares)["hhi"]
    assert 10_000 / len(values) - 1e-6 <= hhi <= 10_000 + 1e-6


def test_hhi_bands_follow_the_2023_merger_guidelines() -> None:
    assert concentration_band(1800.0) == "moderately concentrated"
    assert concentration_band(1800.5) == "highly concentrated"
    assert concentration_band(1000.0) == "moderately concentrated"
    assert concentration_band(999.9) == "unconcentrated"


days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))


@st.composite
def records(draw: st.DrawFn) -> CommissioningRecord:
    planned = draw(days)
    count = draw(st.integers(0, 4))
    bidders = tuple(
        BidderEntry(
            id=f"bid-{i}",
            name=draw(st.text(min_size=1, max_size=20)),
            price=draw(st.floats(1, 1e7, allow_nan=False)),
            sme=draw(st.none() | st.booleans()),
            vcse=draw(st.none() | st.booleans()),
        )
        for i in range(count)
    )
    awarded = draw(st.booleans()) and count > 0
    started = draw(st.booleans()) and awarded
    return CommissioningRecord(
        ocid="ocds-test-1",
        title=draw(st.text(min_size=1, max_size=40)),
        description="d",
        route=draw(st.sampled_from([r.code for r in ROUTES])),
        buyer_id="spiral-kingsmere",
        buyer_name="Kingsmere",
        value=draw(st.floats(0, 1e8, allow_nan=False)),
        planned=planned,
        milestones=(
            MilestoneEntry("m1", "Engagement", planned, type="engagement"),
            MilestoneEntry(
                "m2",
                "Review",
                planned + dt.timedelta(400),
                after_award=True,
                type="reporting",
                met=planned + dt.timedelta(401),
            ),
        ),
        tender_start=planned if count else None,
        tender_end=planned + dt.timedelta(30) if count else None,
        bids=bidders,
        awarded_bid="bid-0" if awarded else None,
        awarded=planned + dt.timedelta(60) if awarded else None,
        contract_start=planned + dt.timedelta(90) if started else None,
        contract_end=planned + dt.timedelta(900) if started else None,
        terminated=planned + dt.timedelta(500) if started and draw(st.booleans()) else None,
    )


@settings(max_examples=60, deadline=None)
@given(records())
def test_every_export_is_a_valid_ocds_release_package(record: CommissioningRecord) -> None:
    package = ocds_release_package(
        record,
        uri="https://example.org/p.json",
        publisher="Kingsmere",
        published=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    report = ProblemReport()
    validate_item(package, "export", report)
    assert not report, report.text()
    notices = uk_notices(record)
    if route(record.route).published:
        assert [n["release"]["id"] for n in notices] == [r["id"] for r in package["releases"]]
    else:
        assert notices == []


def test_an_award_to_a_bid_not_made_is_refused() -> None:
    from spiral.sourcing.publication import ocds_releases

    record = CommissioningRecord(
        ocid="o",
        title="t",
        description="d",
        route="pa23_open",
        buyer_id="b",
        buyer_name="B",
        value=1.0,
        planned=dt.date(2025, 1, 1),
        awarded_bid="nobody",
        awarded=dt.date(2025, 2, 1),
    )
    with pytest.raises(ValueError, match="not among the bids"):
        ocds_releases(record)
