"""Read a Fingertips data-export CSV into the tidy indicator table.

Fingertips (OHID) exports indicator data as CSV from its website and from its API
(``/api/all_data/csv/by_indicator_id``). The columns are named in English, for example
``Indicator ID``, ``Area Code``, ``Time period``, ``Value``, ``Lower CI 95.0 limit``,
``Count``, ``Denominator``, ``Recent Trend``, ``Compared to England value or percentiles``
and one ``Compared to <parent> value or percentiles`` column whose name depends on the
parent area type (region, ICB...). Unknown columns are ignored; ``Indicator ID``,
``Area Code``, ``Time period`` and ``Value`` must be present.
"""

from __future__ import annotations

import io
from os import PathLike
from typing import IO

import pandas as pd

from spiral.exceptions import ImportErrors, Problem
from spiral.indicators.table import build_indicator_table

__all__ = ["FINGERTIPS_COLUMNS", "fingertips_table", "read_fingertips_csv"]

#: Fingertips export column -> indicator table column.
FINGERTIPS_COLUMNS = {
    "Indicator ID": "indicator_id",
    "Indicator Name": "indicator_name",
    "Parent Code": "parent_code",
    "Parent Name": "parent_name",
    "Area Code": "area_code",
    "Area Name": "area_name",
    "Area Type": "area_type",
    "Sex": "sex",
    "Age": "age",
    "Category Type": "category_type",
    "Category": "category",
    "Time period": "period",
    "Value": "value",
    "Lower CI 95.0 limit": "lower_ci_95",
    "Upper CI 95.0 limit": "upper_ci_95",
    "Lower CI 99.8 limit": "lower_ci_99_8",
    "Upper CI 99.8 limit": "upper_ci_99_8",
    "Count": "numerator",
    "Denominator": "denominator",
    "Value note": "value_note",
    "Recent Trend": "recent_trend",
    "Compared to England value or percentiles": "compared_to_england",
    "Time period Sortable": "period_sortable",
}
REQUIRED_HEADERS = ("Indicator ID", "Area Code", "Time period", "Value")


def fingertips_table(raw: pd.DataFrame, *, proportion: bool | None = None) -> pd.DataFrame:
    """Turn the rows of a Fingertips export (read as text) into the indicator table.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Indicator ID": ["90366"], "Area Code": ["E92000001"],
    ...                     "Time period": ["2021 - 23"], "Value": ["79.1"],
    ...                     "Compared to England value or percentiles": ["Not compared"]})
    >>> fingertips_table(raw)[["indicator_id", "period", "value"]].to_dict("records")
    [{'indicator_id': '90366', 'period': '2021 - 23', 'value': 79.1}]
    """
    missing = [header for header in REQUIRED_HEADERS if header not in raw.columns]
    if missing:
        raise ImportErrors(
            Problem(None, FINGERTIPS_COLUMNS[header], f"Fingertips column missing: {header!r}")
            for header in missing
        )
    mapping = {name: header for header, name in FINGERTIPS_COLUMNS.items() if header in raw}
    parent = [
        header
        for header in raw.columns
        if header.startswith("Compared to ")
        and header.endswith(" value or percentiles")
        and header not in FINGERTIPS_COLUMNS
    ]
    if parent:
        mapping["compared_to_parent"] = parent[0]
    return build_indicator_table(raw, columns=mapping, proportion=proportion)


def read_fingertips_csv(
    source: str | PathLike[str] | IO[str] | IO[bytes], *, proportion: bool | None = None
) -> pd.DataFrame:
    """Read a Fingertips data-export CSV (file path, text or binary stream).

    All or nothing: returns the indicator table, or raises
    :class:`~spiral.exceptions.ImportErrors` listing every problem (row, field, why).

    Examples
    --------
    >>> import io
    >>> text = ("Indicator ID,Area Code,Area Name,Time period,Value,Count,Denominator\\n"
    ...         "93085,E06000001,Hartlepool,2022/23,12.5,100,800\\n")
    >>> read_fingertips_csv(io.StringIO(text))[["area_name", "numerator"]].to_dict("records")
    [{'area_name': 'Hartlepool', 'numerator': 100.0}]
    """
    if isinstance(source, io.TextIOBase | io.StringIO):
        raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    else:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [str(column).strip().lstrip("\ufeff") for column in raw.columns]
    return fingertips_table(raw, proportion=proportion)
