"""Use cases for outcomes frameworks, their outcomes, indicators and targets."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from workspace.audit.services import snapshot
from workspace.cycles.models import Programme
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


def outcomes_framework_create(
    *,
    actor: User,
    programme: Programme,
    title: str,
    purpose: str = "",
    at: dt.datetime | None = None,
) -> OutcomesFramework:
    """Start an outcomes framework for a programme."""
    _check_editor(actor, programme)
    _required({"title": title}, {"title": "Enter a title for the outcomes framework"})
    with transaction.atomic():
        framework = OutcomesFramework.objects.create(
            programme=programme,
            title=title.strip(),
            purpose=purpose.strip(),
            created_by=actor,
            created_at=_now(at),
        )
        _audit(actor, "created outcomes framework", framework, programme)
    return framework


def outcomes_framework_update(
    *, actor: User, framework: OutcomesFramework, title: str, purpose: str = ""
) -> OutcomesFramework:
    """Change an outcomes framework's title and purpose."""
    programme = framework.programme
    _check_editor(actor, programme)
    _required({"title": title}, {"title": "Enter a title for the outcomes framework"})
    _change(
        actor,
        "updated outcomes framework",
        framework,
        programme,
        title=title.strip(),
        purpose=purpose.strip(),
    )
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
) -> OutcomeIndicator:
    """Add an indicator, with its baseline, to an outcome."""
    programme = outcome.framework.programme
    _check_editor(actor, programme)
    _check_indicator(name, direction, baseline_value, baseline_period)
    with transaction.atomic():
        indicator = OutcomeIndicator.objects.create(
            outcome=outcome,
            name=name.strip(),
            code=code.strip(),
            unit=unit.strip(),
            direction=direction,
            baseline_value=baseline_value,
            baseline_period=baseline_period.strip(),
            baseline_source=baseline_source.strip(),
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
) -> OutcomeIndicator:
    """Change an indicator or correct its baseline; the audit trail keeps the old figures."""
    programme = indicator.outcome.framework.programme
    _check_editor(actor, programme)
    _check_indicator(name, direction, baseline_value, baseline_period)
    _change(
        actor,
        "changed outcome indicator",
        indicator,
        programme,
        name=name.strip(),
        code=code.strip(),
        unit=unit.strip(),
        direction=direction,
        baseline_value=baseline_value,
        baseline_period=baseline_period.strip(),
        baseline_source=baseline_source.strip(),
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
