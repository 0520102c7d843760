"""What the Review stage and the Spiral test need that no other part of the workspace holds yet.

The Spiral test reads a programme's history (``docs/spiral-test.md``). The cycles, their
dates and their review recommendations live in :mod:`workspace.cycles`; the figures —
indicator series for the area and its comparators, spend, population, service users,
transaction costs and effort by stage — are kept here, entered or uploaded by an analyst,
until the areas that own them supply them (see :mod:`workspace.reviews.history`; the
indicator series already come from the needs data and the outcomes frameworks when those
hold them, :mod:`workspace.reviews.outcome_sources`).

Changes go through ``services.py``, which records each in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from workspace.cycles.models import Cycle, Programme, Recommendation


class ProgrammeFigures(models.Model):
    """A programme's figures for the Spiral test that are not per cycle.

    The JSON fields hold the history file's own parts, already checked by the engine:
    ``comparators``, ``indicators``, ``deflator`` and ``previous_arrangement``.
    """

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="spiral_figures"
    )
    area_code = models.CharField(max_length=20, blank=True, help_text="ONS GSS code.")
    area_name = models.CharField(max_length=200, blank=True)
    comparators = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    deflator = models.JSONField(null=True, blank=True)
    staff_day_cost = models.FloatField(null=True, blank=True)
    previous_arrangement = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "programme figures"

    def __str__(self) -> str:
        return f"Spiral test figures: {self.programme}"


class CycleFigures(models.Model):
    """One cycle's cost, reach and process figures for the Spiral test."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="spiral_figures")
    delivery_model = models.CharField(max_length=200, blank=True)
    sourcing_route = models.CharField(max_length=200, blank=True)
    reprocured_same_model = models.BooleanField("re-procured the same model", default=False)
    spend = models.JSONField(default=dict, blank=True, help_text="Cash spent by period.")
    population = models.FloatField(null=True, blank=True)
    service_users = models.FloatField(null=True, blank=True)
    staff_days = models.FloatField(null=True, blank=True)
    external_costs = models.FloatField(null=True, blank=True)
    external_costs_year = models.CharField(max_length=30, blank=True)
    analysis_days = models.FloatField(null=True, blank=True)
    planning_days = models.FloatField(null=True, blank=True)
    procurement_days = models.FloatField(null=True, blank=True)
    review_days = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "cycle figures"

    def __str__(self) -> str:
        return f"Spiral test figures: {self.cycle}"

    def effort_days(self) -> dict[str, float]:
        """Recorded days by stage, leaving out the stages with no figure."""
        days = {
            "analysis": self.analysis_days,
            "planning": self.planning_days,
            "procurement": self.procurement_days,
            "review": self.review_days,
        }
        return {stage: value for stage, value in days.items() if value is not None}


class CycleReview(models.Model):
    """The commissioner's findings at a cycle's Review stage."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="review_findings")
    findings = models.TextField()
    reviewed_on = models.DateField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Review findings: {self.cycle}"


class PlanResponse(models.Model):
    """Whether the next cycle's plan takes up one recommendation of the previous review."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, related_name="plan_response"
    )
    addressed = models.BooleanField()
    how = models.TextField(help_text="Where the plan takes it up, or why it does not.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{'Addressed' if self.addressed else 'Not addressed'}: {self.recommendation}"
