"""Process and learning measures of a cycle.

**Process**: the cycle's elapsed time (start to end, or to the history's ``as_of`` date
while it runs); its transaction costs — staff days, external costs in real terms and, given
a staff-day cost, their total in pounds; and how its effort divided between the stages:
the share spent on procurement against the share on analysis and review.

**Learning**: the share of the previous review's recommendations that this cycle's plan
took up, and the share of this cycle's own review that the next plan took up ("acted on").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spiral.spiral_test.costs import real_terms
from spiral.spiral_test.history import Cycle, Deflator


@dataclass(frozen=True)
class CycleProcess:
    """Time, transaction cost and effort of a cycle."""

    delivery_model: str
    sourcing_route: str
    reprocured_same_model: bool
    complete: bool
    elapsed_days: int
    staff_days: float | None
    external_costs: float | None
    transaction_cost: float | None
    effort_days: float
    procurement_share: float | None
    analysis_and_review_share: float | None


@dataclass(frozen=True)
class CycleLearning:
    """Whether reviews carried into the next plan."""

    previous_recommendations: int
    previous_addressed: int
    learning_share: float | None
    review_recorded: bool
    recommendations: int
    acted_on: int | None
    acted_on_share: float | None


def cycle_process(
    cycle: Cycle,
    *,
    as_of: date,
    deflator: Deflator | None,
    staff_day_cost: float | None,
) -> CycleProcess:
    """Process measures of one cycle.

    External costs are put into real terms with the deflator value of the year given with
    them, or of the cycle's first year of spend.

    Examples
    --------
    >>> from datetime import date
    >>> from spiral.spiral_test.history import Cycle
    >>> c = Cycle("c1", "c1", date(2020, 4, 1), date(2023, 3, 31), "external contract",
    ...           "open procedure", True, 120.0, 30_000.0, None,
    ...           {"analysis": 20.0, "procurement": 60.0, "review": 20.0}, {}, None, None,
    ...           None, ())
    >>> p = cycle_process(c, as_of=date(2024, 1, 1), deflator=None, staff_day_cost=300.0)
    >>> p.elapsed_days, p.transaction_cost, p.procurement_share, p.analysis_and_review_share
    (1094, 66000.0, 0.6, 0.4)
    """
    complete = cycle.end is not None and cycle.end <= as_of
    finish = cycle.end if complete and cycle.end is not None else as_of
    external = cycle.external_costs
    year = cycle.external_costs_year or next(iter(cycle.spend), None)
    if external is not None and deflator is not None and year is not None:
        external = real_terms(external, year, deflator)
    transaction: float | None = None
    if cycle.staff_days is not None and staff_day_cost is not None:
        transaction = cycle.staff_days * staff_day_cost + (external or 0.0)
    elif cycle.staff_days is None and external is not None:
        transaction = external
    effort = sum(cycle.effort_days.values())
    procurement = cycle.effort_days.get("procurement", 0.0)
    analysis_review = cycle.effort_days.get("analysis", 0.0) + cycle.effort_days.get("review", 0.0)
    return CycleProcess(
        delivery_model=cycle.delivery_model,
        sourcing_route=cycle.sourcing_route,
        reprocured_same_model=cycle.reprocured_same_model,
        complete=complete,
        elapsed_days=max((finish - cycle.start).days, 0),
        staff_days=cycle.staff_days,
        external_costs=external,
        transaction_cost=transaction,
        effort_days=effort,
        procurement_share=procurement / effort if effort else None,
        analysis_and_review_share=analysis_review / effort if effort else None,
    )


def cycle_learning(previous: Cycle | None, cycle: Cycle, following: Cycle | None) -> CycleLearning:
    """Learning measures of one cycle, from its neighbours in time.

    Examples
    --------
    >>> from datetime import date
    >>> from spiral.spiral_test.history import Cycle, Recommendation, Review
    >>> def cycle(i, recs, addresses):
    ...     review = Review(None, tuple(Recommendation(r, "") for r in recs))
    ...     return Cycle(i, i, date(2000 + len(i), 1, 1), None, "", "", False, None, None,
    ...                  None, {}, {}, None, None, review, tuple(addresses))
    >>> a, b = cycle("a", ["R1", "R2"], []), cycle("bb", ["R3"], ["R1"])
    >>> cycle_learning(None, a, b).acted_on_share
    0.5
    >>> cycle_learning(a, b, None).learning_share
    0.5
    """
    previous_recs = (
        {r.id for r in previous.review.recommendations} if previous and previous.review else set()
    )
    taken = len(previous_recs & set(cycle.addresses))
    own = {r.id for r in cycle.review.recommendations} if cycle.review else set()
    acted: int | None = None
    if following is not None:
        acted = len(own & set(following.addresses))
    return CycleLearning(
        previous_recommendations=len(previous_recs),
        previous_addressed=taken,
        learning_share=taken / len(previous_recs) if previous_recs else None,
        review_recorded=cycle.review is not None,
        recommendations=len(own),
        acted_on=acted,
        acted_on_share=acted / len(own) if acted is not None and own else None,
    )
