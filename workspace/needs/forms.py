"""Forms for the needs assessment and for uploading local indicator data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from workspace.cycles.forms import MAX_UPLOAD_BYTES, GovForm
from workspace.needs.models import BANDED, Area, Indicator


class NeedsAssessmentForm(GovForm):
    required_messages = {"indicators": "Choose at least one indicator"}

    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Area assessed",
        empty_label=None,
        help_text="Compared with its nearest statistical neighbours and with England.",
    )
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Indicators for this programme",
    )
    summary = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Summary of need",
        help_text="What the figures say, in plain words. It opens the document.",
    )
    include_spine = forms.BooleanField(required=False, label="Spine chart and comparison table")
    include_funnel = forms.BooleanField(required=False, label="Funnel plots")
    include_trends = forms.BooleanField(required=False, label="Trends over time")
    include_forecast = forms.BooleanField(required=False, label="Demand forecast")

    def __init__(
        self,
        *args: Any,
        areas: QuerySet[Area],
        indicators: QuerySet[Indicator],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = indicators  # type: ignore[attr-defined]


class IndicatorUploadForm(GovForm):
    required_messages = {
        "key": "Enter an indicator id",
        "name": "Enter the indicator's name",
        "statistic": "Choose whether it is a proportion or a rate",
        "multiplier": "Choose what the value is per",
        "polarity": "Choose which direction is better",
        "unit": "Enter the unit",
        "file": "Choose a CSV or Excel file",
    }

    key = forms.SlugField(
        max_length=60, label="Indicator id", help_text="A short id, such as local-falls-65."
    )
    name = forms.CharField(max_length=200, label="Indicator name")
    statistic = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in Indicator.Statistic.choices
            if value in ("proportion", "rate")
        ],
        widget=forms.RadioSelect,
        label="Statistic",
        help_text="Standardised rates, ratios and life expectancy are uploaded by age band.",
    )
    multiplier = forms.TypedChoiceField(
        choices=[("100", "Percentage (per 100)"), ("1000", "Per 1,000"), ("100000", "Per 100,000")],
        coerce=float,
        widget=forms.RadioSelect,
        label="Value per",
    )
    polarity = forms.ChoiceField(
        choices=Indicator.Polarity.choices, widget=forms.RadioSelect, label="Which is better"
    )
    unit = forms.CharField(max_length=40, label="Unit", help_text="For example %, per 100,000.")
    file = forms.FileField(
        label="CSV or Excel file",
        help_text=(
            "Columns area_code, period, numerator and denominator; one row per area and "
            "period. Nothing is saved unless every row is right."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


class AgeBandUploadForm(GovForm):
    """An indicator computed from counts by age band: DSR, ISR or life expectancy."""

    required_messages = {
        "key": "Enter an indicator id",
        "name": "Enter the indicator's name",
        "statistic": "Choose a directly standardised rate, a ratio or life expectancy",
        "polarity": "Choose which direction is better",
        "unit": "Enter the unit",
        "file": "Choose a CSV or Excel file",
    }

    key = forms.SlugField(
        max_length=60, label="Indicator id", help_text="A short id, such as local-u75-cvd."
    )
    name = forms.CharField(max_length=200, label="Indicator name")
    statistic = forms.ChoiceField(
        choices=[(value, label) for value, label in Indicator.Statistic.choices if value in BANDED],
        widget=forms.RadioSelect,
        label="Statistic",
    )
    standard_population = forms.ChoiceField(
        choices=Indicator.Standard.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Indicator.Standard.ESP2013,
        label="Standard population (directly standardised rates)",
    )
    multiplier = forms.TypedChoiceField(
        choices=[("100000", "Per 100,000"), ("1000", "Per 1,000")],
        coerce=float,
        widget=forms.RadioSelect,
        required=False,
        initial="100000",
        label="Rate per (directly standardised rates)",
        help_text="A ratio is given with England (or the comparator group) as 100; life "
        "expectancy in years.",
    )
    reference = forms.ChoiceField(
        choices=Indicator.Reference.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Indicator.Reference.ENGLAND,
        label="Reference rates (indirectly standardised ratios)",
    )
    polarity = forms.ChoiceField(
        choices=Indicator.Polarity.choices, widget=forms.RadioSelect, label="Which is better"
    )
    unit = forms.CharField(
        max_length=40, label="Unit", help_text="For example per 100,000, ratio, years."
    )
    file = forms.FileField(
        label="CSV or Excel file",
        help_text=(
            "Columns area_code, period, age_band, count and population (sex optional); one "
            "row per area, period and age band. Nothing is saved unless every row is right."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload
