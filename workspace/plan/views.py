"""Pages for outcomes frameworks and options appraisals: check access, parse, call a service.

Reading needs the VIEW capability in the programme's lead or partner organisation (so
approvers, auditors and administrators read); changing needs EDIT (commissioners, analysts,
finance and procurement). Providers and people from other organisations are refused.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spiral.appraisal.report import AppraisalReport
from spiral.pdf import html_to_pdf
from workspace.cycles.models import Cycle, Programme
from workspace.http import AuthenticatedHttpRequest
from workspace.plan import services
from workspace.plan.forms import (
    AppraisalForm,
    AssumptionForm,
    BiasForm,
    CasesForm,
    CashFlowForm,
    DiscardForm,
    ImportForm,
    IndicatorForm,
    InputForm,
    MCDAForm,
    OptionForm,
    OutcomeForm,
    OutcomesFrameworkForm,
    RecommendForm,
    SettingsForm,
    TargetForm,
    UploadForm,
)
from workspace.plan.models import (
    Appraisal,
    AppraisalOption,
    Outcome,
    OutcomeIndicator,
    OutcomesFramework,
)
from workspace.plan.presenters import results_context

GET_POST = require_http_methods(["GET", "POST"])
#: Suggested criteria and weights for what is not monetised (docs/appraisal.md).
DEFAULT_CRITERIA = {
    "quality": 20,
    "outcomes_for_users": 25,
    "social_value": 15,
    "resilience": 15,
    "what_users_said": 15,
    "deliverability": 10,
}


# --- access -------------------------------------------------------------------------------


def _check(request: HttpRequest, programme: Programme, edit: bool) -> None:
    allowed = (services.may_edit if edit else services.may_view)(request.user, programme)
    if not allowed:
        raise PermissionDenied("You cannot see or change this programme's plans.")


def _programme(request: HttpRequest, pk: int, *, edit: bool = False) -> Programme:
    programme = get_object_or_404(Programme, pk=pk)
    _check(request, programme, edit)
    return programme


def _framework(request: HttpRequest, pk: int, *, edit: bool = False) -> OutcomesFramework:
    framework = get_object_or_404(OutcomesFramework.objects.select_related("programme"), pk=pk)
    _check(request, framework.programme, edit)
    return framework


def _cycle(request: HttpRequest, pk: int, *, edit: bool = False) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    _check(request, cycle.programme, edit)
    return cycle


def _appraisal(request: HttpRequest, pk: int, *, edit: bool = False) -> Appraisal:
    appraisal = get_object_or_404(
        Appraisal.objects.select_related("cycle__programme", "recommended", "decision"), pk=pk
    )
    _check(request, appraisal.cycle.programme, edit)
    return appraisal


def _option(request: HttpRequest, pk: int) -> AppraisalOption:
    option = get_object_or_404(
        AppraisalOption.objects.select_related("appraisal__cycle__programme"), pk=pk
    )
    _check(request, option.appraisal.cycle.programme, True)
    return option


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    return render(request, f"plan/{template}", {"title": title, **context})


def _form_page(
    request: HttpRequest,
    title: str,
    form: Any,
    *,
    caption: str,
    submit: str,
    back: str,
    template: str = "form.html",
    intro: str = "",
    **context: Any,
) -> HttpResponse:
    return _page(
        request,
        template,
        title,
        form=form,
        caption=caption,
        submit_text=submit,
        back=back,
        intro=intro,
        **context,
    )


def _save(form: Any, call: Any) -> bool:
    """Run a service call; copy its errors onto the form. True when it succeeded."""
    try:
        call()
    except ValidationError as error:
        form.add_service_error(error)
        return False
    return True


def _posted(request: HttpRequest, form: Any, call: Any) -> bool:
    """True when a POSTed form is valid and the service call behind it succeeded."""
    return request.method == "POST" and form.is_valid() and _save(form, call)


def _act(request: HttpRequest, call: Any, success: str) -> None:
    """Run a service call from a one-button form; say what happened either way."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


# --- outcomes frameworks ------------------------------------------------------------------


def _outcome(request: HttpRequest, pk: int) -> Outcome:
    outcome = get_object_or_404(Outcome.objects.select_related("framework__programme"), pk=pk)
    _check(request, outcome.framework.programme, True)
    return outcome


def _indicator(request: HttpRequest, pk: int) -> OutcomeIndicator:
    indicator = get_object_or_404(
        OutcomeIndicator.objects.select_related("outcome__framework__programme"), pk=pk
    )
    _check(request, indicator.outcome.framework.programme, True)
    return indicator


def _framework_form(
    request: AuthenticatedHttpRequest,
    framework: OutcomesFramework,
    form: Any,
    *,
    title: str,
    caption: str,
    submit: str,
    intro: str = "",
) -> HttpResponse:
    return _form_page(
        request,
        title,
        form,
        caption=caption,
        submit=submit,
        back=f"/outcomes-frameworks/{framework.pk}/",
        intro=intro,
        programme=framework.programme,
    )


@login_required
@require_GET
def outcomes_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    return _page(
        request,
        "outcomes_list.html",
        f"Outcomes frameworks: {programme.name}",
        programme=programme,
        frameworks=list(programme.outcomes_frameworks.all()),
        may_edit=services.may_edit(request.user, programme),
    )


@login_required
@GET_POST
def outcomes_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, edit=True)
    form = OutcomesFrameworkForm(request.POST or None)
    made: list[OutcomesFramework] = []
    if _posted(
        request,
        form,
        lambda: made.append(
            services.outcomes_framework_create(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        ),
    ):
        messages.success(request, "Outcomes framework created")
        return redirect("plan:outcomes-framework", pk=made[0].pk)
    return _form_page(
        request,
        "New outcomes framework",
        form,
        caption=programme.name,
        submit="Create outcomes framework",
        back=f"/programmes/{programme.pk}/outcomes/",
        programme=programme,
    )


@login_required
@require_GET
def outcomes_framework(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    outcomes = list(framework.outcomes.prefetch_related("indicators__targets"))
    return _page(
        request,
        "outcomes_framework.html",
        framework.title,
        framework=framework,
        programme=framework.programme,
        outcomes=outcomes,
        may_edit=services.may_edit(request.user, framework.programme),
    )


@login_required
@GET_POST
def outcomes_framework_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, edit=True)
    form = OutcomesFrameworkForm(
        request.POST or None, initial={"title": framework.title, "purpose": framework.purpose}
    )
    if _posted(
        request,
        form,
        lambda: services.outcomes_framework_update(
            actor=request.user, framework=framework, **form.cleaned_data
        ),
    ):
        messages.success(request, "Outcomes framework saved")
        return redirect("plan:outcomes-framework", pk=framework.pk)
    return _framework_form(
        request,
        framework,
        form,
        title="Change the outcomes framework",
        caption=framework.programme.name,
        submit="Save",
    )


@login_required
@GET_POST
def outcome_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, edit=True)
    form = OutcomeForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.outcome_add(actor=request.user, framework=framework, **form.cleaned_data),
    ):
        messages.success(request, "Outcome added")
        return redirect("plan:outcomes-framework", pk=framework.pk)
    return _framework_form(
        request,
        framework,
        form,
        title="Add an outcome",
        caption=framework.title,
        submit="Add outcome",
    )


@login_required
@GET_POST
def indicator_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    form = IndicatorForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.indicator_add(actor=request.user, outcome=outcome, **form.cleaned_data),
    ):
        messages.success(request, "Indicator added")
        return redirect("plan:outcomes-framework", pk=outcome.framework.pk)
    return _framework_form(
        request,
        outcome.framework,
        form,
        title="Add an indicator",
        caption=outcome.statement,
        submit="Add indicator",
    )


@login_required
@GET_POST
def outcome_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    form = OutcomeForm(
        request.POST or None,
        initial={"statement": outcome.statement, "description": outcome.description},
    )
    if _posted(
        request,
        form,
        lambda: services.outcome_update(actor=request.user, outcome=outcome, **form.cleaned_data),
    ):
        messages.success(request, "Outcome saved")
        return redirect("plan:outcomes-framework", pk=outcome.framework.pk)
    return _framework_form(
        request,
        outcome.framework,
        form,
        title="Change an outcome",
        caption=outcome.framework.title,
        submit="Save",
    )


@login_required
@GET_POST
def indicator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    fields = (
        "name",
        "code",
        "unit",
        "direction",
        "baseline_value",
        "baseline_period",
        "baseline_source",
    )
    form = IndicatorForm(request.POST or None, initial={f: getattr(indicator, f) for f in fields})
    if _posted(
        request,
        form,
        lambda: services.indicator_update(
            actor=request.user, indicator=indicator, **form.cleaned_data
        ),
    ):
        messages.success(request, "Indicator saved")
        return redirect("plan:outcomes-framework", pk=indicator.outcome.framework.pk)
    return _framework_form(
        request,
        indicator.outcome.framework,
        form,
        title="Change an indicator",
        caption=indicator.outcome.statement,
        submit="Save",
        intro="Corrections to the baseline are kept in the audit trail.",
    )


@login_required
@GET_POST
def target_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    form = TargetForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.target_set(actor=request.user, indicator=indicator, **form.cleaned_data),
    ):
        messages.success(request, "Target set")
        return redirect("plan:outcomes-framework", pk=indicator.outcome.framework.pk)
    return _framework_form(
        request,
        indicator.outcome.framework,
        form,
        title="Set a target",
        caption=indicator.name,
        submit="Set target",
        intro="Setting a target for a period that already has one replaces it; the audit "
        "trail keeps the earlier figure.",
    )


