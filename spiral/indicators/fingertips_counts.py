"""Read Fingertips count extracts: counts and denominators, and resident population.

These are the two extract formats of Spiral's demo data (``spiral/demo_data/fingertips``):

- counts: ``IndicatorId, IndicatorName, statistic, multiplier, expected_ci_method_95,
  AreaCode, Year, Sex, Age, Count, Denominator`` — the inputs of each indicator, without
  its value;
- population: ``AreaCode, Year, Sex, Age, population`` (indicator 92708, five-year bands).

Where the counts extract repeats an (indicator, area, year, sex, age) combination, the
source held further breakdowns whose labels were lost; the reader keeps every row and
labels the repeats ``category_type = "unlabelled breakdown"``, ``category = "1", "2", ...``
in file order, so that each row stays distinct.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from os import PathLike
from typing import IO

import pandas as pd

from spiral.exceptions import ImportErrors, InputError, Problem
from spiral.indicators.table import area_code_problems, build_indicator_table

__all__ = ["demo_file", "read_fingertips_counts", "read_fingertips_population"]

COUNT_COLUMNS = {
    "indicator_id": "IndicatorId",
    "indicator_name": "IndicatorName",
    "value_type": "statistic",
    "multiplier": "multiplier",
    "area_code": "AreaCode",
    "period": "Year",
    "sex": "Sex",
    "age": "Age",
    "numerator": "Count",
    "denominator": "Denominator",
}
POPULATION_HEADERS = ("AreaCode", "Year", "Sex", "Age", "population")
DEMO_FILES = {
    "counts": "fingertips_poc_utla_counts.csv",
    "population": "fingertips_poc_resident_population_92708.csv",
}


def demo_file(name: str) -> Traversable:
    """The demo council's Fingertips extract: ``"counts"`` or ``"population"``.

    Examples
    --------
    >>> demo_file("counts").name
    'fingertips_poc_utla_counts.csv'
    """
    if name not in DEMO_FILES:
        raise InputError(f"no demo file {name!r}; choose from {sorted(DEMO_FILES)}")
    return files("spiral").joinpath("demo_data", "fingertips", DEMO_FILES[name])


Source = str | PathLike[str] | IO[str] | IO[bytes] | Traversable


def _read_text_csv(source: Source) -> pd.DataFrame:
    if isinstance(source, Traversable) and not isinstance(source, str | PathLike):
        with source.open("rb") as stream:
            return pd.read_csv(stream, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_fingertips_counts(source: Source) -> pd.DataFrame:
    """Read a Fingertips counts extract into the indicator table (values left to compute).

    Rows whose ``statistic`` is ``proportion`` are checked to have a numerator no larger than
    the denominator.

    Examples
    --------
    >>> table = read_fingertips_counts(demo_file("counts"))
    >>> len(table), table["area_code"].nunique()
    (3063, 25)
    >>> sorted(table["value_type"].unique())
    ['crude rate', 'proportion']
    """
    raw = _read_text_csv(source)
    missing = [column for column in COUNT_COLUMNS.values() if column not in raw.columns]
    if missing:
        raise ImportErrors(Problem(None, column, "column missing") for column in missing)
    key = ["IndicatorId", "AreaCode", "Year", "Sex", "Age"]
    repeated = raw.duplicated(key, keep=False)
    position = raw.groupby(key, sort=False).cumcount() + 1
    raw["category_type"] = ""
    raw["category"] = ""
    raw.loc[repeated, "category_type"] = "unlabelled breakdown"
    raw.loc[repeated, "category"] = position[repeated].astype(str)
    return build_indicator_table(raw, columns=COUNT_COLUMNS)


def read_fingertips_population(source: Source) -> pd.DataFrame:
    """Read a Fingertips resident-population extract (indicator 92708).

    Returns
    -------
    DataFrame
        ``area_code``, ``period``, ``sex``, ``age``, ``population`` (float).

    Raises
    ------
    ImportErrors
        Listing every bad area code, missing field and non-numeric or negative population.

    Examples
    --------
    >>> population = read_fingertips_population(demo_file("population"))
    >>> row = population[(population["area_code"] == "E92000001") & (population["period"] == "2023")
    ...                  & (population["sex"] == "Persons") & (population["age"] == "All ages")]
    >>> int(row["population"].iloc[0]) > 50_000_000
    True
    """
    raw = _read_text_csv(source)
    missing = [column for column in POPULATION_HEADERS if column not in raw.columns]
    if missing:
        raise ImportErrors(Problem(None, column, "column missing") for column in missing)
    problems = area_code_problems(raw["AreaCode"])
    text = raw[list(POPULATION_HEADERS)].apply(lambda column: column.str.strip())
    for header, name in zip(
        POPULATION_HEADERS[:4], ("area_code", "period", "sex", "age"), strict=True
    ):
        blank = (text[header] == "").to_numpy()
        problems += [
            Problem(int(row) + 1, name, f"required {name} is missing") for row in blank.nonzero()[0]
        ]
    population = pd.to_numeric(text["population"].str.replace(",", ""), errors="coerce")
    bad = population.isna() | (population < 0)
    problems += [
        Problem(int(row) + 1, "population", f"{raw['population'].iloc[row]!r} is not a count")
        for row in bad.to_numpy().nonzero()[0]
    ]
    if problems:
        problems.sort(key=lambda problem: problem.row or 0)
        raise ImportErrors(problems)
    return pd.DataFrame(
        {
            "area_code": text["AreaCode"].astype("string"),
            "period": text["Year"].astype("string"),
            "sex": text["Sex"].astype("string"),
            "age": text["Age"].astype("string"),
            "population": population.astype(float),
        }
    )
