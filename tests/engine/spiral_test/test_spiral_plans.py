"""Each cycle's plan for an indicator (``indicators[].plans``): its baseline and targets.

The scenario (``spiral_scenarios.py``) has cycle A (2020/21 to 2021/22; baseline 2019/20,
follow-up 2021/22) and cycle B (2022/23 to 2023/24), with the area's values 50, then
``50 + gain/2`` and ``50 + gain`` over each cycle; the history is as of 2024-06-30. Every
figure checked below is worked from those values by hand in the test.
"""

from __future__ import annotations

from typing import Any

import pytest
from spiral_scenarios import scenario

from spiral.spiral_test import HistoryError, parse_history, run_spiral_test
from spiral.spiral_test.assessment import report_as_dict


def _planned(**kwargs: Any) -> dict[str, Any]:
    data = scenario(area=[(4.0, 2.0)], **kwargs)
    data["indicators"][0]["plans"] = [
        {
            "cycle": "A",
            "baseline": {"period": "2019/20", "value": 50.0},
            "targets": [{"period": "2021/22", "value": 53.0}, {"period": "2022/23", "value": 56}],
            "source": "Outcomes framework of cycle A",
        },
        {
            "cycle": "B",
            "baseline": {"period": "2021/22", "value": 54.0},
            "targets": [{"period": "2023/24", "value": 57.0}, {"period": "2025/26", "value": 60}],
        },
    ]
    return data


def test_a_plan_is_read_with_its_baseline_targets_and_source() -> None:
    history = parse_history(_planned())
    plan = history.indicators[0].plans[0]
    assert plan.cycle == "A"
    assert plan.baseline_period is not None
    assert (plan.baseline_period.label, plan.baseline_value) == ("2019/20", 50.0)
    assert [(t.period.label, t.value) for t in plan.targets] == [
        ("2021/22", 53.0),
        ("2022/23", 56.0),
    ]
    assert plan.source == "Outcomes framework of cycle A"


def test_a_history_without_plans_reads_as_before() -> None:
    history = parse_history(scenario())
    assert history.indicators[0].plans == ()
    report = run_spiral_test(history)
    assert all(cycle.plans == () for cycle in report.cycles)


def test_outcome_is_set_against_the_plans_baseline_and_targets() -> None:
    report = run_spiral_test(parse_history(_planned()))
    first, second = (cycle.plans[0] for cycle in report.cycles)
    # cycle A: follow-up 2021/22 = 50 + 4 = 54; 54 - 50 = +4; 54 ≥ 53 met;
    # 2022/23 = 54 + 2/2 = 55 < 56 missed
    assert (first.latest_period, first.latest_value, first.change_from_baseline) == (
        "2021/22",
        54.0,
        4.0,
    )
    assert [(t.period, t.value, t.status) for t in first.targets] == [
        ("2021/22", 54.0, "met"),
        ("2022/23", 55.0, "missed"),
    ]
    # cycle B: follow-up 2023/24 = 56; 56 - 54 = +2; 56 < 57 missed; 2025/26 after as_of
    assert (second.latest_value, second.change_from_baseline) == (56.0, 2.0)
    assert [(t.period, t.value, t.status) for t in second.targets] == [
        ("2023/24", 56.0, "missed"),
        ("2025/26", None, "not_due"),
    ]
    assert second.source == ""


def test_a_lower_is_better_target_is_met_at_or_below_it() -> None:
    data = _planned(polarity="lower_is_better")
    data["indicators"][0]["plans"][0]["targets"] = [
        {"period": "2021/22", "value": 54.0},  # 54 is at the target: met
        {"period": "2020/21", "value": 51.0},  # 52 is above it: missed
    ]
    report = run_spiral_test(parse_history(data))
    assert [t.status for t in report.cycles[0].plans[0].targets] == ["met", "missed"]


def test_a_past_target_without_a_value_says_so() -> None:
    data = _planned()
    data["indicators"][0]["plans"][0]["targets"] = [{"period": "2018/19", "value": 40.0}]
    report = run_spiral_test(parse_history(data))
    (check,) = report.cycles[0].plans[0].targets
    assert (check.value, check.status, check.label) == (None, "no_data", "no value for its period")


def test_plans_never_change_a_verdict() -> None:
    with_plans = run_spiral_test(parse_history(_planned()))
    without = run_spiral_test(parse_history(scenario(area=[(4.0, 2.0)])))
    assert [c.verdict for c in with_plans.cycles] == [c.verdict for c in without.cycles]


def test_the_report_as_data_carries_the_plans() -> None:
    data = report_as_dict(run_spiral_test(parse_history(_planned())))
    assert data["cycles"][0]["plans"][0]["targets"][0] == {
        "period": "2021/22",
        "target": 53.0,
        "value": 54.0,
        "status": "met",
    }


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"cycle": "Z"}, "indicator 'indicator-1': field 'plans': 'Z' is not a cycle id"),
        (
            {"cycle": "A", "baseline": {"period": "2019/20", "value": "high"}},
            "indicator 'indicator-1', plan 1: field 'baseline.value': must be a number, not 'high'",
        ),
        (
            {"cycle": "A", "targets": [{"period": "someday", "value": 1}]},
            "indicator 'indicator-1', plan 1: field 'targets[1].period': period 'someday' "
            "is not a year (2019), financial year (2019/20), quarter (2019-Q2), month "
            "(2019-07) or span (2019-04-01/2020-03-31)",
        ),
        (
            {"cycle": "A", "targets": [{"value": 1}]},
            "indicator 'indicator-1', plan 1: field 'targets[1].period': is required",
        ),
        (
            {"cycle": "A", "targets": "soon"},
            "indicator 'indicator-1', plan 1: field 'targets': must be a list",
        ),
    ],
)
def test_a_bad_plan_is_refused_naming_the_indicator_and_field(
    plan: dict[str, Any], message: str
) -> None:
    data = scenario()
    data["indicators"][0]["plans"] = [plan]
    with pytest.raises(HistoryError) as caught:
        parse_history(data)
    assert caught.value.problems == [message]


def test_two_plans_for_one_cycle_are_refused() -> None:
    data = scenario()
    data["indicators"][0]["plans"] = [{"cycle": "A"}, {"cycle": "A"}]
    with pytest.raises(HistoryError) as caught:
        parse_history(data)
    assert caught.value.problems == [
        "indicator 'indicator-1', plan 2: field 'cycle': 'A' has more than one plan"
    ]
