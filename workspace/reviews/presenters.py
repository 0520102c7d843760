"""Figures of the Spiral test shaped for pages: the portfolio's rows and a cycle's evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spiral.spiral_test import SpiralReport
from spiral.spiral_test.assessment import CycleAssessment
from spiral.spiral_test.verdict import VERDICT_LABELS
from workspace.cycles.models import Programme
from workspace.reviews.services import Assessment

SORT_KEYS = ("programme", "verdict", "settled", "outcome", "cost", "transaction")
VERDICT_ORDER = {
    "declining": 0,
    "going_round_in_circles": 1,
    "too_early_to_tell": 2,
    "improving_spiral": 3,
}
"""Sorting by verdict puts the programmes that most need attention first."""


@dataclass(frozen=True)
class PortfolioRow:
    programme: Programme
    cycles: int
    latest: CycleAssessment | None
    settled: CycleAssessment | None
    verdicts: tuple[tuple[str, str, str], ...]  # (cycle name, verdict, label)
    outcome_index: float | None
    outcome_trend: float | None
    cost_per_head: float | None
    cost_trend: float | None
    transaction_cost: float | None
    problems: tuple[str, ...]

    def sort_value(self, key: str) -> Any:
        numbers = {
            "outcome": self.outcome_trend,
            "cost": self.cost_trend,
            "transaction": self.transaction_cost,
        }
        if key in numbers:
            value = numbers[key]
            return (value is None, value or 0.0)
        if key == "verdict":
            return VERDICT_ORDER.get(self.latest.verdict.verdict if self.latest else "", 9)
        if key == "settled":
            return VERDICT_ORDER.get(self.settled.verdict.verdict if self.settled else "", 9)
        return self.programme.name.lower()


def portfolio_row(programme: Programme, assessment: Assessment) -> PortfolioRow:
    """One programme's line of the portfolio: latest verdict, trends and transaction costs.

    The *outcome trend* is the latest cycle's outcome index against the previous cycle's
    (points); the *cost trend* is the latest cycle's change in real cost per head; the
    *settled* verdict is the newest that is not "too early to tell".
    """
    report = assessment.report
    cycles = report.cycles if report is not None else ()
    latest = cycles[-1] if cycles else None
    settled = next((c for c in reversed(cycles) if c.verdict.verdict != "too_early_to_tell"), None)
    with_index = [c for c in cycles if c.outcome_index is not None]
    trend = None
    if len(with_index) >= 2:
        trend = with_index[-1].outcome_index - with_index[-2].outcome_index  # type: ignore[operator]
    costs = [c.process.transaction_cost for c in cycles if c.process.transaction_cost is not None]
    return PortfolioRow(
        programme=programme,
        cycles=len(cycles),
        latest=latest,
        settled=settled,
        verdicts=tuple((c.name, c.verdict.verdict, c.verdict.label) for c in cycles),
        outcome_index=with_index[-1].outcome_index if with_index else None,
        outcome_trend=trend,
        cost_per_head=latest.cost.per_head if latest else None,
        cost_trend=latest.cost_change if latest else None,
        transaction_cost=sum(costs) if costs else None,
        problems=assessment.problems,
    )


def sort_rows(rows: list[PortfolioRow], key: str, descending: bool) -> list[PortfolioRow]:
    key = key if key in SORT_KEYS else "programme"
    return sorted(rows, key=lambda row: row.sort_value(key), reverse=descending)


def filter_rows(rows: list[PortfolioRow], verdict: str) -> list[PortfolioRow]:
    """Programmes with ``verdict`` among their cycles' verdicts (every row when empty)."""
    if verdict not in VERDICT_LABELS:
        return rows
    return [row for row in rows if any(v == verdict for _, v, _ in row.verdicts)]


def cycle_assessment(report: SpiralReport | None, cycle_id: str) -> CycleAssessment | None:
    if report is None:
        return None
    return next((c for c in report.cycles if c.cycle_id == cycle_id), None)


def reason_figures(figures: Any) -> str:
    """A reason's figures as short text, for the evidence table."""
    parts = []
    for name, value in dict(figures).items():
        shown = f"{value:,.4g}" if isinstance(value, float) else value
        parts.append(f"{name.replace('_', ' ')}: {shown}")
    return "; ".join(parts)
