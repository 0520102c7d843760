"""The Spiral test's measures against figures worked by hand: outcomes (difference in
differences with two comparators), segmented regression, real costs, process, learning and
value.

Difference in differences: Angrist and Pischke, *Mostly Harmless Econometrics* (2009), ch. 5.
Segmented regression: Wagner et al., *J Clin Pharm Ther* 27 (2002) 299–309. Real terms:
HM Treasury, *The Green Book* (2022).
"""

from typing import Any

import pytest

from spiral.spiral_test import parse_history, run_spiral_test
from spiral.spiral_test.segmented import segmented_regression

AREA, C1, C2 = "E06000001", "E06000002", "E06000003"


def value(area: str, period: str, v: float, se: float) -> dict[str, Any]:
    return {"area": area, "period": period, "value": v, "se": se}


def history() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "programme": {"id": "p", "name": "P", "area": {"code": AREA, "name": "Area"}},
        "as_of": "2023-01-01",
        "comparators": [{"code": C1}, {"code": C2}],
        "deflator": {
            "name": "test index",
            "base": "2021/22",
            "index": {"2019/20": 90.0, "2020/21": 95.0, "2021/22": 100.0},
        },
        "staff_day_cost": 300,
        "previous_arrangement": {"spend": {"2019/20": 900_000}, "population": 10_000},
        "indicators": [
            {
                "id": "i",
                "name": "Indicator",
                "polarity": "higher_is_better",
                "values": [
                    value(AREA, "2019/20", 60, 1.0),
                    value(AREA, "2020/21", 63, 1.1),
                    value(AREA, "2021/22", 66, 1.2),
                    value(C1, "2019/20", 58, 0.8),
                    value(C1, "2021/22", 60, 0.6),
                    value(C2, "2019/20", 62, 0.9),
                    value(C2, "2021/22", 63, 1.2),
                ],
            }
        ],
        "cycles": [
            {
                "id": "c1",
                "start": "2020-04-01",
                "end": "2022-03-31",
                "transaction_costs": {
                    "staff_days": 100,
                    "external_costs": 19_000,
                    "year": "2020/21",
                },
                "effort_days": {"analysis": 10, "planning": 10, "procurement": 60, "review": 20},
                "spend": {"2020/21": 950_000, "2021/22": 1_100_000},
                "population": 10_000,
                "service_users": 500,
                "review": {"recommendations": [{"id": "R1"}, {"id": "R2"}, {"id": "R3"}]},
            },
            {"id": "c2", "start": "2022-04-01", "addresses": ["R2"]},
        ],
    }


def test_the_difference_in_differences_with_two_comparators() -> None:
    """Area 60 (se 1.0) → 66 (se 1.2): change 6, se √(1 + 1.44) = √2.44 = 1.562050.
    Comparator 1: 58 (0.8) → 60 (0.6): change 2, se √(0.64 + 0.36) = 1.0.
    Comparator 2: 62 (0.9) → 63 (1.2): change 1, se √(0.81 + 1.44) = 1.5.
    Comparators: mean change 1.5, se √(1.0² + 1.5²)/2 = √3.25/2 = 0.901388.
    Difference in differences 6 − 1.5 = 4.5, se √(2.44 + 0.8125) = √3.2525 = 1.803469;
    95% interval 4.5 ± 1.959964 × 1.803469 = 4.5 ± 3.534734: 0.965266 to 8.034734."""
    outcome = run_spiral_test(parse_history(history())).cycles[0].outcomes[0]
    assert (outcome.baseline_period, outcome.follow_up_period) == ("2019/20", "2021/22")
    assert outcome.periods_after == 2
    assert outcome.area_change is not None
    assert outcome.area_change.estimate == pytest.approx(6.0)
    assert outcome.area_change.se == pytest.approx(1.562050, abs=1e-6)
    assert outcome.comparators == (C1, C2)
    assert outcome.comparator_change is not None
    assert outcome.comparator_change.estimate == pytest.approx(1.5)
    assert outcome.comparator_change.se == pytest.approx(0.901388, abs=1e-6)
    assert outcome.difference is not None
    assert outcome.difference.estimate == pytest.approx(4.5)
    assert outcome.difference.se == pytest.approx(1.803469, abs=1e-6)
    assert outcome.difference.lower == pytest.approx(0.965266, abs=1e-6)
    assert outcome.difference.upper == pytest.approx(8.034734, abs=1e-6)
    assert outcome.status == "better"


def test_a_comparator_missing_a_period_is_left_out() -> None:
    """Without comparator 2's follow-up, only comparator 1 counts: D = 6 − 2 = 4."""
    data = history()
    data["indicators"][0]["values"].pop()
    outcome = run_spiral_test(parse_history(data)).cycles[0].outcomes[0]
    assert outcome.comparators == (C1,)
    assert outcome.difference is not None
    assert outcome.difference.estimate == pytest.approx(4.0)


