"""Reading the demo council's real Fingertips extracts (see spiral/demo_data/fingertips)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from spiral.exceptions import ImportErrors
from spiral.indicators.fingertips_counts import (
    demo_file,
    read_fingertips_counts,
    read_fingertips_population,
)


def test_every_row_of_the_counts_extract_is_read() -> None:
    table = read_fingertips_counts(demo_file("counts"))
    raw = pd.read_csv(demo_file("counts").open("rb"))
    assert len(table) == len(raw) == 3063
    assert table["numerator"].tolist() == raw["Count"].astype(float).tolist()
    assert table["denominator"].tolist() == raw["Denominator"].astype(float).tolist()
    assert set(table["indicator_id"]) == {str(i) for i in raw["IndicatorId"].unique()}
    assert table["value"].isna().all()


def test_repeated_breakdowns_are_numbered_as_unlabelled_categories() -> None:
    table = read_fingertips_counts(demo_file("counts"))
    repeated = table["category_type"] == "unlabelled breakdown"
    assert repeated.sum() == 1475 + 220
    assert not table.duplicated(
        ["indicator_id", "area_code", "period", "sex", "age", "category"]
    ).any()


def test_proportions_in_the_extract_never_exceed_their_denominator() -> None:
    table = read_fingertips_counts(demo_file("counts"))
    proportions = table[table["value_type"] == "proportion"]
    assert (proportions["numerator"] <= proportions["denominator"]).all()


def test_a_bad_counts_row_is_reported() -> None:
    text = demo_file("counts").read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace("E06000", "Q06000")
    with pytest.raises(ImportErrors, match="row 5, area_code"):
        read_fingertips_counts(io.StringIO("\n".join(text)))


def test_the_population_bands_sum_to_all_ages() -> None:
    population = read_fingertips_population(demo_file("population"))
    assert len(population) == 8520
    keys = ["area_code", "period", "sex"]
    total = population[population["age"] == "All ages"].set_index(keys)["population"]
    bands = population[population["age"] != "All ages"].groupby(keys)["population"].sum()
    assert len(total) == 426
    pd.testing.assert_series_equal(bands.sort_index(), total.sort_index(), check_names=False)


def test_a_negative_population_is_reported() -> None:
    text = "AreaCode,Year,Sex,Age,population\nE06000006,2018,Female,0-4 yrs,-3\n"
    with pytest.raises(ImportErrors, match="row 1, population: '-3' is not a count"):
        read_fingertips_population(io.StringIO(text))
