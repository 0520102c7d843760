"""The tidy table a chart returns: one row per point, its limits and its signals."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.spc.polarity import normalise_polarity, polarity_sign
from spiral.spc.rules import RunRules, detect_signals

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RULE_NAMES = ("outside_limits", "shift", "trend", "two_of_three")
VARIATIONS = ["common_cause", "improvement", "concern", "neither"]
DIRECTIONS = ["", "high", "low"]

_COMBINATIONS = np.empty(16, dtype=object)
for _code in range(16):
    _COMBINATIONS[_code] = tuple(name for bit, name in enumerate(RULE_NAMES) if _code >> bit & 1)


def point_table(
    *,
    labels: list[Hashable],
    values: FloatArray,
    segment: IntArray,
    baseline: npt.NDArray[np.bool_],
    centre: FloatArray,
    sigma: FloatArray,
    lower_bound: float | None,
    upper_bound: float | None,
    polarity: str,
    rules: RunRules | None,
    extra: dict[str, npt.NDArray[np.generic]] | None = None,
    after_limits: dict[str, npt.NDArray[np.generic]] | None = None,
) -> pd.DataFrame:
    """Limits three sigma either side of the centre (clipped to the bounds), then the rules.

    ``extra`` columns follow the value; ``after_limits`` columns follow the two-sigma lines.

    ``sigma`` is the process's one-sigma width at each point; the two-sigma lines for the
    two-out-of-three rule lie two thirds of the way to the limits.
    """
    direction_of_good = polarity_sign(normalise_polarity(polarity))
    lower = centre - 3 * sigma
    upper = centre + 3 * sigma
    lower_near = centre - 2 * sigma
    upper_near = centre + 2 * sigma
    if lower_bound is not None:
        lower = np.maximum(lower, lower_bound)
    if upper_bound is not None:
        upper = np.minimum(upper, upper_bound)
    signals = detect_signals(
        values,
        centre=centre,
        lower=lower,
        upper=upper,
        lower_near=lower_near,
        upper_near=upper_near,
        segment=segment,
        rules=rules,
    )
    special = signals.outside_limits | signals.shift | signals.trend | signals.two_of_three
    side = np.where(special, signals.direction, 0)
    # categorical columns: built from integer codes, fast on long series
    direction_code = np.select([side > 0, side < 0], [1, 2], default=0).astype(np.int64)
    direction = pd.Categorical.from_codes(direction_code, categories=pd.Index(DIRECTIONS))
    if direction_of_good == 0:
        variation_code = np.where(special, 3, 0)
    else:
        variation_code = np.select([~special, side == direction_of_good], [0, 1], default=2)
    variation = pd.Categorical.from_codes(
        variation_code.astype(np.int64), categories=pd.Index(VARIATIONS)
    )
    # each point's rules as a tuple of names, picked from the 16 possible combinations
    code = (
        signals.outside_limits * 1
        + signals.shift * 2
        + signals.trend * 4
        + signals.two_of_three * 8
    )
    signal_lists = _COMBINATIONS[code.astype(np.int64)]

    columns: dict[str, object] = {"period": labels, "value": values}
    for name, array in (extra or {}).items():
        columns[name] = array
    columns.update(
        {
            "segment": segment,
            "baseline": baseline,
            "centre": centre,
            "lower": lower,
            "upper": upper,
            "lower_2sigma": lower_near,
            "upper_2sigma": upper_near,
            **(after_limits or {}),
            "outside_limits": signals.outside_limits,
            "shift": signals.shift,
            "trend": signals.trend,
            "two_of_three": signals.two_of_three,
            "special_cause": special,
            "direction": direction,
            "variation": variation,
            "signals": signal_lists,
        }
    )
    return pd.DataFrame(columns)
