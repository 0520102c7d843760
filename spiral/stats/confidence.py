"""Confidence levels: how users write them, the normal multipliers, and column names.

Users write a confidence level as ``95`` or ``0.95`` (and ``99.8`` or ``0.998``); the
official methods report the 95% and 99.8% levels, whose two-sided normal multipliers are
1.959964 and 3.090232.
"""

from __future__ import annotations

from collections.abc import Iterable
from statistics import NormalDist

from spiral.exceptions import InputError


def normalise_confidence(level: float) -> float:
    """Return a confidence level as a fraction between 0 and 1.

    Parameters
    ----------
    level : float
        ``95``, ``99.8``, ``0.95`` or ``0.998`` (any level strictly between 0 and 100).

    Returns
    -------
    float
        The level as a fraction, for example ``0.95``.

    Raises
    ------
    ValueError
        When the level is not strictly between 0 and 100, or is between 1 and 50.

    Examples
    --------
    >>> normalise_confidence(95)
    0.95
    >>> normalise_confidence(0.998)
    0.998
    """
    value = float(level)
    if 0 < value < 1:
        return value
    if 50 <= value < 100:
        return round(value / 100, 10)
    raise InputError(f"confidence level must be like 95 or 0.95, not {level!r}")


def normalise_confidences(levels: float | Iterable[float]) -> tuple[float, ...]:
    """Normalise one level or several, keeping their order and dropping repeats.

    Examples
    --------
    >>> normalise_confidences([95, 0.998, 0.95])
    (0.95, 0.998)
    """
    items = [levels] if isinstance(levels, int | float) else list(levels)
    if not items:
        raise InputError("give at least one confidence level")
    return tuple(dict.fromkeys(normalise_confidence(level) for level in items))


def z_value(level: float) -> float:
    """Two-sided standard normal multiplier for a confidence level.

    Examples
    --------
    >>> round(z_value(95), 6)
    1.959964
    >>> round(z_value(0.998), 6)
    3.090232
    """
    fraction = normalise_confidence(level)
    # NormalDist.inv_cdf is Wichura's algorithm AS241, the one R's qnorm uses
    return NormalDist().inv_cdf(1 - (1 - fraction) / 2)


def ci_suffix(level: float) -> str:
    """Column-name suffix for a confidence level, as used in output tables.

    Examples
    --------
    >>> ci_suffix(0.95)
    '95'
    >>> ci_suffix(99.8)
    '99_8'
    """
    percent = normalise_confidence(level) * 100
    text = f"{percent:.10g}"
    return text.replace(".", "_")
