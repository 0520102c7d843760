"""Forms for programmes and cycles. They parse and check input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from workspace.accounts.models import Organisation
from workspace.cycles.models import (
    ARTEFACT_KIND_LABELS,
    Artefact,
    CoProductionEntry,
    CycleFramework,
    DecommissioningPlan,
    Recommendation,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ServiceErrorsMixin:
    """Copy a service's :class:`ValidationError` onto the form's fields."""

    def add_service_error(self, error: ValidationError) -> None:
        form: Any = self
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = name if name in form.fields else None
                for item in errors:
                    form.add_error(target, item.messages[0] if item.messages else str(item))
        else:
            for message in error.messages:
                form.add_error(None, message)


class GovForm(ServiceErrorsMixin, forms.Form):
    """A form whose required-field messages read the GOV.UK way."""

    required_messages: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            message = self.required_messages.get(name) or f"Enter {field.label or name}".lower()
            field.error_messages["required"] = message[:1].upper() + message[1:]


class ProgrammeForm(GovForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Lead organisation", empty_label=None
    )
    partner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Partner organisation (optional)",
        help_text="For joint commissioning, for example with the integrated care board.",
    )
    name = forms.CharField(max_length=200, label="Programme name")
    service_area = forms.CharField(
        max_length=120, label="Service area", help_text="For example, adult home care."
    )
    description = forms.CharField(widget=forms.Textarea, required=False, label="Description")
    required_messages = {
        "name": "Enter the programme's name",
        "service_area": "Enter the service area",
        "organisation": "Choose the lead organisation",
    }

    def __init__(self, *args: Any, organisations: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["partner_organisation"].queryset = partners  # type: ignore[attr-defined]


class StartCycleForm(GovForm):
    framework = forms.ModelChoiceField(
        queryset=CycleFramework.objects.none(),
        widget=forms.RadioSelect,
        label="Which cycle framework will this cycle follow?",
        empty_label=None,
    )
    required_messages = {"framework": "Choose a cycle framework"}

    def __init__(self, *args: Any, frameworks: list[CycleFramework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        field.queryset = CycleFramework.objects.filter(  # type: ignore[attr-defined]
            pk__in=[f.pk for f in frameworks]
        )
        field.choices = [(f.pk, f"{f.name}, version {f.version}") for f in frameworks]  # type: ignore[attr-defined]


class ArtefactForm(GovForm):
    title = forms.CharField(max_length=200, label="Title")
    summary = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Summary",
        help_text="What this artefact says, in a few paragraphs. Needed to mark it complete.",
    )
    findings = forms.CharField(
        widget=forms.Textarea, required=False, label="Findings and conclusions"
    )
    evidence = forms.CharField(
        widget=forms.Textarea, required=False, label="Evidence and data sources"
    )
    links = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Links",
        help_text="One web address a line, starting https://",
    )
    file = forms.FileField(required=False, label="Upload a file (optional)")
    status = forms.ChoiceField(
        choices=[(Artefact.Status.DRAFT, "Draft"), (Artefact.Status.COMPLETE, "Complete")],
        widget=forms.RadioSelect,
        label="Is this artefact complete?",
    )
    required_messages = {"title": "Enter a title", "status": "Choose draft or complete"}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file must be smaller than 20 MB")
        return upload


class ActivityForm(GovForm):
    name = forms.CharField(max_length=200, label="Activity")
    guidance = forms.CharField(
        widget=forms.Textarea, required=False, label="What it involves (optional)"
    )
    artefact_kind = forms.ChoiceField(
        choices=list(ARTEFACT_KIND_LABELS.items()),
        label="What does it produce?",
        initial="other",
    )
    required_messages = {"name": "Enter the activity's name"}


class GateSubmitForm(GovForm):
    note = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Note for the approver (optional)",
    )


class SignOffForm(GovForm):
    APPROVE = "approve"
    SEND_BACK = "send_back"
    outcome = forms.ChoiceField(
        choices=[(APPROVE, "Sign off the gate"), (SEND_BACK, "Send it back")],
        widget=forms.RadioSelect,
        label="What is your decision?",
    )
    checklist = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Confirm each item on the gate's checklist",
    )
    note = forms.CharField(
        widget=forms.Textarea, required=False, label="Reasons for signing off (optional)"
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Why are you sending it back?",
        help_text="Say what needs to change. Needed when sending back.",
    )
    required_messages = {"outcome": "Choose whether to sign off or send back"}

    def __init__(self, *args: Any, checklist: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = [(item, item) for item in checklist]  # type: ignore[attr-defined]


class DecisionForm(GovForm):
    title = forms.CharField(max_length=300, label="What was decided?")
    stage_id = forms.ChoiceField(required=False, label="Stage (optional)")
    options_considered = forms.CharField(
        widget=forms.Textarea, required=False, label="Options considered"
    )
    rationale = forms.CharField(widget=forms.Textarea, label="Rationale")
    evidence_links = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Evidence",
        help_text="One web address a line, starting https://",
    )
    decision_maker = forms.CharField(
        max_length=200,
        required=False,
        label="Who decided (optional)",
        help_text="The body or post, for example Cabinet, 12 March 2026. You are recorded too.",
    )
    required_messages = {"title": "Enter what was decided", "rationale": "Enter why it was decided"}

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage_id"].choices = [("", "Not tied to a stage"), *stages]  # type: ignore[attr-defined]


class CoProductionForm(GovForm):
    stage_id = forms.ChoiceField(label="Stage", widget=forms.RadioSelect)
    participants = forms.MultipleChoiceField(
        choices=CoProductionEntry.Participant.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Who took part?",
    )
    people_count = forms.IntegerField(
        required=False, min_value=1, max_value=100000, label="How many people (optional)"
    )
    method = forms.ChoiceField(
        choices=CoProductionEntry.Method.choices, widget=forms.RadioSelect, label="How?"
    )
    held_on = forms.DateField(
        label="When (date)", help_text="For example, 2026-03-27", widget=forms.DateInput
    )
    description = forms.CharField(widget=forms.Textarea, label="What happened")
    what_changed = forms.CharField(widget=forms.Textarea, label="What changed because of it")
    required_messages = {
        "stage_id": "Choose the stage",
        "participants": "Choose who took part",
        "method": "Choose how they took part",
        "held_on": "Enter the date, for example 2026-03-27",
        "description": "Enter what happened",
        "what_changed": "Enter what changed because of it (or that nothing did, and why)",
    }

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage_id"].choices = stages  # type: ignore[attr-defined]
        self.fields["held_on"].error_messages["invalid"] = (
            "Enter the date as year-month-day, for example 2026-03-27"
        )
        self.fields["people_count"].error_messages["invalid"] = "Enter a whole number of people"


class RecommendationForm(GovForm):
    choice = forms.ChoiceField(
        choices=Recommendation.Choice.choices,
        widget=forms.RadioSelect,
        label="What does the review recommend for the next cycle?",
    )
    rationale = forms.CharField(widget=forms.Textarea, label="Why")
    evidence = forms.CharField(
        widget=forms.Textarea, required=False, label="Evidence to carry forward"
    )
    required_messages = {
        "choice": "Choose a recommendation",
        "rationale": "Enter the reasons for the recommendation",
    }


class DecommissioningStartForm(GovForm):
    source = forms.ChoiceField(
        choices=DecommissioningPlan.Source.choices,
        widget=forms.RadioSelect,
        label="What recommended decommissioning?",
    )
    reason = forms.CharField(
        widget=forms.Textarea, label="Why is the service being decommissioned?"
    )
    required_messages = {
        "source": "Choose what recommended decommissioning",
        "reason": "Enter why the service is being decommissioned",
    }


class DecommissioningStepForm(GovForm):
    notes = forms.CharField(widget=forms.Textarea, required=False, label="What has been done")
    completed = forms.BooleanField(required=False, label="This item is complete")


class FrameworkAdaptForm(GovForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="For which organisation?", empty_label=None
    )
    new_id = forms.CharField(
        max_length=80,
        label="Framework id",
        help_text="Lower-case letters, digits and hyphens, for example kingsmere-cycle.",
    )
    name = forms.CharField(max_length=200, label="Name")
    required_messages = {
        "new_id": "Enter an id for the copy",
        "name": "Enter a name for the copy",
        "organisation": "Choose the organisation",
    }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class FrameworkReviseForm(GovForm):
    yaml_text = forms.CharField(
        widget=forms.Textarea,
        label="The framework, as YAML",
        help_text="Saving makes a new version. Cycles under way keep the version they started on.",
    )
    required_messages = {"yaml_text": "Enter the framework"}


class FrameworkImportForm(GovForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="For which organisation?", empty_label=None
    )
    file = forms.FileField(
        label="Framework file (YAML)",
        help_text="Check it first with: spiral frameworks check FILE",
    )
    required_messages = {
        "file": "Choose a framework file",
        "organisation": "Choose the organisation",
    }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise ValidationError("The framework file must be smaller than 1 MB")
        try:
            upload.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("The framework file must be text (UTF-8)") from None
        return upload
