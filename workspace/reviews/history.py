"""A programme's history in the Spiral test's file format, assembled from the workspace.

The history (``docs/spiral-test.md``, schema version 1) has parts that different areas of
the workspace own. Each part comes from one **source function** below, so that when an
area starts to supply its figures, only its function changes:

======================  ===================================  ===============================
part of the history     source function                      held today in
======================  ===================================  ===============================
programme, area         :func:`programme_source`             cycles, reviews (area code)
cycles, dates, review,  :func:`cycle_source`                 cycles (Recommendation),
recommendations,                                             reviews (PlanResponse)
addresses
comparators,            :func:`indicator_source`             needs (series, comparator
indicator series,                                            group) and plan (outcomes
baselines, targets                                           frameworks), else reviews
                                                             (ProgrammeFigures); see
                                                             ``outcome_sources.py``
deflator, staff day     :func:`price_source`                 reviews (ProgrammeFigures;
cost, previous                                               later finance); the previous
arrangement             (:func:`reach_source`)               arrangement's population from
                                                             needs, as for the cycles
spend, population,      :func:`spend_source`                 contracts (payments, returns),
service users                                                needs (population); else reviews
transaction costs,      :func:`transaction_cost_source`      sourcing (records, costs, bids),
delivery model, route                                        contracts (agreements); else
                                                             reviews (CycleFigures)
effort by stage         :func:`effort_source`                sourcing (procurement); reviews
======================  ===================================  ===============================

The rules for the cost, process and delivery parts, and the provenance of each figure, are
in :mod:`workspace.reviews.delivery`.

Cycle ids are ``cycle-<number>`` and recommendation ids ``R<cycle number>.<n>`` (their order
within the cycle), so an exported file can be uploaded again and matched to its cycles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from spiral.spiral_test.history import SCHEMA_VERSION
from workspace.cycles.models import Cycle, Programme, Recommendation
from workspace.reviews import delivery
from workspace.reviews.models import ProgrammeFigures
from workspace.reviews.outcome_sources import area_code, outcome_evidence

Part = dict[str, Any]


def cycle_id(cycle: Cycle) -> str:
    """The id a cycle has in the history file."""
    return f"cycle-{cycle.number}"


def recommendation_ids(cycle: Cycle) -> dict[int, str]:
    """Recommendation primary key → its id in the history file, in the order recorded."""
    return {
        pk: f"R{cycle.number}.{position}"
        for position, pk in enumerate(
            cycle.recommendations.order_by("id").values_list("pk", flat=True), start=1
        )
    }


def _figures(programme: Programme) -> ProgrammeFigures | None:
    """The programme's figures (read once, then cached on the programme by Django)."""
    try:
        return programme.spiral_figures
    except ProgrammeFigures.DoesNotExist:
        return None


# --- programme-level sources ----------------------------------------------------------------


def programme_source(programme: Programme) -> Part:
    """The programme and its commissioning area (the lead organisation's ONS code by default)."""
    figures = _figures(programme)
    organisation = programme.organisation
    code = area_code(programme)
    name = (figures.area_name if figures else "") or organisation.name
    return {
        "programme": {
            "id": f"programme-{programme.pk}",
            "name": programme.name,
            "service": programme.service_area,
            "area": {"code": code, "name": name},
        }
    }


def indicator_source(programme: Programme) -> Part:
    """Comparator areas, the indicator series and each cycle's baseline and targets.

    From the needs data and the outcomes frameworks when they hold the programme's
    indicators, else the review's own figures
    (:func:`workspace.reviews.outcome_sources.outcome_evidence`).
    """
    return outcome_evidence(programme).part()


def price_source(programme: Programme) -> Part:
    """The price index, the cost of a staff day and the arrangement before the first cycle."""
    figures = _figures(programme)
    part: Part = {}
    if figures is None:
        return part
    if figures.deflator:
        part["deflator"] = figures.deflator
    if figures.staff_day_cost is not None:
        part["staff_day_cost"] = figures.staff_day_cost
    if figures.previous_arrangement:
        part["previous_arrangement"] = figures.previous_arrangement
    return part


def reach_source(programme: Programme, *, as_of: dt.date | None = None) -> Part:
    """The previous arrangement's population from the needs data, when the cycles take theirs.

    Replaces the recorded previous arrangement with the same one and the needs data's
    population, so that the first cycle's cost a head compares like with like.
    """
    figures = _figures(programme)
    population = delivery.previous_population(programme, as_of or timezone.localdate())
    if figures is None or not figures.previous_arrangement or population is None:
        return {}
    return {"previous_arrangement": {**figures.previous_arrangement, "population": population}}


