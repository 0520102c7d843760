"""Use cases for outcomes frameworks and options appraisals: each in one transaction, audited.

Every function is named ``<entity>_<verb>``, takes keyword arguments only, checks who may
act (commissioners, analysts, finance and procurement change these records; approvers,
auditors and administrators read them; providers and other organisations see nothing) and
records what it changed with :func:`workspace.audit.services.audit_record` inside the same
transaction. Rule breaches raise :class:`django.core.exceptions.ValidationError` with a
message per field, ready for a form's error summary. The arithmetic is the engine's
(``spiral.appraisal``): :func:`appraisal_run` hands it the options document and returns
its report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from spiral.appraisal.cash_flow_table import CashFlowTableError, read_cash_flows
from spiral.appraisal.file_format import FIVE_CASES, OptionsFile, OptionsFileError, parse_options
from spiral.appraisal.mcda import normalise_weights
from spiral.appraisal.optimism_bias import bounds, mitigated_bias
from spiral.appraisal.options import CATEGORIES, COST_CATEGORIES, LAST_YEAR
from spiral.appraisal.report import AppraisalReport, appraise_options
from spiral.appraisal.risk import UncertainInput
from workspace.accounts.access import Capability, has_capability
from workspace.audit.services import audit_record, snapshot
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Artefact, Cycle, Decision, Programme, StageProgress
from workspace.plan.models import (
    DELIVERY_MODEL_LABELS,
    Appraisal,
    AppraisalOption,
    Outcome,
    OutcomeIndicator,
    OutcomesFramework,
    Target,
)

MAX_SIMULATIONS = 100_000
ASSUMPTION_TOPICS = ("optimism_bias", "transaction", "risk", "general")


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def may_edit(user: Any, programme: Programme) -> bool:
    """Whether ``user`` may change the programme's plan records (EDIT in either organisation)."""
    return any(has_capability(user, org, Capability.EDIT) for org in programme.organisations())


def may_view(user: Any, programme: Programme) -> bool:
    """Whether ``user`` may read the programme's plan records (VIEW in either organisation)."""
    return any(has_capability(user, org, Capability.VIEW) for org in programme.organisations())


def _check_editor(actor: User, programme: Programme) -> None:
    if not may_edit(actor, programme):
        raise PermissionDenied("You cannot change this programme's plans.")


def _required(values: Mapping[str, str], messages: Mapping[str, str]) -> None:
    errors = {name: message for name, message in messages.items() if not values[name].strip()}
    if errors:
        raise ValidationError(errors)


def _audit(
    actor: User,
    action: str,
    target: Model,
    programme: Programme,
    before: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        organisation=programme.organisation,
        before=before,
        after=snapshot(target),
    )


# --- outcomes frameworks ------------------------------------------------------------------


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
    with transaction.atomic():
        before = snapshot(framework)
        framework.title = title.strip()
        framework.purpose = purpose.strip()
        framework.save()
        _audit(actor, "updated outcomes framework", framework, programme, before)
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
    _required({"name": name}, {"name": "Enter the indicator's name"})
    if direction not in OutcomeIndicator.Direction.values:
        raise ValidationError({"direction": "Choose whether higher or lower is better"})
    if baseline_value is not None and not baseline_period.strip():
        raise ValidationError({"baseline_period": "Enter the period the baseline is for"})
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
    with transaction.atomic():
        before = snapshot(outcome)
        outcome.statement = statement.strip()
        outcome.description = description.strip()
        outcome.save()
        _audit(actor, "changed outcome", outcome, programme, before)
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
    _required({"name": name}, {"name": "Enter the indicator's name"})
    if direction not in OutcomeIndicator.Direction.values:
        raise ValidationError({"direction": "Choose whether higher or lower is better"})
    if baseline_value is not None and not baseline_period.strip():
        raise ValidationError({"baseline_period": "Enter the period the baseline is for"})
    with transaction.atomic():
        before = snapshot(indicator)
        indicator.name = name.strip()
        indicator.code = code.strip()
        indicator.unit = unit.strip()
        indicator.direction = direction
        indicator.baseline_value = baseline_value
        indicator.baseline_period = baseline_period.strip()
        indicator.baseline_source = baseline_source.strip()
        indicator.save()
        _audit(actor, "changed outcome indicator", indicator, programme, before)
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


