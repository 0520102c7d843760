"""A provider's returns: checked against the agreement's KPIs, saved, and chased when missing.

A return is saved whole: its KPI values, activity, spend and narrative are checked first,
and only a return with no error is written, as a new version (earlier versions are never
changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from workspace.audit.services import audit_record, snapshot
from workspace.contracts.access import is_provider_of
from workspace.contracts.models import KPI, Agreement, KPIValue, Return, ReturnVersion
from workspace.contracts.services.common import _lead, _now


@dataclass(frozen=True)
class CheckedReturn:
    values: dict[int, tuple[Decimal, Decimal | None, Decimal | None]]
    spend: Decimal | None


def kpi_field(kpi: KPI, part: str = "value") -> str:
    """The name of a KPI's field in a return form and its error messages."""
    return f"kpi-{kpi.pk}-{part}"


def _plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 60, 4.5."""
    return format(number.normalize(), "f")


def _decimal(text: Any, label: str) -> Decimal | None:
    """A number from a form's text or an API's number; ``None`` when blank."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        number = Decimal(str(text).strip().replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise ValidationError(f"Enter {label} as a number, like 12.5") from None
    if not number.is_finite():
        raise ValidationError(f"Enter {label} as a number, like 12.5")
    return number


def _check_kpi(  # noqa: PLR0911, PLR0912 - one rule a branch, in the order people read them
    kpi: KPI, entry: Mapping[str, Any], submit: bool, errors: dict[str, str]
) -> tuple[Decimal, Decimal | None, Decimal | None] | None:
    label = kpi.name
    if kpi.uses_counts:
        parts = {}
        for part, words in (("numerator", "numerator"), ("denominator", "denominator")):
            field = kpi_field(kpi, part)
            try:
                parts[part] = _decimal(entry.get(part), f"the {words} of {label}")
            except ValidationError as error:
                errors[field] = error.messages[0]
                continue
            if parts[part] is None and submit:
                errors[field] = f"Enter the {words} of {label}"
            elif (number := parts[part]) is not None and (number < 0 or number % 1):
                errors[field] = f"The {words} of {label} must be a whole number, 0 or more"
        numerator, denominator = parts.get("numerator"), parts.get("denominator")
        if (
            numerator is None
            or denominator is None
            or errors.keys()
            & {
                kpi_field(kpi, "numerator"),
                kpi_field(kpi, "denominator"),
            }
        ):
            return None
        if denominator == 0:
            errors[kpi_field(kpi, "denominator")] = f"The denominator of {label} must be above 0"
            return None
        if kpi.kind == KPI.Kind.PROPORTION and numerator > denominator:
            errors[kpi_field(kpi, "numerator")] = (
                f"The numerator of {label} ({numerator}) cannot be more than its "
                f"denominator ({denominator})"
            )
            return None
        value = (numerator / denominator * kpi.multiplier).quantize(Decimal("0.0001"))
        where = kpi_field(kpi, "numerator")
    else:
        where = kpi_field(kpi)
        try:
            number = _decimal(entry.get("value"), label)
        except ValidationError as error:
            errors[where] = error.messages[0]
            return None
        if number is None:
            if submit:
                errors[where] = f"Enter {label}"
            return None
        if kpi.kind == KPI.Kind.COUNT and (number < 0 or number % 1):
            errors[where] = f"{label} is a count: enter a whole number, 0 or more"
            return None
        value, numerator, denominator = number, None, None
    if kpi.minimum is not None and value < kpi.minimum:
        errors[where] = f"{label} must be {_plain(kpi.minimum)} {kpi.unit} or more"
        return None
    if kpi.maximum is not None and value > kpi.maximum:
        errors[where] = f"{label} must be {_plain(kpi.maximum)} {kpi.unit} or less"
        return None
    return value, numerator, denominator


