"""Forms for the Review stage and the Spiral test's figures. They parse; services do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from spiral.spiral_test.periods import parse_period
from workspace.cycles.forms import GovForm

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class HistoryUploadForm(GovForm):
    required_messages = {"file": "Choose a history file (JSON) to upload"}

    file = forms.FileField(
        label="History file (JSON)",
        help_text=(
            "The programme history format described in the Spiral test documentation, for "
            "example one downloaded from this page and filled in. Every problem is listed, by "
            "cycle or indicator and field; nothing is saved unless the whole file is right."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file must be smaller than 10 MB")
        return upload


def _number(label: str, hint: str = "") -> forms.FloatField:
    return forms.FloatField(label=label, required=False, min_value=0, help_text=hint)


class CycleFiguresForm(GovForm):
    delivery_model = forms.CharField(label="Delivery model", required=False, max_length=200)
    sourcing_route = forms.CharField(label="Sourcing route", required=False, max_length=200)
    reprocured_same_model = forms.BooleanField(
        label="This cycle re-procured the model it already had", required=False
    )
    spend = forms.CharField(
        label="Cash spent by period",
        required=False,
        widget=forms.Textarea,
        help_text="One period a line, for example “2022/23: 1250000”.",
    )
    population = _number("Population served")
    service_users = _number("Service users")
    staff_days = _number("Transaction costs: staff days")
    external_costs = _number("Transaction costs: external costs (£, cash)")
    external_costs_year = forms.CharField(
        label="Transaction costs: period they were spent in",
        required=False,
        max_length=30,
        help_text="For example 2022/23.",
    )
    analysis_days = _number("Effort: analysis (staff days)")
    planning_days = _number("Effort: planning (staff days)")
    procurement_days = _number("Effort: procurement (staff days)")
    review_days = _number("Effort: review (staff days)")

    def clean_spend(self) -> dict[str, float]:
        spend: dict[str, float] = {}
        for number, line in enumerate(self.cleaned_data["spend"].splitlines(), start=1):
            if not line.strip():
                continue
            period, sep, amount = line.partition(":")
            try:
                parse_period(period.strip())
            except ValueError as error:
                raise ValidationError(f"Line {number}: {error}") from None
            try:
                value = float(amount.replace(",", "").replace("£", "").strip()) if sep else None
            except ValueError:
                value = None
            if value is None or value < 0:
                raise ValidationError(f"Line {number}: give the period, a colon and an amount")
            if period.strip() in spend:
                raise ValidationError(f"Line {number}: {period.strip()} is given twice")
            spend[period.strip()] = value
        return spend

    def clean_external_costs_year(self) -> str:
        year = str(self.cleaned_data["external_costs_year"]).strip()
        if year:
            try:
                parse_period(year)
            except ValueError as error:
                raise ValidationError(str(error)) from None
        return year


def spend_text(spend: dict[str, float]) -> str:
    """Spend as the form shows it: one ``period: amount`` a line."""
    return "\n".join(f"{period}: {amount:.0f}" for period, amount in spend.items())


class FindingsForm(GovForm):
    required_messages = {
        "findings": "Enter the review's findings",
        "reviewed_on": "Enter the date of the review",
    }

    findings = forms.CharField(
        label="Findings",
        widget=forms.Textarea,
        help_text="What the evidence shows: outcomes, cost and value, what people said, process.",
    )
    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2024-03-31.",
    )

    def clean_reviewed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["reviewed_on"]
        if day > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError("The date of the review must not be in the future")
        return day


class PlanResponseForm(GovForm):
    required_messages = {
        "addressed": "Say whether this cycle's plan takes the recommendation up",
        "how": "Say where the plan takes it up, or why it does not",
    }

    addressed = forms.TypedChoiceField(
        label="Does this cycle's plan take the recommendation up?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    how = forms.CharField(
        label="Where the plan takes it up, or why it does not", widget=forms.Textarea
    )
