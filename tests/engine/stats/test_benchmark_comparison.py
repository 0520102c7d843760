"""Comparison with a benchmark, as Fingertips colours its tables.

Reference: the Fingertips rule (OHID Public Health Outcomes Framework technical guidance):
the benchmark outside the area's 95% (or 99.8%) confidence interval means significantly
different; polarity turns higher/lower into better/worse; no interval means not compared.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.exceptions import InputError
from spiral.stats.comparison import benchmark_values, compare_to_benchmark


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"],
            "value": [11.0, 15.0, 10.5, 12.0, None],
            "lower_ci_95": [10.0, 14.0, 8.0, 13.0, None],
            "upper_ci_95": [12.0, 16.0, 13.0, 14.0, None],
            "lower_ci_99_8": [9.0, 13.5, 7.0, 12.5, None],
            "upper_ci_99_8": [13.0, 16.5, 14.0, 15.0, None],
            "benchmark_value": [13.0, 13.0, 13.0, 13.0, 13.0],
        }
    )


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("RAG - Low is good", ["better", "worse", "similar", "similar", "not compared"]),
        ("RAG - High is good", ["worse", "better", "similar", "similar", "not compared"]),
        ("BOB - Blue orange blue", ["lower", "higher", "similar", "similar", "not compared"]),
    ],
)
def test_polarity_turns_higher_and_lower_into_better_and_worse(
    polarity: str, expected: list[str]
) -> None:
    table = _table().assign(polarity=polarity)
    assert compare_to_benchmark(table)["comparison"].tolist() == expected


def test_an_interval_touching_the_benchmark_is_similar() -> None:
    table = _table().assign(polarity="RAG - Low is good")
    result = compare_to_benchmark(table)
    assert result.loc[3, "comparison"] == "similar"  # lower limit equals the benchmark


def test_the_wider_99_8_interval_can_make_a_difference_similar() -> None:
    table = _table().assign(polarity="RAG - Low is good")
    result = compare_to_benchmark(table, confidence=99.8)
    assert result["comparison"].tolist() == [
        "similar",
        "worse",
        "similar",
        "similar",
        "not compared",
    ]
    assert set(result["comparison_confidence"]) == {0.998}


def test_without_polarity_areas_are_only_higher_or_lower() -> None:
    result = compare_to_benchmark(_table(), polarity=None)
    assert result["comparison"].tolist()[:2] == ["lower", "higher"]


def test_a_missing_benchmark_means_not_compared() -> None:
    table = _table().assign(benchmark_value=None, polarity="RAG - Low is good")
    assert set(compare_to_benchmark(table)["comparison"]) == {"not compared"}


def test_it_rejects_an_unknown_polarity() -> None:
    table = _table().assign(polarity="sideways")
    with pytest.raises(InputError, match="row 1"):
        compare_to_benchmark(table)


def test_it_rejects_text_in_an_interval_column_naming_the_row() -> None:
    table = _table().assign(polarity="RAG - Low is good")
    table["lower_ci_95"] = table["lower_ci_95"].astype(object)
    table.loc[2, "lower_ci_95"] = "eight"
    with pytest.raises(InputError, match="row 3, lower_ci_95: 'eight' is not a number"):
        compare_to_benchmark(table)


def _indicator_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [1] * 5 + [2] * 5,
            "period": ["2023"] * 10,
            "area_code": ["E92000001", "E12000001", "E06000001", "E06000002", "E06000003"] * 2,
            "parent_code": [None, "E92000001", "E12000001", "E12000001", "E12000001"] * 2,
            "value": [10.0, 12.0, 11.0, 14.0, 9.0, 50.0, 55.0, 52.0, 58.0, 49.0],
            "numerator": [100, 120, 11, 14, 9, 500, 550, 52, 58, 49],
            "denominator": [1000, 1000, 100, 100, 100, 1000, 1000, 100, 100, 100],
        }
    )


def test_the_england_benchmark_is_matched_by_indicator() -> None:
    result = benchmark_values(_indicator_table(), area_code="E92000001")
    assert result["benchmark_value"].tolist() == [10.0] * 5 + [50.0] * 5


def test_the_parent_benchmark_is_each_rows_region() -> None:
    result = benchmark_values(_indicator_table(), parent_column="parent_code")
    assert result["benchmark_value"].tolist()[2:5] == [12.0, 12.0, 12.0]
    assert result["benchmark_value"].tolist()[7:10] == [55.0, 55.0, 55.0]
    assert pd.isna(result["benchmark_value"].iloc[0])


def test_a_comparator_group_benchmark_is_the_members_mean_or_pooled_value() -> None:
    groups = pd.DataFrame(
        {"area_code": ["E06000001", "E06000001"], "comparator_code": ["E06000002", "E06000003"]}
    )
    mean = benchmark_values(_indicator_table(), groups=groups)
    assert mean.loc[2, "benchmark_value"] == pytest.approx(11.5)
    assert mean.loc[7, "benchmark_value"] == pytest.approx(53.5)
    assert pd.isna(mean.loc[3, "benchmark_value"])
    pooled = benchmark_values(_indicator_table(), groups=groups, multiplier=100)
    assert pooled.loc[2, "benchmark_value"] == pytest.approx(100 * 23 / 200)


def test_it_needs_exactly_one_kind_of_benchmark() -> None:
    with pytest.raises(InputError, match="exactly one"):
        benchmark_values(_indicator_table())
    with pytest.raises(InputError, match="exactly one"):
        benchmark_values(_indicator_table(), area_code="E92000001", parent_column="parent_code")


def test_a_breakdown_is_compared_with_the_same_breakdown_of_england() -> None:
    table = pd.DataFrame(
        {
            "indicator_id": [1, 1, 1, 1],
            "period": ["2023"] * 4,
            "area_code": ["E92000001", "E92000001", "E06000001", "E06000001"],
            "category_type": [None, "Deprivation decile", None, "Deprivation decile"],
            "category": [None, "Most deprived", None, "Most deprived"],
            "value": [10.0, 16.0, 12.0, 15.0],
        }
    )
    result = benchmark_values(table, area_code="E92000001")
    assert result["benchmark_value"].tolist() == [10.0, 16.0, 10.0, 16.0]


@settings(max_examples=80, deadline=None)
@given(
    low=st.floats(-100, 100),
    width=st.floats(0, 50),
    benchmark=st.floats(-200, 200),
)
def test_swapping_the_polarity_swaps_better_and_worse(
    low: float, width: float, benchmark: float
) -> None:
    table = pd.DataFrame({"lower_ci_95": [low], "upper_ci_95": [low + width]})
    low_good = compare_to_benchmark(table.assign(polarity="low"), benchmark=benchmark)
    high_good = compare_to_benchmark(table.assign(polarity="high"), benchmark=benchmark)
    swap = {"better": "worse", "worse": "better", "similar": "similar"}
    assert swap[low_good["comparison"].iloc[0]] == high_good["comparison"].iloc[0]
    inside = low <= benchmark <= low + width
    assert (low_good["comparison"].iloc[0] == "similar") == inside
