"""Use cases of the Review stage and the Spiral test: each in one transaction, each audited.

Functions are named ``<entity>_<verb>`` and take keyword arguments only. Changes check the
EDIT capability in the programme's lead or partner organisation and record themselves
with :func:`workspace.audit.services.audit_record` in the same transaction. Every history
change is checked by the engine (:func:`spiral.spiral_test.parse_history`) before it is
kept: an upload or a form either lands whole or changes nothing, and the errors name the
cycle and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from spiral.spiral_test import (
    HistoryError,
    SpiralReport,
    VerdictRules,
    parse_history,
    run_spiral_test,
)
from workspace.accounts.access import Capability, has_capability
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.models import Cycle, Programme, Recommendation
from workspace.reviews.history import cycle_id, programme_history
from workspace.reviews.models import CycleFigures, CycleReview, PlanResponse, ProgrammeFigures

MAX_HISTORY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Assessment:
    """A programme's history as exported, and the Spiral test of it (or why it cannot run)."""

    history: dict[str, Any]
    report: SpiralReport | None
    problems: tuple[str, ...]


def may_edit(user: Any, programme: Programme) -> bool:
    """Whether ``user`` may change the programme's review records and figures."""
    return any(has_capability(user, org, Capability.EDIT) for org in programme.organisations())


def _check_editor(actor: User, programme: Programme) -> None:
    if not may_edit(actor, programme):
        raise PermissionDenied("You cannot change this programme's review records.")


def programme_assess(
    *, programme: Programme, as_of: dt.date | None = None, rules: VerdictRules | None = None
) -> Assessment:
    """Assemble the programme's history and run the Spiral test on it (the engine's own)."""
    history = programme_history(programme, as_of=as_of)
    try:
        report = run_spiral_test(parse_history(history), rules)
    except HistoryError as error:
        return Assessment(history=history, report=None, problems=tuple(error.problems))
    return Assessment(history=history, report=report, problems=())


def _check_assembled(programme: Programme, field: str) -> None:
    """Raise a ValidationError (rolling the transaction back) if the history no longer parses."""
    try:
        parse_history(programme_history(programme))
    except HistoryError as error:
        problems = [p for p in error.problems if "must be a list of at least one cycle" not in p]
        if problems:
            raise ValidationError({field: problems}) from None


# --- the history upload -------------------------------------------------------------------

_CYCLE_FIELDS = (
    "delivery_model",
    "sourcing_route",
    "reprocured_same_model",
    "spend",
    "population",
    "service_users",
    "staff_days",
    "external_costs",
    "external_costs_year",
    "analysis_days",
    "planning_days",
    "procurement_days",
    "review_days",
)


def _decode(content: bytes) -> Any:
    if len(content) > MAX_HISTORY_BYTES:
        raise ValidationError({"file": "The file must be smaller than 10 MB"})
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError({"file": "The file must be UTF-8 text (JSON)"}) from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            {"file": f"The file is not JSON: {error.msg} at line {error.lineno}"}
        ) from None


def _cycle_values(raw: dict[str, Any]) -> dict[str, Any]:
    costs = raw.get("transaction_costs") or {}
    effort = raw.get("effort_days") or {}
    return {
        "delivery_model": raw.get("delivery_model") or "",
        "sourcing_route": raw.get("sourcing_route") or "",
        "reprocured_same_model": bool(raw.get("reprocured_same_model", False)),
        "spend": dict(raw.get("spend") or {}),
        "population": raw.get("population"),
        "service_users": raw.get("service_users"),
        "staff_days": costs.get("staff_days"),
        "external_costs": costs.get("external_costs"),
        "external_costs_year": str(costs.get("year") or ""),
        "analysis_days": effort.get("analysis"),
        "planning_days": effort.get("planning"),
        "procurement_days": effort.get("procurement"),
        "review_days": effort.get("review"),
    }


def history_upload(
    *, actor: User, programme: Programme, content: bytes, at: dt.datetime | None = None
) -> ProgrammeFigures:
    """Keep the figures of an uploaded history file for the programme, whole or not at all.

    The file is checked by the engine first (every problem named by cycle or indicator and
    field). Its cycles are matched to the programme's by id (``cycle-1``, ``cycle-2``...).
    From the file come the area, comparators, indicator series, price index, staff day
    cost, previous arrangement, and each cycle's spend, reach, transaction costs, effort,
    delivery model and sourcing route. The dates, reviews, recommendations and what each
    plan addressed stay as the workspace records them.
    """
    _check_editor(actor, programme)
    data = _decode(content)
    try:
        parse_history(data)
    except HistoryError as error:
        raise ValidationError({"file": error.problems}) from None
    cycles = {cycle_id(c): c for c in programme.cycles.all()}
    problems = [
        f"cycle '{raw.get('id')}': field 'id': this programme has no such cycle "
        f"(its cycles are {', '.join(sorted(cycles)) or 'none yet'})"
        for raw in data["cycles"]
        if raw.get("id") not in cycles
    ]
    if problems:
        raise ValidationError({"file": problems})
    when = at or timezone.now()
    area = data["programme"]["area"]
    organisation = programme.organisation
    with transaction.atomic():
        figures = ProgrammeFigures.objects.filter(programme=programme).first()
        before = snapshot(figures) if figures else None
        figures = figures or ProgrammeFigures(programme=programme)
        figures.area_code = str(area.get("code", ""))
        figures.area_name = str(area.get("name", ""))
        figures.comparators = data.get("comparators", [])
        figures.indicators = data.get("indicators", [])
        figures.deflator = data.get("deflator")
        figures.staff_day_cost = data.get("staff_day_cost")
        figures.previous_arrangement = data.get("previous_arrangement")
        figures.updated_at = when
        figures.updated_by = actor
        figures.save()
        audit_record(
            actor=actor,
            action="uploaded programme history",
            target=figures,
            organisation=organisation,
            before=before,
            after=snapshot(figures),
        )
        for raw in data["cycles"]:
            _cycle_figures_save(actor, cycles[raw["id"]], _cycle_values(raw), when)
        _check_assembled(programme, "file")
    return figures


