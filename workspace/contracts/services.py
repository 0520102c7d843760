"""Use cases for the contract register and provider returns: each in one transaction, audited.

Every function is named ``<entity>_<verb>``, takes keyword arguments only, checks who may do
it and the register's rules, and records the change with
:func:`workspace.audit.services.audit_record` inside the same transaction, so the change and
its record land together or not at all. A broken rule raises
:class:`django.core.exceptions.ValidationError` with a message per field.

A return is saved whole: its KPI values, activity, spend and narrative are checked first,
and only a return with no error is written, as a new version (earlier versions are never
changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from spiral.spc.ratings import RATING_LABELS
from workspace.accounts.access import Capability, has_capability
from workspace.accounts.models import Membership, Organisation
from workspace.audit.services import audit_record, snapshot
from workspace.contracts.access import is_provider_of, may
from workspace.contracts.models import (
    KPI,
    MINIMUM_KPIS_ABOVE_THRESHOLD,
    PROCUREMENT_ACT_KPI_THRESHOLD,
    Agreement,
    ContractChange,
    KPIValue,
    Milestone,
    Payment,
    RatingOverride,
    Return,
    ReturnQuery,
    ReturnVersion,
)
from workspace.cycles.models import Cycle, Decision, Programme


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _require_edit(actor: User, agreement: Agreement) -> None:
    if not may(actor, agreement, Capability.EDIT):
        raise PermissionDenied("You cannot change this agreement.")


def _lead(agreement: Agreement) -> Organisation:
    return agreement.programme.organisation


# --- agreements ---------------------------------------------------------------------------


def agreement_create(  # noqa: PLR0912 - an agreement has many terms and rules
    *,
    actor: User,
    programme: Programme,
    reference: str,
    title: str,
    kind: str,
    provider: Organisation | None,
    in_house_unit: str = "",
    value: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    payment_mechanism: str,
    return_frequency: str = Agreement.Frequency.MONTHLY,
    description: str = "",
    extension_options: str = "",
    extension_months_available: int = 0,
    break_clauses: str = "",
    cycle: Cycle | None = None,
    decision: Decision | None = None,
    published: bool = False,
    value_confidential: bool = False,
    confidential_notes: str = "",
) -> Agreement:
    """Record a new agreement (in draft until its KPIs are set and it is activated)."""
    if not any(has_capability(actor, org, Capability.EDIT) for org in programme.organisations()):
        raise PermissionDenied("You cannot add agreements to this programme.")
    errors: dict[str, str] = {}
    if not reference.strip():
        errors["reference"] = "Enter the agreement's reference"
    elif Agreement.objects.filter(programme=programme, reference=reference.strip()).exists():
        errors["reference"] = "Another agreement of this programme has this reference"
    if not title.strip():
        errors["title"] = "Enter the agreement's title"
    if kind not in Agreement.Kind.values:
        errors["kind"] = "Choose the kind of agreement"
    if kind == Agreement.Kind.IN_HOUSE:
        if provider is not None:
            errors["provider"] = "An in-house agreement has no external provider"
        if not in_house_unit.strip():
            errors["in_house_unit"] = "Enter the in-house team that delivers the service"
    elif provider is None:
        errors["provider"] = "Choose the provider"
    elif provider.kind != Organisation.Kind.PROVIDER:
        errors["provider"] = "The provider must be a provider organisation"
    if value <= 0:
        errors["value"] = "The value must be more than £0"
    if end_date <= start_date:
        errors["end_date"] = "The end date must be after the start date"
    if payment_mechanism not in Agreement.Payment.values:
        errors["payment_mechanism"] = "Choose how the agreement pays"
    if cycle is not None and cycle.programme_id != programme.pk:
        errors["cycle"] = "The cycle must belong to the same programme"
    if decision is not None and decision.cycle.programme_id != programme.pk:
        errors["decision"] = "The decision must belong to the same programme"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            programme=programme,
            cycle=cycle,
            decision=decision,
            reference=reference.strip(),
            title=title.strip(),
            description=description,
            kind=kind,
            provider=provider,
            in_house_unit=in_house_unit.strip(),
            value=value,
            start_date=start_date,
            end_date=end_date,
            payment_mechanism=payment_mechanism,
            return_frequency=return_frequency,
            extension_options=extension_options,
            extension_months_available=extension_months_available,
            break_clauses=break_clauses,
            published=published,
            value_confidential=value_confidential,
            confidential_notes=confidential_notes,
        )
        audit_record(
            actor=actor,
            action="created agreement",
            target=agreement,
            organisation=programme.organisation,
            after=snapshot(agreement),
        )
    return agreement


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


def kpi_add(
    *,
    actor: User,
    agreement: Agreement,
    name: str,
    unit: str,
    kind: str,
    polarity: str,
    target: Decimal | None,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    multiplier: int = 1,
) -> KPI:
    """Add a KPI to an agreement."""
    _require_edit(actor, agreement)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the KPI's name"
    if not unit.strip():
        errors["unit"] = "Enter the KPI's unit, for example % or days"
    if kind not in KPI.Kind.values:
        errors["kind"] = "Choose what kind of figure the KPI is"
    if polarity not in KPI.Polarity.values:
        errors["polarity"] = "Choose which direction is better"
    if minimum is not None and maximum is not None and minimum > maximum:
        errors["maximum"] = "The largest allowed value must not be below the smallest"
    if target is not None:
        if minimum is not None and target < minimum:
            errors["target"] = "The target is below the smallest allowed value"
        if maximum is not None and target > maximum:
            errors["target"] = "The target is above the largest allowed value"
    if multiplier < 1:
        errors["multiplier"] = "The multiplier must be 1 or more"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        position = (agreement.kpis.aggregate(top=Max("position"))["top"] or 0) + 1
        kpi = KPI.objects.create(
            agreement=agreement,
            name=name.strip(),
            unit=unit.strip(),
            kind=kind,
            polarity=polarity,
            target=target,
            minimum=minimum,
            maximum=maximum,
            multiplier=multiplier,
            position=position,
        )
        audit_record(
            actor=actor,
            action="added KPI",
            target=kpi,
            organisation=_lead(agreement),
            after=snapshot(kpi),
        )
    return kpi


def milestone_add(*, actor: User, agreement: Agreement, title: str, due_date: dt.date) -> Milestone:
    """Add a milestone to an agreement."""
    _require_edit(actor, agreement)
    if not title.strip():
        raise ValidationError({"title": "Enter the milestone"})
    with transaction.atomic():
        milestone = Milestone.objects.create(
            agreement=agreement, title=title.strip(), due_date=due_date
        )
        audit_record(
            actor=actor,
            action="added milestone",
            target=milestone,
            organisation=_lead(agreement),
            after=snapshot(milestone),
        )
    return milestone


def milestone_complete(
    *, actor: User, milestone: Milestone, note: str = "", on: dt.date | None = None
) -> Milestone:
    """Mark a milestone as met: by whom, on which day (today unless given) and a note.

    Only the agreement's editors may; a milestone already met cannot be met again.
    """
    _require_edit(actor, milestone.agreement)
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.met_on is not None:
            raise ValidationError("This milestone has already been met")
        before = snapshot(locked)
        locked.met_on = on if on is not None else timezone.localdate()
        locked.met_by = actor
        locked.met_note = note.strip()
        locked.save(update_fields=["met_on", "met_by", "met_note"])
        audit_record(
            actor=actor,
            action="met milestone",
            target=locked,
            organisation=_lead(locked.agreement),
            before=before,
            after=snapshot(locked),
        )
    return locked


def agreement_activate(*, actor: User, agreement: Agreement) -> Agreement:
    """Put a draft agreement into force; from then its provider sends returns.

    An agreement needs at least one KPI, and one worth more than £5 million at least three
    (Procurement Act 2023, s.52(1)).
    """
    _require_edit(actor, agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError("Only a draft agreement can be put into force")
    count = agreement.kpis.count()
    if agreement.value > PROCUREMENT_ACT_KPI_THRESHOLD and count < MINIMUM_KPIS_ABOVE_THRESHOLD:
        raise ValidationError(
            {
                "kpis": (
                    f"A contract worth more than £5 million needs at least "
                    f"{MINIMUM_KPIS_ABOVE_THRESHOLD} KPIs (Procurement Act 2023, section 52); "
                    f"this one has {count}"
                )
            }
        )
    if count == 0:
        raise ValidationError({"kpis": "Add at least one KPI before putting it into force"})
    with transaction.atomic():
        before = snapshot(agreement)
        agreement.status = Agreement.Status.ACTIVE
        agreement.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="put agreement into force",
            target=agreement,
            organisation=_lead(agreement),
            before=before,
            after=snapshot(agreement),
        )
    return agreement


def agreement_publish(
    *, actor: User, agreement: Agreement, published: bool, value_confidential: bool
) -> Agreement:
    """Choose whether the agreement appears on the public register, and whether its value."""
    _require_edit(actor, agreement)
    with transaction.atomic():
        before = snapshot(agreement)
        agreement.published = published
        agreement.value_confidential = value_confidential
        agreement.save(update_fields=["published", "value_confidential"])
        audit_record(
            actor=actor,
            action="changed publication",
            target=agreement,
            organisation=_lead(agreement),
            before=before,
            after=snapshot(agreement),
        )
    return agreement


def agreement_change(
    *,
    actor: User,
    agreement: Agreement,
    kind: str,
    effective_on: dt.date,
    reason: str,
    value_change: Decimal = Decimal(0),
    new_end_date: dt.date | None = None,
) -> ContractChange:
    """Record a modification, an extension or a termination, with its reason."""
    _require_edit(actor, agreement)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for the change"
    if agreement.status == Agreement.Status.TERMINATED:
        errors["kind"] = "This agreement has been terminated"
    if kind == ContractChange.Kind.EXTENSION:
        if new_end_date is None or new_end_date <= agreement.end_date:
            errors["new_end_date"] = (
                f"An extension needs a new end date after {agreement.end_date:%d %B %Y}"
            )
    elif kind == ContractChange.Kind.TERMINATION:
        if effective_on < agreement.start_date:
            errors["effective_on"] = "A termination cannot take effect before the start date"
    elif kind != ContractChange.Kind.MODIFICATION:
        errors["kind"] = "Choose the kind of change"
    if agreement.value + value_change <= 0:
        errors["value_change"] = "The change would leave the agreement with no value"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(agreement)
        change = ContractChange.objects.create(
            agreement=agreement,
            kind=kind,
            effective_on=effective_on,
            reason=reason.strip(),
            value_change=value_change,
            new_end_date=new_end_date,
            recorded_by=actor,
        )
        agreement.value += value_change
        if kind == ContractChange.Kind.EXTENSION and new_end_date is not None:
            agreement.end_date = new_end_date
        if kind == ContractChange.Kind.TERMINATION:
            agreement.status = Agreement.Status.TERMINATED
            agreement.terminated_on = effective_on
            agreement.termination_reason = reason.strip()
        agreement.save()
        audit_record(
            actor=actor,
            action=f"recorded {change.get_kind_display().lower()}",
            target=agreement,
            organisation=_lead(agreement),
            before=before,
            after={**snapshot(agreement), "change": snapshot(change)},
        )
    return change


def payment_record(
    *, actor: User, agreement: Agreement, paid_on: dt.date, amount: Decimal, reference: str = ""
) -> Payment:
    """Record one payment made under the agreement."""
    _require_edit(actor, agreement)
    if amount == 0:
        raise ValidationError({"amount": "Enter an amount other than £0"})
    with transaction.atomic():
        payment = Payment.objects.create(
            agreement=agreement, paid_on=paid_on, amount=amount, reference=reference.strip()
        )
        audit_record(
            actor=actor,
            action="recorded payment",
            target=payment,
            organisation=_lead(agreement),
            after=snapshot(payment),
        )
    return payment


def payments_import(*, actor: User, agreement: Agreement, data: bytes, name: str) -> int:
    """Import the agreement's provider's payments from a council payments file.

    The file is read by :func:`spiral.spend.payments.read_payments` (every row checked, all
    or nothing); rows whose supplier is the agreement's provider (names compared by
    :func:`spiral.spend.names.name_key`) are recorded. An in-house agreement takes every row.
    """
    from spiral.spend.names import name_key
    from spiral.spend.payments import SpendValidationError, read_payments

    _require_edit(actor, agreement)
    try:
        table = read_payments(data, name=name)
    except SpendValidationError as error:
        raise ValidationError(
            {"file": [str(problem) for problem in error.problems[:20]] or [str(error)]}
        ) from None
    except ValueError as error:
        raise ValidationError({"file": str(error)}) from None
    if agreement.provider is not None:
        wanted = name_key(agreement.provider.name)
        keys = table["supplier_name"].map(name_key)
        table = table[keys == wanted]
    if table.empty:
        raise ValidationError({"file": f"No payment in {name} is to {agreement.provider_name}"})
    with transaction.atomic():
        rows: list[dict[Any, Any]] = table.to_dict("records")
        payments = Payment.objects.bulk_create(
            Payment(
                agreement=agreement,
                paid_on=row["payment_date"].date(),
                amount=Decimal(str(round(float(row["net_amount"]), 2))),
                reference=str(row.get("transaction_number") or "")[:100],
                source=name[:200],
            )
            for row in rows
        )
        audit_record(
            actor=actor,
            action="imported payments",
            target=agreement,
            organisation=_lead(agreement),
            after={"file": name, "payments": len(payments)},
        )
    return len(payments)


# --- returns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedReturn:
    values: dict[int, tuple[Decimal, Decimal | None, Decimal | None]]
    spend: Decimal | None


def kpi_field(kpi: KPI, part: str = "value") -> str:
    """The name of a KPI's field in a return form and its error messages."""
    return f"kpi-{kpi.pk}-{part}"


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


