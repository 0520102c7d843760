"""Forms for outcomes frameworks and options appraisals. They parse input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from spiral.appraisal.file_format import FIVE_CASES
from spiral.appraisal.optimism_bias import bounds_table
from spiral.appraisal.options import CATEGORIES, COST_CATEGORIES
from spiral.appraisal.risk import PARAMETERS
from workspace.accounts.models import Organisation
from workspace.cycles.forms import MAX_UPLOAD_BYTES, GovForm
from workspace.cycles.models import Cycle, Programme
from workspace.needs.models import Indicator
from workspace.plan.models import (
    CATEGORY_LABELS,
    DELIVERY_MODEL_LABELS,
    SCHEDULE_LABELS,
    Appraisal,
    AppraisalOption,
    OutcomeIndicator,
    cycle_label,
)
from workspace.plan.services import ASSUMPTION_TOPICS
from workspace.plan.services.outcomes import NO_CYCLE, OTHER_PROGRAMME_CYCLE


class CycleChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Cycle) -> str:
        return cycle_label(obj)


class OutcomesFrameworkForm(GovForm):
    """A framework's title, purpose and the cycle it plans (one of the programme's cycles)."""

    title = forms.CharField(max_length=200, label="Title")
    purpose = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Purpose",
        help_text="What the programme is for, in a sentence or two.",
    )
    cycle = CycleChoiceField(
        queryset=Cycle.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which cycle does this framework plan?",
        help_text="Its baselines and targets are the ones the review of that cycle judges against.",
        error_messages={"invalid_choice": OTHER_PROGRAMME_CYCLE},
    )
    required_messages = {
        "title": "Enter a title for the outcomes framework",
        "cycle": NO_CYCLE,
    }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cycle"]
        field.queryset = programme.cycles.order_by("-number")  # type: ignore[attr-defined]
        if not programme.cycles.exists():  # nothing to plan yet: the field is left out
            del self.fields["cycle"]


class OutcomeForm(GovForm):
    statement = forms.CharField(
        max_length=300,
        label="Outcome",
        help_text="What should be different for people, e.g. Older people stay well at home.",
    )
    description = forms.CharField(widget=forms.Textarea, required=False, label="Description")
    required_messages = {"statement": "Enter the outcome"}


class IndicatorForm(GovForm):
    needs_indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        label="Indicator from the needs assessment (optional)",
        empty_label="None: a local measure",
        help_text="Pick one of the Analyse stage's indicators to fill its name, unit and "
        "baseline for your area, or leave it and type a local measure below.",
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Indicator",
        help_text="Leave blank to use the name of the indicator picked above.",
    )
    code = forms.CharField(
        max_length=60,
        required=False,
        label="Indicator code (optional)",
        help_text="The indicator's code in your data, for example a Fingertips indicator ID.",
    )
    unit = forms.CharField(
        max_length=60, required=False, label="Unit (optional)", help_text="For example, %."
    )
    direction = forms.ChoiceField(
        choices=OutcomeIndicator.Direction.choices, widget=forms.RadioSelect, label="Polarity"
    )
    baseline_value = forms.FloatField(required=False, label="Baseline value (optional)")
    baseline_period = forms.CharField(
        max_length=40, required=False, label="Baseline period", help_text="For example, 2024/25."
    )
    baseline_source = forms.CharField(max_length=300, required=False, label="Baseline source")
    required_messages = {
        "name": "Enter the indicator's name",
        "direction": "Choose whether higher or lower is better",
    }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared_or_own = Q(organisation__isnull=True) | Q(organisation=organisation)
        self.fields["needs_indicator"].queryset = Indicator.objects.filter(shared_or_own)  # type: ignore[attr-defined]


class TargetForm(GovForm):
    period = forms.CharField(max_length=40, label="Period", help_text="For example, 2027/28.")
    value = forms.FloatField(label="Target value")
    set_by = forms.CharField(
        max_length=200,
        label="Who set it",
        help_text="The body or post, for example the Health and Wellbeing Board.",
    )
    rationale = forms.CharField(widget=forms.Textarea, label="Why this target")
    required_messages = {
        "period": "Enter the period the target is for",
        "value": "Enter the target value",
        "set_by": "Enter who set the target",
        "rationale": "Enter why this target was chosen",
    }


class AppraisalForm(GovForm):
    title = forms.CharField(max_length=200, label="Title of the appraisal")
    required_messages = {"title": "Enter a title for the appraisal"}


class OptionForm(GovForm):
    name = forms.CharField(max_length=120, label="Option name")
    delivery_model = forms.ChoiceField(
        choices=list(DELIVERY_MODEL_LABELS.items()),
        widget=forms.RadioSelect,
        label="Delivery model",
    )
    description = forms.CharField(widget=forms.Textarea, required=False, label="Description")
    required_messages = {
        "name": "Enter the option's name",
        "delivery_model": "Choose a delivery model",
    }


class DiscardForm(GovForm):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is this option dropped from the short list?",
        help_text="The reason is shown in the appraisal report and the decision.",
    )
    required_messages = {"reason": "Enter why the option is dropped"}


class CashFlowForm(GovForm):
    """A grid of amounts: one field per category and year, named ``<category>_<year>``."""

    def __init__(self, *args: Any, option: AppraisalOption, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = list(range(option.appraisal.horizon + 1))
        for category in CATEGORIES:
            for year in self.years:
                amount = option.amount(category, year)
                self.fields[f"{category}_{year}"] = forms.FloatField(
                    required=False,
                    label=f"{CATEGORY_LABELS[category]}, year {year}",
                    initial=int(amount) if amount is not None and amount.is_integer() else amount,
                    error_messages={
                        "invalid": f"{CATEGORY_LABELS[category]}, year {year}: enter a number"
                    },
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "category": c,
                "label": CATEGORY_LABELS[c],
                "cells": [self[f"{c}_{y}"] for y in self.years],
            }
            for c in CATEGORIES
        ]

    def cash_flows(self) -> dict[str, dict[int, float]]:
        return {
            c: {
                y: float(self.cleaned_data[f"{c}_{y}"])
                for y in self.years
                if self.cleaned_data.get(f"{c}_{y}") not in (None, "")
            }
            for c in CATEGORIES
        }


class UploadForm(GovForm):
    file = forms.FileField(
        label="Upload cash flows",
        help_text=(
            "A CSV or Excel file with the columns option, category, year and amount; or a YAML "
            "or JSON file of option → category → amounts by year."
        ),
    )
    required_messages = {"file": "Choose a file to upload"}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


class ImportForm(UploadForm):
    file = forms.FileField(
        label="Upload an options file",
        help_text="YAML or JSON, as spiral appraise reads it (see the appraisal documentation).",
    )


PROJECT_TYPES = [("", "None: enter a percentage")] + [
    (b.project_type, f"{b.project_type} ({b.capex_upper:g}% upper bound, {b.applies_to})")
    for b in bounds_table()
]


class BiasForm(GovForm):
    """Per cent on each cost category, or a project type's published bound and mitigation."""

    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Reason for the optimism bias and any mitigation",
        help_text="Required when any bias is applied; shown with the figures in the report.",
    )

    def __init__(self, *args: Any, option: AppraisalOption, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(COST_CATEGORIES)
        for category in COST_CATEGORIES:
            value = option.optimism_bias.get(category)
            label = CATEGORY_LABELS[category]
            self.fields[f"{category}_percent"] = forms.FloatField(
                required=False,
                label=f"{label}: optimism bias (per cent)",
                initial=value if isinstance(value, int | float) else None,
                error_messages={"invalid": f"{label}: enter the bias as a number"},
            )
            self.fields[f"{category}_project_type"] = forms.ChoiceField(
                required=False,
                choices=PROJECT_TYPES,
                label=f"{label}: or the Green Book bound for a project type",
                initial=value.get("project_type") if isinstance(value, dict) else "",
            )
            self.fields[f"{category}_mitigated"] = forms.FloatField(
                required=False,
                min_value=0,
                max_value=100,
                label=f"{label}: share of the causes mitigated (per cent)",
                initial=value.get("mitigated") if isinstance(value, dict) else None,
            )
        self.fields["reason"].initial = option.bias_reason
        self.order_fields([*[f for f in self.fields if f != "reason"], "reason"])

    def bias(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for category in COST_CATEGORIES:
            project = self.cleaned_data.get(f"{category}_project_type")
            if project:
                out[category] = {
                    "project_type": project,
                    "mitigated": self.cleaned_data.get(f"{category}_mitigated") or 0.0,
                }
            elif self.cleaned_data.get(f"{category}_percent") is not None:
                out[category] = self.cleaned_data[f"{category}_percent"]
        return out


class AssumptionForm(GovForm):
    topic = forms.ChoiceField(
        choices=[(t, t.replace("_", " ").capitalize()) for t in ASSUMPTION_TOPICS],
        widget=forms.RadioSelect,
        label="What is the assumption about?",
        help_text="Assumptions about transaction costs, optimism bias or risk answer the "
        "neutrality checks when options are treated differently.",
    )
    text = forms.CharField(widget=forms.Textarea, label="Assumption")
    reason = forms.CharField(widget=forms.Textarea, label="Reason")
    required_messages = {
        "topic": "Choose what the assumption is about",
        "text": "Enter the assumption",
        "reason": "Enter the reason for the assumption",
    }


class SettingsForm(GovForm):
    title = forms.CharField(max_length=200, label="Title of the appraisal")
    first_year = forms.IntegerField(
        required=False, label="Calendar year of year 0", min_value=1900, max_value=2200
    )
    horizon = forms.IntegerField(
        label="Last year of the appraisal period", help_text="Years run from 0 to this year."
    )
    price_base_year = forms.IntegerField(
        required=False, label="Price base year", min_value=1900, max_value=2200
    )
    schedule = forms.ChoiceField(
        choices=list(SCHEDULE_LABELS.items()),
        widget=forms.RadioSelect,
        label="Discount schedule (Green Book Annex A6)",
    )
    convention = forms.ChoiceField(
        choices=Appraisal.Convention.choices, widget=forms.RadioSelect, label="Timing of flows"
    )
    health_outcomes = forms.BooleanField(
        required=False, label="Discount monetised outcomes on the health schedule (1.5%)"
    )
    simulations = forms.IntegerField(
        label="Monte Carlo simulations", help_text="0 skips the risk analysis."
    )
    seed = forms.IntegerField(
        label="Random seed", min_value=0, help_text="The same seed gives the same draws."
    )
    required_messages = {
        "title": "Enter a title for the appraisal",
        "horizon": "Enter the last year of the appraisal period",
        "simulations": "Enter the number of simulations",
        "seed": "Enter a random seed",
        "schedule": "Choose a discount schedule",
        "convention": "Choose end-of-year or mid-year",
    }


DISTRIBUTIONS = [
    ("triangular", "Triangular (min, mode, max)"),
    ("pert", "PERT (min, mode, max)"),
    ("normal", "Normal (mean, sd)"),
    ("lognormal", "Lognormal (mean, sd of the factor)"),
    ("uniform", "Uniform (min, max)"),
]
assert {d for d, _ in DISTRIBUTIONS} == set(PARAMETERS), "one vocabulary with the engine"


class InputForm(GovForm):
    name = forms.CharField(max_length=100, label="Name of the uncertain input")
    category = forms.ChoiceField(
        choices=list(CATEGORY_LABELS.items()), label="Cash flows it scales"
    )
    options = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Options it applies to",
        help_text="Choose none for every option.",
    )
    distribution = forms.ChoiceField(
        choices=DISTRIBUTIONS, widget=forms.RadioSelect, label="Distribution of the factor"
    )
    min = forms.FloatField(required=False, label="Minimum factor", help_text="1 is as estimated.")
    mode = forms.FloatField(required=False, label="Most likely factor")
    max = forms.FloatField(required=False, label="Maximum factor")
    mean = forms.FloatField(required=False, label="Mean factor")
    sd = forms.FloatField(required=False, label="Standard deviation")
    reason = forms.CharField(widget=forms.Textarea, label="Where the range comes from")
    required_messages = {
        "name": "Enter a name for the input",
        "category": "Choose the cash flows it scales",
        "distribution": "Choose a distribution",
        "reason": "Enter where the range comes from",
    }

    def __init__(self, *args: Any, option_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["options"].choices = [(n, n) for n in option_names]  # type: ignore[attr-defined]

    def params(self) -> dict[str, float]:
        wanted = PARAMETERS[self.cleaned_data["distribution"]]
        missing = [p for p in wanted if self.cleaned_data.get(p) is None]
        for p in missing:
            self.add_error(p, f"Enter the {self.fields[p].label.lower()}")  # type: ignore[union-attr]
        return {p: float(self.cleaned_data[p]) for p in wanted if p not in missing}


class MCDAForm(GovForm):
    """Criteria and weights as lines ``criterion: weight``; a score per option and criterion."""

    criteria = forms.CharField(
        widget=forms.Textarea,
        label="Criteria and weights",
        help_text=(
            "One a line, as criterion: weight. Weights add up to 100 (or 1). For example "
            "quality: 20, outcomes_for_users: 25, social_value: 15, resilience: 15, "
            "what_users_said: 15, deliverability: 10."
        ),
    )
    required_messages = {"criteria": "Enter at least one criterion and its weight"}

    def __init__(
        self, *args: Any, appraisal: Appraisal, criteria: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = appraisal.short_list()
        self.criteria_names = criteria
        self.fields["criteria"].initial = "\n".join(
            f"{c}: {w:g}" for c, w in appraisal.criteria.items()
        )
        for option in self.options:
            for criterion in criteria:
                self.fields[f"score_{option.pk}_{criterion}"] = forms.FloatField(
                    required=False,
                    label=f"{option.name}: {criterion}",
                    initial=option.scores.get(criterion),
                    error_messages={"invalid": f"{option.name}: the {criterion} score is a number"},
                )

    def clean_criteria(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, weight = line.partition(":")
            try:
                out[name.strip()] = float(weight)
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number}: write the criterion, a colon and its weight"
                ) from None
        if not out:
            raise forms.ValidationError("Enter at least one criterion and its weight")
        return out

    def grid(self) -> list[dict[str, Any]]:
        return [
            {"option": o, "cells": [self[f"score_{o.pk}_{c}"] for c in self.criteria_names]}
            for o in self.options
        ]

    def scores(self) -> dict[str, dict[str, float]]:
        return {
            o.name: {
                c: self.cleaned_data[f"score_{o.pk}_{c}"]
                for c in self.criteria_names
                if self.cleaned_data.get(f"score_{o.pk}_{c}") is not None
            }
            for o in self.options
        }


class CasesForm(GovForm):
    strategic = forms.CharField(widget=forms.Textarea, required=False, label="Strategic case")
    economic = forms.CharField(widget=forms.Textarea, required=False, label="Economic case")
    commercial = forms.CharField(widget=forms.Textarea, required=False, label="Commercial case")
    financial = forms.CharField(widget=forms.Textarea, required=False, label="Financial case")
    management = forms.CharField(widget=forms.Textarea, required=False, label="Management case")

    assert tuple(FIVE_CASES) == ("strategic", "economic", "commercial", "financial", "management")


class RecommendForm(GovForm):
    option = forms.ModelChoiceField(
        queryset=AppraisalOption.objects.none(),
        widget=forms.RadioSelect,
        label="Which option do you recommend?",
        empty_label=None,
    )
    rationale = forms.CharField(
        widget=forms.Textarea,
        label="Why",
        help_text="The approver sees this when signing the Plan gate off; it becomes the "
        "decision's rationale.",
    )
    required_messages = {
        "option": "Choose the option you recommend",
        "rationale": "Enter why this option is recommended",
    }

    def __init__(self, *args: Any, appraisal: Appraisal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = appraisal.options.filter(shortlisted=True)  # type: ignore[attr-defined]
