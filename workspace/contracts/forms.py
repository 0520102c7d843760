"""Forms for the contract register and provider returns. They parse; services check and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from spiral.spc.ratings import RATING_LABELS
from workspace.accounts.models import Organisation
from workspace.contracts.models import KPI, Agreement, ContractChange
from workspace.cycles.forms import GovForm
from workspace.cycles.models import Decision, Programme


class DateInput(forms.DateInput):
    input_type = "date"


class AgreementForm(GovForm):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), empty_label=None)
    reference = forms.CharField(max_length=60)
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(
        choices=Agreement.Kind.choices, widget=forms.RadioSelect, label="Kind of agreement"
    )
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Provider (leave empty for an in-house agreement)",
    )
    in_house_unit = forms.CharField(max_length=200, required=False, label="In-house team")
    value = forms.DecimalField(max_digits=14, decimal_places=2, label="Value (£)")
    start_date = forms.DateField(widget=DateInput, label="Start date")
    end_date = forms.DateField(widget=DateInput, label="End date")
    payment_mechanism = forms.ChoiceField(
        choices=Agreement.Payment.choices, widget=forms.RadioSelect, label="Payment mechanism"
    )
    return_frequency = forms.ChoiceField(
        choices=Agreement.Frequency.choices, widget=forms.RadioSelect, label="Returns"
    )
    extension_options = forms.CharField(widget=forms.Textarea, required=False)
    extension_months_available = forms.IntegerField(
        min_value=0, initial=0, label="Months of extension available"
    )
    break_clauses = forms.CharField(widget=forms.Textarea, required=False)
    description = forms.CharField(widget=forms.Textarea, required=False)
    decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label="The decision that created it (optional)",
    )

    def __init__(self, *args: Any, programmes: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        decisions = Decision.objects.filter(cycle__programme__in=programmes).select_related(
            "cycle__programme"
        )
        field: Any = self.fields["decision"]
        field.queryset = decisions
        field.label_from_instance = lambda d: (
            f"{d.cycle.programme.name}, cycle {d.cycle.number}: {d.title}"
        )


class KPIForm(GovForm):
    name = forms.CharField(max_length=200, label="KPI name")
    unit = forms.CharField(max_length=40)
    kind = forms.ChoiceField(choices=KPI.Kind.choices, widget=forms.RadioSelect, label="Kind")
    polarity = forms.ChoiceField(
        choices=KPI.Polarity.choices, widget=forms.RadioSelect, label="Which way is better"
    )
    target = forms.DecimalField(max_digits=14, decimal_places=4, required=False)
    minimum = forms.DecimalField(
        max_digits=14, decimal_places=4, required=False, label="Smallest allowed value"
    )
    maximum = forms.DecimalField(
        max_digits=14, decimal_places=4, required=False, label="Largest allowed value"
    )
    multiplier = forms.IntegerField(min_value=1, initial=1)


class ChangeForm(GovForm):
    kind = forms.ChoiceField(
        choices=ContractChange.Kind.choices, widget=forms.RadioSelect, label="Kind of change"
    )
    effective_on = forms.DateField(widget=DateInput, label="Takes effect on")
    reason = forms.CharField(widget=forms.Textarea)
    value_change = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, label="Change in value (£, optional)"
    )
    new_end_date = forms.DateField(
        widget=DateInput, required=False, label="New end date (extensions)"
    )


class PaymentForm(GovForm):
    paid_on = forms.DateField(widget=DateInput, label="Paid on")
    amount = forms.DecimalField(max_digits=14, decimal_places=2, label="Amount (£)")
    reference = forms.CharField(max_length=100, required=False)


class MilestoneForm(GovForm):
    title = forms.CharField(max_length=200, label="Milestone")
    due_date = forms.DateField(widget=DateInput, label="Due on")


class PaymentsImportForm(GovForm):
    file = forms.FileField(label="Payments file (CSV)")


class PublishForm(GovForm):
    published = forms.BooleanField(required=False, label="Show on the public register")
    value_confidential = forms.BooleanField(
        required=False, label="The value is commercially confidential"
    )


class ReturnForm(GovForm):
    """The KPI fields are added per agreement: ``kpi-<id>-value`` or numerator/denominator."""

    activity = forms.CharField(widget=forms.Textarea, required=False, label="Activity")
    spend = forms.CharField(required=False, label="Spend this period (£)")
    narrative = forms.CharField(widget=forms.Textarea, required=False, label="Narrative")

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpis = list(agreement.kpis.all())
        for kpi in self.kpis:
            hint = f"{kpi.get_kind_display()}, {kpi.unit}"
            if kpi.target is not None:
                hint += f"; target {format(kpi.target.normalize(), 'f')}"
            if kpi.uses_counts:
                self.fields[f"kpi-{kpi.pk}-numerator"] = forms.CharField(
                    required=False, label=f"{kpi.name}: numerator", help_text=hint
                )
                self.fields[f"kpi-{kpi.pk}-denominator"] = forms.CharField(
                    required=False, label=f"{kpi.name}: denominator"
                )
            else:
                self.fields[f"kpi-{kpi.pk}-value"] = forms.CharField(
                    required=False, label=kpi.name, help_text=hint
                )

    def kpi_field_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith("kpi-")]

    def entries(self) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for name in self.kpi_field_names():
            _, pk, part = name.split("-")
            found.setdefault(int(pk), {})[part] = self.cleaned_data.get(name, "")
        return found


class QueryForm(GovForm):
    message = forms.CharField(widget=forms.Textarea, label="Your question for the provider")


class OverrideForm(GovForm):
    rating = forms.ChoiceField(
        choices=list(RATING_LABELS.items()), widget=forms.RadioSelect, label="Rating"
    )
    reason = forms.CharField(widget=forms.Textarea, label="Reason for the override")


class InHouseTeamForm(GovForm):
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who in the in-house team sends the returns",
        help_text=(
            "People of the programme's organisations. They see this agreement, send its "
            "returns and see its ratings; nothing else. Whoever sends a return cannot accept it."
        ),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: (  # type: ignore[attr-defined]
            f"{user.get_full_name() or user.get_username()} ({user.get_username()})"
        )
