"""Forms for sourcing and the market view. They parse and check input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms

from spiral.ocds.classifications import cpv_prefixes
from workspace.cycles.forms import MAX_UPLOAD_BYTES, GovForm
from workspace.sourcing.models import ROUTE_CHOICES, Bid, Milestone
from workspace.sourcing.services import COST_ACTIVITIES

DATE_HINT = "For example, 2026-03-27"
ACTIVITY_LABELS = {
    "market_engagement": "market engagement",
    "specification": "writing the specification",
    "evaluation": "evaluation",
    "legal": "legal work",
    "monitoring": "contract monitoring",
    "disputes": "disputes",
}


def _date(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=DATE_HINT, widget=forms.DateInput
    )


def _money(label: str, *, required: bool = True, hint: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=hint,
        widget=forms.NumberInput,
    )


class SourcingForm(GovForm):
    title = forms.CharField(max_length=200, label="What is being secured")
    route = forms.ChoiceField(choices=ROUTE_CHOICES, widget=forms.RadioSelect, label="Route")
    rationale = forms.CharField(widget=forms.Textarea, label="Why this route")
    description = forms.CharField(widget=forms.Textarea, required=False, label="Description")
    contract_value = _money("Contract value over its whole term (£)")
    planned_on = _date("Route chosen on", required=True)
    tender_start = _date("Tender opens (optional)")
    tender_end = _date("Tender closes (optional)")
    contract_start = _date("Contract starts (optional)")
    contract_end = _date("Contract ends (optional)")
    required_messages = {
        "title": "Enter what is being secured",
        "route": "Choose a sourcing route",
        "rationale": "Enter why this route was chosen",
        "contract_value": "Enter the contract value",
        "planned_on": "Enter the date the route was chosen",
    }


class MilestoneForm(GovForm):
    title = forms.CharField(max_length=200, label="Milestone")
    kind = forms.ChoiceField(
        choices=Milestone.Kind.choices, widget=forms.RadioSelect, label="Kind of milestone"
    )
    due_on = _date("Due on", required=True)
    met_on = _date("Met on (optional)")
    required_messages = {
        "title": "Enter the milestone",
        "kind": "Choose the kind of milestone",
        "due_on": "Enter the date the milestone is due",
    }


class CostsForm(GovForm):
    day_rate = _money("Staff day rate (£)", hint="Fully loaded cost of a day of staff time.")
    per_bid_cost = _money(
        "Cost of preparing one bid (£)", hint="The assumed cost to a bidder of one bid."
    )
    per_bid_cost_source = forms.CharField(
        widget=forms.Textarea, label="Where the per-bid cost comes from"
    )
    expected_saving_percent = forms.DecimalField(
        label="Expected saving (% of contract value)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput,
        help_text="What this route is expected to save, as a percentage of the contract value.",
    )
    bids_received = forms.IntegerField(
        label="Bids received (optional)",
        required=False,
        min_value=0,
        widget=forms.NumberInput,
        help_text="Leave empty to count the bids recorded.",
    )
    required_messages = {
        "day_rate": "Enter the staff day rate",
        "per_bid_cost": "Enter the cost of preparing one bid (0 if none)",
        "per_bid_cost_source": "Enter where the per-bid cost comes from",
        "expected_saving_percent": "Enter the expected saving (0 if none)",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for activity in COST_ACTIVITIES:
            label = ACTIVITY_LABELS[activity]
            self.fields[f"{activity}_days"] = forms.DecimalField(
                label=f"Staff days on {label}",
                min_value=0,
                decimal_places=1,
                initial=0,
                required=False,
                widget=forms.NumberInput,
            )
            self.fields[f"{activity}_external"] = _money(
                f"External costs of {label} (£)", required=False
            )

    def staff_days(self) -> dict[str, Any]:
        return {f"{a}_days": self.cleaned_data.get(f"{a}_days") or 0 for a in COST_ACTIVITIES}

    def external(self) -> dict[str, Any]:
        return {
            f"{a}_external": self.cleaned_data.get(f"{a}_external") or 0 for a in COST_ACTIVITIES
        }


class CriteriaForm(GovForm):
    price_weight = forms.IntegerField(
        label="Price (%)", min_value=0, max_value=100, widget=forms.NumberInput
    )
    quality_weight = forms.IntegerField(
        label="Quality (%)", min_value=0, max_value=100, widget=forms.NumberInput
    )
    social_value_weight = forms.IntegerField(
        label="Social value (%)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput,
        help_text="Central government sets at least 10% (PPN 06/20).",
    )
    required_messages = {
        "price_weight": "Enter the price weight",
        "quality_weight": "Enter the quality weight",
        "social_value_weight": "Enter the social value weight",
    }


class BidForm(GovForm):
    bidder = forms.CharField(max_length=200, label="Bidder")
    price = _money("Price over the contract term (£)")
    quality_score = forms.DecimalField(
        label="Quality score (0 to 100, after moderation)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput,
    )
    social_value_score = forms.DecimalField(
        label="Social value score (0 to 100, after moderation)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput,
    )
    moderation_notes = forms.CharField(
        widget=forms.Textarea, required=False, label="Moderation notes"
    )
    sme = forms.BooleanField(required=False, label=Bid._meta.get_field("sme").verbose_name)
    vcse = forms.BooleanField(required=False, label=Bid._meta.get_field("vcse").verbose_name)
    public_body = forms.BooleanField(required=False, label="Public body")
    identifier_scheme = forms.CharField(
        max_length=20,
        required=False,
        label="Organisation identifier scheme (optional)",
        help_text="For example GB-COH (Companies House) or GB-CHC (Charity Commission).",
    )
    identifier_id = forms.CharField(
        max_length=60, required=False, label="Organisation identifier (optional)"
    )
    received_on = _date("Received on (optional)")
    required_messages = {
        "bidder": "Enter the bidder's name",
        "price": "Enter the price",
        "quality_score": "Enter the quality score",
        "social_value_score": "Enter the social value score",
    }


class AwardForm(GovForm):
    bid = forms.ChoiceField(widget=forms.RadioSelect, label="Award to")
    awarded_on = _date("Awarded on", required=True)
    rationale = forms.CharField(widget=forms.Textarea, label="Why this bid")
    decision_maker = forms.CharField(
        max_length=200, required=False, label="Decided by (body or post, optional)"
    )
    contract_start = _date("Contract starts (optional)")
    contract_end = _date("Contract ends (optional)")
    required_messages = {
        "bid": "Choose the bid to award to",
        "awarded_on": "Enter the date of the award",
        "rationale": "Enter why this bid was chosen",
    }

    def __init__(self, *args: Any, bids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bid"].choices = bids  # type: ignore[attr-defined]


class UploadForm(GovForm):
    file = forms.FileField(label="File")
    required_messages = {"file": "Choose a file to upload"}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


class StatementForm(GovForm):
    text = forms.CharField(widget=forms.Textarea, label="Market position statement")
    required_messages = {"text": "Enter the market position statement"}


class TerminationForm(GovForm):
    terminated_on = _date("Contract ended on", required=True)
    reason = forms.CharField(widget=forms.Textarea, label="Why the contract ended early")
    required_messages = {
        "terminated_on": "Enter the date the contract ended",
        "reason": "Enter why the contract ended early",
    }


class MarketFilterForm(GovForm):
    cpv = forms.CharField(
        required=False,
        label="CPV codes or prefixes (optional)",
        help_text=(
            "Separate them with commas or spaces, for example 85310000, 853. A code stands "
            "for every code under it: 85300000 covers 85311000. Leave empty for every "
            "classification."
        ),
    )
    buyer_id = forms.ChoiceField(
        required=False, label="Buyer (optional)", choices=[("", "Any buyer")]
    )
    awarded_from = _date("Awarded on or after (optional)")
    awarded_to = _date("Awarded on or before (optional)")

    def __init__(self, *args: Any, buyers: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Any buyer")] + [(b["id"], b["name"] or b["id"]) for b in buyers]
        self.fields["buyer_id"].choices = choices  # type: ignore[attr-defined]

    def clean_cpv(self) -> str:
        text: str = self.cleaned_data["cpv"]
        try:
            cpv_prefixes(text)
        except ValueError as error:
            message = str(error)
            raise forms.ValidationError(message[0].upper() + message[1:]) from None
        return text
