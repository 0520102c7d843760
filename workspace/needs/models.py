"""Indicator data (areas, indicators, values with intervals) and needs assessments.

Values are stored as the engine computed them from counts (``spiral.stats``): the model
never derives a figure itself. Shared indicators (Fingertips) have no organisation; an
indicator uploaded by a council belongs to it and only its people see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from workspace.accounts.models import Organisation
from workspace.cycles.models import Artefact, Cycle


class Area(models.Model):
    """A place with an ONS GSS code (or a fictional one, clearly marked)."""

    code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=120)
    area_type = models.CharField(max_length=60)
    parent_code = models.CharField(max_length=9, blank=True)
    fictional = models.BooleanField(default=False)
    derivation = models.TextField(blank=True, help_text="How a fictional area's figures were made.")
    context = models.JSONField(
        default=dict, help_text="Context variables for comparator groups (population, IMD...)."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Indicator(models.Model):
    """What is measured, and how its value and interval are computed."""

    class Statistic(models.TextChoices):
        PROPORTION = "proportion", "Proportion (Wilson score interval)"
        RATE = "rate", "Crude rate (Byar's method, exact below 10 events)"
        DSR = "dsr", "Directly standardised rate (Dobson method)"
        ISR = "isr", "Indirectly standardised ratio (Byar's method, exact below 10 events)"
        LIFE_EXPECTANCY = "life_expectancy", "Life expectancy at birth (Chiang II, Silcocks)"

    class Standard(models.TextChoices):
        ESP2013 = "esp2013", "European Standard Population 2013"
        ESP1976 = "esp1976", "European Standard Population 1976"

    class Reference(models.TextChoices):
        ENGLAND = "england", "England's age-specific rates"
        COMPARATORS = "comparators", "Each area's comparator group, pooled"

    class Polarity(models.TextChoices):
        LOW = "RAG - Low is good", "Low is good"
        HIGH = "RAG - High is good", "High is good"
        NONE = "BOB - Blue orange blue", "No judgement"

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="indicators"
    )
    key = models.CharField(max_length=60, help_text="Fingertips indicator id or a local id.")
    name = models.CharField(max_length=200)
    statistic = models.CharField(max_length=20, choices=Statistic.choices)
    multiplier = models.FloatField()
    polarity = models.CharField(max_length=30, choices=Polarity.choices)
    unit = models.CharField(max_length=40)
    sex = models.CharField(max_length=20, default="Persons")
    age = models.CharField(max_length=40, default="All ages")
    ci_method = models.CharField("interval method", max_length=60)
    source = models.TextField()
    standard_population = models.CharField(
        max_length=10, choices=Standard.choices, blank=True, help_text="For a DSR."
    )
    reference = models.CharField(
        "reference rates", max_length=12, choices=Reference.choices, blank=True,
        help_text="For an indirectly standardised ratio.",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_indicator_per_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def low_is_good(self) -> bool:
        return self.polarity == self.Polarity.LOW

    @property
    def age_banded(self) -> bool:
        """Whether values are computed from counts by age band (:class:`AgeBandCount`)."""
        return self.statistic in BANDED

    @property
    def count_labels(self) -> tuple[str, str]:
        """What the stored numerator and denominator are, for table headings."""
        return COUNT_LABELS.get(self.statistic, ("Numerator", "Denominator"))


BANDED: tuple[str, ...] = (
    Indicator.Statistic.DSR,
    Indicator.Statistic.ISR,
    Indicator.Statistic.LIFE_EXPECTANCY,
)
COUNT_LABELS: dict[str, tuple[str, str]] = {
    Indicator.Statistic.DSR: ("Events", "Population"),
    Indicator.Statistic.ISR: ("Observed", "Expected"),
    Indicator.Statistic.LIFE_EXPECTANCY: ("Deaths", "Population"),
}


class AgeBandCount(models.Model):
    """Events (or deaths) and population in one age band, for one area, period and sex.

    The inputs of a directly or indirectly standardised indicator or of life expectancy;
    the indicator's value per area and period is computed from them by the engine
    (:func:`spiral.indicators.age_bands.standardised_values`) and stored as an
    :class:`IndicatorValue`.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="age_bands")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="age_bands")
    period = models.CharField(max_length=20)
    sex = models.CharField(max_length=20, default="Persons")
    age_band = models.CharField(max_length=10, help_text="0-4, 5-9 ... 90+; 0 and 1-4.")
    band_order = models.PositiveSmallIntegerField(help_text="Position of the band, youngest 0.")
    count = models.FloatField(help_text="Events or deaths in the band.")
    population = models.FloatField()

    class Meta:
        ordering = ["indicator", "area", "period", "band_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period", "sex", "age_band"],
                name="one_count_per_age_band",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period} {self.age_band}"


class IndicatorValue(models.Model):
    """One indicator for one area and period: counts, value and intervals (95% and 99.8%)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="values")
    period = models.CharField(max_length=20)
    numerator = models.FloatField()
    denominator = models.FloatField()
    value = models.FloatField(null=True)
    lower_ci_95 = models.FloatField(null=True)
    upper_ci_95 = models.FloatField(null=True)
    lower_ci_99_8 = models.FloatField(null=True)
    upper_ci_99_8 = models.FloatField(null=True)
    method = models.CharField(max_length=80)

    class Meta:
        ordering = ["indicator", "area", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period"], name="one_value_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period}"


class ComparatorMember(models.Model):
    """One member of an area's comparator group, nearest first."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="comparators")
    comparator = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    distance = models.FloatField(null=True)
    method = models.CharField(max_length=200)

    class Meta:
        ordering = ["area", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["area", "comparator"], name="comparator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} → {self.comparator_id}"


class NeedsAssessment(models.Model):
    """A cycle's needs assessment: the area, the indicators chosen, what goes in the document."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="needs_assessment")
    artefact = models.ForeignKey(
        Artefact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    indicators = models.ManyToManyField(Indicator, related_name="+")
    summary = models.TextField(blank=True)
    include_spine = models.BooleanField("Spine chart and comparison table", default=True)
    include_funnel = models.BooleanField("Funnel plots", default=True)
    include_trends = models.BooleanField("Trends over time", default=True)
    include_forecast = models.BooleanField("Demand forecast", default=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Needs assessment: {self.cycle}"
