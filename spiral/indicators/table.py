"""The tidy indicator table every reader produces, and its validation.

One row per indicator × area × period × sex × age × category, with the counts, the value
and its confidence intervals. Only ``indicator_id``, ``area_code`` and ``period`` are
required, with either a ``value`` or a ``numerator`` and ``denominator``; the other columns
are filled with missing values when a source does not have them.

Validation collects **every** problem (row, field, why) before deciding: the table is
returned only when there are none; otherwise :class:`~spiral.exceptions.ImportErrors` is
raised carrying the list. Rows are counted from 1, the header not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from spiral.exceptions import ImportErrors, Problem

__all__ = [
    "COLUMNS",
    "KEY",
    "NUMERIC",
    "REQUIRED",
    "area_code_problems",
    "build_indicator_table",
]

TEXT = (
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "area_type",
    "parent_code",
    "parent_name",
    "period",
    "sex",
    "age",
    "category_type",
    "category",
)
NUMERIC = (
    "numerator",
    "denominator",
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_99_8",
    "upper_ci_99_8",
    "multiplier",
)
NOTES = (
    "period_sortable",
    "value_note",
    "recent_trend",
    "compared_to_england",
    "compared_to_parent",
    "value_type",
    "polarity",
    "unit",
)
COLUMNS: tuple[str, ...] = TEXT + NUMERIC + NOTES
REQUIRED = ("indicator_id", "area_code", "period")
KEY = ("indicator_id", "area_code", "period", "sex", "age", "category_type", "category")

GSS_PATTERN = r"^[EWSNK]\d{8}$"
#: ONS GSS entity codes (first three characters) Spiral accepts as area codes.
GSS_ENTITIES = frozenset(
    {
        # England: country, regions, local authorities, health geographies, small areas
        "E92", "E12", "E06", "E07", "E08", "E09", "E10", "E11", "E13", "E47", "E38",
        "E39", "E40", "E54", "E45", "E00", "E01", "E02", "E05", "E14", "E41", "E42",
        "E43", "E46", "E60",
        # Wales, Scotland, Northern Ireland, the UK and Great Britain
        "W92", "W06", "W11", "W01", "W02", "W04", "W05", "W07",
        "S92", "S12", "S08", "S01", "S02", "S13", "S14", "S37",
        "N92", "N09", "N08", "N20", "N21",
        "K02", "K03", "K04",
    }
)  # fmt: skip
PROPORTION_WORDS = ("proportion", "percentage", "%")


def _blank(series: pd.Series) -> np.ndarray:
    text = series.astype("string").str.strip()
    return (series.isna() | (text == "")).to_numpy(dtype=bool)


def _problems(mask: np.ndarray, field: str, messages: str | Iterable[str]) -> list[Problem]:
    rows = np.flatnonzero(mask) + 1
    if isinstance(messages, str):
        return [Problem(int(row), field, messages) for row in rows]
    return [Problem(int(row), field, message) for row, message in zip(rows, messages, strict=True)]


def area_code_problems(codes: pd.Series, field: str = "area_code") -> list[Problem]:
    """Problems with ONS GSS area codes: ill-formed (not ``^[EWSNK]\\d{8}$``) or unknown entity.

    Blank codes are not reported here (a missing required field is reported once, elsewhere).

    Examples
    --------
    >>> import pandas as pd
    >>> for p in area_code_problems(pd.Series(["E06000001", "E6000001", "E99000001", None])):
    ...     print(p)
    row 2, area_code: 'E6000001' is not an ONS GSS area code (a letter E, W, S, N or K and 8 digits)
    row 3, area_code: 'E99000001' has an unknown ONS GSS entity code E99
    """
    text = codes.astype("string").str.strip()
    present = ~_blank(codes)
    well_formed = text.str.fullmatch(GSS_PATTERN).fillna(False).to_numpy(dtype=bool)
    known = text.str[:3].isin(GSS_ENTITIES).fillna(False).to_numpy(dtype=bool)
    ill = present & ~well_formed
    unknown = present & well_formed & ~known
    found = _problems(
        ill,
        field,
        (
            f"{code!r} is not an ONS GSS area code (a letter E, W, S, N or K and 8 digits)"
            for code in codes[ill]
        ),
    )
    found += _problems(
        unknown,
        field,
        (f"{code!r} has an unknown ONS GSS entity code {code[:3]}" for code in text[unknown]),
    )
    return found


def _is_proportion(table: pd.DataFrame, proportion: bool | None) -> np.ndarray:
    if proportion is not None:
        return np.full(len(table), proportion)
    hint = (
        table["value_type"].astype("string").fillna("")
        + " "
        + table["unit"].astype("string").fillna("")
    ).str.lower()
    marks = np.zeros(len(table), dtype=bool)
    for word in PROPORTION_WORDS:
        marks |= hint.str.contains(word, regex=False).to_numpy(dtype=bool)
    return marks


def build_indicator_table(
    source: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    defaults: Mapping[str, object] | None = None,
    proportion: bool | None = None,
) -> pd.DataFrame:
    """Turn raw rows into the tidy indicator table, or raise every problem found.

    Parameters
    ----------
    source : DataFrame
        Raw rows, ideally read as text (numbers are parsed here so that text in a number
        column can be reported).
    columns : mapping, optional
        Table column -> source column, for sources with other names.
    defaults : mapping, optional
        Table column -> one value for every row (for example ``{"unit": "%"}``).
    proportion : bool, optional
        Whether every row is a proportion (so the numerator may not exceed the
        denominator). By default a row is a proportion when its ``value_type`` or ``unit``
        says "proportion", "percentage" or "%".

    Returns
    -------
    DataFrame
        The columns of :data:`COLUMNS`, text as pandas strings, numbers as floats.

    Raises
    ------
    ImportErrors
        With one :class:`~spiral.exceptions.Problem` per row and field: a missing column or
        required field, an ill-formed or unknown area code, text in a number column, a
        negative count, a numerator above its denominator in a proportion, a lower limit above
        its upper limit, a repeated row.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"ind": ["90366"], "area": ["E06000001"], "year": ["2023"],
    ...                     "n": ["12"], "d": ["40"]})
    >>> table = build_indicator_table(raw, columns={"indicator_id": "ind", "area_code": "area",
    ...                               "period": "year", "numerator": "n", "denominator": "d"})
    >>> table[["indicator_id", "area_code", "numerator", "denominator"]].to_dict("records")
    [{'indicator_id': '90366', 'area_code': 'E06000001', 'numerator': 12.0, 'denominator': 40.0}]
    >>> bad = raw.assign(area="E6000001", n="twelve")
    >>> try:
    ...     build_indicator_table(bad, columns={"indicator_id": "ind", "area_code": "area",
    ...                           "period": "year", "numerator": "n", "denominator": "d"})
    ... except ImportErrors as error:
    ...     print(*error.problems, sep="\\n")
    row 1, area_code: 'E6000001' is not an ONS GSS area code (a letter E, W, S, N or K and 8 digits)
    row 1, numerator: 'twelve' is not a number
    """
    mapping = dict(columns or {})
    problems = _column_problems(source, mapping, defaults or {})
    if problems:
        raise ImportErrors(problems)
    raw = _raw_columns(source, mapping, defaults or {})
    table, problems = _coerce(raw, len(source))
    problems += _row_problems(
        table, raw, proportion, check_parent="parent_code" in mapping or "parent_code" in source
    )
    if problems:
        order = {name: position for position, name in enumerate(COLUMNS)}
        problems.sort(key=lambda problem: (problem.row or 0, order.get(problem.field, 99)))
        raise ImportErrors(problems)
    return table


def _column_problems(
    source: pd.DataFrame, mapping: Mapping[str, str], defaults: Mapping[str, object]
) -> list[Problem]:
    problems = [
        Problem(None, name, f"required column missing: {mapping.get(name, name)!r}")
        for name in REQUIRED
        if mapping.get(name, name) not in source.columns and name not in defaults
    ]
    for name, column in mapping.items():
        if name not in COLUMNS:
            problems.append(Problem(None, name, f"not a column of the indicator table: {name!r}"))
        elif column not in source.columns:
            problems.append(Problem(None, name, f"mapped column {column!r} is not in the file"))
    return problems


def _raw_columns(
    source: pd.DataFrame, mapping: Mapping[str, str], defaults: Mapping[str, object]
) -> dict[str, pd.Series]:
    size = len(source)
    raw: dict[str, pd.Series] = {}
    for name in COLUMNS:
        column = mapping.get(name, name)
        if column in source.columns:
            raw[name] = source[column].reset_index(drop=True)
        elif name in defaults:
            raw[name] = pd.Series([defaults[name]] * size, dtype=object)
        else:
            raw[name] = pd.Series([None] * size, dtype=object)
    return raw


def _coerce(raw: Mapping[str, pd.Series], size: int) -> tuple[pd.DataFrame, list[Problem]]:
    """Text stripped (blank becomes missing); numbers parsed, text in them reported."""
    columns: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for name in (*TEXT, *NOTES):
        text = raw[name].astype("string").str.strip()
        columns[name] = text.mask(text == "")
    for name in NUMERIC:
        original = raw[name]
        blank = _blank(original)
        cleaned = original.astype("string").str.strip().str.replace(",", "", regex=False)
        number = pd.to_numeric(cleaned.mask(pd.Series(blank)), errors="coerce")
        bad = ~blank & number.isna().to_numpy(dtype=bool)
        problems += _problems(bad, name, (f"{value!r} is not a number" for value in original[bad]))
        columns[name] = number.astype(float)
    table = pd.DataFrame({name: columns[name] for name in COLUMNS}, index=pd.RangeIndex(size))
    return table, problems


def _row_problems(
    table: pd.DataFrame,
    raw: Mapping[str, pd.Series],
    proportion: bool | None,
    *,
    check_parent: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    for name in REQUIRED:
        problems += _problems(_blank(raw[name]), name, f"required {name} is missing")
    problems += area_code_problems(raw["area_code"])
    if check_parent:
        problems += area_code_problems(raw["parent_code"], "parent_code")

    numerator = table["numerator"].to_numpy()
    denominator = table["denominator"].to_numpy()
    # judged on what was written, so that a malformed number is reported only once
    no_result = _blank(raw["value"]) & (_blank(raw["numerator"]) | _blank(raw["denominator"]))
    problems += _problems(no_result, "value", "needs a value, or a numerator and a denominator")
    for name, values in (("numerator", numerator), ("denominator", denominator)):
        negative = values < 0
        problems += _problems(
            negative, name, (f"{value:g} is negative" for value in values[negative])
        )
    over = _is_proportion(table, proportion) & (denominator >= 0) & (numerator > denominator)
    problems += _problems(
        over,
        "numerator",
        (
            f"{n:g} is more than the denominator {d:g} in a proportion"
            for n, d in zip(numerator[over], denominator[over], strict=True)
        ),
    )
    for suffix in ("95", "99_8"):
        lower = table[f"lower_ci_{suffix}"].to_numpy()
        upper = table[f"upper_ci_{suffix}"].to_numpy()
        crossed = lower > upper
        problems += _problems(
            crossed,
            f"lower_ci_{suffix}",
            (
                f"{lo:g} is above the upper limit {hi:g}"
                for lo, hi in zip(lower[crossed], upper[crossed], strict=True)
            ),
        )
    repeated = table.duplicated(list(KEY), keep="first").to_numpy()
    labels = table.loc[repeated, ["indicator_id", "area_code", "period"]]
    problems += _problems(
        repeated,
        "area_code",
        (
            f"repeats an earlier row for indicator {i}, area {a}, period {p}"
            for i, a, p in labels.itertuples(index=False)
        ),
    )
    return problems
