"""Quantiles as Fingertips assigns them (``phe_quantile`` of PHEindicatormethods).

Method: OHID *Technical Guide – Assigning Deprivation Categories*, as implemented by
``phe_quantile`` in the R package PHEindicatormethods (v2.1.0). Within each group, the areas
that have a value are ranked (ties share the lowest rank); with ``N`` such areas and ``q``
quantiles, an area of rank ``r`` is placed in quantile

    floor((q + 1) - ceiling((N + 1 - r) / (N / q)))

with a result of 0 moved up to 1. When ``invert`` is true the values are first reflected
(``max - value``) so that the highest values fall in quantile 1. A group with fewer areas
than quantiles gets no quantiles (missing), with a warning. Areas without a value get none.

Fingertips places the *worst* areas in quantile 1: for an indicator where low is good, the
highest values are worst, so polarity "RAG - Low is good" means ``invert=True`` and
"RAG - High is good" means ``invert=False``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from spiral.exceptions import InputError
from spiral.stats.polarity import LOW_IS_GOOD, NO_POLARITY, polarity_directions

__all__ = ["phe_quantile"]

QUANTILE_NAMES = {4: "quartile", 5: "quintile", 7: "septile", 10: "decile"}


def _as_columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _invert_flags(data: pd.DataFrame, invert: bool | str, groups: list[str]) -> np.ndarray:
    """Boolean ``invert`` for every row, checked to be constant within each group."""
    if isinstance(invert, bool | np.bool_):
        return np.full(len(data), bool(invert))
    if not isinstance(invert, str):
        raise InputError(f"invert must be True, False or a column name, not {invert!r}")
    if invert not in data.columns:
        raise InputError(f"invert: {invert!r} is not a column of the data")
    directions = polarity_directions(data[invert].reset_index(drop=True), field=invert)
    if (directions == NO_POLARITY).any():
        position = int(np.flatnonzero((directions == NO_POLARITY).to_numpy())[0])
        raise InputError(
            f"{invert}: row {position + 1} has a polarity with no good direction "
            f"({data[invert].iloc[position]!r}); quantiles need low-is-good or high-is-good"
        )
    flags = (directions == LOW_IS_GOOD).to_numpy()
    if groups:
        keys = data[groups].reset_index(drop=True)
        varying = pd.Series(flags).groupby([keys[c] for c in groups], dropna=False).nunique()
        if (varying > 1).any():
            first = varying[varying > 1].index[0]
            raise InputError(
                f"{invert}: the polarity must be the same for every row of a group; "
                f"it varies in group {first!r}"
            )
    elif len(np.unique(flags)) > 1:
        raise InputError(
            f"{invert}: the polarity must be the same for every row of a group; "
            "it varies (give by= to assign quantiles within groups)"
        )
    return flags


def phe_quantile(
    data: pd.DataFrame,
    value: str = "value",
    *,
    nquantiles: int = 10,
    invert: bool | str = True,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Assign each row to a quantile of ``value``, within groups, as Fingertips does.

    Method of ``phe_quantile`` (PHEindicatormethods v2.1.0; OHID Technical Guide, Assigning
    Deprivation Categories): rank with ties at the lowest rank, then
    ``floor((q + 1) - ceiling((N + 1 - rank) / (N / q)))``, 0 becoming 1.

    Parameters
    ----------
    data : DataFrame
        One row per area (and group).
    value : str
        Numeric column to rank.
    nquantiles : int
        Number of quantiles: 4 quartiles, 5 quintiles, 7 septiles, 10 deciles, or any n >= 1.
    invert : bool or str
        ``True`` (default, as in R): the highest values go to quantile 1. ``False``: the lowest
        values go to quantile 1. Or the name of a column holding, per row, a boolean or a
        Fingertips polarity label ("RAG - Low is good" inverts, "RAG - High is good" does not);
        it must be the same within each group.
    by : str or list of str, optional
        Columns whose combinations are the groups; quantiles are assigned within each group.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``quantile`` (nullable integer; missing where the value is
        missing or the group has fewer areas with a value than ``nquantiles``),
        ``nquantiles``, ``groupvars`` and ``qinverted`` appended.

    Raises
    ------
    InputError
        When ``value`` is missing or not numeric, ``nquantiles`` is not a positive integer,
        ``invert`` is not a boolean or a column, or the polarity is unknown or varies within
        a group.

    Warns
    -----
    UserWarning
        When a group has too few areas with a value to assign quantiles.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": list("ABCDEFGH"), "value": [8, 1, 7, 2, 6, 3, 5, 4]})
    >>> phe_quantile(df, nquantiles=4, invert=False)["quantile"].tolist()
    [4, 1, 4, 1, 3, 2, 3, 2]
    >>> phe_quantile(df, nquantiles=4)["quantile"].tolist()
    [1, 4, 1, 4, 2, 3, 2, 3]
    """
    if value not in data.columns:
        raise InputError(f"value: {value!r} is not a column of the data")
    if not pd.api.types.is_numeric_dtype(data[value]) or pd.api.types.is_bool_dtype(data[value]):
        raise InputError(f"value: column {value!r} must be numeric")
    if isinstance(nquantiles, bool) or not isinstance(nquantiles, int | np.integer):
        raise InputError(f"nquantiles must be a whole number, not {nquantiles!r}")
    if nquantiles < 1:
        raise InputError(f"nquantiles must be at least 1, not {nquantiles}")
    groups = _as_columns(by)
    missing = [column for column in groups if column not in data.columns]
    if missing:
        raise InputError(f"by: {missing!r} not among the columns of the data")

    flags = _invert_flags(data, invert, groups)
    values = data[value].to_numpy(dtype=float, na_value=np.nan)
    frame = pd.DataFrame({"value": values, "invert": flags})
    if groups:
        keys = [data[c].reset_index(drop=True) for c in groups]
        grouped = frame.groupby(keys, dropna=False, sort=False)["value"]
        count = grouped.transform("count").to_numpy(dtype=float)
        top = grouped.transform("max").to_numpy(dtype=float)
    else:
        count = np.full(len(frame), float(np.count_nonzero(~np.isnan(values))))
        top = np.full(len(frame), np.nanmax(values) if count.size and count[0] else np.nan)
    adjusted = pd.Series(np.where(flags, top - values, values))
    if groups:
        rank = adjusted.groupby(keys, dropna=False, sort=False).rank(method="min")
    else:
        rank = adjusted.rank(method="min")
    rank_values = rank.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = np.floor(
            (nquantiles + 1) - np.ceil(((count + 1) - rank_values) / (count / nquantiles))
        )
    quantile = np.where(count < nquantiles, np.nan, quantile)
    quantile = np.where(quantile == 0, 1.0, quantile)

    if np.any(~np.isnan(values) & np.isnan(quantile)):
        warnings.warn(
            "One or more groups had too few areas with a value to assign quantiles",
            UserWarning,
            stacklevel=2,
        )
    result = data.copy()
    result["quantile"] = pd.array(
        np.where(np.isnan(quantile), 0, quantile).astype("int64"), dtype="Int64"
    )
    result.loc[np.isnan(quantile), "quantile"] = pd.NA
    result["nquantiles"] = nquantiles
    result["groupvars"] = ", ".join(groups)
    result["qinverted"] = np.where(
        flags,
        "lowest quantile represents highest values",
        "lowest quantile represents lowest values",
    )
    return result
