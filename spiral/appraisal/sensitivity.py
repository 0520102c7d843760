"""Switching values and one-at-a-time (tornado) sensitivity.

HM Treasury Green Book (2022), section 6 and Annex A5: a switching value is how far an
input must change before the preferred option changes; a tornado diagram shows how much
the NPSV moves when each uncertain input goes from a low to a high value, one at a time.

NPSV is linear in a factor on any category of cash flows, so those switching values have a
closed form: with NPSV\\ :sub:`o`\\ (δ) = NPSV\\ :sub:`o` + δ·a\\ :sub:`o`, the preferred
option *p* first meets option *q* at δ = (NPSV\\ :sub:`p` − NPSV\\ :sub:`q`) /
(a\\ :sub:`q` − a\\ :sub:`p`). The discount rate is not linear: its switching value is
found by root-finding (Brent's method) on the gap between the preferred option and the
best of the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from spiral.appraisal.appraisal import (
    AppraisalResult,
    AppraisalSettings,
    appraise,
    cash_flow_cube,
)
from spiral.appraisal.discounting import RateSchedule, factors_from_rates, schedule
from spiral.appraisal.options import CATEGORIES, SIGNS, Option
from spiral.appraisal.risk import UncertainInput, cell_masks, npsv_given
from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Crossing:
    """Where the leader of a set of straight lines first changes, each way.

    ``up``/``down`` are the smallest increase and decrease (None = no change within the
    range) and ``up_to``/``down_to`` the index of the line that takes the lead there.
    """

    up: float | None
    up_to: int | None
    down: float | None
    down_to: int | None


def first_crossings(
    values: npt.ArrayLike,
    slopes: npt.ArrayLike,
    leader: int,
    lowest: float = -np.inf,
    highest: float = np.inf,
) -> Crossing:
    """First change of leader among lines ``values + δ·slopes``, within [lowest, highest].

    Examples
    --------
    >>> first_crossings([10.0, 8.0, 5.0], [-1.0, 0.0, 0.0], 0)
    Crossing(up=2.0, up_to=1, down=None, down_to=None)
    """
    v = np.asarray(values, dtype=np.float64)
    g = np.asarray(slopes, dtype=np.float64)
    gap = g - g[leader]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        delta = np.where(gap != 0, (v[leader] - v) / np.where(gap != 0, gap, 1.0), np.nan)
    delta[leader] = np.nan
    up_ok = (gap > 0) & (delta >= 0) & (delta <= highest)
    down_ok = (gap < 0) & (delta <= 0) & (delta >= lowest)
    up = up_to = down = down_to = None
    if up_ok.any():
        up_to = int(np.nanargmin(np.where(up_ok, delta, np.nan)))
        up = float(delta[up_to])
    if down_ok.any():
        down_to = int(np.nanargmax(np.where(down_ok, delta, np.nan)))
        down = float(delta[down_to])
    return Crossing(up, up_to, down, down_to)


@dataclass(frozen=True)
class SwitchingValue:
    """How far one input must move before the preferred option changes.

    ``increase``/``decrease`` are proportional changes of the input (0.25 = 25% more) or,
    for the discount rate, percentage points; ``None`` where no change in that direction
    alters the preference.
    """

    input: str
    preferred: str
    increase: float | None
    option_after_increase: str | None
    decrease: float | None
    option_after_decrease: str | None
    method: str

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary of the fields.

        Examples
        --------
        >>> SwitchingValue("x", "A", 0.2, "B", None, None, "closed form").as_dict()["increase"]
        0.2
        """
        return dataclasses.asdict(self)


def _switching(label: str, result: AppraisalResult, slopes: FloatArray) -> SwitchingValue:
    leader = int(np.argmax(result.npsv))
    cross = first_crossings(result.npsv, slopes, leader, lowest=-1.0)
    names = result.names
    return SwitchingValue(
        input=label,
        preferred=names[leader],
        increase=cross.up,
        option_after_increase=None if cross.up_to is None else names[cross.up_to],
        decrease=cross.down,
        option_after_decrease=None if cross.down_to is None else names[cross.down_to],
        method="closed form (linear)",
    )


def switching_values(
    result: AppraisalResult, inputs: Sequence[UncertainInput] = ()
) -> list[SwitchingValue]:
    """Switching values for every option's cost and benefit categories and each input.

    A category's value can fall at most 100% (to zero); increases are unbounded.

    Parameters
    ----------
    result : AppraisalResult
    inputs : sequence of UncertainInput
        Each is treated as a proportional change of the cells it scales.

    Examples
    --------
    >>> from spiral.appraisal.appraisal import appraise
    >>> a = Option("A", "in_house", {"operating": {0: 100.0}, "income": {0: 150.0}})
    >>> b = Option("B", "grant", {"operating": {0: 100.0}, "income": {0: 130.0}})
    >>> sv = switching_values(appraise([a, b]))
    >>> [(s.input, s.increase, s.option_after_increase) for s in sv][:1]
    [('A: operating', 0.2, 'B')]
    """
    signed = result.pv * SIGNS[None, :]
    rows = []
    for o, option in enumerate(result.options):
        for c, category in enumerate(CATEGORIES):
            if result.pv[o, c] == 0:
                continue
            slopes = np.zeros(len(result.options))
            slopes[o] = signed[o, c]
            rows.append(_switching(f"{option.name}: {category}", result, slopes))
    if inputs:
        masks = cell_masks(result, inputs)
        for i, uncertain in enumerate(inputs):
            slopes = (signed[None, :, :] * masks[i : i + 1]).sum(axis=2)[0]
            rows.append(_switching(uncertain.name, result, slopes))
    return rows