def _check_not_sender(actor: User, ret: Return) -> None:
    """Whoever sent a return (an in-house team member may also hold a commissioning role)
    cannot be the one to check it."""
    if ret.versions.filter(saved_by=actor).exists():
        raise ValidationError(
            "You sent this return: someone else on the commissioning side must check it"
        )


def agreement_in_house_team_set(
    *, actor: User, agreement: Agreement, members: Iterable[User]
) -> Agreement:
    """Name the people of an in-house team who send its agreement's returns.

    Each must be a member of the programme's lead or partner organisation. Being named gives
    the provider's rights over this agreement only (``access.in_house_team_of``).
    """
    _require_edit(actor, agreement)
    if agreement.kind != Agreement.Kind.IN_HOUSE or agreement.provider_id is not None:
        raise ValidationError({"members": "Only an in-house agreement has an in-house team"})
    chosen = list(members)
    programme = agreement.programme
    organisations = [programme.organisation_id, programme.partner_organisation_id]
    outsiders = [
        user.get_username()
        for user in chosen
        if not Membership.objects.filter(user=user, organisation_id__in=organisations).exists()
    ]
    if outsiders:
        raise ValidationError(
            {
                "members": "Not a member of the programme's organisations: "
                + ", ".join(sorted(outsiders))
            }
        )
    with transaction.atomic():
        before = sorted(agreement.in_house_team.values_list("pk", flat=True))
        agreement.in_house_team.set(chosen)
        audit_record(
            actor=actor,
            action="set in-house team",
            target=agreement,
            organisation=_lead(agreement),
            before={"in_house_team": before},
            after={"in_house_team": sorted(u.pk for u in chosen)},
        )
    return agreement


