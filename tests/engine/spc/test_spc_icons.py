"""The variation and assurance icons of NHS England and NHS Improvement's *Making Data Count*
(2019), on charts whose limits are worked by hand.

Baseline for every chart here: 12, 10, 12, 10, 12, 10 — mean 11, mean moving range 2, limits
5.68 and 16.32 (see test_spc_run_rules).
"""

import pytest

from spiral.spc import assurance_icon, variation_icon, xmr_chart

BASELINE = [12, 10, 12, 10, 12, 10]


@pytest.mark.parametrize(
    ("last", "polarity", "code"),
    [
        (11, "higher_is_better", "common_cause"),
        (17, "higher_is_better", "improvement_high"),
        (5, "higher_is_better", "concern_low"),
        (17, "lower_is_better", "concern_high"),
        (5, "lower_is_better", "improvement_low"),
        (17, "neutral", "neither_high"),
        (5, "neutral", "neither_low"),
    ],
)
def test_the_variation_icon_reads_the_latest_point(last: float, polarity: str, code: str) -> None:
    chart = xmr_chart([*BASELINE, last], baseline=6, polarity=polarity)
    icon = variation_icon(chart)
    assert icon.code == code
    assert icon.label


def test_an_earlier_signal_does_not_set_the_icon() -> None:
    chart = xmr_chart([*BASELINE, 17, 11], baseline=6, polarity="higher_is_better")
    assert variation_icon(chart).code == "common_cause"


def test_a_falling_trend_on_a_lower_is_better_measure_is_improvement() -> None:
    chart = xmr_chart([*BASELINE, 14, 13, 12, 10.5, 10, 9], baseline=6, polarity="lower_is_better")
    assert variation_icon(chart).code == "improvement_low"


@pytest.mark.parametrize(
    ("target", "polarity", "code"),
    [
        (5.0, "higher_is_better", "consistently_pass"),
        (5.67, "higher_is_better", "consistently_pass"),
        (5.69, "higher_is_better", "hit_and_miss"),
        (16.31, "higher_is_better", "hit_and_miss"),
        (16.33, "higher_is_better", "consistently_fail"),
        (5.67, "lower_is_better", "consistently_fail"),
        (16.33, "lower_is_better", "consistently_pass"),
        (11.0, "lower_is_better", "hit_and_miss"),
    ],
)
def test_the_assurance_icon_compares_the_target_with_the_limits(
    target: float, polarity: str, code: str
) -> None:
    chart = xmr_chart(BASELINE, polarity=polarity)
    icon = assurance_icon(chart, target, polarity)
    assert icon is not None
    assert icon.code == code


def test_a_target_exactly_on_a_limit_is_hit_and_miss() -> None:
    chart = xmr_chart(BASELINE)
    on_limit = float(chart["upper"].iloc[-1])
    icon = assurance_icon(chart, on_limit, "higher_is_better")
    assert icon is not None
    assert icon.code == "hit_and_miss"


def test_there_is_no_assurance_without_a_target_or_a_direction() -> None:
    chart = xmr_chart(BASELINE)
    assert assurance_icon(chart, None, "higher_is_better") is None
    assert assurance_icon(chart, 12, "neutral") is None
