"""Age-banded counts for standardised indicators: the upload format and its computed values.

Directly standardised rates, indirectly standardised ratios and life expectancy are computed
from events (or deaths) and populations **by age band**, not from one numerator and
denominator. This module reads and checks such a table (one row per area, period and age
band, in a long format) and turns it into one value and interval per area and period by
calling the reference-tested methods:

- ``dsr``: :func:`spiral.stats.dsr.dsr` (Dobson method), the bands weighted by a shipped
  European Standard Population (ESP2013 by default, or ESP1976) matched by band label, so
  a table may hold only some bands (for example the fifteen bands under 75);
- ``isr``: :func:`spiral.stats.isr.isr_ratio` (exact below 10 events, Byar's otherwise),
  against a reference area's age-specific rates held in the same table (England by
  default) or against each area's comparator group pooled;
- ``life_expectancy``: :func:`spiral.stats.life_expectancy.phe_life_expectancy` (Chiang II
  with Silcocks et al. variance), life expectancy at birth from the twenty bands 0, 1-4,
  5-9, ..., 85-89, 90+, suppressed when its 95% interval is wider than 20 years.

The upload format has the columns ``area_code``, ``period``, ``age_band``, ``count`` and
``population``, and optionally ``sex`` (``Persons``, ``Male`` or ``Female``; the same on
every row). Age bands are written ``0-4``, ``5-9``, ..., ``90+`` (``0`` and ``1-4`` for life
expectancy); Fingertips' ``0-4 yrs`` style and ``<1`` are accepted too.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from spiral.exceptions import ImportErrors, InputError, Problem
from spiral.indicators.table import area_code_problems
from spiral.stats.dsr import STANDARD_POPULATIONS, dsr, standard_population
from spiral.stats.isr import isr_ratio
from spiral.stats.life_expectancy import LIFE_EXPECTANCY_METHOD, phe_life_expectancy

__all__ = [
    "AGE_BAND_COLUMNS",
    "BANDED_STATISTICS",
    "ENGLAND",
    "LIFE_EXPECTANCY_BANDS",
    "age_band_table",
    "allowed_bands",
    "normalise_age_bands",
    "read_age_band_file",
    "standardised_values",
]

#: Columns of the upload format (``sex`` is optional).
AGE_BAND_COLUMNS = ("area_code", "period", "age_band", "count", "population")
#: The statistics computed from age bands.
BANDED_STATISTICS = ("dsr", "isr", "life_expectancy")
#: England's GSS code: the default reference of an indirectly standardised ratio.
ENGLAND = "E92000001"
#: The twenty bands of an abridged life table.
LIFE_EXPECTANCY_BANDS = ("0", "1-4", *(f"{age}-{age + 4}" for age in range(5, 90, 5)), "90+")
SEXES = ("Persons", "Male", "Female")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
LEVELS = (95, 99.8)
VALUE_COLUMNS = (
    "area_code",
    "period",
    "numerator",
    "denominator",
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_99_8",
    "upper_ci_99_8",
    "method",
)
_FIVE_YEAR = tuple(f"{age}-{age + 4}" for age in range(0, 90, 5))


def allowed_bands(statistic: str, standard: str = "esp2013") -> tuple[str, ...]:
    """The age band labels a table for ``statistic`` may hold, youngest first.

    A DSR may use the bands of its standard population (``esp2013``: 0-4 ... 90+;
    ``esp1976``: 0-4 ... 85+); life expectancy needs exactly the twenty bands of
    :data:`LIFE_EXPECTANCY_BANDS`; an ISR may use five-year bands to 90+ or 85+, with
    ``0`` and ``1-4`` in place of ``0-4`` if wished.

    Examples
    --------
    >>> allowed_bands("dsr", "esp1976")[-2:]
    ('80-84', '85+')
    >>> len(allowed_bands("life_expectancy"))
    20
    """
    if statistic == "dsr":
        if standard not in STANDARD_POPULATIONS:
            raise InputError(f"unknown standard population {standard!r}")
        return tuple(standard_population(standard)["ageband"].astype(str))
    if statistic == "life_expectancy":
        return LIFE_EXPECTANCY_BANDS
    if statistic == "isr":
        return ("0", "1-4", *_FIVE_YEAR, "85+", "90+")
    raise InputError(f"statistic must be one of {', '.join(BANDED_STATISTICS)}, not {statistic!r}")


def normalise_age_bands(labels: pd.Series) -> pd.Series:
    """Age band labels in Spiral's spelling: ``0-4 yrs`` -> ``0-4``, ``<1`` -> ``0``.

    Spaces are removed and a trailing ``yrs``/``years`` dropped.

    Examples
    --------
    >>> normalise_age_bands(pd.Series(["0-4 yrs", " <1 ", "90 + years", "85+"])).tolist()
    ['0-4', '0', '90+', '85+']
    """
    text = labels.astype("string").fillna("").str.replace(r"\s+", "", regex=True)
    text = text.str.replace(r"(yrs|years)$", "", regex=True)
    return text.replace({"<1": "0", "under1": "0"}).astype(object)


def read_age_band_file(
    path: str | PathLike[str],
    *,
    statistic: str,
    standard: str = "esp2013",
    sheet: str | int = 0,
) -> pd.DataFrame:
    """Read and check an age-banded CSV or Excel file (see :func:`age_band_table`).

    Raises
    ------
    ImportErrors
        Listing every problem found; nothing is returned then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "deaths.csv").write_text(
    ...     "area_code,period,age_band,count,population\\n"
    ...     "E06000007,2023,0-4,2,10542\\nE06000007,2023,5-9,1,12403\\n")
    >>> table = read_age_band_file(folder / "deaths.csv", statistic="isr")
    >>> table[["age_band", "count", "population"]].to_dict("records")[0]
    {'age_band': '0-4', 'count': 2.0, 'population': 10542.0}
    """
    file = Path(path)
    if not file.exists():
        raise ImportErrors([Problem(None, "file", f"{file.name}: no such file")])
    try:
        if file.suffix.lower() in EXCEL_SUFFIXES:
            raw = pd.read_excel(file, sheet_name=sheet, dtype=str, keep_default_na=False)
        else:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportErrors([Problem(None, "file", f"cannot be read: {error}")]) from error
    raw.columns = [str(column).strip() for column in raw.columns]
    return age_band_table(raw, statistic=statistic, standard=standard)


def _rows(mask: np.ndarray | pd.Series, field: str, message: str) -> list[Problem]:
    return [Problem(int(row) + 1, field, message) for row in np.flatnonzero(np.asarray(mask))]


def _number_problems(text: pd.Series, field: str) -> tuple[pd.Series, list[Problem]]:
    values = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
    blank = (text == "").to_numpy()
    bad = ~blank & values.isna().to_numpy()
    problems = _rows(blank, field, "enter a number")
    problems += [
        Problem(int(row) + 1, field, f"{text.iloc[row]!r} is not a number")
        for row in np.flatnonzero(bad)
    ]
    return values, problems


def age_band_table(raw: pd.DataFrame, *, statistic: str, standard: str = "esp2013") -> pd.DataFrame:
    """Check an age-banded table and return it tidy, or raise every problem at once.

    Each row must have an area code (ONS GSS form), a period, an age band allowed for the
    statistic (:func:`allowed_bands`), a count of zero or more and a population above zero
    and not below the count. ``sex``, when present, must be the same on every row. No area,
    period and band may appear twice, and every area and period must hold every band the
    file uses (life expectancy: all twenty).

    Parameters
    ----------
    raw : pandas.DataFrame
        The file's cells as text, headings as in :data:`AGE_BAND_COLUMNS`.
    statistic : {"dsr", "isr", "life_expectancy"}
    standard : {"esp2013", "esp1976"}
        For a DSR, the standard population whose bands the table may use.

    Returns
    -------
    pandas.DataFrame
        ``area_code``, ``period``, ``sex``, ``age_band`` (normalised), ``band_order``
        (the band's position among the allowed bands, youngest 0), ``count`` and
        ``population`` (float), in the file's order.

    Raises
    ------
    ImportErrors
        Every problem, each naming its row (counted from 1 after the heading) and field.

    Examples
    --------
    >>> raw = pd.DataFrame({"area_code": ["E06000007", "E06000007"], "period": "2023",
    ...                     "age_band": ["0-4 yrs", "5-9"], "count": ["3", "-1"],
    ...                     "population": ["1000", "0"]})
    >>> try:
    ...     age_band_table(raw, statistic="dsr")
    ... except ImportErrors as error:
    ...     for problem in error.problems:
    ...         print(problem)
    row 2, count: must be zero or more
    row 2, population: must be greater than zero
    """
    bands = allowed_bands(statistic, standard)
    missing = [column for column in AGE_BAND_COLUMNS if column not in raw.columns]
    if missing:
        raise ImportErrors(Problem(None, column, "column missing") for column in missing)
    if raw.empty:
        raise ImportErrors([Problem(None, "file", "the file has no rows")])
    text = raw[list(AGE_BAND_COLUMNS)].astype("string").fillna("").apply(lambda c: c.str.strip())
    problems: list[Problem] = []
    for column in ("area_code", "period", "age_band"):
        problems += _rows(text[column] == "", column, "enter a value")
    problems += area_code_problems(text["area_code"].where(text["area_code"] != ""))
    band = normalise_age_bands(text["age_band"])
    unknown = (text["age_band"] != "") & ~band.isin(bands)
    problems += [
        Problem(
            int(row) + 1,
            "age_band",
            f"{text['age_band'].iloc[row]!r} is not one of the bands {', '.join(bands)}",
        )
        for row in np.flatnonzero(unknown.to_numpy())
    ]
    count, found = _number_problems(text["count"], "count")
    problems += found
    population, found = _number_problems(text["population"], "population")
    problems += found
    problems += _rows((count < 0).to_numpy(), "count", "must be zero or more")
    problems += _rows((population <= 0).to_numpy(), "population", "must be greater than zero")
    over = (count > population).to_numpy() & (population > 0).to_numpy()
    problems += [
        Problem(int(row) + 1, "count", f"is more than the population ({population.iloc[row]:g})")
        for row in np.flatnonzero(over)
    ]
    sex = pd.Series("Persons", index=raw.index, dtype=object)
    if "sex" in raw.columns:
        given = raw["sex"].astype("string").fillna("").str.strip().str.capitalize()
        wrong = ~given.isin(SEXES)
        problems += [
            Problem(int(row) + 1, "sex", f"{raw['sex'].iloc[row]!r} is not Persons, Male or Female")
            for row in np.flatnonzero(wrong.to_numpy())
        ]
        first = given[~wrong]
        if len(first):
            differs = ~wrong & (given != first.iloc[0])
            problems += _rows(
                differs.to_numpy(),
                "sex",
                f"every row must be for the same sex as the first ({first.iloc[0]}); "
                "upload each sex as its own indicator",
            )
        sex = given.astype(object)
    key = pd.DataFrame({"area_code": text["area_code"], "period": text["period"], "band": band})
    repeated = key.duplicated().to_numpy() & (text["age_band"] != "").to_numpy()
    problems += _rows(repeated, "age_band", "this area, period and age band is already in the file")
    problems += _missing_bands(
        key,
        usable=~unknown.to_numpy() & (text["age_band"] != "").to_numpy(),
        bands=bands,
        every=statistic == "life_expectancy",
    )
    if problems:
        unique = sorted(set(problems), key=lambda p: (p.row or 0, p.field, p.message))
        raise ImportErrors(unique)
    order = {label: position for position, label in enumerate(bands)}
    return pd.DataFrame(
        {
            "area_code": text["area_code"].astype(object),
            "period": text["period"].astype(object),
            "sex": sex,
            "age_band": band,
            "band_order": band.map(order).astype(int),
            "count": count,
            "population": population,
        }
    ).reset_index(drop=True)


def _missing_bands(
    key: pd.DataFrame, *, usable: np.ndarray, bands: tuple[str, ...], every: bool
) -> list[Problem]:
    """A problem at the first row of each well-formed area and period lacking a band."""
    checked = (
        usable
        & key["area_code"].str.fullmatch(r"[EWSNK]\d{8}").fillna(False).to_numpy(dtype=bool)
        & (key["period"] != "").to_numpy()
    )
    rows = key[checked]
    if rows.empty:
        return []
    used = set(rows["band"])
    needed = [label for label in bands if every or label in used]
    held = (
        rows.groupby(["area_code", "period", "band"], sort=False)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=needed, fill_value=0)
    )
    lacking = held == 0
    first_row = (
        pd.Series(
            np.flatnonzero(checked) + 1,
            index=pd.MultiIndex.from_frame(rows[["area_code", "period"]]),
        )
        .groupby(level=[0, 1])
        .min()
    )
    found = []
    short = lacking[lacking.any(axis=1)]
    for key_pair, missing in zip(short.index, short.to_numpy(dtype=bool), strict=True):
        area, period = (str(part) for part in key_pair)
        names = ", ".join(label for label, gone in zip(needed, missing, strict=True) if gone)
        found.append(
            Problem(
                int(first_row[key_pair]),
                "age_band",
                f"{area} {period} has no row for the age bands {names} "
                "(every area and period needs every band)",
            )
        )
    return found


def _finish(result: pd.DataFrame) -> pd.DataFrame:
    return result[list(VALUE_COLUMNS)].sort_values(["area_code", "period"]).reset_index(drop=True)


def _reference_rates(
    bands: pd.DataFrame, reference_area: str | None, groups: pd.DataFrame | None
) -> pd.DataFrame:
    """Each area's reference counts and populations per period and band."""
    key = ["period", "age_band"]
    if groups is None:
        reference = bands[bands["area_code"] == reference_area][[*key, "count", "population"]]
        return bands.merge(
            reference.rename(columns={"count": "ref_count", "population": "ref_population"}),
            on=key,
            how="left",
        )
    members = groups[["area_code", "comparator_code"]]
    pooled = (
        members.merge(bands.rename(columns={"area_code": "comparator_code"}), on="comparator_code")
        .groupby(["area_code", *key], as_index=False)[["count", "population"]]
        .sum()
        .rename(columns={"count": "ref_count", "population": "ref_population"})
    )
    return bands.merge(pooled, on=["area_code", *key], how="left")


def standardised_values(
    bands: pd.DataFrame,
    *,
    statistic: str,
    multiplier: float = 100_000,
    standard: str = "esp2013",
    reference_area: str | None = ENGLAND,
    groups: pd.DataFrame | None = None,
    confidence: float | Iterable[float] = LEVELS,
) -> pd.DataFrame:
    """One value and 95%/99.8% interval per area and period from age-banded counts.

    Parameters
    ----------
    bands : pandas.DataFrame
        As :func:`age_band_table` returns: ``area_code``, ``period``, ``age_band``,
        ``count``, ``population``.
    statistic : {"dsr", "isr", "life_expectancy"}
        ``dsr``: :func:`spiral.stats.dsr.dsr` with the ``standard`` population's weights
        matched by band label, per ``multiplier``. ``isr``: :func:`spiral.stats.isr.isr_ratio`
        times ``multiplier`` (100 for a standardised mortality ratio) against the age-specific
        rates of ``reference_area`` in the same table, or, with ``groups``, of each area's
        comparator group pooled. ``life_expectancy``: life expectancy at birth by
        :func:`spiral.stats.life_expectancy.phe_life_expectancy`.
    multiplier : float
        Rate per this many people (DSR) or the ratio's reference value (ISR).
    standard : {"esp2013", "esp1976"}
        The standard population of a DSR.
    reference_area : str, optional
        The area whose age-specific rates are the ISR's reference (England by default).
    groups : pandas.DataFrame, optional
        ``area_code`` and ``comparator_code``, one row per member of each area's comparator
        group: each area's ISR is then taken against its own group's pooled rates.
    confidence : float or iterable of float
        Levels of the intervals (95 and 99.8 by default).

    Returns
    -------
    pandas.DataFrame
        ``area_code``, ``period``, ``numerator`` (events, observed events or deaths),
        ``denominator`` (population, or expected events for an ISR), ``value``, the limits
        ``lower_ci_95`` ... ``upper_ci_99_8`` and ``method`` (the engine's method label, or
        why no value was computed).

    References
    ----------
    PHEindicatormethods (R) v2.1.0: ``calculate_dsr``, ``calculate_ISRatio``,
    ``phe_life_expectancy``; Dobson et al. (1991); Breslow & Day (1987); Chiang (1968);
    Silcocks, Jenner and Reza (2001).

    Examples
    --------
    >>> table = pd.DataFrame({"area_code": ["E06000007"] * 2 + ["E92000001"] * 2,
    ...     "period": "2023", "age_band": ["70-74", "75-79"] * 2,
    ...     "count": [30.0, 50.0, 3000.0, 5000.0], "population": [1e4, 8e3, 1e6, 9e5]})
    >>> result = standardised_values(table, statistic="isr", multiplier=100)
    >>> result[["area_code", "numerator", "denominator", "value"]].round(2)
       area_code  numerator  denominator   value
    0  E06000007       80.0        74.44  107.46
    1  E92000001     8000.0      8000.00  100.00
    """
    if statistic not in BANDED_STATISTICS:
        raise InputError(
            f"statistic must be one of {', '.join(BANDED_STATISTICS)}, not {statistic!r}"
        )
    table = bands.reset_index(drop=True)
    by = ["area_code", "period"]
    if statistic == "dsr":
        weights = standard_population(standard).rename(
            columns={"ageband": "age_band", "population": "_weight"}
        )
        table = table.merge(weights, on="age_band", how="left", validate="many_to_one")
        if table["_weight"].isna().any():
            label = table.loc[table["_weight"].isna(), "age_band"].iloc[0]
            raise InputError(f"age band {label!r} is not a band of {standard}")
        result = dsr(
            table,
            "count",
            "population",
            standard="_weight",
            group_by=by,
            multiplier=multiplier,
            confidence=confidence,
        )
        result = result.rename(columns={"total_count": "numerator", "total_pop": "denominator"})
        result["method"] = np.where(
            result["value"].isna(), "not computed: fewer than 10 events", result["method"]
        )
        return _finish(result)
    if statistic == "isr":
        joined = _reference_rates(table, reference_area, groups)
        has_reference = joined.groupby(by)["ref_population"].transform(
            lambda column: column.notna().all()
        )
        usable = joined[has_reference.astype(bool)]
        result = isr_ratio(
            usable,
            "count",
            "population",
            "ref_count",
            "ref_population",
            group_by=by,
            refvalue=multiplier,
            confidence=confidence,
        )
        result = result.rename(columns={"observed": "numerator", "expected": "denominator"})
        result["method"] = result["method"].astype(object)
        lacking = joined.loc[~has_reference.astype(bool), by].drop_duplicates()
        if len(lacking):
            lacking = lacking.assign(
                numerator=np.nan,
                denominator=np.nan,
                method="not computed: no reference rates for every band",
            )
            result = pd.concat([result, lacking], ignore_index=True)
        return _finish(result.reindex(columns=list(VALUE_COLUMNS)))
    with warnings.catch_warnings():
        # the method's own warnings: groups not computed, or suppressed, are labelled below
        warnings.simplefilter("ignore", UserWarning)
        result = phe_life_expectancy(
            table,
            "count",
            "population",
            "age_band",
            group_by=by,
            confidence=confidence,
            age_contents=LIFE_EXPECTANCY_BANDS,
        )
    at_birth = result[result["age_band"] == "0"].rename(
        columns={"dths_used": "numerator", "pops_used": "denominator"}
    )
    suppressed = at_birth["value"].isna() & at_birth["lower_ci_95"].notna()
    at_birth["method"] = np.select(
        [suppressed, at_birth["value"].isna()],
        ["suppressed: 95% interval wider than 20 years", "not computed"],
        default=LIFE_EXPECTANCY_METHOD,
    )
    return _finish(at_birth)