def return_query(
    *, actor: User, ret: Return, message: str, at: dt.datetime | None = None
) -> ReturnQuery:
    """Send a submitted return back to the provider with a question."""
    _require_edit(actor, ret.agreement)
    _check_not_sender(actor, ret)
    if not message.strip():
        raise ValidationError({"message": "Enter your question for the provider"})
    with transaction.atomic():
        ret = Return.objects.select_for_update().get(pk=ret.pk)
        if ret.status != Return.Status.SUBMITTED:
            raise ValidationError({"message": "Only a submitted return can be queried"})
        version = ret.latest_submitted()
        assert version is not None
        query = ReturnQuery.objects.create(
            ret=ret, version=version, message=message.strip(), raised_by=actor, raised_at=_now(at)
        )
        before = snapshot(ret)
        ret.status = Return.Status.QUERIED
        ret.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="queried return",
            target=ret,
            organisation=_lead(ret.agreement),
            before=before,
            after={**snapshot(ret), "query": query.message},
        )
    return query


def return_accept(*, actor: User, ret: Return, at: dt.datetime | None = None) -> Return:
    """Accept a submitted return: its latest version is the period's figures."""
    _require_edit(actor, ret.agreement)
    _check_not_sender(actor, ret)
    with transaction.atomic():
        ret = Return.objects.select_for_update().get(pk=ret.pk)
        if ret.status != Return.Status.SUBMITTED:
            raise ValidationError("Only a submitted return can be accepted")
        before = snapshot(ret)
        ret.status = Return.Status.ACCEPTED
        ret.accepted_at = _now(at)
        ret.accepted_by = actor
        ret.save(update_fields=["status", "accepted_at", "accepted_by"])
        audit_record(
            actor=actor,
            action="accepted return",
            target=ret,
            organisation=_lead(ret.agreement),
            before=before,
            after=snapshot(ret),
        )
    return ret


def rating_override(
    *, actor: User, kpi: KPI, ret: Return, rating: str, reason: str, at: dt.datetime | None = None
) -> RatingOverride:
    """Replace the derived rating of one KPI in one period, with a reason."""
    _require_edit(actor, kpi.agreement)
    errors: dict[str, str] = {}
    if ret.agreement_id != kpi.agreement_id:
        errors["rating"] = "The KPI and the return belong to different agreements"
    if rating not in RATING_LABELS:
        errors["rating"] = "Choose a rating"
    if not reason.strip():
        errors["reason"] = "Enter the reason for overriding the rating"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        override = RatingOverride.objects.create(
            kpi=kpi, ret=ret, rating=rating, reason=reason.strip(), made_by=actor, made_at=_now(at)
        )
        audit_record(
            actor=actor,
            action="overrode rating",
            target=override,
            organisation=_lead(kpi.agreement),
            after=snapshot(override),
        )
    return override


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