def _rates(rates: str | RateSchedule, years: npt.ArrayLike) -> FloatArray:
    chosen = schedule(rates) if isinstance(rates, str) else rates
    return chosen.rate_for_years(years)


def discount_rate_switching_value(
    options: Sequence[Option],
    settings: AppraisalSettings | None = None,
    highest: float = 0.15,
    steps: int = 300,
) -> SwitchingValue:
    """Percentage-point shift of every discount rate at which the preferred option changes.

    All bands of every schedule in use move together; rates may not fall below zero.
    Root-finding (Brent's method) within the first grid interval where the preferred
    option's lead over the others changes sign.

    Examples
    --------
    A capital-heavy option with late benefits loses its lead as the rate rises:

    >>> a = Option("A", "in_house", {"capital": {0: 100.0}, "income": {10: 160.0}})
    >>> b = Option("B", "grant", {"operating": {0: 10.0}, "income": {1: 20.0}})
    >>> sv = discount_rate_switching_value([a, b])
    >>> round(sv.increase, 4), sv.option_after_increase
    (0.0039, 'B')
    """
    settings = settings or AppraisalSettings()
    base = appraise(options, settings)
    leader = int(np.argmax(base.npsv))
    label = "discount rate (all bands, percentage points)"
    method = "root finding (Brent)"
    if len(options) < 2:  # a preference needs two options
        return SwitchingValue(label, base.names[leader], None, None, None, None, method)
    signed = cash_flow_cube(options, base.years, settings) * SIGNS[None, :, None]
    rates = np.vstack(
        [
            _rates(settings.category_schedules.get(category, settings.schedule), base.years)
            for category in CATEGORIES
        ]
    )
    lowest = -float(rates[:, 1:].min()) if base.years.size > 1 else 0.0

    def gaps(deltas: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """Lead of the preferred option over the best other, for each shift."""
        factors = factors_from_rates(rates[None, :, :] + deltas[:, None, None], settings.convention)
        npsv = np.einsum("ocy,gcy->go", signed, factors)
        others = np.delete(npsv, leader, axis=1)
        best = np.argmax(others, axis=1)
        lead = npsv[:, leader] - others[np.arange(len(deltas)), best]
        return lead, best + (best >= leader)

    from scipy.optimize import brentq  # slow to import; needed only here

    def search(end: float) -> tuple[float | None, str | None]:
        grid = np.linspace(0.0, end, steps + 1)
        lead, who = gaps(grid)
        behind = np.flatnonzero(lead < 0)
        if behind.size == 0:
            return None, None
        i = int(behind[0])
        root = brentq(lambda d: float(gaps(np.array([d]))[0][0]), grid[i - 1], grid[i], xtol=1e-12)
        return float(root), base.names[int(who[i])]

    up, up_to = search(highest)
    down, down_to = search(lowest)
    return SwitchingValue(
        input=label,
        preferred=base.names[leader],
        increase=up,
        option_after_increase=up_to,
        decrease=down,
        option_after_decrease=down_to,
        method=method,
    )


@dataclass(frozen=True)
class TornadoBar:
    """NPSV of one option with one input at its low and its high value."""

    input: str
    low_value: float
    high_value: float
    npsv_low: float
    npsv_high: float
    swing: float


def tornado(
    result: AppraisalResult,
    inputs: Sequence[UncertainInput],
    option: str | None = None,
    low: float = 5.0,
    high: float = 95.0,
) -> list[TornadoBar]:
    """One-at-a-time swings of an option's NPSV, largest first.

    Each input in turn goes to its ``low`` and ``high`` percentile while every other input
    stays at 1 (the estimate).

    Examples
    --------
    >>> from spiral.appraisal.appraisal import appraise
    >>> r = appraise([Option("A", "in_house", {"operating": {0: 100.0}, "income": {0: 150.0}})])
    >>> u = UncertainInput("cost", "operating", "uniform", {"min": 0.8, "max": 1.2})
    >>> bar = tornado(r, [u])[0]
    >>> round(bar.npsv_low, 6), round(bar.npsv_high, 6), round(bar.swing, 6)
    (68.0, 32.0, 36.0)
    """
    names = result.names
    chosen = result.preferred if option is None else option
    if chosen not in names:
        raise InputError(f"tornado: no option is called {chosen!r}")
    column = names.index(chosen)
    if not inputs:
        return []
    masks = cell_masks(result, inputs)
    k = len(inputs)
    lows = np.array([float(u.quantile(low / 100)) for u in inputs])
    highs = np.array([float(u.quantile(high / 100)) for u in inputs])
    values = np.ones((2 * k, k))
    values[np.arange(k), np.arange(k)] = lows
    values[k + np.arange(k), np.arange(k)] = highs
    npsv = npsv_given(result, masks, values)[:, column]
    bars = [
        TornadoBar(
            input=u.name,
            low_value=float(lows[i]),
            high_value=float(highs[i]),
            npsv_low=float(npsv[i]),
            npsv_high=float(npsv[k + i]),
            swing=float(abs(npsv[k + i] - npsv[i])),
        )
        for i, u in enumerate(inputs)
    ]
    return sorted(bars, key=lambda bar: -bar.swing)
