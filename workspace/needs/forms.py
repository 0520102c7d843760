"""Forms for the needs assessment and for uploading local indicator data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from workspace.cycles.forms import MAX_UPLOAD_BYTES, GovForm
from workspace.needs.models import Area, Indicator


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
        choices=Indicator.Statistic.choices, widget=forms.RadioSelect, label="Statistic"
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