# --- appraisals ---------------------------------------------------------------------------


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


@login_required
@GET_POST
def appraisal_scoring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    weights = appraisal.criteria or DEFAULT_CRITERIA
    criteria = list(weights)
    initial = {"criteria": "\n".join(f"{c}: {w:g}" for c, w in weights.items())}
    if request.method == "POST":
        probe = MCDAForm(request.POST, appraisal=appraisal, criteria=criteria)
        probe.is_valid()  # the criteria are read even when scores are missing
        posted = probe.cleaned_data.get("criteria")
        try:
            shown = [str(c) for c in json.loads(request.POST.get("shown", ""))] or criteria
        except (ValueError, TypeError):
            shown = criteria
        # The same criteria in another order are not new criteria (PostgreSQL's JSON keeps
        # object keys in its own order, so order alone says nothing).
        if posted and set(posted) == set(shown):
            criteria = list(posted)
        elif posted:
            # New criteria: show their columns to score, keeping the scores already typed.
            criteria = list(posted)
            fresh = MCDAForm(
                None,
                appraisal=appraisal,
                criteria=criteria,
                initial={
                    "criteria": request.POST.get("criteria", ""),
                    **{k: v for k, v in request.POST.items() if k.startswith("score_")},
                },
            )
            messages.info(request, "Criteria changed: score every option on each one, then save")
            return _appraisal_form(
                request,
                appraisal,
                fresh,
                title="Multi-criteria scoring",
                submit="Save scoring",
                template="scoring.html",
                criteria=criteria,
            )
    form = MCDAForm(request.POST or None, appraisal=appraisal, criteria=criteria, initial=initial)
    if _posted(
        request,
        form,
        lambda: services.appraisal_mcda_set(
            actor=request.user,
            appraisal=appraisal,
            criteria=form.cleaned_data["criteria"],
            scores=form.scores(),
        ),
    ):
        messages.success(request, "Criteria, weights and scores saved")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="Multi-criteria scoring",
        submit="Save scoring",
        template="scoring.html",
        criteria=criteria,
    )


@login_required
@GET_POST
def appraisal_cases(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = CasesForm(request.POST or None, initial=appraisal.cases)
    if _posted(
        request,
        form,
        lambda: services.appraisal_cases_update(
            actor=request.user, appraisal=appraisal, cases=form.cleaned_data
        ),
    ):
        messages.success(request, "Five-case narrative saved")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="The five cases",
        submit="Save",
        intro="The Green Book's five-case model: why the change is needed (strategic), what "
        "gives best value (economic), whether it can be secured (commercial), whether it is "
        "affordable (financial) and whether it can be delivered (management).",
    )


@login_required
@require_GET
def appraisal_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    try:
        report = services.appraisal_run(appraisal=appraisal)
    except ValidationError as error:
        context: dict[str, Any] = {"problems": error.messages}
    else:
        context = {
            "problems": [],
            "may_recommend": services.may_edit(request.user, appraisal.cycle.programme)
            and services.is_open(appraisal),
            **results_context(report),
        }
    return _page(
        request,
        "results.html",
        f"Results: {appraisal.title}",
        appraisal=appraisal,
        cycle=appraisal.cycle,
        programme=appraisal.cycle.programme,
        **context,
    )


@login_required
@GET_POST
def appraisal_recommend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = RecommendForm(
        request.POST or None,
        appraisal=appraisal,
        initial={
            "option": appraisal.recommended_id,
            "rationale": appraisal.recommendation_rationale,
        },
    )
    if _posted(
        request,
        form,
        lambda: services.appraisal_recommend(
            actor=request.user,
            appraisal=appraisal,
            option=form.cleaned_data["option"],
            rationale=form.cleaned_data["rationale"],
        ),
    ):
        messages.success(
            request,
            "Recommendation recorded; the options appraisal artefact is complete. It "
            "becomes a decision when the Plan gate is signed off.",
        )
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request, appraisal, form, title="Recommend an option", submit="Recommend"
    )


def _report(request: HttpRequest, appraisal: Appraisal) -> AppraisalReport | None:
    """The appraisal's report, or None (with a message saying why) when it cannot run yet."""
    try:
        return services.appraisal_run(appraisal=appraisal)
    except ValidationError as error:
        messages.error(request, "The appraisal cannot run yet: " + " ".join(error.messages))
        return None


@login_required
@require_GET
def appraisal_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    report = _report(request, appraisal)
    if report is None:
        return redirect("plan:appraisal-results", pk=appraisal.pk)
    return HttpResponse(report.to_html(), content_type="text/html; charset=utf-8")


@login_required
@require_GET
def appraisal_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    report = _report(request, appraisal)
    if report is None:
        return redirect("plan:appraisal-results", pk=appraisal.pk)
    response = HttpResponse(html_to_pdf(report.to_html()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="appraisal-{appraisal.pk}.pdf"'
    return response
