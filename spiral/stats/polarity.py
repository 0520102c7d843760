"""Polarity: which direction of an indicator is good, as Fingertips records it.

Fingertips gives every indicator a polarity: ``"RAG - Low is good"``, ``"RAG - High is good"``
(red-amber-green comparisons, so *better* and *worse* make sense) or ``"BOB - Blue orange blue"``
/ ``"Not applicable"`` / ``"No judgement"`` (no direction is good, so areas are only *higher* or
*lower*). Spiral reads these labels, the short forms ``"low"``/``"high"``/``"none"``, and booleans
(``True`` meaning *low is good*, the ``invert`` convention of ``phe_quantile``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from spiral.exceptions import InputError

Direction = Literal["low", "high", "none"]

LOW_IS_GOOD: Direction = "low"
HIGH_IS_GOOD: Direction = "high"
NO_POLARITY: Direction = "none"

_LABELS: dict[str, Direction] = {
    "rag - low is good": "low",
    "low is good": "low",
    "low": "low",
    "lower is better": "low",
    "true": "low",
    "rag - high is good": "high",
    "high is good": "high",
    "high": "high",
    "higher is better": "high",
    "false": "high",
    "bob - blue orange blue": "none",
    "blue orange blue": "none",
    "not applicable": "none",
    "no judgement": "none",
    "none": "none",
}


def polarity_directions(values: pd.Series | list[object], field: str = "polarity") -> pd.Series:
    """Read polarity labels into ``"low"``, ``"high"`` or ``"none"`` (which way is good).

    Parameters
    ----------
    values : Series or list
        Fingertips polarity labels, short forms, or booleans (``True`` = low is good).
    field : str
        Name used in the error message.

    Returns
    -------
    Series of str
        ``"low"`` (low is good), ``"high"`` (high is good) or ``"none"`` (no judgement).

    Raises
    ------
    InputError
        Naming every row (counted from 1) whose label is missing or not recognised.

    Examples
    --------
    >>> labels = ["RAG - Low is good", "RAG - High is good", True, "BOB - Blue orange blue"]
    >>> polarity_directions(labels).tolist()
    ['low', 'high', 'low', 'none']
    """
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    # booleans become "True"/"False" as text, read as low/high below
    text = series.astype("string").str.strip().str.lower()
    directions = text.map(_LABELS)
    bad = directions.isna()
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        shown = ", ".join(f"row {pos + 1} ({series.iloc[pos]!r})" for pos in positions[:10])
        more = f" and {len(positions) - 10} more" if len(positions) > 10 else ""
        raise InputError(
            f"{field}: not a recognised polarity at {shown}{more}; use 'RAG - Low is good', "
            "'RAG - High is good', 'BOB - Blue orange blue' (or low/high/none, True/False)"
        )
    result: pd.Series = directions.astype(object)
    result.name = series.name
    return result
