"""Polarity: which direction of an indicator counts as improvement.

Spiral writes polarity as ``"higher_is_better"``, ``"lower_is_better"`` or ``"neutral"``
(no preferred direction). NHS England's *Making Data Count* colours special causes by the
same idea: blue for improvement, orange for concern, purple when neither.
"""

from __future__ import annotations

from typing import Literal

from spiral.exceptions import InputError

Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]

POLARITIES: tuple[Polarity, ...] = ("higher_is_better", "lower_is_better", "neutral")

_ALIASES: dict[str, Polarity] = {
    "higher_is_better": "higher_is_better",
    "higher": "higher_is_better",
    "high": "higher_is_better",
    "increase": "higher_is_better",
    "up": "higher_is_better",
    "lower_is_better": "lower_is_better",
    "lower": "lower_is_better",
    "low": "lower_is_better",
    "decrease": "lower_is_better",
    "down": "lower_is_better",
    "neutral": "neutral",
    "none": "neutral",
}


def normalise_polarity(polarity: str) -> Polarity:
    """Return the canonical name of a polarity written in any accepted way.

    Parameters
    ----------
    polarity : str
        ``"higher_is_better"`` (also ``"higher"``, ``"high"``, ``"increase"``, ``"up"``),
        ``"lower_is_better"`` (also ``"lower"``, ``"low"``, ``"decrease"``, ``"down"``) or
        ``"neutral"`` (also ``"none"``); case and spaces or hyphens do not matter.

    Raises
    ------
    ValueError
        For any other text.

    Examples
    --------
    >>> normalise_polarity("Higher is better")
    'higher_is_better'
    >>> normalise_polarity("down")
    'lower_is_better'
    """
    key = str(polarity).strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return _ALIASES[key]
    except KeyError:
        allowed = ", ".join(POLARITIES)
        raise InputError(f"polarity must be one of {allowed}, not {polarity!r}") from None


def polarity_sign(polarity: str) -> int:
    """``+1`` when higher is better, ``-1`` when lower is better, ``0`` when neutral.

    Multiplying a change by this sign turns it into an improvement (positive) or a
    deterioration (negative).

    Examples
    --------
    >>> polarity_sign("lower_is_better") * (12.0 - 15.0)
    3.0
    """
    return {"higher_is_better": 1, "lower_is_better": -1, "neutral": 0}[
        normalise_polarity(polarity)
    ]
