"""Choosing the part of an imported market relevant to a service: CPV, buyer, award dates.

Reference: ten real UK Contracts Finder OCDS 1.1 release packages in
``tests/reference/ocds_cf/`` (mysociety/bluetail data commit 722d3712e1d2, Open Government
Licence v2.0); their item classifications, award dates and buyer ids were read off the files by
hand and are listed in its README.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.ocds.classifications import classification_table, cpv_prefixes
from spiral.ocds.indicators import process_table
from spiral.sourcing.market import market_selection
from tests.engine.ocds.test_classifications import PREFIX, cf_releases

TRINITY = "99144cd9e8dbf31d307cae01e96a361f"
RAND = "0135a3814dde09c5149c02b6f4769d5a"
AWARDED = {
    "008e7376": dt.date(2020, 1, 21),
    "02d2b5b1": dt.date(2020, 4, 15),
    "099688de": dt.date(2019, 11, 1),
    "0f8a3b2e": dt.date(2020, 4, 28),
    "18064b23": dt.date(2020, 5, 22),
    "1c07cba3": dt.date(2019, 12, 31),
    "6a1a5224": dt.date(2020, 5, 21),
    "6acc5bac": dt.date(2020, 1, 7),
    "7e84a00d": dt.date(2019, 8, 31),
    "f8c8b712": dt.date(2020, 4, 28),
}


def _select(**criteria: object) -> set[str]:
    releases = cf_releases()
    ocids = market_selection(
        process_table(releases),
        classification_table(releases),
        **criteria,  # type: ignore[arg-type]
    )
    return {ocid.removeprefix(PREFIX)[:8] for ocid in ocids}


def test_no_criteria_keep_every_process() -> None:
    assert _select() == set(AWARDED)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"cpv": cpv_prefixes("09")}, {"1c07cba3", "6a1a5224", "7e84a00d"}),
        ({"buyer": TRINITY}, {"1c07cba3", "7e84a00d"}),
        ({"cpv": cpv_prefixes("09"), "buyer": TRINITY}, {"1c07cba3", "7e84a00d"}),
        ({"cpv": cpv_prefixes("50"), "buyer": TRINITY}, set()),
        ({"buyer": RAND, "awarded_from": dt.date(2020, 4, 28)}, {"0f8a3b2e", "f8c8b712"}),
        ({"buyer": RAND, "awarded_from": dt.date(2020, 4, 29)}, set()),
        (
            {"cpv": cpv_prefixes("09"), "awarded_to": dt.date(2019, 12, 31)},
            {"1c07cba3", "7e84a00d"},
        ),
        ({"cpv": cpv_prefixes("09"), "awarded_to": dt.date(2019, 12, 30)}, {"7e84a00d"}),
        (
            {"awarded_from": dt.date(2020, 4, 15), "awarded_to": dt.date(2020, 4, 28)},
            {"02d2b5b1", "0f8a3b2e", "f8c8b712"},
        ),
        ({"buyer": "no such buyer"}, set()),
    ],
)
def test_processes_are_chosen_by_every_criterion_given(
    criteria: dict[str, object], expected: set[str]
) -> None:
    assert _select(**criteria) == expected


days = st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2020, 8, 1))


@given(start=days, end=days)
def test_a_date_range_keeps_exactly_the_awards_inside_it(start: dt.date, end: dt.date) -> None:
    expected = {suffix for suffix, day in AWARDED.items() if start <= day <= end}
    assert _select(awarded_from=start, awarded_to=end) == expected
