"""The Spiral test of a whole programme: every cycle's outcomes, cost, value, process,
learning and verdict.

**Value** is the outcome index per pound of real annual cost per head. The *outcome index*
of a cycle is 100 plus the mean, over its key indicators with data, of the improvement
against the comparators as a percentage of the area's baseline value (100 means the area
kept pace with its comparators; 103 that it gained 3% on them). The value's *trajectory*
is its relative change from the previous cycle. Value is reported and drawn; the verdict
rules use the outcome classifications and the real cost directly
(:mod:`spiral.spiral_test.verdict`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from spiral.spiral_test.costs import CycleCost, cycle_cost, relative_change
from spiral.spiral_test.history import Cycle, History
from spiral.spiral_test.outcomes import IndicatorOutcome, indicator_outcome
from spiral.spiral_test.process import CycleLearning, CycleProcess, cycle_learning, cycle_process
from spiral.spiral_test.targets import PlanProgress, plan_progress
from spiral.spiral_test.verdict import CycleFacts, Verdict, VerdictRules, decide


@dataclass(frozen=True)
class CycleAssessment:
    """Everything the Spiral test found about one cycle."""

    cycle_id: str
    name: str
    start: date
    end: date | None
    outcomes: tuple[IndicatorOutcome, ...]
    cost: CycleCost
    cost_change: float | None
    outcome_index: float | None
    value_per_pound: float | None
    value_change: float | None
    process: CycleProcess
    learning: CycleLearning
    verdict: Verdict
    plans: tuple[PlanProgress, ...] = ()
    """Outcome against the baseline and targets of the cycle's plan (never the verdict)."""


@dataclass(frozen=True)
class SpiralReport:
    """The Spiral test of a programme: one assessment per cycle, in time order."""

    programme_id: str
    programme_name: str
    service: str
    area_code: str
    area_name: str
    as_of: date
    price_base: str | None
    rules: VerdictRules
    cycles: tuple[CycleAssessment, ...]
    reprocurements_of_same_model: int


def _outcome_index(outcomes: tuple[IndicatorOutcome, ...]) -> float | None:
    gains = [
        100 * o.improvement.estimate / abs(o.area_baseline)
        for o in outcomes
        if o.key and o.improvement is not None and o.area_baseline
    ]
    return 100 + sum(gains) / len(gains) if gains else None


def _unit_cost(cost: CycleCost, rules: VerdictRules) -> float | None:
    return cost.per_head if rules.cost_measure == "per_head" else cost.per_service_user


def run_spiral_test(history: History, rules: VerdictRules | None = None) -> SpiralReport:
    """Run the Spiral test on a programme's history.

    Parameters
    ----------
    history : History
        From :func:`spiral.spiral_test.load_history` or
        :func:`spiral.spiral_test.parse_history`.
    rules : VerdictRules, optional
        Thresholds of the verdict rules; the documented defaults when omitted.

    Returns
    -------
    SpiralReport
        One :class:`CycleAssessment` per cycle, in order of start.

    Examples
    --------
    >>> from pathlib import Path
    >>> from spiral.spiral_test import load_history
    >>> example = Path("docs/examples/programme-history.json")
    >>> report = run_spiral_test(load_history(example))
    >>> [(c.cycle_id, c.verdict.verdict) for c in report.cycles]  # doctest: +NORMALIZE_WHITESPACE
    [('home-care-2014', 'going_round_in_circles'),
     ('home-care-2017', 'improving_spiral'),
     ('home-care-2021', 'too_early_to_tell')]
    """
    from spiral.stats.confidence import normalise_confidence, z_value

    rules = rules or VerdictRules()
    z = z_value(rules.confidence)
    confidence = normalise_confidence(rules.confidence)
    cycles: list[CycleAssessment] = []
    previous_arrangement = history.previous_arrangement
    before_unit: float | None = None
    if previous_arrangement is not None:
        before_unit = _unit_cost(
            cycle_cost(
                previous_arrangement.spend,
                previous_arrangement.population,
                previous_arrangement.service_users,
                history.deflator,
            ),
            rules,
        )
    ordered = list(history.cycles)
    previous_value: float | None = None
    for position, cycle in enumerate(ordered):
        before: Cycle | None = ordered[position - 1] if position else None
        after: Cycle | None = ordered[position + 1] if position + 1 < len(ordered) else None
        outcomes = tuple(
            indicator_outcome(
                indicator,
                cycle,
                history,
                z=z,
                confidence=confidence,
                segmented_min_periods=rules.segmented_min_periods,
            )
            for indicator in history.indicators
        )
        cost = cycle_cost(cycle.spend, cycle.population, cycle.service_users, history.deflator)
        unit = _unit_cost(cost, rules)
        change = relative_change(unit, before_unit)
        process = cycle_process(
            cycle,
            as_of=history.as_of,
            deflator=history.deflator,
            staff_day_cost=history.staff_day_cost,
        )
        learning = cycle_learning(before, cycle, after)
        index = _outcome_index(outcomes)
        value = index / cost.per_head if index is not None and cost.per_head else None
        facts = CycleFacts(
            cycle_id=cycle.id,
            outcomes=outcomes,
            cost=unit,
            cost_before=before_unit,
            cost_change=change,
            process=process,
            learning=learning,
            end=None if cycle.end is None else cycle.end.isoformat(),
        )
        cycles.append(
            CycleAssessment(
                cycle_id=cycle.id,
                name=cycle.name,
                start=cycle.start,
                end=cycle.end,
                outcomes=outcomes,
                cost=cost,
                cost_change=change,
                outcome_index=index,
                value_per_pound=value,
                value_change=relative_change(value, previous_value),
                process=process,
                learning=learning,
                verdict=decide(facts, rules),
                plans=plan_progress(history, cycle),
            )
        )
        before_unit = unit
        previous_value = value
    return SpiralReport(
        programme_id=history.programme_id,
        programme_name=history.programme_name,
        service=history.service,
        area_code=history.area_code,
        area_name=history.area_name,
        as_of=history.as_of,
        price_base=history.deflator.base if history.deflator else None,
        rules=rules,
        cycles=tuple(cycles),
        reprocurements_of_same_model=sum(c.reprocured_same_model for c in ordered),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):  # JSON has no NaN
        return None
    return value