# --- appraisals: set-up -------------------------------------------------------------------


def appraisal_stage(cycle: Cycle) -> str | None:
    """The id of the cycle's stage that asks for an options appraisal (the Plan stage)."""
    for stage in cycle.definition.stages:
        for activity in stage.activities:
            if any(a.kind == "options_appraisal" for a in activity.artefacts):
                return stage.id
    return None


def _progress(appraisal: Appraisal) -> StageProgress:
    return StageProgress.objects.get(cycle=appraisal.cycle, stage_id=appraisal.stage_id)


def is_open(appraisal: Appraisal) -> bool:
    """An appraisal changes while its stage is open (not submitted, not signed off)."""
    return _progress(appraisal).is_editable


def _check_open(actor: User, appraisal: Appraisal, field: str = "__all__") -> None:
    _check_editor(actor, appraisal.cycle.programme)
    if not is_open(appraisal):
        raise ValidationError(
            {field: "The Plan stage is submitted or signed off: the appraisal is locked"}
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
    with transaction.atomic():
        before = snapshot(option)
        option.shortlisted = False
        option.discard_reason = reason.strip()
        option.save()
        _audit(actor, "discarded option", option, appraisal.cycle.programme, before)
    return option


def option_shortlist(*, actor: User, option: AppraisalOption) -> AppraisalOption:
    """Put a discarded option back on the short list."""
    appraisal = option.appraisal
    _check_open(actor, appraisal)
    with transaction.atomic():
        before = snapshot(option)
        option.shortlisted = True
        option.discard_reason = ""
        option.save()
        _audit(actor, "short-listed option", option, appraisal.cycle.programme, before)
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
    with transaction.atomic():
        before = snapshot(option)
        option.cash_flows = _flows_for_storage(cash_flows)
        option.save()
        _audit(actor, "set option cash flows", option, appraisal.cycle.programme, before)
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


def _read_document(content: bytes, filename: str) -> Any:
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix not in {"yaml", "yml", "json"}:
        raise ValidationError({"file": f"{filename}: upload a .yaml, .yml or .json options file"})
    try:
        return json.loads(content) if suffix == "json" else yaml.safe_load(content)
    except (json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError):
        kind = "JSON" if suffix == "json" else "YAML"
        raise ValidationError({"file": f"{filename}: not valid {kind}"}) from None


def _import_problems(appraisal: Appraisal, file: OptionsFile) -> list[str]:
    """What an options file holds that this appraisal cannot take."""
    problems = []
    settings = file.settings
    if settings.prices != "real":
        problems.append(
            "appraisal, field prices: the workspace holds real prices; convert the figures first"
        )
    schedules = {
        k: v if isinstance(v, str) else v.name for k, v in settings.category_schedules.items()
    }
    if schedules and schedules != {"monetised_outcomes": "health"}:
        problems.append(
            "appraisal, field discounting.category_schedules: the workspace holds only "
            "monetised_outcomes on the health schedule"
        )
    if file.correlations:
        problems.append(
            "correlations: not held in the workspace yet; remove them (the command line takes them)"
        )
    names = {o.name for o in appraisal.options.all()}
    problems += [
        f"option {o.name!r}, field name: the long list already has an option with this name"
        for o in file.options
        if o.name in names
    ]
    inputs = {i["name"] for i in appraisal.uncertain_inputs}
    problems += [
        f"uncertain input {u.name!r}, field name: the appraisal already has an input with this name"
        for u in file.inputs
        if u.name in inputs
    ]
    horizon = settings.horizon or max((o.last_year for o in file.options), default=0)
    latest = max(
        (int(y) for o in appraisal.options.all() for f in o.cash_flows.values() for y in f),
        default=0,
    )
    if latest > horizon:
        problems.append(
            f"appraisal, field horizon: options already here reach year {latest}, after the "
            f"file's last year {horizon}"
        )
    return problems


def appraisal_import(
    *, actor: User, appraisal: Appraisal, content: bytes, filename: str
) -> list[AppraisalOption]:
    """Add an options file's options, settings, uncertain inputs, scoring and cases — or nothing.

    The file is the one ``spiral appraise`` reads (YAML or JSON, ``docs/appraisal.md``),
    validated by :func:`spiral.appraisal.file_format.parse_options`. Its options join the long
    list (on the short list), with their cash flows (social value already monetised into
    monetised outcomes), optimism bias as resolved percentages with the reason, and
    assumptions. Its period, discounting, Monte Carlo settings, criteria and cases replace the
    appraisal's. Every problem is listed, naming the option or section and the field.
    """
    _check_open(actor, appraisal, "file")
    data = _read_document(content, filename)
    measures = data.get("social_value_measures") if isinstance(data, Mapping) else None
    if isinstance(measures, str) and measures != "example":
        raise ValidationError(
            {"file": "social_value_measures: list the measures in the file itself"}
        )
    try:
        file = parse_options(data)
    except OptionsFileError as error:
        raise ValidationError({"file": error.problems}) from None
    problems = _import_problems(appraisal, file)
    if problems:
        raise ValidationError({"file": problems})
    settings = file.settings
    programme = appraisal.cycle.programme
    made = []
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.horizon = settings.horizon or max(o.last_year for o in file.options)
        appraisal.first_year = settings.first_year
        appraisal.price_base_year = settings.price_base_year
        appraisal.schedule = settings.schedule_name()
        appraisal.convention = settings.convention.value
        appraisal.health_outcomes = bool(settings.category_schedules)
        appraisal.simulations = min(file.simulations, MAX_SIMULATIONS)
        appraisal.seed = file.seed if file.seed is not None else appraisal.seed
        appraisal.cases = {**appraisal.cases, **file.cases}
        appraisal.uncertain_inputs = [
            *appraisal.uncertain_inputs,
            *(
                {
                    "name": u.name,
                    "category": u.category,
                    "distribution": u.distribution,
                    **{k: float(v) for k, v in u.params.items()},
                    "reason": u.reason,
                    **({"options": list(u.options)} if u.options else {}),
                }
                for u in file.inputs
            ),
        ]
        if file.weights:
            appraisal.criteria = dict(file.weights)
        appraisal.save()
        _audit(actor, f"imported options file {filename}", appraisal, programme, before)
        last = appraisal.options.aggregate(last=Max("position"))["last"] or 0
        for number, option in enumerate(file.options, start=1):
            record = AppraisalOption.objects.create(
                appraisal=appraisal,
                name=option.name,
                delivery_model=option.delivery_model.value,
                description=option.description,
                cash_flows=_flows_for_storage(option.cash_flows),
                optimism_bias={c: float(p) for c, p in option.optimism_bias.items() if p},
                bias_reason=option.optimism_bias_reason,
                assumptions=[
                    {"topic": a.topic, "text": a.text, "reason": a.reason}
                    for a in option.assumptions
                ],
                scores=dict(file.scores.get(option.name, {})),
                position=last + number,
            )
            _audit(actor, "added option", record, programme)
            made.append(record)
    return made


def option_bias_set(
    *,
    actor: User,
    option: AppraisalOption,
    bias: Mapping[str, float | Mapping[str, Any]],
    reason: str,
) -> AppraisalOption:
    """Set the optimism bias on an option's cost categories, with the reason for it.

    Each entry is a percentage, or ``{"project_type": ..., "mitigated": per cent}`` for the
    Green Book's published bound for that project type reduced by the share of its causes
    mitigated (:func:`spiral.appraisal.optimism_bias.mitigated_bias`).
    """
    appraisal = option.appraisal
    _check_open(actor, appraisal, "reason")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for category, value in bias.items():
        if category not in COST_CATEGORIES:
            errors["__all__"] = f"Optimism bias applies to costs, not {category}"
            continue
        if isinstance(value, Mapping):
            try:
                entry = bounds(str(value.get("project_type", "")))
                if entry.applies_to != category:
                    raise ValueError(
                        f"the bounds for {entry.project_type} apply to {entry.applies_to} costs"
                    )
                mitigated = float(value.get("mitigated") or 0.0)
                if mitigated and not reason.strip():
                    errors["reason"] = "Enter the reason for the bias and its mitigation"
                else:
                    mitigated_bias(
                        entry.capex_upper, mitigated, lower=entry.capex_lower, reason=reason or "-"
                    )
            except ValueError as error:
                errors[f"{category}_project_type"] = str(error)
                continue
            cleaned[category] = {"project_type": entry.project_type, "mitigated": mitigated}
        else:
            if float(value) < 0:
                errors[f"{category}_percent"] = "Enter a percentage of zero or more"
                continue
            if float(value) > 0:
                cleaned[category] = float(value)
    if cleaned and not reason.strip():
        errors["reason"] = "Enter the reason for the optimism bias"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(option)
        option.optimism_bias = cleaned
        option.bias_reason = reason.strip()
        option.save()
        _audit(actor, "set optimism bias", option, appraisal.cycle.programme, before)
    return option


def option_assumption_add(
    *, actor: User, option: AppraisalOption, topic: str, text: str, reason: str
) -> AppraisalOption:
    """Record an assumption of one option, with its reason."""
    appraisal = option.appraisal
    _check_open(actor, appraisal, "text")
    _required(
        {"text": text, "reason": reason},
        {"text": "Enter the assumption", "reason": "Enter the reason for the assumption"},
    )
    if topic not in ASSUMPTION_TOPICS:
        raise ValidationError({"topic": "Choose what the assumption is about"})
    with transaction.atomic():
        before = snapshot(option)
        option.assumptions = [
            *option.assumptions,
            {"topic": topic, "text": text.strip(), "reason": reason.strip()},
        ]
        option.save()
        _audit(actor, "added assumption", option, appraisal.cycle.programme, before)
    return option


def appraisal_settings_update(
    *,
    actor: User,
    appraisal: Appraisal,
    title: str,
    first_year: int | None,
    horizon: int,
    price_base_year: int | None,
    schedule: str,
    convention: str,
    health_outcomes: bool,
    simulations: int,
    seed: int,
) -> Appraisal:
    """Change the appraisal's period, prices, discounting and Monte Carlo settings."""
    _check_open(actor, appraisal, "title")
    _required({"title": title}, {"title": "Enter a title for the appraisal"})
    errors: dict[str, str] = {}
    if not 1 <= horizon <= LAST_YEAR:
        errors["horizon"] = f"Enter a last year from 1 to {LAST_YEAR}"
    if schedule not in dict(Appraisal._meta.get_field("schedule").choices or []):
        errors["schedule"] = "Choose a discount schedule"
    if convention not in Appraisal.Convention.values:
        errors["convention"] = "Choose end-of-year or mid-year"
    if not 0 <= simulations <= MAX_SIMULATIONS:
        errors["simulations"] = f"Enter from 0 to {MAX_SIMULATIONS:,} simulations"
    latest = max(
        (int(y) for o in appraisal.options.all() for f in o.cash_flows.values() for y in f),
        default=0,
    )
    if "horizon" not in errors and latest > horizon:
        errors["horizon"] = f"Some cash flows reach year {latest}: enter {latest} or later"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.title = title.strip()
        appraisal.first_year = first_year
        appraisal.horizon = horizon
        appraisal.price_base_year = price_base_year
        appraisal.schedule = schedule
        appraisal.convention = convention
        appraisal.health_outcomes = health_outcomes
        appraisal.simulations = simulations
        appraisal.seed = seed
        appraisal.save()
        _audit(actor, "changed appraisal settings", appraisal, appraisal.cycle.programme, before)
    return appraisal


def appraisal_cases_update(
    *, actor: User, appraisal: Appraisal, cases: Mapping[str, str]
) -> Appraisal:
    """Write the five-case narrative (strategic, economic, commercial, financial, management)."""
    _check_open(actor, appraisal)
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.cases = {c: cases.get(c, "").strip() for c in FIVE_CASES}
        appraisal.save()
        _audit(actor, "wrote appraisal cases", appraisal, appraisal.cycle.programme, before)
    return appraisal


def appraisal_input_add(
    *,
    actor: User,
    appraisal: Appraisal,
    name: str,
    category: str,
    distribution: str,
    params: Mapping[str, float],
    options: list[str],
    reason: str,
) -> Appraisal:
    """Add an uncertain input for the Monte Carlo analysis (checked by the engine)."""
    _check_open(actor, appraisal, "name")
    _required(
        {"name": name, "reason": reason},
        {"name": "Enter a name for the input", "reason": "Enter where the range comes from"},
    )
    if any(item["name"] == name.strip() for item in appraisal.uncertain_inputs):
        raise ValidationError({"name": "Another uncertain input has this name"})
    known = {o.name for o in appraisal.options.all()}
    if any(o not in known for o in options):
        raise ValidationError({"options": "Choose options of this appraisal"})
    try:
        UncertainInput(
            name=name.strip(),
            category=category,
            distribution=distribution,
            params=dict(params),
            options=tuple(options),
            reason=reason,
        )
    except (TypeError, ValueError) as error:
        message = str(error)
        field = next(
            (p for p in ("min", "mode", "max", "mean", "sd") if f"field {p}" in message), ""
        )
        raise ValidationError({field or "distribution": message}) from None
    with transaction.atomic():
        before = snapshot(appraisal)
        item: dict[str, Any] = {
            "name": name.strip(),
            "category": category,
            "distribution": distribution,
            **{k: float(v) for k, v in params.items()},
            "reason": reason.strip(),
        }
        if options:
            item["options"] = list(options)
        appraisal.uncertain_inputs = [*appraisal.uncertain_inputs, item]
        appraisal.save()
        _audit(actor, "added uncertain input", appraisal, appraisal.cycle.programme, before)
    return appraisal


def appraisal_input_remove(*, actor: User, appraisal: Appraisal, name: str) -> Appraisal:
    """Remove an uncertain input by its name."""
    _check_open(actor, appraisal)
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.uncertain_inputs = [i for i in appraisal.uncertain_inputs if i["name"] != name]
        appraisal.save()
        _audit(actor, "removed uncertain input", appraisal, appraisal.cycle.programme, before)
    return appraisal


def appraisal_mcda_set(
    *,
    actor: User,
    appraisal: Appraisal,
    criteria: Mapping[str, float],
    scores: Mapping[str, Mapping[str, float]],
) -> Appraisal:
    """Set the multi-criteria weights (adding up to 1 or 100) and every short-listed score."""
    _check_open(actor, appraisal, "criteria")
    if not criteria:
        raise ValidationError({"criteria": "Enter at least one criterion and its weight"})
    try:
        normalise_weights(criteria)
    except ValueError as error:
        raise ValidationError({"criteria": str(error)}) from None
    short = appraisal.short_list()
    errors = {
        f"score_{o.pk}_{c}": f"{o.name}: enter a score for {c}"
        for o in short
        for c in criteria
        if scores.get(o.name, {}).get(c) is None
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.criteria = {c: float(w) for c, w in criteria.items()}
        appraisal.save()
        _audit(actor, "set appraisal criteria", appraisal, appraisal.cycle.programme, before)
        for option in short:
            option_before = snapshot(option)
            option.scores = {c: float(scores[option.name][c]) for c in criteria}
            option.save()
            _audit(actor, "scored option", option, appraisal.cycle.programme, option_before)
    return appraisal


# --- appraisals: results, recommendation, decision ----------------------------------------


def appraisal_run(*, appraisal: Appraisal, simulations: int | None = None) -> AppraisalReport:
    """Appraise the short list with the engine and return its report.

    Raises
    ------
    ValidationError
        Listing every problem the engine found, each naming the option and field.
    """
    if not appraisal.short_list():
        raise ValidationError({"__all__": "Put at least one option on the short list"})
    try:
        file = parse_options(appraisal.as_options_document())
    except OptionsFileError as error:
        raise ValidationError({"__all__": error.problems}) from None
    try:
        return appraise_options(file, simulations=simulations)
    except ValueError as error:
        raise ValidationError({"__all__": str(error)}) from None


def appraisal_recommend(
    *,
    actor: User,
    appraisal: Appraisal,
    option: AppraisalOption,
    rationale: str,
    at: dt.datetime | None = None,
) -> Appraisal:
    """Recommend a short-listed option; the cycle's options-appraisal artefact is completed.

    The recommendation becomes a recorded decision when the approver signs the Plan gate.
    """
    _check_open(actor, appraisal, "option")
    _required({"rationale": rationale}, {"rationale": "Enter why this option is recommended"})
    if option.appraisal_id != appraisal.pk or not option.shortlisted:
        raise ValidationError({"option": "Choose an option on the short list"})
    report = appraisal_run(appraisal=appraisal, simulations=0)
    when = _now(at)
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.recommended = option
        appraisal.recommendation_rationale = rationale.strip()
        appraisal.recommended_by = actor
        appraisal.recommended_at = when
        appraisal.status = Appraisal.Status.RECOMMENDED
        appraisal.save()
        _audit(actor, "recommended option", appraisal, appraisal.cycle.programme, before)
        artefact = appraisal.cycle.artefacts.filter(
            stage_id=appraisal.stage_id, kind="options_appraisal"
        ).first()
        if artefact is not None:
            npsv = {row["option"]: row["npsv"] for row in report.result.table()}
            cycle_services.artefact_update(
                actor=actor,
                artefact=artefact,
                title=artefact.title,
                summary=(
                    f"{appraisal.title}: {len(appraisal.short_list())} short-listed options "
                    f"appraised in Green Book terms; recommended: {option.name} "
                    f"({option.delivery_model_label}), NPSV £{npsv[option.name]:,.0f}. "
                    f"{rationale.strip()}"
                ),
                findings=artefact.findings,
                evidence=artefact.evidence,
                links=artefact.links,
                status=Artefact.Status.COMPLETE,
                at=when,
            )
    return appraisal


def _decision_text(appraisal: Appraisal) -> tuple[str, str, str]:
    option = appraisal.recommended
    assert option is not None
    considered = "; ".join(f"{o.name} ({o.delivery_model_label})" for o in appraisal.short_list())
    dropped = "; ".join(f"{o.name}: {o.discard_reason}" for o in appraisal.discarded())
    if dropped:
        considered += f". Dropped from the long list: {dropped}"
    title = f"Preferred option: {option.name} ({option.delivery_model_label})"
    return title, considered, appraisal.recommendation_rationale


def appraisal_decide(
    *, actor: User, appraisal: Appraisal, at: dt.datetime | None = None
) -> Decision:
    """Record the recommendation as the decision of the signed-off Plan gate.

    Called when the Plan gate is signed off (see :func:`appraisal_decide_at_gate`); the
    approver who signed is the decision-maker.
    """
    if appraisal.recommended is None or appraisal.status != Appraisal.Status.RECOMMENDED:
        raise ValidationError({"__all__": "The appraisal has no recommendation to decide"})
    progress = _progress(appraisal)
    if progress.status != StageProgress.Status.APPROVED:
        raise ValidationError({"__all__": "The Plan gate is not signed off"})
    if not cycle_services.may_sign_off(actor, progress):
        raise PermissionDenied("Only the person who signs the Plan gate off decides.")
    title, considered, rationale = _decision_text(appraisal)
    with transaction.atomic():
        decision = Decision.objects.create(
            cycle=appraisal.cycle,
            stage_id=appraisal.stage_id,
            kind=Decision.Kind.GENERAL,
            title=title,
            options_considered=considered,
            rationale=rationale,
            decision_maker=(
                f"The {progress.stage.gate.approver_role}, signing off the "
                f"{progress.stage.name} gate"
            ),
            decided_by=actor,
            decided_at=_now(at),
            recorded_by=actor,
        )
        _audit(actor, "recorded decision", decision, appraisal.cycle.programme)
        before = snapshot(appraisal)
        appraisal.decision = decision
        appraisal.status = Appraisal.Status.DECIDED
        appraisal.save()
        _audit(actor, "decided appraisal", appraisal, appraisal.cycle.programme, before)
    return decision


def appraisal_decide_at_gate(
    *, actor: User, progress: StageProgress, decision: Decision, at: dt.datetime
) -> None:
    """Gate hook: when a Plan gate is signed off, its recommended appraisals become decisions.

    Registered with :data:`workspace.cycles.services.GATE_APPROVED_HOOKS`; runs inside the
    sign-off's transaction, so the gate and the decision land together.
    """
    for appraisal in Appraisal.objects.filter(
        cycle=progress.cycle, stage_id=progress.stage_id, status=Appraisal.Status.RECOMMENDED
    ):
        appraisal_decide(actor=actor, appraisal=appraisal, at=at)
