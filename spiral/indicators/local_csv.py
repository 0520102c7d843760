"""Read a local indicator file (CSV or Excel) whose columns are mapped to the indicator table.

Councils keep their own figures in spreadsheets with their own headings. A column mapping
(indicator table column -> heading in the file) says which is which; ``defaults`` fill a
column that the file does not have (for example the indicator id of a one-indicator sheet).
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import pandas as pd

from spiral.exceptions import ImportErrors, Problem
from spiral.indicators.table import build_indicator_table

__all__ = ["read_local_file"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def read_local_file(
    path: str | PathLike[str],
    columns: Mapping[str, str] | None = None,
    *,
    sheet: str | int = 0,
    defaults: Mapping[str, object] | None = None,
    proportion: bool | None = None,
) -> pd.DataFrame:
    """Read a local CSV or Excel file into the indicator table.

    Parameters
    ----------
    path : path
        A ``.csv`` file, or an ``.xlsx``/``.xlsm`` workbook.
    columns : mapping, optional
        Indicator table column -> heading in the file (headings already named like the
        table need no entry).
    sheet : str or int
        Worksheet of a workbook (name or position).
    defaults : mapping, optional
        Indicator table column -> value for every row.
    proportion : bool, optional
        Whether every row is a proportion (numerator may not exceed denominator).

    Raises
    ------
    ImportErrors
        Listing every problem found; nothing is returned then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "smoking.csv").write_text(
    ...     "Ward or LA,Year,Smokers,Mothers\\nE08000009,2023,150,2000\\n")
    >>> table = read_local_file(folder / "smoking.csv",
    ...     {"area_code": "Ward or LA", "period": "Year", "numerator": "Smokers",
    ...      "denominator": "Mothers"}, defaults={"indicator_id": "local-smoking"},
    ...     proportion=True)
    >>> table[["indicator_id", "area_code", "numerator"]].to_dict("records")
    [{'indicator_id': 'local-smoking', 'area_code': 'E08000009', 'numerator': 150.0}]
    """
    file = Path(path)
    if not file.exists():
        raise ImportErrors([Problem(None, "file", f"{file.name}: no such file")])
    if file.suffix.lower() in EXCEL_SUFFIXES:
        try:
            raw = pd.read_excel(file, sheet_name=sheet, dtype=str, keep_default_na=False)
        except ValueError as error:
            raise ImportErrors([Problem(None, "sheet", str(error))]) from error
    else:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [str(column).strip() for column in raw.columns]
    return build_indicator_table(raw, columns=columns, defaults=defaults, proportion=proportion)
