"""Every verdict of the Spiral test, and every threshold at, just inside and just outside.

The histories come from ``spiral_scenarios.scenario`` (see its docstring): the difference in
differences of each indicator has a standard error of exactly 1.0, so its 95% interval is
D ± 1.959964 and an indicator is better with confidence when D > 1.959964. Costs are per head
against 100 before the cycle unless stated. Thresholds (defaults in ``VerdictRules``): cost
tolerance +2%, clear saving −5%, clear rise +5%, acted-on share 50%, better and worse shares
50%, one key indicator and one period after the start.
"""

from typing import Any

import pytest
from spiral_scenarios import Z95, scenario

from spiral.spiral_test import VerdictRules, parse_history, run_spiral_test


def verdicts(history: dict[str, Any], rules: VerdictRules | None = None) -> dict[str, Any]:
    report = run_spiral_test(parse_history(history), rules)
    return {c.cycle_id: c.verdict for c in report.cycles}


def verdict_of_a(rules: VerdictRules | None = None, **kwargs: Any) -> str:
    return str(verdicts(scenario(**kwargs), rules)["A"].verdict)


# improving spiral ----------------------------------------------------------------------------


def test_better_outcomes_at_the_same_cost_are_an_improving_spiral() -> None:
    verdict = verdicts(scenario(area=[(3.0, 0.0)]))["A"]
    assert verdict.verdict == "improving_spiral"
    assert verdict.label == "Improving spiral"
    rule = verdict.reasons[0]
    assert rule.figures["better"] == 1
    assert rule.figures["cost_change"] == 0.0
    outcome = next(r for r in verdict.reasons if r.rule == "outcomes")
    assert outcome.figures["improvement"] == pytest.approx(3.0)
    assert outcome.figures["improvement_lower"] == pytest.approx(3.0 - Z95)
    assert verdict.missing == ()


@pytest.mark.parametrize(
    ("cost", "expected"),
    [(101.99, "improving_spiral"), (102.0, "improving_spiral"), (102.01, "too_early_to_tell")],
)
def test_the_cost_tolerance_of_two_percent_is_inclusive(cost: float, expected: str) -> None:
    assert verdict_of_a(area=[(3.0, 0.0)], costs=(cost, 100.0)) == expected