def return_check(
    *,
    agreement: Agreement,
    entries: Mapping[int, Mapping[str, Any]],
    spend: Any,
    activity: str,
    narrative: str,
    submit: bool,
) -> CheckedReturn:
    """Check a return against the agreement's KPI definitions, or raise every error at once.

    ``entries`` maps a KPI's id to its ``value`` (measures and counts) or its ``numerator``
    and ``denominator`` (proportions and rates). A draft may leave things blank; a
    submission needs every KPI, the spend and a narrative. Errors are keyed by field
    (``kpi-<id>-value``, ``spend``, ``narrative``...).
    """
    errors: dict[str, str] = {}
    kpis = list(agreement.kpis.all())
    known = {kpi.pk for kpi in kpis}
    unknown = [str(key) for key in entries if key not in known]
    if unknown:
        errors["kpis"] = f"No such KPI on this agreement: {', '.join(unknown)}"
    values: dict[int, tuple[Decimal, Decimal | None, Decimal | None]] = {}
    for kpi in kpis:
        checked = _check_kpi(kpi, entries.get(kpi.pk, {}), submit, errors)
        if checked is not None:
            values[kpi.pk] = checked
    money: Decimal | None = None
    try:
        money = _decimal(spend, "the spend")
    except ValidationError as error:
        errors["spend"] = error.messages[0]
    else:
        if money is None and submit:
            errors["spend"] = "Enter the spend this period, in pounds"
        elif money is not None and money < 0:
            errors["spend"] = "The spend cannot be negative"
    if submit and not narrative.strip():
        errors["narrative"] = "Enter a short narrative: what happened this period"
    if len(narrative) > 5000:
        errors["narrative"] = "The narrative must be 5,000 characters or fewer"
    if len(activity) > 5000:
        errors["activity"] = "The activity must be 5,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    return CheckedReturn(values=values, spend=money)


def return_save(
    *,
    actor: User,
    agreement: Agreement,
    period_start: dt.date,
    entries: Mapping[int, Mapping[str, Any]],
    spend: Any,
    activity: str = "",
    narrative: str = "",
    submit: bool,
    at: dt.datetime | None = None,
) -> Return:
    """Save a provider's return for one period as a new version (a draft or a submission).

    Only the agreement's provider may; only while the return is a draft or has been queried.
    Earlier versions are kept as they were.
    """
    if not is_provider_of(actor, agreement):
        raise PermissionDenied("Only the agreement's provider sends its returns.")
    when = _now(at)
    if agreement.status == Agreement.Status.DRAFT:
        raise ValidationError({"period": "This agreement is not yet in force"})
    periods = {start: (end, due) for start, end, due in agreement.periods(until=when.date())}
    if period_start not in periods:
        raise ValidationError(
            {"period": f"{period_start:%d %B %Y} does not start a period that has ended"}
        )
    checked = return_check(
        agreement=agreement,
        entries=entries,
        spend=spend,
        activity=activity,
        narrative=narrative,
        submit=submit,
    )
    end, due = periods[period_start]
    with transaction.atomic():
        ret, _ = Return.objects.select_for_update().get_or_create(
            agreement=agreement,
            period_start=period_start,
            defaults={"period_end": end, "due_date": due},
        )
        if ret.status in {Return.Status.SUBMITTED, Return.Status.ACCEPTED}:
            raise ValidationError(
                {
                    "period": (
                        "This return is with the commissioner"
                        if ret.status == Return.Status.SUBMITTED
                        else "This return has been accepted"
                    )
                }
            )
        before = snapshot(ret)
        number = (ret.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = ReturnVersion.objects.create(
            ret=ret,
            number=number,
            submitted=submit,
            activity=activity.strip(),
            spend=checked.spend,
            narrative=narrative.strip(),
            saved_by=actor,
            saved_at=when,
        )
        KPIValue.objects.bulk_create(
            KPIValue(version=version, kpi_id=pk, value=v, numerator=n, denominator=d)
            for pk, (v, n, d) in checked.values.items()
        )
        if submit:
            ret.status = Return.Status.SUBMITTED
            ret.first_submitted_at = ret.first_submitted_at or when
        ret.save()
        audit_record(
            actor=actor,
            action="submitted return" if submit else "saved draft return",
            target=ret,
            organisation=_lead(agreement),
            before=before,
            after={
                **snapshot(ret),
                "version": number,
                "spend": str(checked.spend) if checked.spend is not None else None,
                "values": {str(k): str(v[0]) for k, v in checked.values.items()},
            },
        )
    return ret


def returns_outstanding(
    agreements: Sequence[Agreement], *, today: dt.date
) -> list[tuple[Agreement, dt.date, dt.date, dt.date]]:
    """Every period past its due date with no submitted return: ``(agreement, start, end,
    due)``, oldest first."""
    found = []
    for agreement in agreements:
        if agreement.status == Agreement.Status.DRAFT:
            continue
        sent = set(
            agreement.returns.filter(first_submitted_at__isnull=False).values_list(
                "period_start", flat=True
            )
        )
        for start, end, due in agreement.periods(until=today):
            if due < today and start not in sent:
                found.append((agreement, start, end, due))
    return sorted(found, key=lambda row: (row[3], row[0].reference))
