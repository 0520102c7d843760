"""The Plan stage: a programme's outcomes framework, and a cycle's options appraisal.

An **outcomes framework** belongs to a programme and plans one of its cycles: outcomes,
the indicators that show each (a name now, and an optional indicator code to join to
indicator data later), a baseline, and targets by period with who set them and why. The
cycle it plans is recorded (:attr:`OutcomesFramework.cycle`), so the review knows whose
baselines and targets they are; it is a cycle of the same programme (checked by
:meth:`OutcomesFramework.clean`, the services, and a database trigger, ``guards.py``).

An **options appraisal** belongs to a cycle's Plan stage (the stage whose activities ask for
an options appraisal). It holds a long list of options; each is either on the short list or
discarded with the reason it was dropped. The short list is appraised in full by the engine
(``spiral.appraisal``): the appraisal is stored as the options-file document the engine
reads (:meth:`Appraisal.as_options_document`), so the workspace never re-implements a
formula. When the approver signs the Plan gate off, the recommendation becomes a recorded
:class:`~workspace.cycles.models.Decision`.

Changes go through ``services.py``, which records each in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from spiral.appraisal.discounting import SCHEDULE_COLUMNS
from spiral.appraisal.options import CATEGORIES, COST_CATEGORIES, DeliveryModel
from workspace.cycles.models import Cycle, Decision, Programme

DELIVERY_MODEL_LABELS = {
    DeliveryModel.IN_HOUSE.value: "In-house",
    DeliveryModel.EXTERNAL_CONTRACT.value: "External contract",
    DeliveryModel.GRANT.value: "Grant to the voluntary sector",
    DeliveryModel.PARTNERSHIP.value: "Partnership",
    DeliveryModel.POOLED_BUDGET.value: "Pooled budget",
    DeliveryModel.SHARED_SERVICE.value: "Shared service",
    DeliveryModel.CO_PRODUCTION.value: "Co-production with users and communities",
    DeliveryModel.PERSONAL_BUDGETS.value: "Personal budgets or direct payments",
    DeliveryModel.DECOMMISSION.value: "Decommission",
    DeliveryModel.DO_MINIMUM.value: "Do minimum",
}
assert set(DELIVERY_MODEL_LABELS) == {m.value for m in DeliveryModel}, "one vocabulary"

CATEGORY_LABELS = {
    "capital": "Capital",
    "operating": "Operating",
    "transition": "Transition",
    "transaction": "Transaction (sourcing route)",
    "income": "Income",
    "cashable_savings": "Cashable savings",
    "monetised_outcomes": "Monetised outcomes",
}
assert tuple(CATEGORY_LABELS) == CATEGORIES, "one vocabulary with the engine"

SCHEDULE_LABELS = {
    "standard": "Standard (3.5% for years 0 to 30, then falling)",
    "reduced": "Reduced (no pure time preference, 3.0%)",
    "health": "Health (1.5%)",
    "health_reduced": "Health, reduced (1.0%)",
}
assert set(SCHEDULE_LABELS) == set(SCHEDULE_COLUMNS), "one vocabulary with the engine"


def cycle_label(cycle: Cycle) -> str:
    """A cycle as the Plan pages name it: its number, status and start date."""
    started = timezone.localdate(cycle.started_at)
    status = cycle.get_status_display().lower()
    return f"Cycle {cycle.number} ({status}, started {started.day} {started:%B %Y})"


class OutcomesFramework(models.Model):
    """The outcomes a programme aims for in one cycle, each with its indicators and targets."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="outcomes_frameworks"
    )
    cycle = models.ForeignKey(
        Cycle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes_frameworks",
        verbose_name="cycle it plans",
        help_text="The programme's cycle whose baselines and targets this framework sets "
        "(blank only while the programme has no cycle yet).",
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["programme__name", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def cycle_name(self) -> str:
        """The cycle it plans, for the pages; says so when it plans none yet."""
        return cycle_label(self.cycle) if self.cycle is not None else "None yet (no cycle started)"

    def clean(self) -> None:
        """Refuse a cycle of another programme."""
        super().clean()
        if self.cycle is not None and self.cycle.programme_id != self.programme_id:
            raise ValidationError({"cycle": "Choose a cycle of this framework's programme"})


class Outcome(models.Model):
    """One outcome: what should be different for people."""

    framework = models.ForeignKey(
        OutcomesFramework, on_delete=models.PROTECT, related_name="outcomes"
    )
    statement = models.CharField("outcome", max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position", "id"]

    def __str__(self) -> str:
        return self.statement


class OutcomeIndicator(models.Model):
    """An indicator that shows an outcome, with its baseline."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEITHER = "neither", "Neither (context)"

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField("indicator", max_length=200)
    code = models.CharField(
        "indicator code",
        max_length=60,
        blank=True,
        help_text="Optional: the indicator's code in your data, for example a Fingertips ID.",
    )
    unit = models.CharField(max_length=60, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_period = models.CharField(max_length=40, blank=True)
    baseline_source = models.CharField(max_length=300, blank=True)
    needs_indicator = models.ForeignKey(
        "needs.Indicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="indicator from the needs assessment",
        help_text="The Analyse stage's indicator this measures, if any (blank: a local measure).",
    )

    class Meta:
        ordering = ["outcome", "id"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """What an indicator should reach by a period, who set it and why."""

    indicator = models.ForeignKey(
        OutcomeIndicator, on_delete=models.PROTECT, related_name="targets"
    )
    period = models.CharField(max_length=40)
    value = models.FloatField()
    set_by = models.CharField(
        "who set it", max_length=200, help_text="The body or post, e.g. Health and Wellbeing Board."
    )
    rationale = models.TextField("why this target")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value:g} by {self.period}"


class Appraisal(models.Model):
    """A delivery-model-neutral options appraisal in the Plan stage of a cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RECOMMENDED = "recommended", "Recommendation made"
        DECIDED = "decided", "Decided at the gate"

    class Convention(models.TextChoices):
        END_OF_YEAR = "end_of_year", "End of year"
        MID_YEAR = "mid_year", "Mid-year"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="appraisals")
    stage_id = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    first_year = models.PositiveIntegerField("calendar year of year 0", null=True, blank=True)
    horizon = models.PositiveIntegerField("last year of the appraisal period", default=10)
    price_base_year = models.PositiveIntegerField(null=True, blank=True)
    schedule = models.CharField(
        "discount schedule",
        max_length=20,
        choices=list(SCHEDULE_LABELS.items()),
        default="standard",
    )
    convention = models.CharField(
        max_length=20, choices=Convention.choices, default=Convention.END_OF_YEAR
    )
    health_outcomes = models.BooleanField(
        "discount monetised outcomes on the health schedule", default=False
    )
    simulations = models.PositiveIntegerField("Monte Carlo simulations", default=10_000)
    seed = models.PositiveIntegerField(default=2026)
    uncertain_inputs = models.JSONField(default=list, blank=True)
    criteria = models.JSONField(default=dict, blank=True, help_text="criterion → weight")
    cases = models.JSONField(default=dict, blank=True, help_text="the five-case narrative")
    recommended = models.ForeignKey(
        "AppraisalOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommendation_rationale = models.TextField(blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="appraisal"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return self.title

    def short_list(self) -> list[AppraisalOption]:
        return [o for o in self.options.all() if o.shortlisted]

    def discarded(self) -> list[AppraisalOption]:
        return [o for o in self.options.all() if not o.shortlisted]

    def _cases(self) -> dict[str, str]:
        """The five-case narrative; the strategic case also gives the long list's fate."""
        cases = {k: v for k, v in self.cases.items() if v}
        extra = []
        dropped = [
            f"{o.name} ({o.delivery_model_label}): {o.discard_reason}" for o in self.discarded()
        ]
        if dropped:
            extra.append("Options on the long list not taken forward: " + "; ".join(dropped) + ".")
        if self.recommended is not None and self.recommendation_rationale:
            extra.append(
                f"Why {self.recommended.name} is recommended: {self.recommendation_rationale}"
            )
        if extra:
            cases["strategic"] = " ".join([cases.get("strategic", ""), *extra]).strip()
        return cases

    def as_options_document(self) -> dict[str, Any]:
        """The short list and settings as the engine's options-file document."""
        head: dict[str, Any] = {
            "title": self.title,
            "horizon": self.horizon,
            "prices": "real",
            "discounting": {
                "schedule": self.schedule,
                "convention": self.convention,
                "category_schedules": {"monetised_outcomes": "health"}
                if self.health_outcomes
                else {},
            },
            "simulations": self.simulations,
            "seed": self.seed,
            "cases": self._cases(),
        }
        if self.first_year is not None:
            head["first_year"] = self.first_year
        if self.price_base_year is not None:
            head["price_base_year"] = self.price_base_year
        if self.recommended is not None and self.recommended.shortlisted:
            head["recommended"] = self.recommended.name
        short = self.short_list()
        names = {o.name for o in short}
        document: dict[str, Any] = {
            "appraisal": head,
            "options": [o.as_option_entry() for o in short],
        }
        inputs = []
        for item in self.uncertain_inputs:
            scoped = [n for n in item.get("options", []) if n in names]
            if item.get("options") and not scoped:
                continue  # every option it touched left the short list
            inputs.append({**item, "options": scoped} if item.get("options") else item)
        if inputs:
            document["uncertain_inputs"] = inputs
        if self.criteria:
            document["mcda"] = {
                "criteria": dict(self.criteria),
                "scores": {o.name: dict(o.scores) for o in short},
            }
        return document


class AppraisalOption(models.Model):
    """One option on the long list: on the short list, or discarded with a reason."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="options")
    name = models.CharField(max_length=120)
    delivery_model = models.CharField(max_length=30, choices=list(DELIVERY_MODEL_LABELS.items()))
    description = models.TextField(blank=True)
    shortlisted = models.BooleanField(default=True)
    discard_reason = models.TextField(blank=True)
    cash_flows = models.JSONField(
        default=dict, blank=True, help_text="category → {year: amount}, amounts positive"
    )
    optimism_bias = models.JSONField(
        default=dict, blank=True, help_text="cost category → per cent or {project_type, mitigated}"
    )
    bias_reason = models.TextField(blank=True)
    assumptions = models.JSONField(default=list, blank=True)
    scores = models.JSONField(default=dict, blank=True, help_text="criterion → score")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["appraisal", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "name"], name="one_option_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def delivery_model_label(self) -> str:
        return DELIVERY_MODEL_LABELS.get(self.delivery_model, self.delivery_model)

    def as_option_entry(self) -> dict[str, Any]:
        """This option as an entry of the engine's options file."""
        entry: dict[str, Any] = {
            "name": self.name,
            "delivery_model": self.delivery_model,
            "description": self.description,
            "cash_flows": {
                c: {int(y): a for y, a in flows.items()}
                for c, flows in self.cash_flows.items()
                if flows
            },
            "assumptions": list(self.assumptions),
        }
        bias = {c: v for c, v in self.optimism_bias.items() if c in COST_CATEGORIES}
        if bias:
            entry["optimism_bias"] = {**bias, "reason": self.bias_reason}
        return entry

    def amount(self, category: str, year: int) -> float | None:
        value = self.cash_flows.get(category, {}).get(str(year))
        return None if value is None else float(value)