def _cycle_figures_save(
    actor: User, cycle: Cycle, values: dict[str, Any], when: dt.datetime
) -> CycleFigures:
    record = CycleFigures.objects.filter(cycle=cycle).first()
    before = snapshot(record) if record else None
    record = record or CycleFigures(cycle=cycle)
    for name in _CYCLE_FIELDS:
        setattr(record, name, values.get(name, getattr(record, name)))
    record.updated_at = when
    record.updated_by = actor
    record.save()
    audit_record(
        actor=actor,
        action="updated cycle figures",
        target=record,
        organisation=cycle.programme.organisation,
        before=before,
        after=snapshot(record),
    )
    return record


def _with_entered_figures(history: dict[str, Any], record: CycleFigures) -> dict[str, Any]:
    """The history with the cycle's entered spend and cost year in place of the areas' ones.

    Figures an area holds replace those entered (:mod:`workspace.reviews.delivery`), but the
    entered ones are kept as the fallback, so they are checked as if they were used.
    """
    wanted = cycle_id(record.cycle)
    for entry in history.get("cycles", []):
        if entry.get("id") != wanted:
            continue
        if record.spend:
            entry["spend"] = dict(record.spend)
        if record.external_costs_year:
            costs = dict(entry.get("transaction_costs") or {})
            costs["year"] = record.external_costs_year
            entry["transaction_costs"] = costs
    return history


def cycle_figures_update(
    *, actor: User, cycle: Cycle, at: dt.datetime | None = None, **values: Any
) -> CycleFigures:
    """Set one cycle's cost, reach, transaction cost and effort figures.

    ``values`` are fields of :class:`CycleFigures`; ``spend`` is a mapping period → cash.
    The assembled history must still pass the engine's checks (for example, every year of
    spend needs a price index value), or nothing is saved.
    """
    _check_editor(actor, cycle.programme)
    unknown = set(values) - set(_CYCLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown cycle figures: {sorted(unknown)}")
    with transaction.atomic():
        record = _cycle_figures_save(actor, cycle, values, at or timezone.now())
        try:
            parse_history(_with_entered_figures(programme_history(cycle.programme), record))
        except HistoryError as error:
            prefix = f"cycle '{cycle_id(cycle)}': field '"
            messages: dict[str, list[str]] = {}
            for problem in error.problems:
                if not problem.startswith(prefix):
                    continue
                name, _, text = problem.removeprefix(prefix).partition("': ")
                target = "spend" if name.startswith("spend") else "external_costs_year"
                messages.setdefault(target, []).append(f"{name}: {text}")
            if messages:
                raise ValidationError(messages) from None
    return record


# --- the review ---------------------------------------------------------------------------


def review_findings_save(
    *,
    actor: User,
    cycle: Cycle,
    findings: str,
    reviewed_on: dt.date,
    at: dt.datetime | None = None,
) -> CycleReview:
    """Write (or rewrite) the commissioner's findings at the cycle's Review stage."""
    _check_editor(actor, cycle.programme)
    if not findings.strip():
        raise ValidationError({"findings": "Enter the review's findings"})
    if reviewed_on < timezone.localdate(cycle.started_at):
        raise ValidationError({"reviewed_on": "The review date must be after the cycle started"})
    with transaction.atomic():
        review = CycleReview.objects.filter(cycle=cycle).first()
        before = snapshot(review) if review else None
        review = review or CycleReview(cycle=cycle)
        review.findings = findings.strip()
        review.reviewed_on = reviewed_on
        review.written_by = actor
        review.updated_at = at or timezone.now()
        review.save()
        audit_record(
            actor=actor,
            action="wrote review findings",
            target=review,
            organisation=cycle.programme.organisation,
            before=before,
            after=snapshot(review),
        )
    return review


def plan_response_record(
    *,
    actor: User,
    recommendation: Recommendation,
    addressed: bool,
    how: str,
    at: dt.datetime | None = None,
) -> PlanResponse:
    """Say whether the next cycle's plan takes up a recommendation, and where (or why not)."""
    _check_editor(actor, recommendation.cycle.programme)
    if recommendation.carried_into_id is None:
        raise ValidationError(
            {"addressed": "The next cycle has not started: there is no plan to check yet"}
        )
    if not how.strip():
        raise ValidationError(
            {"how": "Say where the plan takes it up" if addressed else "Say why the plan does not"}
        )
    with transaction.atomic():
        response = PlanResponse.objects.filter(recommendation=recommendation).first()
        before = snapshot(response) if response else None
        response = response or PlanResponse(recommendation=recommendation)
        response.addressed = addressed
        response.how = how.strip()
        response.recorded_by = actor
        response.recorded_at = at or timezone.now()
        response.save()
        audit_record(
            actor=actor,
            action="recorded plan response",
            target=response,
            organisation=recommendation.cycle.programme.organisation,
            before=before,
            after=snapshot(response),
        )
    return response
