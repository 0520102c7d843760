"""Outcome against the plan: each cycle's recorded baseline and targets beside what happened.

A history may carry, for an indicator, each cycle's **plan** (``indicators[].plans``): the
baseline its outcomes framework recorded and the targets it set by period. For a cycle and
each indicator with a plan for it:

- the **latest value** is the area's value for the latest period starting on or after the
  cycle's start and ending by its measurement window's end (the follow-up period of
  :mod:`spiral.spiral_test.outcomes`);
- the **change from the baseline** is that value minus the plan's baseline value;
- a **target** is *met* when the area's value for the target's period is at least the target
  (higher is better) or at most it (lower is better), compared after rounding to ten
  decimal places; *missed* otherwise; *not due* when its period ends after the history's
  ``as_of`` date and no value is held; *no data* when the period is over but the area has
  no value for it.

These are plain comparisons of point values against the plan, with no allowance for
sampling error and no comparators: they say whether the plan's own aims were reached. They
never change a verdict, which rests on the comparison with the comparators
(:mod:`spiral.spiral_test.verdict`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from spiral.spc.polarity import polarity_sign
from spiral.spiral_test.history import Cycle, History, Indicator, IndicatorPlan, Observation
from spiral.spiral_test.outcomes import ROUNDING, measurement_window

TargetStatus = Literal["met", "missed", "not_due", "no_data"]
TARGET_LABELS: dict[str, str] = {
    "met": "met",
    "missed": "missed",
    "not_due": "not due yet",
    "no_data": "no value for its period",
}


@dataclass(frozen=True)
class TargetCheck:
    """One target of a plan and whether the area reached it."""

    period: str
    target: float
    value: float | None
    status: TargetStatus

    @property
    def label(self) -> str:
        """The status in words."""
        return TARGET_LABELS[self.status]


@dataclass(frozen=True)
class PlanProgress:
    """One indicator over one cycle, against the baseline and targets of the cycle's plan."""

    indicator_id: str
    name: str
    unit: str
    polarity: str
    key: bool
    source: str
    baseline_period: str | None
    baseline_value: float | None
    latest_period: str | None
    latest_value: float | None
    change_from_baseline: float | None
    targets: tuple[TargetCheck, ...]


def _check(
    value: Observation | None, target: float, sign: int, period_end_after: bool
) -> TargetStatus:
    if value is None:
        return "not_due" if period_end_after else "no_data"
    gap = round(sign * (value.value - target), ROUNDING)
    return "met" if gap >= 0 else "missed"


def _progress(
    indicator: Indicator, plan: IndicatorPlan, cycle: Cycle, history: History
) -> PlanProgress:
    area = {o.period: o for o in indicator.observations if o.area == history.area_code}
    by_label = {period.label: o for period, o in area.items()}
    by_span = {(period.start, period.end): o for period, o in area.items()}
    window_end = measurement_window(cycle, history.as_of)
    after = [
        o for o in area.values() if cycle.start <= o.period.start and o.period.end <= window_end
    ]
    latest = max(after, key=lambda o: o.period.end) if after else None
    sign = polarity_sign(indicator.polarity)
    checks = []
    for target in plan.targets:
        held = by_label.get(target.period.label) or by_span.get(
            (target.period.start, target.period.end)
        )
        status = _check(held, target.value, sign, target.period.end > history.as_of)
        checks.append(
            TargetCheck(
                period=target.period.label,
                target=target.value,
                value=None if held is None else held.value,
                status=status,
            )
        )
    change = (
        None
        if latest is None or plan.baseline_value is None
        else latest.value - plan.baseline_value
    )
    return PlanProgress(
        indicator_id=indicator.id,
        name=indicator.name,
        unit=indicator.unit,
        polarity=indicator.polarity,
        key=indicator.key,
        source=plan.source,
        baseline_period=None if plan.baseline_period is None else plan.baseline_period.label,
        baseline_value=plan.baseline_value,
        latest_period=None if latest is None else latest.period.label,
        latest_value=None if latest is None else latest.value,
        change_from_baseline=change,
        targets=tuple(checks),
    )


def plan_progress(history: History, cycle: Cycle) -> tuple[PlanProgress, ...]:
    """Every indicator with a plan for ``cycle``, against that plan's baseline and targets.

    Parameters
    ----------
    history : History
        From :func:`spiral.spiral_test.history.parse_history`.
    cycle : Cycle
        One of ``history.cycles``.

    Returns
    -------
    tuple of PlanProgress
        In the order of the history's indicators; indicators without a plan for the cycle
        are left out.

    Examples
    --------
    >>> from spiral.spiral_test.history import parse_history
    >>> history = parse_history({
    ...     "schema_version": 1,
    ...     "programme": {"id": "p", "area": {"code": "A"}},
    ...     "as_of": "2024-03-31",
    ...     "indicators": [{
    ...         "id": "reablement", "polarity": "higher_is_better",
    ...         "values": [{"area": "A", "period": "2020/21", "value": 60.0, "se": 1.0},
    ...                    {"area": "A", "period": "2022/23", "value": 66.0, "se": 1.0}],
    ...         "plans": [{"cycle": "c1", "baseline": {"period": "2020/21", "value": 60.0},
    ...                    "targets": [{"period": "2022/23", "value": 65.0},
    ...                                {"period": "2024/25", "value": 70.0}]}],
    ...     }],
    ...     "cycles": [{"id": "c1", "start": "2021-04-01"}],
    ... })
    >>> (progress,) = plan_progress(history, history.cycles[0])
    >>> progress.latest_period, progress.change_from_baseline
    ('2022/23', 6.0)
    >>> [(t.period, t.status) for t in progress.targets]
    [('2022/23', 'met'), ('2024/25', 'not_due')]
    """
    found = []
    for indicator in history.indicators:
        plan = next((p for p in indicator.plans if p.cycle == cycle.id), None)
        if plan is not None:
            found.append(_progress(indicator, plan, cycle, history))
    return tuple(found)
