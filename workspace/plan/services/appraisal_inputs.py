"""Use cases for an appraisal's imported file, optimism bias, assumptions, settings and scores."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from spiral.appraisal.file_format import FIVE_CASES, OptionsFile, OptionsFileError, parse_options
from spiral.appraisal.mcda import normalise_weights
from spiral.appraisal.optimism_bias import bounds, mitigated_bias
from spiral.appraisal.options import COST_CATEGORIES, LAST_YEAR
from spiral.appraisal.risk import UncertainInput
from workspace.audit.services import snapshot
from workspace.plan.models import (
    Appraisal,
    AppraisalOption,
)
from workspace.plan.services.appraisal_options import _flows_for_storage
from workspace.plan.services.common import (
    ASSUMPTION_TOPICS,
    MAX_SIMULATIONS,
    _audit,
    _change,
    _check_open,
    _required,
)


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
    _change(
        actor,
        "set optimism bias",
        option,
        appraisal.cycle.programme,
        optimism_bias=cleaned,
        bias_reason=reason.strip(),
    )
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
    _change(
        actor,
        "changed appraisal settings",
        appraisal,
        appraisal.cycle.programme,
        title=title.strip(),
        first_year=first_year,
        horizon=horizon,
        price_base_year=price_base_year,
        schedule=schedule,
        convention=convention,
        health_outcomes=health_outcomes,
        simulations=simulations,
        seed=seed,
    )
    return appraisal


def appraisal_cases_update(
    *, actor: User, appraisal: Appraisal, cases: Mapping[str, str]
) -> Appraisal:
    """Write the five-case narrative (strategic, economic, commercial, financial, management)."""
    _check_open(actor, appraisal)
    _change(
        actor,
        "wrote appraisal cases",
        appraisal,
        appraisal.cycle.programme,
        cases={c: cases.get(c, "").strip() for c in FIVE_CASES},
    )
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
    _change(
        actor,
        "removed uncertain input",
        appraisal,
        appraisal.cycle.programme,
        uncertain_inputs=[i for i in appraisal.uncertain_inputs if i["name"] != name],
    )
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
