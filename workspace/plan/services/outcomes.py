"""Use cases for outcomes frameworks, their outcomes, indicators and targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from workspace.audit.services import snapshot
from workspace.cycles.models import Cycle, Programme
from workspace.needs.models import Indicator, IndicatorValue
from workspace.needs.services import indicators_available
from workspace.plan.models import (
    Outcome,
    OutcomeIndicator,
    OutcomesFramework,
    Target,
)
from workspace.plan.services.common import (
    _audit,
    _change,
    _check_editor,
    _now,
    _required,
)

OTHER_PROGRAMME_CYCLE = "Choose one of this programme's cycles"
NO_CYCLE = "Choose the cycle this outcomes framework plans"
"""The forms' message when no cycle is chosen (the services default to the current one)."""


def _check_cycle(programme: Programme, cycle: Cycle | None) -> None:
    """A framework plans a cycle of its own programme (none only before the first cycle)."""
    if cycle is not None and cycle.programme_id != programme.pk:
        raise ValidationError({"cycle": OTHER_PROGRAMME_CYCLE})


def outcomes_framework_create(
    *,
    actor: User,
    programme: Programme,
    title: str,
    purpose: str = "",
    cycle: Cycle | None = None,
    at: dt.datetime | None = None,
) -> OutcomesFramework:
    """Start an outcomes framework for a programme, planning one of its cycles.

    ``cycle`` is the cycle whose baselines and targets the framework sets; by default the
    programme's current cycle (none while the programme has no cycle yet). A cycle of
    another programme is refused with an error on ``cycle``.
    """
    _check_editor(actor, programme)
    _required({"title": title}, {"title": "Enter a title for the outcomes framework"})
    if cycle is None:
        cycle = programme.current_cycle()
    _check_cycle(programme, cycle)
    with transaction.atomic():
        framework = OutcomesFramework.objects.create(
            programme=programme,
            cycle=cycle,
            title=title.strip(),
            purpose=purpose.strip(),
            created_by=actor,
            created_at=_now(at),
        )
        _audit(actor, "created outcomes framework", framework, programme)
    return framework


def outcomes_framework_update(
    *,
    actor: User,
    framework: OutcomesFramework,
    title: str,
    purpose: str = "",
    cycle: Cycle | None = None,
) -> OutcomesFramework:
    """Change an outcomes framework's title, purpose and the cycle it plans.

    ``cycle`` left out (``None``) keeps the cycle it plans; a cycle of another programme is
    refused with an error on ``cycle``. The audit trail keeps the earlier cycle.
    """
    programme = framework.programme
    _check_editor(actor, programme)
    _required({"title": title}, {"title": "Enter a title for the outcomes framework"})
    fields: dict[str, Any] = {"title": title.strip(), "purpose": purpose.strip()}
    if cycle is not None:
        _check_cycle(programme, cycle)
        fields["cycle"] = cycle
    _change(actor, "updated outcomes framework", framework, programme, **fields)
    return framework


def outcome_add(
    *, actor: User, framework: OutcomesFramework, statement: str, description: str = ""
) -> Outcome:
    """Add an outcome to a framework."""
    programme = framework.programme
    _check_editor(actor, programme)
    _required({"statement": statement}, {"statement": "Enter the outcome"})
    with transaction.atomic():
        last = framework.outcomes.aggregate(last=Max("position"))["last"] or 0
        outcome = Outcome.objects.create(
            framework=framework,
            statement=statement.strip(),
            description=description.strip(),
            position=last + 1,
        )
        _audit(actor, "added outcome", outcome, programme)
    return outcome


def _check_indicator(
    name: str, direction: str, baseline_value: float | None, baseline_period: str
) -> None:
    _required({"name": name}, {"name": "Enter the indicator's name"})
    if direction not in OutcomeIndicator.Direction.values:
        raise ValidationError({"direction": "Choose whether higher or lower is better"})
    if baseline_value is not None and not baseline_period.strip():
        raise ValidationError({"baseline_period": "Enter the period the baseline is for"})


NEEDS_BASELINE_SOURCE = "Fingertips via Spiral's needs assessment"
_POLARITY_DIRECTION: dict[str, str] = {
    Indicator.Polarity.HIGH: OutcomeIndicator.Direction.HIGHER,
    Indicator.Polarity.LOW: OutcomeIndicator.Direction.LOWER,
    Indicator.Polarity.NONE: OutcomeIndicator.Direction.NEITHER,
}


def needs_baseline(*, programme: Programme, needs_indicator: Indicator) -> dict[str, Any] | None:
    """The baseline the needs data offers: the latest value for the lead organisation's area.

    The area is the one whose GSS code is the organisation's ONS code (as the needs
    assessment picks it); ``None`` when the organisation has no such area or no value.
    """
    code = programme.organisation.ons_code
    if not code:
        return None
    latest = (
        IndicatorValue.objects.filter(
            indicator=needs_indicator, area__code=code, value__isnull=False
        )
        .order_by("-period")
        .first()
    )
    if latest is None:
        return None
    source = (
        NEEDS_BASELINE_SOURCE
        if needs_indicator.organisation_id is None
        else f"{needs_indicator.source} via Spiral's needs assessment"
    )
    return {
        "baseline_value": latest.value,
        "baseline_period": latest.period,
        "baseline_source": source[:300],
    }


