"""Use cases for an appraisal's long list of options and their cash flows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from spiral.appraisal.cash_flow_table import CashFlowTableError, read_cash_flows
from spiral.appraisal.options import CATEGORIES
from workspace.audit.services import snapshot
from workspace.cycles.models import Cycle
from workspace.plan.models import (
    DELIVERY_MODEL_LABELS,
    Appraisal,
    AppraisalOption,
)
from workspace.plan.services.common import (
    _audit,
    _change,
    _check_editor,
    _check_open,
    _now,
    _required,
    appraisal_stage,
)


def appraisal_create(
    *, actor: User, cycle: Cycle, title: str, at: dt.datetime | None = None
) -> Appraisal:
    """Start an options appraisal in the cycle's Plan stage."""
    _check_editor(actor, cycle.programme)
    _required({"title": title}, {"title": "Enter a title for the appraisal"})
    stage_id = appraisal_stage(cycle)
    if stage_id is None:
        raise ValidationError({"title": "This cycle's framework asks for no options appraisal"})
    progress = cycle.stages.get(stage_id=stage_id)
    if not progress.is_editable:
        raise ValidationError({"title": "The Plan stage is submitted or signed off"})
    first_year = (cycle.started_at.year + 1) if cycle.started_at else None
    with transaction.atomic():
        appraisal = Appraisal.objects.create(
            cycle=cycle,
            stage_id=stage_id,
            title=title.strip(),
            first_year=first_year,
            price_base_year=first_year - 1 if first_year else None,
            created_by=actor,
            created_at=_now(at),
        )
        _audit(actor, "created appraisal", appraisal, cycle.programme)
    return appraisal


def option_add(
    *, actor: User, appraisal: Appraisal, name: str, delivery_model: str, description: str = ""
) -> AppraisalOption:
    """Add an option to the long list (it starts on the short list)."""
    _check_open(actor, appraisal, "name")
    _required({"name": name}, {"name": "Enter the option's name"})
    if delivery_model not in DELIVERY_MODEL_LABELS:
        raise ValidationError({"delivery_model": "Choose a delivery model"})
    if appraisal.options.filter(name=name.strip()).exists():
        raise ValidationError({"name": "Another option already has this name"})
    with transaction.atomic():
        last = appraisal.options.aggregate(last=Max("position"))["last"] or 0
        option = AppraisalOption.objects.create(
            appraisal=appraisal,
            name=name.strip(),
            delivery_model=delivery_model,
            description=description.strip(),
            position=last + 1,
        )
        _audit(actor, "added option", option, appraisal.cycle.programme)
    return option


def option_discard(*, actor: User, option: AppraisalOption, reason: str) -> AppraisalOption:
    """Take an option off the short list, recording why it was dropped."""
    appraisal = option.appraisal
    _check_open(actor, appraisal, "reason")
    _required({"reason": reason}, {"reason": "Enter why the option is dropped"})
    if appraisal.recommended_id == option.pk:
        raise ValidationError({"reason": "This option is recommended: recommend another first"})
    _change(
        actor,
        "discarded option",
        option,
        appraisal.cycle.programme,
        shortlisted=False,
        discard_reason=reason.strip(),
    )
    return option


def option_shortlist(*, actor: User, option: AppraisalOption) -> AppraisalOption:
    """Put a discarded option back on the short list."""
    appraisal = option.appraisal
    _check_open(actor, appraisal)
    _change(
        actor,
        "short-listed option",
        option,
        appraisal.cycle.programme,
        shortlisted=True,
        discard_reason="",
    )
    return option


def _flows_for_storage(flows: Mapping[str, Mapping[int, float]]) -> dict[str, dict[str, float]]:
    return {
        c: {str(y): float(a) for y, a in sorted(flows[c].items())}
        for c in CATEGORIES
        if flows.get(c)
    }


def option_cash_flows_set(
    *, actor: User, option: AppraisalOption, cash_flows: Mapping[str, Mapping[int, float]]
) -> AppraisalOption:
    """Replace an option's cash flows (category → year → amount, amounts not negative)."""
    appraisal = option.appraisal
    _check_open(actor, appraisal)
    errors: dict[str, str] = {}
    for category, by_year in cash_flows.items():
        if category not in CATEGORIES:
            errors["__all__"] = f"Unknown category {category!r}"
        for year, amount in by_year.items():
            field = f"{category}_{year}"
            if not 0 <= year <= appraisal.horizon:
                errors[field] = (
                    f"Year {year} is outside the appraisal period (0 to {appraisal.horizon})"
                )
            elif amount < 0:
                errors[field] = (
                    f"{category.replace('_', ' ').capitalize()}, year {year}: enter a positive "
                    "amount (the category says whether it is a cost or a benefit)"
                )
    if errors:
        raise ValidationError(errors)
    _change(
        actor,
        "set option cash flows",
        option,
        appraisal.cycle.programme,
        cash_flows=_flows_for_storage(cash_flows),
    )
    return option


def appraisal_cash_flows_upload(
    *, actor: User, appraisal: Appraisal, content: bytes, filename: str
) -> list[AppraisalOption]:
    """Replace the cash flows of every option named in an uploaded file, or of none.

    The file is read by :func:`spiral.appraisal.cash_flow_table.read_cash_flows`; any
    problem (each naming the option, row and column) refuses the whole upload.
    """
    _check_open(actor, appraisal, "file")
    options = {o.name: o for o in appraisal.options.all()}
    try:
        flows = read_cash_flows(content, filename, list(options))
    except CashFlowTableError as error:
        raise ValidationError({"file": error.problems}) from None
    late = [
        f"option {name!r}, {category}: year {year} is after the appraisal period (0 to "
        f"{appraisal.horizon}); extend the period in the settings first"
        for name, categories in flows.items()
        for category, by_year in categories.items()
        for year in by_year
        if year > appraisal.horizon
    ]
    if late:
        raise ValidationError({"file": late})
    if not flows:
        raise ValidationError({"file": "The file holds no cash flows"})
    changed = []
    with transaction.atomic():
        for name, by_category in flows.items():
            option = options[name]
            before = snapshot(option)
            option.cash_flows = _flows_for_storage(by_category)
            option.save()
            _audit(actor, "uploaded option cash flows", option, appraisal.cycle.programme, before)
            changed.append(option)
    return changed