def test_better_outcomes_at_a_higher_cost_ask_for_a_judgement() -> None:
    verdict = verdicts(scenario(area=[(3.0, 0.0)], costs=(110.0, 110.0)))["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert "worth the higher cost" in " ".join(verdict.missing)


@pytest.mark.parametrize(
    ("cost", "expected"),
    [(94.99, "improving_spiral"), (95.0, "improving_spiral"), (95.01, "going_round_in_circles")],
)
def test_equal_outcomes_at_a_clearly_lower_cost_are_improving(cost: float, expected: str) -> None:
    """5% lower or more is clearly lower; 4.99% lower is not, and with the review ignored (no
    recommendation taken up) the completed cycle is going round in circles."""
    assert verdict_of_a(costs=(cost, 100.0)) == expected


@pytest.mark.parametrize(
    ("gain", "expected"),
    [
        (1.959, "going_round_in_circles"),
        (Z95, "going_round_in_circles"),
        (1.960, "improving_spiral"),
    ],
)
def test_better_means_the_interval_lies_wholly_above_zero(gain: float, expected: str) -> None:
    """D = 1.959964 puts the interval's lower end exactly on 0: not wholly above it."""
    assert verdict_of_a(area=[(gain, 0.0)]) == expected


def test_a_national_tide_is_not_credited_to_the_area() -> None:
    """Area up 3, comparator up 3: no difference, no credit."""
    assert verdict_of_a(area=[(3.0, 0.0)], comparator=[(3.0, 0.0)]) == "going_round_in_circles"


def test_lower_is_better_turns_a_fall_into_an_improvement() -> None:
    assert verdict_of_a(area=[(-3.0, 0.0)], polarity="lower_is_better") == "improving_spiral"
    assert verdict_of_a(area=[(3.0, 0.0)], polarity="lower_is_better") == "declining"


@pytest.mark.parametrize(
    ("gain", "expected"),
    [(2.99, "going_round_in_circles"), (3.0, "improving_spiral"), (3.01, "improving_spiral")],
)
def test_a_minimum_important_difference_must_be_reached(gain: float, expected: str) -> None:
    verdict = verdict_of_a(area=[(gain, 0.0)], minimum_important_difference=3.0)
    assert verdict == expected


# declining -----------------------------------------------------------------------------------


def test_worse_outcomes_with_confidence_are_declining() -> None:
    verdict = verdicts(scenario(area=[(-3.0, 0.0)], costs=(90.0, 90.0)))["A"]
    assert verdict.verdict == "declining"
    assert verdict.reasons[0].figures["worse"] == 1


@pytest.mark.parametrize(
    ("gain", "expected"),
    [(-1.959, "going_round_in_circles"), (-1.960, "declining")],
)
def test_worse_means_the_interval_lies_wholly_below_zero(gain: float, expected: str) -> None:
    assert verdict_of_a(area=[(gain, 0.0)]) == expected


@pytest.mark.parametrize(
    ("cost", "expected"),
    [(104.99, "going_round_in_circles"), (105.0, "declining"), (105.01, "declining")],
)
def test_a_clear_rise_in_cost_without_better_outcomes_is_declining_value(
    cost: float, expected: str
) -> None:
    assert verdict_of_a(costs=(cost, 100.0)) == expected


def test_a_clear_rise_in_cost_with_better_outcomes_is_not_declining() -> None:
    assert verdict_of_a(area=[(3.0, 0.0)], costs=(120.0, 120.0)) == "too_early_to_tell"


# going round in circles ----------------------------------------------------------------------


def test_a_completed_cycle_with_no_change_and_its_review_ignored_is_circles() -> None:
    verdict = verdicts(scenario(recommendations=4, addressed=1))["A"]
    assert verdict.verdict == "going_round_in_circles"
    assert "re-procuring the same model" in verdict.reasons[0].text
    assert verdict.reasons[0].figures["acted_on_share"] == 0.25
    assert any(r.rule == "process" for r in verdict.reasons)


@pytest.mark.parametrize(
    ("recommendations", "addressed", "expected"),
    [
        (5, 2, "going_round_in_circles"),  # 40%: below half
        (2, 1, "too_early_to_tell"),  # 50%: exactly half counts as acted on
        (5, 3, "too_early_to_tell"),  # 60%
    ],
)
def test_the_acted_on_threshold_is_half_inclusive(
    recommendations: int, addressed: int, expected: str
) -> None:
    verdict = verdicts(scenario(recommendations=recommendations, addressed=addressed))["A"]
    assert verdict.verdict == expected
    if expected == "too_early_to_tell":
        assert verdict.missing == ("outcomes of the next cycle",)


def test_a_cycle_without_a_review_is_circles() -> None:
    verdict = verdicts(scenario(recommendations=None))["A"]
    assert verdict.verdict == "going_round_in_circles"
    assert "no review is recorded" in verdict.reasons[0].text


def test_a_review_that_recommends_nothing_is_circles() -> None:
    verdict = verdicts(scenario(recommendations=0))["A"]
    assert verdict.verdict == "going_round_in_circles"
    assert "no recommendations" in verdict.reasons[0].text


def test_circles_does_not_need_a_re_procurement() -> None:
    verdict = verdicts(scenario(reprocured=False))["A"]
    assert verdict.verdict == "going_round_in_circles"
    assert "re-procuring" not in verdict.reasons[0].text


# too early to tell ---------------------------------------------------------------------------


def test_a_running_cycle_without_change_is_too_early() -> None:
    """As of 2023-09-30 cycle B (to March 2024) runs on; its only follow-up is 2022/23."""
    verdict = verdicts(scenario(as_of="2023-09-30"))["B"]
    assert verdict.verdict == "too_early_to_tell"
    assert "the rest of the cycle" in verdict.missing


def test_a_cycle_with_no_data_since_its_start_is_too_early() -> None:
    """As of 2022-06-30 no period after 2022-04-01 has ended: cycle B has no follow-up."""
    verdict = verdicts(scenario(as_of="2022-06-30"))["B"]
    assert verdict.verdict == "too_early_to_tell"
    assert verdict.reasons[0].rule == "data"
    assert any("no value for the area for a period from 2022-04-01" in m for m in verdict.missing)


def test_the_last_completed_cycle_waits_for_the_next_plan() -> None:
    history = scenario()
    history["cycles"][1]["review"] = {"recommendations": [{"id": "S1", "text": "x"}]}
    verdict = verdicts(history)["B"]
    assert verdict.verdict == "too_early_to_tell"
    assert verdict.missing == ("the next cycle's plan, to see whether it takes up this review",)


def test_values_without_uncertainty_are_too_early() -> None:
    verdict = verdicts(scenario(area=[(3.0, 0.0)], se=None))["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert any("carry no uncertainty" in m for m in verdict.missing)


def test_no_comparator_data_is_too_early() -> None:
    history = scenario(area=[(3.0, 0.0)])
    history["indicators"][0]["values"] = [
        v for v in history["indicators"][0]["values"] if v["area"] == "E06000001"
    ]
    verdict = verdicts(history)["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert any("no comparator has values" in m for m in verdict.missing)


def test_better_outcomes_with_nothing_to_compare_the_cost_with_are_too_early() -> None:
    verdict = verdicts(scenario(area=[(3.0, 0.0)], previous_cost=None))["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert "the real cost of the previous cycle or arrangement" in verdict.missing


def test_worse_outcomes_are_declining_whatever_the_cost_data() -> None:
    assert verdict_of_a(area=[(-3.0, 0.0)], previous_cost=None) == "declining"


def test_no_spend_recorded_is_too_early_for_a_cost_verdict() -> None:
    verdict = verdicts(scenario(costs=(None, 100.0)))["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert any("spend" in m for m in verdict.missing)


@pytest.mark.parametrize(
    ("needed", "expected"),
    [(1, "improving_spiral"), (2, "improving_spiral"), (3, "too_early_to_tell")],
)
def test_the_periods_needed_after_the_start(needed: int, expected: str) -> None:
    """Cycle A has two periods after its start (2020/21 and 2021/22)."""
    rules = VerdictRules(min_periods_after=needed)
    assert verdict_of_a(rules, area=[(3.0, 0.0)]) == expected


@pytest.mark.parametrize(
    ("needed", "expected"), [(1, "improving_spiral"), (2, "too_early_to_tell")]
)
def test_the_key_indicators_needed(needed: int, expected: str) -> None:
    rules = VerdictRules(min_key_indicators=needed)
    assert verdict_of_a(rules, area=[(3.0, 0.0)]) == expected


def test_an_indicator_that_is_not_key_does_not_count() -> None:
    history = scenario(area=[(3.0, 0.0), (-3.0, 0.0)])
    history["indicators"][1]["key"] = False
    assert verdicts(history)["A"].verdict == "improving_spiral"


# shares of indicators ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gains", "expected"),
    [
        ([(3.0, 0.0), (0.0, 0.0)], "improving_spiral"),  # 1 of 2 better: exactly half
        ([(3.0, 0.0), (0.0, 0.0), (0.0, 0.0)], "too_early_to_tell"),  # 1 of 3: below half
        ([(3.0, 0.0), (3.0, 0.0), (0.0, 0.0)], "improving_spiral"),  # 2 of 3
    ],
)
def test_the_better_share_is_half_inclusive(
    gains: list[tuple[float, float]], expected: str
) -> None:
    assert verdict_of_a(area=gains) == expected


@pytest.mark.parametrize(
    ("gains", "expected"),
    [
        ([(-3.0, 0.0), (0.0, 0.0)], "declining"),  # 1 of 2 worse
        ([(-3.0, 0.0), (0.0, 0.0), (0.0, 0.0)], "too_early_to_tell"),  # 1 of 3
        ([(-3.0, 0.0), (-3.0, 0.0), (0.0, 0.0)], "declining"),  # 2 of 3
    ],
)
def test_the_worse_share_is_half_inclusive(gains: list[tuple[float, float]], expected: str) -> None:
    assert verdict_of_a(area=gains) == expected


def test_mixed_outcomes_are_too_early_and_say_why() -> None:
    verdict = verdicts(scenario(area=[(3.0, 0.0), (-3.0, 0.0)]))["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert verdict.reasons[0].text.startswith("Mixed outcomes: 1 better and 1 worse")
    assert verdict.missing == ("further periods to settle the mixed outcomes",)


def test_mixed_outcomes_with_a_clear_cost_rise_are_declining_value() -> None:
    assert verdict_of_a(area=[(3.0, 0.0), (-3.0, 0.0)], costs=(106.0, 100.0)) == "declining"


# rules as configuration ----------------------------------------------------------------------


def test_the_cost_measure_can_be_per_service_user() -> None:
    history = scenario(area=[(3.0, 0.0)])
    history["cycles"][0]["service_users"] = 400  # 25% more per user; per head unchanged
    assert verdicts(history)["A"].verdict == "improving_spiral"
    per_user = VerdictRules(cost_measure="per_service_user")
    assert verdicts(history, per_user)["A"].verdict == "too_early_to_tell"


def test_a_higher_confidence_widens_the_intervals() -> None:
    """At 99% the multiplier is 2.575829: a difference of 2.5 is no longer distinguishable."""
    assert verdict_of_a(area=[(2.5, 0.0)]) == "improving_spiral"
    assert verdict_of_a(VerdictRules(confidence=99), area=[(2.5, 0.0)]) == (
        "going_round_in_circles"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"better_share": 0},
        {"worse_share": 1.5},
        {"acted_on_threshold": -0.1},
        {"cost_tolerance": -0.01},
        {"min_key_indicators": 0},
        {"confidence": 20},
        {"cost_measure": "per_pound"},
    ],
)
def test_rules_reject_impossible_thresholds(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 -- each rule has its own message
        VerdictRules(**kwargs)


def test_a_programme_without_key_indicators_says_so() -> None:
    history = scenario(area=[(3.0, 0.0)])
    history["indicators"][0]["key"] = False
    verdict = verdicts(history)["A"]
    assert verdict.verdict == "too_early_to_tell"
    assert "key outcome indicators for the programme" in verdict.missing