def _linked(
    programme: Programme, needs_indicator: Indicator | None, **fields: Any
) -> dict[str, Any]:
    """Fill what the user left blank from the needs indicator, and offer its baseline."""
    if needs_indicator is None:
        return fields
    allowed = {i.pk for i in indicators_available(programme.organisation)}
    if needs_indicator.pk not in allowed:
        raise ValidationError({"needs_indicator": "Choose an indicator from the needs data"})
    fields["name"] = fields["name"].strip() or needs_indicator.name
    fields["unit"] = fields["unit"].strip() or needs_indicator.unit[:60]
    fields["code"] = fields["code"].strip() or needs_indicator.key
    if not fields["direction"]:
        fields["direction"] = _POLARITY_DIRECTION.get(needs_indicator.polarity, "")
    if fields["baseline_value"] is None and not fields["baseline_period"].strip():
        offered = needs_baseline(programme=programme, needs_indicator=needs_indicator)
        if offered is not None:
            fields.update(offered)
    return fields


def indicator_add(
    *,
    actor: User,
    outcome: Outcome,
    name: str,
    direction: str,
    code: str = "",
    unit: str = "",
    baseline_value: float | None = None,
    baseline_period: str = "",
    baseline_source: str = "",
    needs_indicator: Indicator | None = None,
) -> OutcomeIndicator:
    """Add an indicator, with its baseline, to an outcome.

    Linked to an indicator of the needs data (``needs_indicator``), the blanks are filled
    from it: name, unit, code, polarity, and the baseline (latest value for the lead
    organisation's area, see :func:`needs_baseline`) when none is given.
    """
    programme = outcome.framework.programme
    _check_editor(actor, programme)
    f = _linked(
        programme,
        needs_indicator,
        name=name,
        direction=direction,
        code=code,
        unit=unit,
        baseline_value=baseline_value,
        baseline_period=baseline_period,
        baseline_source=baseline_source,
    )
    _check_indicator(f["name"], f["direction"], f["baseline_value"], f["baseline_period"])
    with transaction.atomic():
        indicator = OutcomeIndicator.objects.create(
            outcome=outcome,
            name=f["name"].strip(),
            code=f["code"].strip(),
            unit=f["unit"].strip(),
            direction=f["direction"],
            baseline_value=f["baseline_value"],
            baseline_period=f["baseline_period"].strip(),
            baseline_source=f["baseline_source"].strip(),
            needs_indicator=needs_indicator,
        )
        _audit(actor, "added outcome indicator", indicator, programme)
    return indicator


def outcome_update(
    *, actor: User, outcome: Outcome, statement: str, description: str = ""
) -> Outcome:
    """Change an outcome's wording."""
    programme = outcome.framework.programme
    _check_editor(actor, programme)
    _required({"statement": statement}, {"statement": "Enter the outcome"})
    _change(
        actor,
        "changed outcome",
        outcome,
        programme,
        statement=statement.strip(),
        description=description.strip(),
    )
    return outcome


def indicator_update(
    *,
    actor: User,
    indicator: OutcomeIndicator,
    name: str,
    direction: str,
    code: str = "",
    unit: str = "",
    baseline_value: float | None = None,
    baseline_period: str = "",
    baseline_source: str = "",
    needs_indicator: Indicator | None = None,
) -> OutcomeIndicator:
    """Change an indicator or correct its baseline; the audit trail keeps the old figures.

    The link to the needs data is set (or cleared) as for :func:`indicator_add`.
    """
    programme = indicator.outcome.framework.programme
    _check_editor(actor, programme)
    f = _linked(
        programme,
        needs_indicator,
        name=name,
        direction=direction,
        code=code,
        unit=unit,
        baseline_value=baseline_value,
        baseline_period=baseline_period,
        baseline_source=baseline_source,
    )
    _check_indicator(f["name"], f["direction"], f["baseline_value"], f["baseline_period"])
    _change(
        actor,
        "changed outcome indicator",
        indicator,
        programme,
        name=f["name"].strip(),
        code=f["code"].strip(),
        unit=f["unit"].strip(),
        direction=f["direction"],
        baseline_value=f["baseline_value"],
        baseline_period=f["baseline_period"].strip(),
        baseline_source=f["baseline_source"].strip(),
        needs_indicator=needs_indicator,
    )
    return indicator


def target_set(
    *,
    actor: User,
    indicator: OutcomeIndicator,
    period: str,
    value: float,
    set_by: str,
    rationale: str,
    at: dt.datetime | None = None,
) -> Target:
    """Set (or change) an indicator's target for a period, saying who set it and why."""
    programme = indicator.outcome.framework.programme
    _check_editor(actor, programme)
    _required(
        {"period": period, "set_by": set_by, "rationale": rationale},
        {
            "period": "Enter the period the target is for",
            "set_by": "Enter who set the target",
            "rationale": "Enter why this target was chosen",
        },
    )
    with transaction.atomic():
        target = Target.objects.filter(indicator=indicator, period=period.strip()).first()
        before = snapshot(target) if target is not None else None
        if target is None:
            target = Target(indicator=indicator, period=period.strip())
        target.value = value
        target.set_by = set_by.strip()
        target.rationale = rationale.strip()
        target.recorded_by = actor
        target.recorded_at = _now(at)
        target.save()
        _audit(
            actor, "set target" if before is None else "changed target", target, programme, before
        )
    return target