def report_as_dict(report: SpiralReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (dates as ISO text), with each verdict's label.

    Examples
    --------
    >>> from spiral.spiral_test import load_history
    >>> report = run_spiral_test(load_history("docs/examples/programme-history.json"))
    >>> data = report_as_dict(report)
    >>> data["cycles"][1]["verdict"]["label"]
    'Improving spiral'
    """
    data: dict[str, Any] = _plain(dataclasses.asdict(report))
    for plain, cycle in zip(data["cycles"], report.cycles, strict=True):
        plain["verdict"]["label"] = cycle.verdict.label
    return data


def evidence_table(report: SpiralReport) -> list[dict[str, Any]]:
    """The evidence of every verdict as rows: cycle, verdict, rule, reason and figures.

    Examples
    --------
    >>> from spiral.spiral_test import load_history
    >>> rows = evidence_table(run_spiral_test(load_history("docs/examples/programme-history.json")))
    >>> sorted(rows[0])
    ['cycle', 'figures', 'reason', 'rule', 'verdict']
    """
    rows: list[dict[str, Any]] = []
    for cycle in report.cycles:
        for reason in cycle.verdict.reasons:
            rows.append(
                {
                    "cycle": cycle.cycle_id,
                    "verdict": cycle.verdict.label,
                    "rule": reason.rule,
                    "reason": reason.text,
                    "figures": dict(reason.figures),
                }
            )
        rows.extend(
            {
                "cycle": cycle.cycle_id,
                "verdict": cycle.verdict.label,
                "rule": "missing",
                "reason": item,
                "figures": {},
            }
            for item in cycle.verdict.missing
        )
    return rows


def cycle_table(report: SpiralReport) -> list[dict[str, Any]]:
    """One row per cycle with its headline figures (for tables beside the picture).

    Examples
    --------
    >>> from spiral.spiral_test import load_history
    >>> rows = cycle_table(run_spiral_test(load_history("docs/examples/programme-history.json")))
    >>> rows[0]["cycle"], rows[0]["verdict"]
    ('home-care-2014', 'Going round in circles')
    """
    return [
        {
            "cycle": c.cycle_id,
            "name": c.name,
            "start": c.start.isoformat(),
            "end": None if c.end is None else c.end.isoformat(),
            "verdict": c.verdict.label,
            "outcome_index": c.outcome_index,
            "real_cost_per_head": c.cost.per_head,
            "real_cost_per_service_user": c.cost.per_service_user,
            "cost_change": c.cost_change,
            "value_per_pound": c.value_per_pound,
            "value_change": c.value_change,
            "transaction_cost": c.process.transaction_cost,
            "elapsed_days": c.process.elapsed_days,
            "procurement_share": c.process.procurement_share,
            "analysis_and_review_share": c.process.analysis_and_review_share,
            "reprocured_same_model": c.process.reprocured_same_model,
            "learning_share": c.learning.learning_share,
            "review_acted_on_share": c.learning.acted_on_share,
        }
        for c in report.cycles
    ]