def test_the_segmented_regression_matches_two_lines_fitted_by_hand() -> None:
    """Before (t = −3, −2, −1; y = 1, 2, 4): slope 3/2 = 1.5, level at t = 0: 7/3 + 3 = 16/3;
    after (t = 0, 1, 2; y = 10, 11, 13): slope 1.5, level 34/3 − 1.5 = 59/6. Level change
    59/6 − 32/6 = 4.5, slope change 0. Residuals ±1/6, −1/3 on each side: RSS = 1/3 on
    6 − 4 = 2 degrees of freedom, σ² = 1/6. Var(level change) = σ²[(1/3 + 4/2) + (1/3 + 1/2)]
    = 0.527778, se 0.726483; var(slope change) = σ²(1/2 + 1/2) = 1/6, se 0.408248.
    t(0.975, 2) = 4.302653: level change 4.5 ± 3.125806."""
    fit = segmented_regression([-3, -2, -1, 0, 1, 2], [1, 2, 4, 10, 11, 13])
    assert (fit.periods_before, fit.periods_after) == (3, 3)
    assert fit.level_before.estimate == pytest.approx(16 / 3)
    assert fit.slope_before.estimate == pytest.approx(1.5)
    assert fit.level_change.estimate == pytest.approx(4.5)
    assert fit.slope_change.estimate == pytest.approx(0.0, abs=1e-12)
    assert fit.level_change.se == pytest.approx(0.726483, abs=1e-6)
    assert fit.slope_change.se == pytest.approx(0.408248, abs=1e-6)
    assert fit.level_change.lower == pytest.approx(4.5 - 3.125806, abs=1e-5)


def test_the_segmented_regression_needs_points_either_side() -> None:
    with pytest.raises(ValueError, match="two points before the change"):
        segmented_regression([-1, 0, 1, 2, 3], [1, 2, 3, 4, 5])


def test_the_segmented_regression_runs_on_the_gap_when_there_are_enough_periods() -> None:
    """Area and one comparator, eight years either side of 2016-04-01; the gap (area minus
    comparator) is 0 before and 2 after: a level change of 2 and no slope change."""
    data = history()
    values = []
    for year in range(2008, 2024):
        label = f"{year}/{(year + 1) % 100:02d}"
        step = 2.0 if year >= 2016 else 0.0
        values.append(value(AREA, label, 50 + year - 2008 + step, 1.0))
        values.append(value(C1, label, 50 + year - 2008, 1.0))
    data["indicators"][0]["values"] = values
    data["comparators"] = [{"code": C1}]
    data["cycles"][0].update({"start": "2016-04-01", "end": "2024-03-31"})
    data["cycles"] = data["cycles"][:1]
    data["cycles"][0]["spend"] = {}
    data["as_of"] = "2024-06-30"
    outcome = run_spiral_test(parse_history(data)).cycles[0].outcomes[0]
    assert outcome.segmented is not None
    assert outcome.segmented.periods_before == 8
    assert outcome.segmented.level_change.estimate == pytest.approx(2.0)
    assert outcome.segmented.slope_change.estimate == pytest.approx(0.0, abs=1e-9)


def test_real_costs_per_head_and_per_user() -> None:
    """Cash £950,000 in 2020/21 (index 95) and £1,100,000 in 2021/22 (the base, 100):
    real £1,000,000 and £1,100,000, £1,050,000 a year; 10,000 people: £105 a head; 500 users:
    £2,100 a user. Before: £900,000 in 2019/20 (index 90) = £1,000,000 real, £100 a head; so
    the real cost per head rose 5%."""
    cycle = run_spiral_test(parse_history(history())).cycles[0]
    assert cycle.cost.price_base == "2021/22"
    assert cycle.cost.real_spend == pytest.approx(2_100_000)
    assert cycle.cost.cash_spend == pytest.approx(2_050_000)
    assert cycle.cost.per_head == pytest.approx(105.0)
    assert cycle.cost.per_service_user == pytest.approx(2100.0)
    assert cycle.cost_change == pytest.approx(0.05)


def test_process_measures() -> None:
    """Staff days 100 × £300 = £30,000, plus external £19,000 cash in 2020/21 = £20,000 real:
    £50,000. Effort 10 + 10 + 60 + 20 = 100 days: procurement 60%, analysis and review 30%.
    Elapsed: 2020-04-01 to 2022-03-31 is 729 days."""
    process = run_spiral_test(parse_history(history())).cycles[0].process
    assert process.transaction_cost == pytest.approx(50_000)
    assert process.external_costs == pytest.approx(20_000)
    assert process.procurement_share == pytest.approx(0.6)
    assert process.analysis_and_review_share == pytest.approx(0.3)
    assert process.elapsed_days == 729
    assert process.complete


def test_learning_measures() -> None:
    """Cycle 1's review made three recommendations; cycle 2's plan took up one."""
    first, second = run_spiral_test(parse_history(history())).cycles
    assert first.learning.acted_on == 1
    assert first.learning.acted_on_share == pytest.approx(1 / 3)
    assert second.learning.learning_share == pytest.approx(1 / 3)
    assert first.learning.learning_share is None
    assert second.learning.acted_on is None
    assert not second.process.complete


def test_value_is_the_outcome_index_per_pound() -> None:
    """Improvement 4.5 on a baseline of 60 is 7.5%: outcome index 107.5; at £105 a head the
    value is 107.5 / 105 = 1.023810."""
    cycle = run_spiral_test(parse_history(history())).cycles[0]
    assert cycle.outcome_index == pytest.approx(107.5)
    assert cycle.value_per_pound == pytest.approx(1.023810, abs=1e-6)
