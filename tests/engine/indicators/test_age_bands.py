"""Age-banded counts: the upload format's checks and the values computed from stored bands.

Known answers: PHEindicatormethods v2.1.0 test data (tests/testthat, converted to
``tests/reference/phe/``; see its README): ``dsr_input_multiarea.csv`` with
``dsr_expected.csv`` (ESP2013, per 100,000, 95% and 99.8% limits), ``isr_input_multiarea.csv``
with ``isr_expected.csv`` (indirectly standardised ratio x 100) and
``life_expectancy_chiang_silcocks.csv`` (life expectancy at birth). Every area of each
file is checked: the values computed from the long table equal the reference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spiral.exceptions import ImportErrors, InputError
from spiral.indicators.age_bands import (
    LIFE_EXPECTANCY_BANDS,
    age_band_table,
    allowed_bands,
    read_age_band_file,
    standardised_values,
)
from spiral.stats.dsr import dsr

PHE = Path(__file__).resolve().parents[2] / "reference" / "phe"
LIMITS = {
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}
FIVE_YEAR = allowed_bands("dsr")


def _raw(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows).astype(str)


def _good(bands: tuple[str, ...] = FIVE_YEAR, areas: tuple[str, ...] = ("E06000007",)) -> list:
    return [
        {
            "area_code": area,
            "period": "2023",
            "age_band": band,
            "count": str(10 + index),
            "population": str(1000 + 10 * index),
        }
        for area in areas
        for index, band in enumerate(bands)
    ]


def _problems(raw: pd.DataFrame, statistic: str = "dsr") -> list[str]:
    with pytest.raises(ImportErrors) as caught:
        age_band_table(raw, statistic=statistic)
    return [str(problem) for problem in caught.value.problems]


# --- the upload format -------------------------------------------------------------------


def test_a_good_table_is_returned_tidy_in_file_order() -> None:
    table = age_band_table(_raw(_good(areas=("E06000007", "E92000001"))), statistic="dsr")
    assert len(table) == 38
    assert table["sex"].unique().tolist() == ["Persons"]
    assert table["age_band"].iloc[:2].tolist() == ["0-4", "5-9"]
    assert table["band_order"].iloc[:3].tolist() == [0, 1, 2]
    assert table["count"].iloc[0] == 10.0


def test_fingertips_band_labels_and_less_than_one_are_read() -> None:
    rows = _good(bands=LIFE_EXPECTANCY_BANDS)
    rows[0]["age_band"] = "<1"
    rows[1]["age_band"] = "1-4 yrs"
    table = age_band_table(_raw(rows), statistic="life_expectancy")
    assert table["age_band"].iloc[:2].tolist() == ["0", "1-4"]


def test_a_csv_and_an_excel_workbook_read_the_same(tmp_path: Path) -> None:
    raw = _raw(_good())
    raw.to_csv(tmp_path / "bands.csv", index=False)
    raw.to_excel(tmp_path / "bands.xlsx", index=False)
    from_csv = read_age_band_file(tmp_path / "bands.csv", statistic="dsr")
    from_excel = read_age_band_file(tmp_path / "bands.xlsx", statistic="dsr")
    pd.testing.assert_frame_equal(from_csv, from_excel)


def test_a_missing_file_is_a_problem_with_the_file(tmp_path: Path) -> None:
    with pytest.raises(ImportErrors) as caught:
        read_age_band_file(tmp_path / "nothing.csv", statistic="dsr")
    assert str(caught.value.problems[0]) == "file, file: nothing.csv: no such file"


def test_it_names_every_missing_column() -> None:
    raw = _raw(_good()).drop(columns=["count", "population"])
    assert _problems(raw) == ["file, count: column missing", "file, population: column missing"]


def test_an_empty_file_is_refused() -> None:
    assert _problems(
        pd.DataFrame(columns=["area_code", "period", "age_band", "count", "population"])
    ) == ["file, file: the file has no rows"]


def test_a_blank_cell_is_named_by_row_and_column() -> None:
    rows = _good()
    rows[2]["period"] = ""
    rows[3]["count"] = ""
    rows[4]["population"] = " "
    problems = _problems(_raw(rows))
    assert "row 3, period: enter a value" in problems
    assert "row 4, count: enter a number" in problems
    assert "row 5, population: enter a number" in problems


def test_a_bad_area_code_is_named() -> None:
    rows = _good()
    rows[0]["area_code"] = "X1"
    problems = _problems(_raw(rows))
    assert problems[0].startswith("row 1, area_code: 'X1' is not an ONS GSS area code")


def test_a_band_not_of_the_standard_is_named() -> None:
    rows = _good()
    rows[18]["age_band"] = "95+"
    assert "row 19, age_band: '95+' is not one of the bands" in " ".join(_problems(_raw(rows)))


def test_esp1976_has_no_90_plus_band() -> None:
    with pytest.raises(ImportErrors) as caught:
        age_band_table(_raw(_good()), statistic="dsr", standard="esp1976")
    assert "row 19, age_band: '90+' is not one of the bands" in str(caught.value)


def test_text_in_a_number_column_is_named() -> None:
    rows = _good()
    rows[5]["count"] = "twelve"
    rows[6]["population"] = "1,000"
    problems = _problems(_raw(rows))
    assert "row 6, count: 'twelve' is not a number" in problems
    assert "row 7, population: '1,000' is not a number" in problems


def test_negative_counts_zero_populations_and_counts_above_the_population_are_refused() -> None:
    rows = _good()
    rows[0]["count"] = "-1"
    rows[1]["population"] = "0"
    rows[2]["count"] = "5000"
    problems = _problems(_raw(rows))
    assert "row 1, count: must be zero or more" in problems
    assert "row 2, population: must be greater than zero" in problems
    assert "row 3, count: is more than the population (1020)" in problems


def test_an_unknown_or_mixed_sex_is_refused() -> None:
    rows = _good()
    for row in rows:
        row["sex"] = "Female"
    rows[1]["sex"] = "Woman"
    rows[2]["sex"] = "Male"
    problems = _problems(_raw(rows))
    assert "row 2, sex: 'Woman' is not Persons, Male or Female" in problems
    assert any(p.startswith("row 3, sex: every row must be for the same sex") for p in problems)


def test_a_sex_column_is_kept() -> None:
    rows = _good()
    for row in rows:
        row["sex"] = "male"
    assert age_band_table(_raw(rows), statistic="dsr")["sex"].unique().tolist() == ["Male"]


def test_a_repeated_band_is_refused_on_its_second_row() -> None:
    rows = _good()
    rows.append(dict(rows[0]))
    assert "row 20, age_band: this area, period and age band is already in the file" in (
        _problems(_raw(rows))
    )


def test_an_area_missing_a_band_the_file_uses_is_named_at_its_first_row() -> None:
    rows = _good(areas=("E06000007", "E92000001"))
    del rows[20]  # England's 5-9
    assert _problems(_raw(rows)) == [
        "row 20, age_band: E92000001 2023 has no row for the age bands 5-9 "
        "(every area and period needs every band)"
    ]


def test_a_partial_set_of_bands_is_allowed_for_a_dsr() -> None:
    under_75 = FIVE_YEAR[:15]
    assert len(age_band_table(_raw(_good(bands=under_75)), statistic="dsr")) == 15


def test_life_expectancy_needs_all_twenty_bands() -> None:
    rows = _good(bands=LIFE_EXPECTANCY_BANDS[:-1])
    assert _problems(_raw(rows), "life_expectancy") == [
        "row 1, age_band: E06000007 2023 has no row for the age bands 90+ "
        "(every area and period needs every band)"
    ]


def test_an_unknown_statistic_is_refused() -> None:
    with pytest.raises(InputError):
        allowed_bands("mean")
    with pytest.raises(InputError):
        standardised_values(pd.DataFrame(), statistic="mean")


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(19)))
def test_row_order_does_not_change_the_checked_bands(order: list[int]) -> None:
    rows = [_good()[position] for position in order]
    table = age_band_table(_raw(rows), statistic="dsr")
    assert sorted(table["age_band"]) == sorted(FIVE_YEAR)


# --- values from stored bands equal the reference-tested methods ---------------------------


def _long(frame: pd.DataFrame, band: str = "ageband", population: str = "pop") -> pd.DataFrame:
    # the R test data label the 55-59 band "55-69" (its functions match bands by position)
    frame = frame.assign(**{band: frame[band].replace({"55-69": "55-59"})})
    return frame.rename(
        columns={"area": "area_code", band: "age_band", population: "population"}
    ).assign(period="2023")


def test_dsr_values_equal_the_reference_for_every_area() -> None:
    data = pd.read_csv(PHE / "dsr_input_multiarea.csv", dtype={"ageband": str})
    expected = pd.read_csv(PHE / "dsr_expected.csv").iloc[4:7].reset_index(drop=True)
    result = standardised_values(_long(data), statistic="dsr", multiplier=100_000)
    order = result.set_index("area_code").loc[expected["area"]].reset_index()
    assert_allclose(order["numerator"], expected["total_count"])
    assert_allclose(order["denominator"], expected["total_pop"])
    for ours, theirs in LIMITS.items():
        assert_allclose(order[ours], expected[theirs], rtol=1e-9, equal_nan=True)
    # the tiny area has fewer than 10 events: no rate, as the reference
    assert order["method"].tolist() == [
        "Dobson" if statistic.startswith("dsr per") else "not computed: fewer than 10 events"
        for statistic in expected["statistic"]
    ]


def test_dsr_values_equal_the_engine_called_directly_for_partial_bands() -> None:
    data = _long(pd.read_csv(PHE / "dsr_input_multiarea.csv", dtype={"ageband": str}))
    under_75 = data[data["age_band"].isin(FIVE_YEAR[:15])]
    result = standardised_values(under_75, statistic="dsr", multiplier=100_000)
    direct = dsr(
        under_75, "count", "population", standard=[5000, 5500, 5500, 5500, 6000, 6000,
        6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000], group_by=["area_code"],
        multiplier=100_000, confidence=[95, 99.8],
    )  # fmt: skip
    for column in LIMITS:
        assert_allclose(result[column], direct[column], rtol=1e-12, equal_nan=True)


def test_a_dsr_from_fewer_than_ten_events_is_not_computed() -> None:
    bands = age_band_table(_raw(_good()), statistic="dsr").assign(count=0.0)
    result = standardised_values(bands, statistic="dsr")
    assert np.isnan(result["value"].iloc[0])
    assert result["method"].iloc[0] == "not computed: fewer than 10 events"


def _isr_with_reference_area() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = _long(pd.read_csv(PHE / "isr_input_multiarea.csv", dtype={"ageband": str}))
    reference = (
        data[data["area_code"] == "testdata_big"]
        .assign(area_code="REFERENCE", count=lambda f: f["refcount"])
        .assign(population=lambda f: f["refpop"])
    )
    table = pd.concat([data, reference], ignore_index=True)
    return table[["area_code", "period", "age_band", "count", "population"]], data


def test_isr_values_against_a_reference_area_equal_the_reference() -> None:
    table, _ = _isr_with_reference_area()
    expected = pd.read_csv(PHE / "isr_expected.csv").iloc[9:12].reset_index(drop=True)
    result = standardised_values(
        table, statistic="isr", multiplier=100, reference_area="REFERENCE"
    ).set_index("area_code")
    order = result.loc[expected["area"]].reset_index()
    assert_allclose(order["numerator"], expected["observed"])
    assert_allclose(order["denominator"], expected["expected"], rtol=1e-12)
    for ours, theirs in LIMITS.items():
        assert_allclose(order[ours], expected[theirs], rtol=1e-9)
    assert order["method"].tolist() == expected["method"].tolist()
    assert result.loc["REFERENCE", "value"] == pytest.approx(100)


def test_isr_against_a_comparator_group_pools_the_members_rates() -> None:
    table, _ = _isr_with_reference_area()
    groups = pd.DataFrame({"area_code": ["testdata_small"], "comparator_code": ["REFERENCE"]})
    by_group = standardised_values(table, statistic="isr", multiplier=100, groups=groups)
    by_area = standardised_values(
        table, statistic="isr", multiplier=100, reference_area="REFERENCE"
    )
    small = by_group.set_index("area_code").loc["testdata_small"]
    assert small["value"] == pytest.approx(
        by_area.set_index("area_code").loc["testdata_small", "value"], rel=1e-12
    )
    no_group = by_group.set_index("area_code").loc["testdata_big"]
    assert np.isnan(no_group["value"])
    assert no_group["method"] == "not computed: no reference rates for every band"


def test_life_expectancy_at_birth_equals_the_reference() -> None:
    data = pd.read_csv(PHE / "life_expectancy_chiang_silcocks.csv")
    labels = dict(zip((0, 1, *range(5, 95, 5)), LIFE_EXPECTANCY_BANDS, strict=True))
    table = pd.DataFrame(
        {
            "area_code": "E06000007",
            "period": "2023",
            "age_band": data["startage"].map(labels),
            "count": data["deaths"].astype(float),
            "population": data["pops"].astype(float),
        }
    )
    result = standardised_values(table, statistic="life_expectancy")
    assert len(result) == 1
    assert result["value"].iloc[0] == pytest.approx(data["value"].iloc[0], abs=5e-9)
    assert result["numerator"].iloc[0] == data["dths_used"].iloc[0]
    assert result["denominator"].iloc[0] == data["pops_used"].iloc[0]
    # the file's limits were made with z = 1.96; the engine uses 1.959964 (see its tests)
    assert result["lower_ci_95"].iloc[0] == pytest.approx(data["lowercl"].iloc[0], abs=1e-4)
    assert result["upper_ci_95"].iloc[0] == pytest.approx(data["uppercl"].iloc[0], abs=1e-4)
    assert result["method"].iloc[0] == "Chiang, using Silcocks et al for confidence limits"


def test_a_small_population_s_wide_life_expectancy_is_suppressed_and_labelled() -> None:
    table = pd.DataFrame(
        {
            "area_code": "E06000007",
            "period": "2023",
            "age_band": LIFE_EXPECTANCY_BANDS,
            "count": [0.0] * 19 + [2.0],
            "population": [260.0] * 20,
        }
    )
    result = standardised_values(table, statistic="life_expectancy")
    assert np.isnan(result["value"].iloc[0])
    assert result["upper_ci_95"].iloc[0] - result["lower_ci_95"].iloc[0] > 20
    assert result["method"].iloc[0] == "suppressed: 95% interval wider than 20 years"


def test_life_expectancy_at_birth_equals_the_reference_where_one_area_is_not_computed() -> None:
    data = pd.read_csv(PHE / "life_expectancy_wide_ci.csv")
    labels = dict(zip((0, 1, *range(5, 95, 5)), LIFE_EXPECTANCY_BANDS, strict=True))
    table = pd.DataFrame(
        {
            "area_code": data["area"],
            "period": "2023",
            "age_band": data["startage"].map(labels),
            "count": data["deaths"].astype(float),
            "population": data["pops"].astype(float),
        }
    )
    result = standardised_values(table, statistic="life_expectancy").set_index("area_code")
    expected = data[data["startage"] == 0].set_index("area")
    assert_allclose(result["value"], expected["value"], atol=5e-9, equal_nan=True)
    assert_allclose(result["lower_ci_95"], expected["lower95_0cl"], atol=5e-5, equal_nan=True)
    assert_allclose(result["upper_ci_95"], expected["upper95_0cl"], atol=5e-5, equal_nan=True)
    assert result["method"].tolist() == [
        "not computed",
        "Chiang, using Silcocks et al for confidence limits",
    ]
