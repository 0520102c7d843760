"""Outcomes of a cycle: each indicator's movement, net of its comparators' movement.

For a cycle starting on day :math:`s` and measured up to day :math:`e` (its end, or the
history's ``as_of`` date while it runs):

- the **baseline** is the area's latest period ending before :math:`s`;
- the **follow-up** is the area's latest period starting on or after :math:`s` and ending
  on or before :math:`e`;
- the area's change is :math:`\\Delta_A = y_f - y_b` with standard error
  :math:`\\sqrt{se_f^2 + se_b^2}` (the two periods taken as independent samples);
- the comparators' change :math:`\\Delta_C` is the mean of the changes of every comparator
  with values for both periods, with standard error :math:`\\sqrt{\\sum se_i^2}/k`;
- the **difference in differences** is :math:`D = \\Delta_A - \\Delta_C`, with standard error
  :math:`\\sqrt{se_{\\Delta_A}^2 + se_{\\Delta_C}^2}` and interval :math:`D \\pm z\\,se`;
- the **improvement** is :math:`D` turned by polarity (positive is better).

An indicator moved *better* when its improvement's interval lies wholly above 0 and the
improvement is at least the indicator's minimum important difference; *worse* when the
interval lies wholly below 0 and the deterioration is at least that difference; otherwise
it shows *no change distinguishable from the comparators*.

Where there are enough periods either side of the start, a segmented regression of the gap
between the area and the comparators' mean (:mod:`spiral.spiral_test.segmented`) is
reported as well — of the area's own series when no comparator has data; it informs the
reader but does not drive the verdict. Only periods for which every comparator used has a
value enter the gap series.

Reference for the design: difference in differences as in J. D. Angrist and J.-S. Pischke,
*Mostly Harmless Econometrics* (2009), chapter 5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from spiral.spc.polarity import polarity_sign
from spiral.spiral_test.history import Cycle, History, Indicator, Observation
from spiral.spiral_test.segmented import SegmentedFit, segmented_regression

Status = Literal["better", "worse", "no_change", "no_data"]
ROUNDING = 10
"""Figures are compared with thresholds after rounding to this many decimal places, so that
a figure on a threshold counts as on it whatever the last bit of floating point."""


@dataclass(frozen=True)
class Change:
    """A change (or difference) with its standard error and confidence interval."""

    estimate: float
    se: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class IndicatorOutcome:
    """How one indicator moved over one cycle, against its comparators."""

    indicator_id: str
    name: str
    unit: str
    polarity: str
    key: bool
    baseline_period: str | None
    follow_up_period: str | None
    periods_after: int
    area_baseline: float | None
    area_follow_up: float | None
    area_change: Change | None
    comparators: tuple[str, ...]
    comparator_change: Change | None
    difference: Change | None
    improvement: Change | None
    minimum_important_difference: float
    status: Status
    missing: tuple[str, ...]
    segmented: SegmentedFit | None

    def figures(self) -> dict[str, str | float | None]:
        """The headline figures as one flat row (for evidence and tables)."""
        gain = self.improvement
        return {
            "indicator": self.indicator_id,
            "baseline_period": self.baseline_period,
            "follow_up_period": self.follow_up_period,
            "area_change": None if self.area_change is None else self.area_change.estimate,
            "comparator_change": (
                None if self.comparator_change is None else self.comparator_change.estimate
            ),
            "improvement": None if gain is None else gain.estimate,
            "improvement_lower": None if gain is None else gain.lower,
            "improvement_upper": None if gain is None else gain.upper,
            "status": self.status,
            "segmented_level_change": (
                None if self.segmented is None else self.segmented.level_change.estimate
            ),
        }


def _change(estimate: float, se: float | None, z: float) -> Change:
    if se is None:
        return Change(estimate, None, None, None)
    return Change(estimate, se, estimate - z * se, estimate + z * se)


def _combined(errors: list[float | None]) -> float | None:
    if any(e is None for e in errors):
        return None
    return math.sqrt(sum(e * e for e in errors if e is not None))


def measurement_window(cycle: Cycle, as_of: date) -> date:
    """The last day whose data count for a cycle: its end, or ``as_of`` while it runs.

    Examples
    --------
    >>> from datetime import date
    >>> from spiral.spiral_test.history import Cycle
    >>> running = Cycle("c", "c", date(2023, 4, 1), None, "", "", False, None, None, None,
    ...                 {}, {}, None, None, None, ())
    >>> measurement_window(running, date(2024, 6, 30))
    datetime.date(2024, 6, 30)
    """
    return as_of if cycle.end is None else min(cycle.end, as_of)


def _by_area(indicator: Indicator) -> dict[str, dict[str, Observation]]:
    table: dict[str, dict[str, Observation]] = {}
    for item in indicator.observations:
        table.setdefault(item.area, {})[item.period.label] = item
    return table


def _segmented(
    series: dict[str, dict[str, Observation]],
    area: str,
    comparators: tuple[str, ...],
    cycle: Cycle,
    window_end: date,
    *,
    minimum: int,
    confidence: float,
) -> SegmentedFit | None:
    times: list[float] = []
    gaps: list[float] = []
    for label, item in series.get(area, {}).items():
        period = item.period
        if not (
            period.end < cycle.start or (period.start >= cycle.start and period.end <= window_end)
        ):
            continue
        values = [series[c][label].value for c in comparators if label in series.get(c, {})]
        if comparators and len(values) < len(comparators):
            continue
        reference = sum(values) / len(values) if values else 0.0
        times.append((period.midpoint - cycle.start).days / 365.25)
        gaps.append(item.value - reference)
    before = sum(t < 0 for t in times)
    after = len(times) - before
    if before < minimum or after < minimum:
        return None
    try:
        return segmented_regression(times, gaps, confidence=confidence)
    except ValueError:
        return None


def indicator_outcome(
    indicator: Indicator,
    cycle: Cycle,
    history: History,
    *,
    z: float,
    confidence: float,
    segmented_min_periods: int = 4,
) -> IndicatorOutcome:
    """Measure one indicator over one cycle against the comparators (see the module notes).

    Parameters
    ----------
    indicator, cycle, history
        From :func:`spiral.spiral_test.history.parse_history`.
    z : float
        Normal multiplier of the intervals (1.959964 for 95%).
    confidence : float
        The same level as a fraction, for the segmented regression's intervals.
    segmented_min_periods : int
        Periods needed on each side of the start for the segmented regression.

    Examples
    --------
    See :func:`spiral.spiral_test.assessment.run_spiral_test`, which calls this for every
    cycle and indicator.
    """
    series = _by_area(indicator)
    area = series.get(history.area_code, {})
    window_end = measurement_window(cycle, history.as_of)
    before = [o for o in area.values() if o.period.end < cycle.start]
    after = [
        o for o in area.values() if o.period.start >= cycle.start and o.period.end <= window_end
    ]
    missing: list[str] = []
    baseline = max(before, key=lambda o: o.period.end) if before else None
    follow = max(after, key=lambda o: o.period.end) if after else None
    if baseline is None:
        missing.append(f"{indicator.name}: no value for the area before {cycle.start}")
    if follow is None:
        missing.append(
            f"{indicator.name}: no value for the area for a period from {cycle.start} "
            f"to {window_end}"
        )
    sign = polarity_sign(indicator.polarity)
    empty = IndicatorOutcome(
        indicator_id=indicator.id,
        name=indicator.name,
        unit=indicator.unit,
        polarity=indicator.polarity,
        key=indicator.key,
        baseline_period=baseline.period.label if baseline else None,
        follow_up_period=follow.period.label if follow else None,
        periods_after=len(after),
        area_baseline=baseline.value if baseline else None,
        area_follow_up=follow.value if follow else None,
        area_change=None,
        comparators=(),
        comparator_change=None,
        difference=None,
        improvement=None,
        minimum_important_difference=indicator.minimum_important_difference,
        status="no_data",
        missing=tuple(missing),
        segmented=None,
    )
    if baseline is None or follow is None:
        return empty
    b_label, f_label = baseline.period.label, follow.period.label
    area_se = _combined([baseline.se, follow.se])
    area_change = _change(follow.value - baseline.value, area_se, z)
    used = tuple(
        code
        for code, _ in history.comparators
        if b_label in series.get(code, {}) and f_label in series.get(code, {})
    )
    comparator_change: Change | None = None
    difference: Change | None = None
    improvement: Change | None = None
    status: Status = "no_data"
    if not used:
        missing.append(f"{indicator.name}: no comparator has values for {b_label} and {f_label}")
    else:
        changes = [series[c][f_label].value - series[c][b_label].value for c in used]
        errors = [_combined([series[c][b_label].se, series[c][f_label].se]) for c in used]
        total = _combined(errors)
        comparator_se = None if total is None else total / len(used)
        comparator_change = _change(sum(changes) / len(used), comparator_se, z)
        did_se = (
            None if area_se is None or comparator_se is None else math.hypot(area_se, comparator_se)
        )
        difference = _change(area_change.estimate - comparator_change.estimate, did_se, z)
        if did_se is None:
            missing.append(
                f"{indicator.name}: the values carry no uncertainty (interval or counts)"
            )
        else:
            improvement = _change(sign * difference.estimate, did_se, z)
            status = classify(improvement, indicator.minimum_important_difference)
    return replace(
        empty,
        area_change=area_change,
        comparators=used,
        comparator_change=comparator_change,
        difference=difference,
        improvement=improvement,
        status=status,
        missing=tuple(missing),
        segmented=_segmented(
            series,
            history.area_code,
            used,
            cycle,
            window_end,
            minimum=segmented_min_periods,
            confidence=confidence,
        ),
    )


def classify(improvement: Change, minimum_important_difference: float = 0.0) -> Status:
    """Better, worse or no distinguishable change, from an improvement and its interval.

    Examples
    --------
    >>> classify(Change(2.0, 0.5, 1.02, 2.98))
    'better'
    >>> classify(Change(2.0, 1.1, -0.156, 4.156))
    'no_change'
    >>> classify(Change(2.0, 0.5, 1.02, 2.98), minimum_important_difference=2.5)
    'no_change'
    """
    if improvement.lower is None or improvement.upper is None:
        return "no_data"
    estimate = round(improvement.estimate, ROUNDING)
    mid = round(minimum_important_difference, ROUNDING)
    if round(improvement.lower, ROUNDING) > 0 and estimate >= mid:
        return "better"
    if round(improvement.upper, ROUNDING) < 0 and -estimate >= mid:
        return "worse"
    return "no_change"
