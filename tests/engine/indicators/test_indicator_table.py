"""The tidy indicator table and its all-or-nothing validation."""

from __future__ import annotations

import pandas as pd
import pytest

from spiral.exceptions import ImportErrors, Problem
from spiral.indicators.table import COLUMNS, area_code_problems, build_indicator_table


def _raw(**changes: list[str]) -> pd.DataFrame:
    rows = {
        "indicator_id": ["93085", "93085", "93085"],
        "area_code": ["E92000001", "E06000008", "E08000003"],
        "period": ["2022/23", "2022/23", "2022/23"],
        "numerator": ["45176", "213", "415"],
        "denominator": ["515699", "1929", "4519"],
        "value_type": ["proportion"] * 3,
    }
    rows.update(changes)
    return pd.DataFrame(rows)


def _problems(raw: pd.DataFrame, **options: object) -> list[str]:
    with pytest.raises(ImportErrors) as caught:
        build_indicator_table(raw, **options)  # type: ignore[arg-type]
    return [str(problem) for problem in caught.value.problems]


def test_a_clean_table_has_every_column_and_parsed_numbers() -> None:
    table = build_indicator_table(_raw())
    assert tuple(table.columns) == COLUMNS
    assert table["numerator"].tolist() == [45176.0, 213.0, 415.0]
    assert table["value"].isna().all()


def test_it_collects_every_problem_before_refusing_the_import() -> None:
    raw = _raw(
        area_code=["E92000001", "X06000008", "E08000003"],
        numerator=["45176", "lots", "5000"],
        denominator=["515699", "1929", "-4519"],
    )
    assert _problems(raw) == [
        "row 2, area_code: 'X06000008' is not an ONS GSS area code"
        " (a letter E, W, S, N or K and 8 digits)",
        "row 2, numerator: 'lots' is not a number",
        "row 3, denominator: -4519 is negative",
    ]


def test_it_rejects_a_numerator_above_the_denominator_in_a_proportion() -> None:
    raw = _raw(numerator=["45176", "2000", "415"])
    assert _problems(raw) == [
        "row 2, numerator: 2000 is more than the denominator 1929 in a proportion"
    ]


def test_a_rate_may_have_more_events_than_people() -> None:
    raw = _raw(numerator=["45176", "2000", "415"], value_type=["crude rate"] * 3)
    assert build_indicator_table(raw)["numerator"].iloc[1] == 2000.0


def test_it_rejects_missing_required_fields() -> None:
    raw = _raw(indicator_id=["93085", "", "93085"], period=["2022/23", "2022/23", " "])
    assert _problems(raw) == [
        "row 2, indicator_id: required indicator_id is missing",
        "row 3, period: required period is missing",
    ]


def test_it_rejects_a_missing_required_column() -> None:
    raw = _raw().drop(columns="period")
    assert _problems(raw) == ["file, period: required column missing: 'period'"]


def test_it_rejects_a_row_with_neither_value_nor_counts() -> None:
    raw = _raw(numerator=["45176", "", "415"])
    assert _problems(raw) == ["row 2, value: needs a value, or a numerator and a denominator"]


def test_it_rejects_a_repeated_row() -> None:
    raw = _raw(area_code=["E92000001", "E06000008", "E06000008"])
    assert _problems(raw) == [
        "row 3, area_code: repeats an earlier row for indicator 93085, area E06000008,"
        " period 2022/23"
    ]


def test_it_rejects_a_lower_limit_above_the_upper() -> None:
    raw = _raw().assign(
        value=["8.8", "11.0", "9.2"],
        lower_ci_95=["8.7", "12.5", "8.4"],
        upper_ci_95=["8.8", "9.7", "10.0"],
    )
    assert _problems(raw) == ["row 2, lower_ci_95: 12.5 is above the upper limit 9.7"]


@pytest.mark.parametrize(
    "code",
    [
        "E06000001",
        "E07000026",
        "E08000009",
        "E09000001",
        "E10000017",
        "E12000002",
        "E92000001",
        "E54000008",
        "W06000015",
        "S12000033",
        "N09000003",
    ],
)
def test_it_accepts_ons_gss_codes(code: str) -> None:
    assert area_code_problems(pd.Series([code])) == []


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("E0600001", "is not an ONS GSS area code"),
        ("e06000001", "is not an ONS GSS area code"),
        ("A81001", "is not an ONS GSS area code"),
        ("E06 000001", "is not an ONS GSS area code"),
        ("E99000001", "unknown ONS GSS entity code E99"),
    ],
)
def test_it_rejects_ill_formed_or_unknown_area_codes(code: str, why: str) -> None:
    problems = area_code_problems(pd.Series([code]))
    assert len(problems) == 1
    assert why in problems[0].message


def test_a_problem_names_the_row_and_field() -> None:
    assert str(Problem(4, "value", "'n/a' is not a number")) == (
        "row 4, value: 'n/a' is not a number"
    )