# --- per-cycle sources -------------------------------------------------------------------


def cycle_source(cycle: Cycle) -> Part:
    """Dates, review recommendations and which of the previous ones this cycle's plan took up.

    A cycle ends when its last gate is signed off; until then it is running. Its review is
    its recommendations (and the date of the findings, or of the last recommendation). The
    plan takes up a previous recommendation when the commissioner's
    :class:`~workspace.reviews.models.PlanResponse` says it was addressed; where the
    commissioner has not answered, Spiral's own check of the plan stands in
    (:mod:`workspace.reviews.plan_check`: taken up only when it finds it *addressed*).
    """
    part: Part = {
        "id": cycle_id(cycle),
        "name": f"Cycle {cycle.number}",
        "start": timezone.localdate(cycle.started_at).isoformat(),
    }
    if cycle.ended_at is not None and not cycle.is_open:
        part["end"] = timezone.localdate(cycle.ended_at).isoformat()
    ids = recommendation_ids(cycle)
    recommendations: list[Recommendation] = list(cycle.recommendations.order_by("id"))
    findings = getattr(cycle, "review_findings", None)
    if recommendations or findings is not None:
        dates = [timezone.localdate(r.recorded_at) for r in recommendations]
        if findings is not None:
            dates.append(findings.reviewed_on)
        part["review"] = {
            "date": max(dates).isoformat(),
            "recommendations": [
                {"id": ids[r.pk], "text": f"{r.get_choice_display()}: {r.rationale}"}
                for r in recommendations
            ],
        }
    previous = cycle.previous_cycle
    if previous is not None:
        # plan_check reads recommendation ids from this module: imported here, not at the top
        from workspace.reviews.plan_check import review_check

        part["addresses"] = [c.id for c in review_check(previous) if c.addressed]
    return part


def spend_source(cycle: Cycle, *, as_of: dt.date | None = None) -> Part:
    """Cash spent by year, the population served and the number of service users.

    From the programme's agreements' payments and accepted returns and the needs area's
    population where they hold them, else the review's figures.
    """
    return delivery.spend_part(cycle, as_of or timezone.localdate())[0]


def transaction_cost_source(cycle: Cycle) -> Part:
    """Delivery model, sourcing route, re-procurement and the transaction costs of sourcing.

    From the cycle's sourcing records and agreements where it has them, else the review's
    figures.
    """
    return delivery.transaction_cost_part(cycle)[0]


def effort_source(cycle: Cycle) -> Part:
    """Staff days on analysis, planning, procurement (from the sourcing records) and review."""
    return delivery.effort_part(cycle)[0]


PROGRAMME_SOURCES: tuple[Callable[[Programme], Part], ...] = (
    programme_source,
    indicator_source,
    price_source,
)
"""Each gives part of the history's top level; later ones add to earlier ones."""

CYCLE_SOURCES: tuple[Callable[[Cycle], Part], ...] = (
    cycle_source,
    transaction_cost_source,
    effort_source,
)
"""Each gives part of one cycle's entry."""

DATED_PROGRAMME_SOURCES: tuple[Callable[..., Part], ...] = (reach_source,)
"""Each gives part of the top level as of the history's date (keyword ``as_of``)."""

DATED_CYCLE_SOURCES: tuple[Callable[..., Part], ...] = (spend_source,)
"""Each gives part of one cycle's entry as of the history's date (keyword ``as_of``)."""


def programme_history(programme: Programme, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """The programme's history as plain JSON data, in the documented format.

    ``as_of`` is the date of the export (today by default): a cycle still in progress is
    running on that date.
    """
    day = as_of or timezone.localdate()
    history: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "as_of": day.isoformat()}
    for source in PROGRAMME_SOURCES:
        history.update(source(programme))
    for dated_source in DATED_PROGRAMME_SOURCES:
        history.update(dated_source(programme, as_of=day))
    cycles = []
    ordered = programme.cycles.order_by("number").select_related(
        "previous_cycle", "spiral_figures", "review_findings"
    )
    for cycle in ordered:
        entry: Part = {}
        for cycle_part in CYCLE_SOURCES:
            entry.update(cycle_part(cycle))
        for dated_part in DATED_CYCLE_SOURCES:
            entry.update(dated_part(cycle, as_of=day))
        cycles.append(entry)
    history["cycles"] = cycles
    return history
