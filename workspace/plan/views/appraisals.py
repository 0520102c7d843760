"""Pages for starting an options appraisal and building its options and inputs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from workspace.http import AuthenticatedHttpRequest
from workspace.plan import services
from workspace.plan.forms import (
    AppraisalForm,
    AssumptionForm,
    BiasForm,
    CashFlowForm,
    DiscardForm,
    ImportForm,
    InputForm,
    OptionForm,
    SettingsForm,
    UploadForm,
)
from workspace.plan.models import (
    Appraisal,
    AppraisalOption,
)
from workspace.plan.views.common import (
    GET_POST,
    _act,
    _appraisal,
    _cycle,
    _form_page,
    _option,
    _page,
    _posted,
    _save,
)


@login_required
@require_GET
def appraisal_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    return _page(
        request,
        "appraisal_list.html",
        f"Options appraisals: cycle {cycle.number}",
        cycle=cycle,
        programme=cycle.programme,
        appraisals=list(cycle.appraisals.select_related("recommended", "decision")),
        stage_id=services.appraisal_stage(cycle),
        may_edit=services.may_edit(request.user, cycle.programme) and cycle.is_open,
    )


@login_required
@GET_POST
def appraisal_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, edit=True)
    form = AppraisalForm(request.POST or None)
    made: list[Appraisal] = []
    if _posted(
        request,
        form,
        lambda: made.append(
            services.appraisal_create(actor=request.user, cycle=cycle, **form.cleaned_data)
        ),
    ):
        messages.success(request, "Appraisal started: add the long list of options")
        return redirect("plan:appraisal", pk=made[0].pk)
    return _form_page(
        request,
        "Start an options appraisal",
        form,
        caption=f"{cycle.programme.name} · cycle {cycle.number}",
        submit="Start appraisal",
        back=f"/cycles/{cycle.pk}/appraisals/",
        programme=cycle.programme,
        cycle=cycle,
    )


@login_required
@require_GET
def appraisal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    return _page(
        request,
        "appraisal_detail.html",
        appraisal.title,
        appraisal=appraisal,
        cycle=appraisal.cycle,
        programme=appraisal.cycle.programme,
        options=list(appraisal.options.all()),
        may_edit=services.may_edit(request.user, appraisal.cycle.programme)
        and services.is_open(appraisal),
    )


def _appraisal_form(
    request: AuthenticatedHttpRequest,
    appraisal: Appraisal,
    form: Any,
    *,
    title: str,
    submit: str,
    **context: Any,
) -> HttpResponse:
    return _form_page(
        request,
        title,
        form,
        caption=appraisal.title,
        submit=submit,
        back=f"/appraisals/{appraisal.pk}/",
        programme=appraisal.cycle.programme,
        cycle=appraisal.cycle,
        appraisal=appraisal,
        **context,
    )


@login_required
@GET_POST
def option_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = OptionForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.option_add(actor=request.user, appraisal=appraisal, **form.cleaned_data),
    ):
        messages.success(request, f"Option added: {form.cleaned_data['name']}")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="Add an option to the long list",
        submit="Add option",
        intro="Consider every way of delivering the service: in-house, external contract, "
        "grant, partnership, pooled budget, shared service, co-production, personal budgets, "
        "decommissioning and doing the minimum.",
    )


@login_required
@GET_POST
def option_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    option = _option(request, pk)
    appraisal = option.appraisal
    form = DiscardForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.option_discard(
            actor=request.user, option=option, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, f"{option.name} dropped from the short list")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request, appraisal, form, title=f"Drop {option.name} from the short list", submit="Drop"
    )


@login_required
@require_POST
def option_shortlist(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    option = _option(request, pk)
    _act(
        request,
        lambda: services.option_shortlist(actor=request.user, option=option),
        f"{option.name} is back on the short list",
    )
    return redirect("plan:appraisal", pk=option.appraisal.pk)


@login_required
@GET_POST
def option_cash_flows(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    option = _option(request, pk)
    appraisal = option.appraisal
    form = CashFlowForm(request.POST or None, option=option)
    if _posted(
        request,
        form,
        lambda: services.option_cash_flows_set(
            actor=request.user, option=option, cash_flows=form.cash_flows()
        ),
    ):
        messages.success(request, f"Cash flows saved for {option.name}")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title=f"Cash flows: {option.name}",
        submit="Save cash flows",
        template="cash_flows.html",
        option=option,
    )


@login_required
@GET_POST
def option_bias(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    option = _option(request, pk)
    appraisal = option.appraisal
    form = BiasForm(request.POST or None, option=option)
    if _posted(
        request,
        form,
        lambda: services.option_bias_set(
            actor=request.user,
            option=option,
            bias=form.bias(),
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, f"Optimism bias saved for {option.name}")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title=f"Optimism bias: {option.name}",
        submit="Save optimism bias",
        template="bias.html",
        option=option,
    )


@login_required
@GET_POST
def option_assumption_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    option = _option(request, pk)
    appraisal = option.appraisal
    form = AssumptionForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.option_assumption_add(
            actor=request.user, option=option, **form.cleaned_data
        ),
    ):
        messages.success(request, f"Assumption recorded for {option.name}")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request, appraisal, form, title=f"Add an assumption: {option.name}", submit="Add"
    )


@login_required
@GET_POST
def appraisal_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        changed: list[AppraisalOption] = []
        if _save(
            form,
            lambda: changed.extend(
                services.appraisal_cash_flows_upload(
                    actor=request.user,
                    appraisal=appraisal,
                    content=upload.read(),
                    filename=upload.name,
                )
            ),
        ):
            names = ", ".join(o.name for o in changed)
            messages.success(request, f"Cash flows uploaded for {names}")
            return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="Upload cash flows",
        submit="Upload",
        template="upload.html",
        options=list(appraisal.options.all()),
    )


@login_required
@GET_POST
def appraisal_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        made: list[AppraisalOption] = []
        if _save(
            form,
            lambda: made.extend(
                services.appraisal_import(
                    actor=request.user,
                    appraisal=appraisal,
                    content=upload.read(),
                    filename=upload.name,
                )
            ),
        ):
            messages.success(request, f"Imported {len(made)} options from {upload.name}")
            return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="Import an options file",
        submit="Import",
        template="upload.html",
        options=list(appraisal.options.all()),
        importing=True,
    )


@login_required
@GET_POST
def appraisal_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    initial = {
        name: getattr(appraisal, name)
        for name in (
            "title",
            "first_year",
            "horizon",
            "price_base_year",
            "schedule",
            "convention",
            "health_outcomes",
            "simulations",
            "seed",
        )
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if _posted(
        request,
        form,
        lambda: services.appraisal_settings_update(
            actor=request.user, appraisal=appraisal, **form.cleaned_data
        ),
    ):
        messages.success(request, "Settings saved")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request, appraisal, form, title="Appraisal settings", submit="Save settings"
    )


@login_required
@GET_POST
def appraisal_inputs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = InputForm(request.POST or None, option_names=[o.name for o in appraisal.short_list()])
    if request.method == "POST" and form.is_valid():
        params = form.params()
        if not form.errors and _save(
            form,
            lambda: services.appraisal_input_add(
                actor=request.user,
                appraisal=appraisal,
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                distribution=form.cleaned_data["distribution"],
                params=params,
                options=form.cleaned_data["options"],
                reason=form.cleaned_data["reason"],
            ),
        ):
            messages.success(request, f"Uncertain input added: {form.cleaned_data['name']}")
            return redirect("plan:appraisal-inputs", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="Uncertain inputs",
        submit="Add uncertain input",
        template="inputs.html",
        inputs=appraisal.uncertain_inputs,
    )


@login_required
@require_POST
def appraisal_input_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    _act(
        request,
        lambda: services.appraisal_input_remove(
            actor=request.user, appraisal=appraisal, name=request.POST.get("name", "")
        ),
        "Uncertain input removed",
    )
    return redirect("plan:appraisal-inputs", pk=appraisal.pk)
