"""The *Making Data Count* summary icons: variation and assurance.

**Variation** reads the latest point of a chart:

- ``common_cause``: no rule marks it (grey icon);
- ``improvement_high`` / ``improvement_low``: special cause in the better direction,
  the value high or low (blue);
- ``concern_high`` / ``concern_low``: special cause in the worse direction (orange);
- ``neither_high`` / ``neither_low``: special cause on a chart with no preferred
  direction (purple).

**Assurance** compares a target with the process limits at the latest point (limits
that will hold while the process stays as it is):

- ``consistently_pass``: every value the process produces will meet the target (the
  target lies beyond the limit on the worse side);
- ``consistently_fail``: no value will (the target lies beyond the limit on the better
  side);
- ``hit_and_miss``: the target lies between the limits (a target exactly on a limit is
  hit and miss), so the process will sometimes meet it and sometimes not.

There is no assurance icon without a target or when the chart has no preferred direction.

Reference: NHS England and NHS Improvement, *Making Data Count* (2019), the "variation"
and "assurance" icons.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from spiral.exceptions import InputError
from spiral.spc.polarity import normalise_polarity, polarity_sign

VARIATION_LABELS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation of an improving nature: the value is high",
    "improvement_low": "Special cause variation of an improving nature: the value is low",
    "concern_high": "Special cause variation of a concerning nature: the value is high",
    "concern_low": "Special cause variation of a concerning nature: the value is low",
    "neither_high": "Special cause variation, neither improving nor concerning: the value is high",
    "neither_low": "Special cause variation, neither improving nor concerning: the value is low",
}

ASSURANCE_LABELS = {
    "consistently_pass": "The process will consistently meet the target",
    "consistently_fail": "The process will consistently fail the target",
    "hit_and_miss": "The process will hit and miss the target at random",
}


@dataclass(frozen=True)
class Icon:
    """An icon's code (for styling) and its words (for people and screen readers)."""

    code: str
    label: str


def variation_icon(chart: pd.DataFrame) -> Icon:
    """The variation icon of a chart from :mod:`spiral.spc`, read at its latest point.

    Examples
    --------
    >>> from spiral.spc import xmr_chart
    >>> variation_icon(xmr_chart([10, 12, 10, 12, 10, 12])).code
    'common_cause'
    >>> chart = xmr_chart([5, 4, 6, 5, 4, 6, 5, 5, 30], baseline=8, polarity="lower_is_better")
    >>> variation_icon(chart).code
    'concern_high'
    """
    if chart.empty:
        raise InputError("the chart has no points")
    last = chart.iloc[-1]
    if not bool(last["special_cause"]):
        code = "common_cause"
    else:
        code = f"{last['variation']}_{last['direction']}"
    return Icon(code, VARIATION_LABELS[code])


def assurance_icon(chart: pd.DataFrame, target: float | None, polarity: str) -> Icon | None:
    """The assurance icon for a target, from the limits at the chart's latest point.

    Parameters
    ----------
    chart : pandas.DataFrame
        A chart from :mod:`spiral.spc`.
    target : float or None
        The target, on the chart's scale; no icon without one.
    polarity : str
        The chart's polarity; no icon when it is neutral.

    Examples
    --------
    Limits 5.68 to 16.32; a target of 5 on a higher-is-better measure is always met:

    >>> from spiral.spc import xmr_chart
    >>> chart = xmr_chart([10, 12, 10, 12])
    >>> assurance_icon(chart, 5, "higher_is_better").code
    'consistently_pass'
    >>> assurance_icon(chart, 12, "higher_is_better").code
    'hit_and_miss'
    >>> assurance_icon(chart, 12, "neutral") is None
    True
    """
    sign = polarity_sign(normalise_polarity(polarity))
    if target is None or sign == 0:
        return None
    if chart.empty:
        raise InputError("the chart has no points")
    last = chart.iloc[-1]
    lower, upper = float(last["lower"]), float(last["upper"])
    if target > upper:
        code = "consistently_fail" if sign > 0 else "consistently_pass"
    elif target < lower:
        code = "consistently_pass" if sign > 0 else "consistently_fail"
    else:
        code = "hit_and_miss"
    return Icon(code, ASSURANCE_LABELS[code])
