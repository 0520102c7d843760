"""Invariants of the Spiral test, checked with hypothesis on random constructed histories.

- A common shock — the same amount added in a period to the area and to every comparator —
  never changes a verdict: the difference in differences cancels it.
- Relabelling the cycles (new ids, listed in another order) changes no cycle's verdict.
- Deflating with a constant price index changes no verdict, nor does multiplying a price
  index by a constant.
- A verdict of "too early to tell" always says what is missing.
- A plan's baseline and targets (``indicators[].plans``) never change a verdict.
"""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from spiral_scenarios import PERIODS, scenario

from spiral.spiral_test import parse_history, run_spiral_test

quarter = st.integers(-24, 24).map(lambda n: n / 4)  # steps of 0.25: exact in binary
gains = st.tuples(quarter, quarter)


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    recommendations = draw(st.one_of(st.none(), st.integers(0, 5)))
    return scenario(
        area=draw(st.lists(gains, min_size=count, max_size=count)),
        comparator=draw(st.lists(gains, min_size=count, max_size=count)),
        polarity=draw(st.sampled_from(["higher_is_better", "lower_is_better"])),
        costs=(draw(st.integers(85, 115)) * 1.0, draw(st.integers(85, 115)) * 1.0),
        previous_cost=draw(st.sampled_from([None, 100.0, 97.0])),
        recommendations=recommendations,
        addressed=draw(st.integers(0, recommendations or 0)),
        as_of=draw(st.sampled_from(["2022-06-30", "2023-09-30", "2024-06-30"])),
        reprocured=draw(st.booleans()),
    )


def summary(history: dict[str, Any]) -> dict[str, tuple[str, tuple[str, ...]]]:
    report = run_spiral_test(parse_history(history))
    return {c.cycle_id: (c.verdict.verdict, c.verdict.missing) for c in report.cycles}


@settings(max_examples=120, deadline=None)
@given(history=histories(), shocks=st.lists(quarter.map(lambda q: q * 8), min_size=5, max_size=5))
def test_a_common_shock_never_changes_a_verdict(
    history: dict[str, Any], shocks: list[float]
) -> None:
    before = summary(history)
    by_period = dict(zip(PERIODS, shocks, strict=True))
    for indicator in history["indicators"]:
        for value in indicator["values"]:
            value["value"] += by_period[value["period"]]
    assert summary(history) == before


@settings(max_examples=120, deadline=None)
@given(
    history=histories(),
    names=st.lists(st.text("abcxyz-0123", min_size=1), min_size=2, max_size=2, unique=True),
)
def test_relabelling_cycles_changes_no_verdict(history: dict[str, Any], names: list[str]) -> None:
    before = summary(history)
    first, second = history["cycles"]
    first["id"], second["id"] = names
    history["cycles"] = [second, first]
    after = summary(history)
    assert after[names[0]] == before["A"]
    assert after[names[1]] == before["B"]


@settings(max_examples=120, deadline=None)
@given(history=histories(), level=st.floats(1, 1000), factor=st.floats(0.01, 100))
def test_a_constant_or_scaled_deflator_changes_no_verdict(
    history: dict[str, Any], level: float, factor: float
) -> None:
    cash = summary(history)
    history["deflator"] = {
        "name": "constant",
        "base": "2021/22",
        "index": dict.fromkeys(PERIODS, level),
    }
    assert summary(history) == cash
    varying = {p: 90.0 + 3 * i for i, p in enumerate(PERIODS)}
    history["deflator"]["index"] = varying
    deflated = summary(history)
    history["deflator"]["index"] = {p: v * factor for p, v in varying.items()}
    assert summary(history) == deflated


@settings(max_examples=120, deadline=None)
@given(history=histories())
def test_too_early_to_tell_always_says_what_is_missing(history: dict[str, Any]) -> None:
    for verdict, missing in summary(history).values():
        if verdict == "too_early_to_tell":
            assert missing


plans = st.lists(
    st.fixed_dictionaries(
        {
            "cycle": st.sampled_from(["A", "B"]),
            "baseline": st.fixed_dictionaries(
                {"period": st.sampled_from(PERIODS), "value": quarter.map(lambda q: 50 + q)}
            ),
            "targets": st.lists(
                st.fixed_dictionaries(
                    {
                        "period": st.sampled_from([*PERIODS, "2025/26"]),
                        "value": quarter.map(lambda q: 50 + q),
                    }
                ),
                max_size=3,
            ),
        }
    ),
    max_size=2,
    unique_by=lambda plan: plan["cycle"],
)


@settings(max_examples=120, deadline=None)
@given(history=histories(), chosen=plans)
def test_a_plans_baseline_and_targets_never_change_a_verdict(
    history: dict[str, Any], chosen: list[dict[str, Any]]
) -> None:
    before = summary(history)
    for indicator in history["indicators"]:
        indicator["plans"] = chosen
    assert summary(history) == before
