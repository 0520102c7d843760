"""Pages for the contract register, provider returns and performance.

Access (see ``access.py``): commissioning readers of the programme read; its editors change;
the agreement's provider reads its own agreements, their returns and ratings, and saves and
submits returns. Anyone else gets "not found".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workspace.accounts.access import Capability, organisations_with
from workspace.accounts.models import Organisation
from workspace.contracts import services
from workspace.contracts.access import (
    agreement_for,
    in_house_agreements,
    is_provider_of,
    may,
    provider_organisations,
    visible_agreements,
)
from workspace.contracts.forms import (
    AgreementForm,
    ChangeForm,
    InHouseTeamForm,
    KPIForm,
    MilestoneForm,
    OverrideForm,
    PaymentForm,
    PaymentsImportForm,
    PublishForm,
    QueryForm,
    ReturnForm,
)
from workspace.contracts.models import KPI, Agreement, Return
from workspace.contracts.performance import kpi_performance, spend_position
from workspace.contracts.renewals import renewals_calendar
from workspace.cycles.models import Programme
from workspace.http import AuthenticatedHttpRequest, ServiceForm, on_valid_post

GET_POST = require_http_methods(["GET", "POST"])


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    return render(request, f"contracts/{template}", {"title": title, **context})


def _may_use_register(request: HttpRequest) -> None:
    if not (
        organisations_with(request.user, Capability.VIEW).exists()
        or provider_organisations(request.user).exists()
        or in_house_agreements(request.user).exists()
    ):
        raise PermissionDenied("You have no contracts to see.")


def _return_for(request: HttpRequest, pk: int, *, edit: bool = False) -> Return:
    ret = get_object_or_404(Return.objects.select_related("agreement"), pk=pk)
    agreement_for(request.user, ret.agreement_id, edit=edit)
    return ret


# --- the register -------------------------------------------------------------------------


@login_required
@require_GET
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_use_register(request)
    agreements = list(visible_agreements(request.user).order_by("end_date"))
    return _page(
        request,
        "register.html",
        "Contracts and agreements",
        agreements=agreements,
        may_create=organisations_with(request.user, Capability.EDIT).exists(),
        is_provider=provider_organisations(request.user).exists()
        or in_house_agreements(request.user).exists(),
        councils=[o for o in organisations_with(request.user, Capability.VIEW) if o.commissions],
    )


@login_required
@GET_POST
def agreement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    editing = organisations_with(request.user, Capability.EDIT)
    if not editing.exists():
        raise PermissionDenied("You cannot record agreements.")
    programmes = Programme.objects.filter(
        Q(organisation__in=editing) | Q(partner_organisation__in=editing)
    ).distinct()
    providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
    form = AgreementForm(request.POST or None, programmes=programmes, providers=providers)
    agreement = on_valid_post(
        request,
        form,
        lambda data: services.agreement_create(
            actor=request.user,
            programme=data["programme"],
            reference=data["reference"],
            title=data["title"],
            kind=data["kind"],
            provider=data["provider"],
            in_house_unit=data["in_house_unit"],
            value=data["value"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            payment_mechanism=data["payment_mechanism"],
            return_frequency=data["return_frequency"],
            extension_options=data["extension_options"],
            extension_months_available=data["extension_months_available"],
            break_clauses=data["break_clauses"],
            description=data["description"],
            cycle=data["decision"].cycle if data["decision"] else data["programme"].current_cycle(),
            decision=data["decision"],
        ),
    )
    if agreement is not None:
        messages.success(request, f"Agreement recorded: {agreement}. Now add its KPIs.")
        return redirect("contracts:agreement", pk=agreement.pk)
    return _page(request, "agreement_new.html", "Record an agreement", form=form)


@login_required
@require_GET
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk)
    may_edit = may(request.user, agreement, Capability.EDIT)
    provider = is_provider_of(request.user, agreement)
    today = timezone.localdate()
    returns = {r.period_start: r for r in agreement.returns.all()}
    periods = [
        (start, end, due, returns.get(start))
        for start, end, due in reversed(agreement.periods(until=today))
    ]
    return _page(
        request,
        "agreement_detail.html",
        str(agreement),
        agreement=agreement,
        may_edit=may_edit,
        is_provider=provider,
        periods=periods,
        today=today,
        spend=spend_position(agreement, today=today)
        if may_edit or may(request.user, agreement, Capability.VIEW)
        else None,
        kpis=list(agreement.kpis.all()),
        changes=list(agreement.changes.all()),
        milestones=list(agreement.milestones.all()),
    )


def _form_page(
    request: AuthenticatedHttpRequest,
    agreement: Agreement,
    form: ServiceForm,
    *,
    title: str,
    fields: list[str],
    button: str,
    action: Callable[[dict[str, Any]], object],
    done: str,
    multipart: bool = False,
) -> HttpResponse:
    if on_valid_post(request, form, action) is not None:
        messages.success(request, done)
        return redirect("contracts:agreement", pk=agreement.pk)
    return _page(
        request,
        "form.html",
        title,
        agreement=agreement,
        form=form,
        fields=fields,
        button=button,
        multipart=multipart,
    )


@login_required
@GET_POST
def kpi_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    return _form_page(
        request,
        agreement,
        KPIForm(request.POST or None),
        title="Add a KPI",
        fields=["name", "unit", "kind", "polarity", "target", "minimum", "maximum", "multiplier"],
        button="Add KPI",
        done="KPI added",
        action=lambda d: services.kpi_add(
            actor=request.user,
            agreement=agreement,
            name=d["name"],
            unit=d["unit"],
            kind=d["kind"],
            polarity=d["polarity"],
            target=d["target"],
            minimum=d["minimum"],
            maximum=d["maximum"],
            multiplier=d["multiplier"],
        ),
    )


@login_required
@GET_POST
def milestone_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    return _form_page(
        request,
        agreement,
        MilestoneForm(request.POST or None),
        title="Add a milestone",
        fields=["title", "due_date"],
        button="Add milestone",
        done="Milestone added",
        action=lambda d: services.milestone_add(
            actor=request.user, agreement=agreement, title=d["title"], due_date=d["due_date"]
        ),
    )


@login_required
@require_POST
def milestone_complete(request: AuthenticatedHttpRequest, pk: int, milestone: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    target = get_object_or_404(agreement.milestones, pk=milestone)
    try:
        services.milestone_complete(
            actor=request.user, milestone=target, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Milestone met: {target.title}")
    return redirect("contracts:agreement", pk=agreement.pk)


@login_required
@GET_POST
def change_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    return _form_page(
        request,
        agreement,
        ChangeForm(request.POST or None),
        title="Record a change, extension or termination",
        fields=["kind", "effective_on", "reason", "value_change", "new_end_date"],
        button="Record change",
        done="Change recorded",
        action=lambda d: services.agreement_change(
            actor=request.user,
            agreement=agreement,
            kind=d["kind"],
            effective_on=d["effective_on"],
            reason=d["reason"],
            value_change=d["value_change"] or Decimal(0),
            new_end_date=d["new_end_date"],
        ),
    )


@login_required
@GET_POST
def payment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    return _form_page(
        request,
        agreement,
        PaymentForm(request.POST or None),
        title="Record a payment",
        fields=["paid_on", "amount", "reference"],
        button="Record payment",
        done="Payment recorded",
        action=lambda d: services.payment_record(
            actor=request.user,
            agreement=agreement,
            paid_on=d["paid_on"],
            amount=d["amount"],
            reference=d["reference"],
        ),
    )


@login_required
@GET_POST
def payments_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    return _form_page(
        request,
        agreement,
        PaymentsImportForm(request.POST or None, request.FILES or None),
        title="Import payments from a council payments file",
        fields=["file"],
        button="Import payments",
        done="Payments imported",
        multipart=True,
        action=lambda d: services.payments_import(
            actor=request.user, agreement=agreement, data=d["file"].read(), name=d["file"].name
        ),
    )


@login_required
@GET_POST
def publication(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    form = PublishForm(
        request.POST or None,
        initial={
            "published": agreement.published,
            "value_confidential": agreement.value_confidential,
        },
    )
    return _form_page(
        request,
        agreement,
        form,
        title="Publication on the public register",
        fields=["published", "value_confidential"],
        button="Save",
        done="Publication saved",
        action=lambda d: services.agreement_publish(
            actor=request.user,
            agreement=agreement,
            published=d["published"],
            value_confidential=d["value_confidential"],
        ),
    )


@login_required
@GET_POST
def in_house_team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    if agreement.kind != Agreement.Kind.IN_HOUSE or agreement.provider_id is not None:
        raise Http404("Only an in-house agreement has an in-house team")
    programme = agreement.programme
    people = (
        User.objects.filter(
            memberships__organisation__in=[
                o for o in (programme.organisation, programme.partner_organisation) if o
            ],
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    form = InHouseTeamForm(
        request.POST or None,
        people=people,
        initial={"members": list(agreement.in_house_team.all())},
    )
    return _form_page(
        request,
        agreement,
        form,
        title="The in-house team that sends the returns",
        fields=["members"],
        button="Save the team",
        done="In-house team saved",
        action=lambda d: services.agreement_in_house_team_set(
            actor=request.user, agreement=agreement, members=d["members"]
        ),
    )


@login_required
@require_POST
def agreement_activate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk, edit=True)
    try:
        services.agreement_activate(actor=request.user, agreement=agreement)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The agreement is in force")
    return redirect("contracts:agreement", pk=agreement.pk)


# --- performance --------------------------------------------------------------------------


@login_required
@require_GET
def performance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk)
    return _page(
        request,
        "performance.html",
        f"Performance: {agreement.title}",
        agreement=agreement,
        kpis=kpi_performance(agreement),
        may_edit=may(request.user, agreement, Capability.EDIT),
    )


@login_required
@GET_POST
def rating_override(request: AuthenticatedHttpRequest, pk: int, kpi: int) -> HttpResponse:
    ret = _return_for(request, pk, edit=True)
    measure = get_object_or_404(KPI, pk=kpi, agreement=ret.agreement)
    form = OverrideForm(request.POST or None)
    overridden = on_valid_post(
        request,
        form,
        lambda d: services.rating_override(
            actor=request.user, kpi=measure, ret=ret, rating=d["rating"], reason=d["reason"]
        ),
    )
    if overridden is not None:
        messages.success(request, "Rating overridden")
        return redirect("contracts:performance", pk=ret.agreement_id)
    return _page(
        request,
        "form.html",
        f"Override the rating of {measure.name}, {ret.period_label}",
        agreement=ret.agreement,
        form=form,
        fields=["rating", "reason"],
        button="Override rating",
        multipart=False,
    )


# --- returns ------------------------------------------------------------------------------


@login_required
@GET_POST
def return_edit(request: AuthenticatedHttpRequest, pk: int, period: str) -> HttpResponse:
    agreement = agreement_for(request.user, pk)
    if not is_provider_of(request.user, agreement):
        raise PermissionDenied("Only the agreement's provider sends its returns.")
    try:
        period_start = dt.date.fromisoformat(period)
    except ValueError:
        raise Http404("No such period") from None
    ret = agreement.returns.filter(period_start=period_start).first()
    latest = ret.latest() if ret else None
    initial: dict[str, Any] = {}
    if latest is not None:
        initial = {
            "activity": latest.activity,
            "spend": latest.spend if latest.spend is not None else "",
            "narrative": latest.narrative,
        }
        for value in latest.values.select_related("kpi"):
            if value.numerator is not None and value.denominator is not None:
                initial[f"kpi-{value.kpi_id}-numerator"] = format(value.numerator.normalize(), "f")
                initial[f"kpi-{value.kpi_id}-denominator"] = format(
                    value.denominator.normalize(), "f"
                )
            else:
                initial[f"kpi-{value.kpi_id}-value"] = format(value.value.normalize(), "f")
    form = ReturnForm(request.POST or None, agreement=agreement, initial=initial)
    submit = request.POST.get("action") == "submit"
    saved = on_valid_post(
        request,
        form,
        lambda d: services.return_save(
            actor=request.user,
            agreement=agreement,
            period_start=period_start,
            entries=form.entries(),
            spend=d["spend"],
            activity=d["activity"],
            narrative=d["narrative"],
            submit=submit,
        ),
    )
    if saved is not None:
        messages.success(request, "Return submitted" if submit else "Draft saved")
        return redirect("contracts:return", pk=saved.pk)
    return _page(
        request,
        "return_form.html",
        f"Return for {period_start:%B %Y}",
        agreement=agreement,
        ret=ret,
        period_start=period_start,
        form=form,
        queries=list(ret.queries.all()) if ret else [],
    )


@login_required
@require_GET
def return_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ret = _return_for(request, pk)
    versions = list(ret.versions.prefetch_related("values__kpi").order_by("-number"))
    return _page(
        request,
        "return_detail.html",
        str(ret),
        ret=ret,
        agreement=ret.agreement,
        versions=versions,
        queries=list(ret.queries.select_related("raised_by", "version")),
        may_edit=may(request.user, ret.agreement, Capability.EDIT),
        is_provider=is_provider_of(request.user, ret.agreement),
        query_form=QueryForm(),
    )


@login_required
@GET_POST
def return_query(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ret = _return_for(request, pk, edit=True)
    form = QueryForm(request.POST or None)
    query = on_valid_post(
        request,
        form,
        lambda d: services.return_query(actor=request.user, ret=ret, message=d["message"]),
    )
    if query is not None:
        messages.success(request, "Query sent to the provider")
        return redirect("contracts:return", pk=ret.pk)
    return _page(
        request,
        "form.html",
        f"Query the return for {ret.period_label}",
        agreement=ret.agreement,
        form=form,
        fields=["message"],
        button="Send query",
        multipart=False,
    )


@login_required
@require_POST
def return_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ret = _return_for(request, pk, edit=True)
    try:
        services.return_accept(actor=request.user, ret=ret)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Return accepted")
    return redirect("contracts:return", pk=ret.pk)


@login_required
@require_GET
def outstanding(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_use_register(request)
    today = timezone.localdate()
    agreements = list(visible_agreements(request.user))
    missing = services.returns_outstanding(agreements, today=today)
    late = [
        r
        for r in Return.objects.filter(agreement__in=agreements, first_submitted_at__isnull=False)
        .select_related("agreement")
        .order_by("-period_start")
        if r.late
    ]
    return _page(
        request,
        "outstanding.html",
        "Late and missing returns",
        missing=missing,
        late=late[:50],
        today=today,
    )


@login_required
@require_GET
def renewals(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_use_register(request)
    today = timezone.localdate()
    calendar = renewals_calendar(visible_agreements(request.user), today=today)
    return _page(
        request, "renewals.html", "Renewals and extensions", calendar=calendar, today=today
    )
