"""Programmes, their commissioning cycles, and everything recorded along a cycle.

A **programme** is a service area an organisation commissions over successive **cycles**.
Each cycle pins the framework version it started on (a snapshot of its definition is
stored on the cycle), so a framework changed later never changes a cycle under way. The
cycle's stages are tracked in :class:`StageProgress`; its work is held in
:class:`Artefact` records; a stage closes when an approver signs its gate off, which is
recorded as a :class:`Decision`. Review recommendations are carried into the next cycle.

Changes go through ``services.py``, which records each in the audit trail.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from spiral.frameworks import (
    ARTEFACT_KINDS,
    Activity,
    Framework,
    Stage,
    framework_from_document,
)
from workspace.accounts.models import Organisation

ARTEFACT_KIND_LABELS = {
    "needs_assessment": "Needs assessment",
    "market_analysis": "Market analysis",
    "outcomes_framework": "Outcomes framework",
    "options_appraisal": "Options appraisal",
    "sourcing_plan": "Sourcing plan",
    "contract": "Contract",
    "review": "Review",
    "decommissioning_plan": "Decommissioning plan",
    "other": "Other",
}
assert tuple(ARTEFACT_KIND_LABELS) == ARTEFACT_KINDS, "one vocabulary with the engine"


class CycleFramework(models.Model):
    """One version of a cycle framework: its YAML text and the parsed document.

    Shipped frameworks have no organisation; an organisation's own copies belong to it.
    A version is never edited: a change makes the next version.
    """

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cycle_frameworks",
        help_text="Empty for the frameworks that ship with Spiral.",
    )
    key = models.CharField("framework id", max_length=80)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    based_on = models.CharField(max_length=100, blank=True)
    yaml_text = models.TextField("YAML")
    definition = models.JSONField(help_text="The parsed framework document.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "version"], name="one_framework_version_per_owner"
            ),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(organisation__isnull=True),
                name="one_shipped_framework_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def label(self) -> str:
        """``id@version`` of this framework version."""
        return f"{self.key}@{self.version}"

    @property
    def is_shipped(self) -> bool:
        return self.organisation_id is None

    @cached_property
    def framework(self) -> Framework:
        """The engine's framework for this version."""
        return framework_from_document(self.definition, source=self.label)


class Programme(models.Model):
    """A service area commissioned over successive cycles, by one organisation or two."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DECOMMISSIONED = "decommissioned", "Decommissioned"
        CLOSED = "closed", "Closed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    partner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_programmes",
        help_text="For joint commissioning: the second organisation, for example the ICB.",
    )
    name = models.CharField(max_length=200)
    service_area = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def organisations(self) -> list[Organisation]:
        """The lead organisation and, for joint commissioning, the partner."""
        found = [self.organisation]
        if self.partner_organisation is not None:
            found.append(self.partner_organisation)
        return found

    def current_cycle(self) -> Cycle | None:
        """The latest cycle (under way or finished), or ``None`` before the first."""
        return self.cycles.order_by("-number").first()


class Cycle(models.Model):
    """One round of commissioning for a programme, on a pinned framework version."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveIntegerField()
    framework = models.ForeignKey(CycleFramework, on_delete=models.PROTECT, related_name="cycles")
    framework_label = models.CharField(max_length=100)
    framework_snapshot = models.JSONField(
        help_text="The framework's definition when the cycle started; it never changes."
    )
    previous_cycle = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_cycle",
    )
    starting_evidence = models.TextField(
        blank=True, help_text="What the previous cycle's review handed on."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["programme__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="one_cycle_number")
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: cycle {self.number}"

    @cached_property
    def definition(self) -> Framework:
        """The framework as it was when this cycle started."""
        return framework_from_document(self.framework_snapshot, source=self.framework_label)

    def stage(self, stage_id: str) -> Stage:
        return self.definition.stage(stage_id)

    def current_progress(self) -> StageProgress | None:
        """The first stage not yet signed off, or ``None`` when every gate is."""
        return (
            self.stages.exclude(status=StageProgress.Status.APPROVED).order_by("position").first()
        )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    def activity(self, activity_id: str) -> Activity:
        """An activity of the pinned framework, or one people added to an open stage."""
        if activity_id.startswith(AddedActivity.PREFIX):
            added = self.added_activities.get(
                pk=int(activity_id.removeprefix(AddedActivity.PREFIX))
            )
            return added.as_activity()
        return self.definition.activity(activity_id)


class StageProgress(models.Model):
    """Where one stage of a cycle stands, up to and including its gate."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Awaiting sign-off"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Signed off"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="stages")
    stage_id = models.CharField(max_length=80)
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_back_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["cycle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "stage_id"], name="one_progress_per_stage")
        ]
        verbose_name_plural = "stage progress"

    def __str__(self) -> str:
        return f"{self.cycle}: {self.stage.name}"

    @property
    def stage(self) -> Stage:
        return self.cycle.stage(self.stage_id)

    @property
    def is_editable(self) -> bool:
        """Work in the stage can change until it is submitted, and again if sent back."""
        return self.cycle.is_open and self.status in {
            self.Status.NOT_STARTED,
            self.Status.IN_PROGRESS,
            self.Status.SENT_BACK,
        }


class AddedActivity(models.Model):
    """An activity people added to a stage that leaves its activities open (free form)."""

    PREFIX = "added-"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="added_activities")
    stage_id = models.CharField(max_length=80)
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def activity_id(self) -> str:
        return f"{self.PREFIX}{self.pk}"

    def as_activity(self) -> Activity:
        return Activity(id=self.activity_id, name=self.name, guidance=self.guidance)


class Artefact(models.Model):
    """A piece of work an activity produces: structured text, links and a file."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="artefacts")
    stage_id = models.CharField(max_length=80)
    activity_id = models.CharField(max_length=80)
    requirement_id = models.CharField(max_length=80)
    kind = models.CharField(max_length=30, choices=list(ARTEFACT_KIND_LABELS.items()))
    required = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    links = models.TextField(blank=True, help_text="One web address a line.")
    file = models.FileField(upload_to="artefacts/%Y/%m/", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "activity_id", "requirement_id"], name="one_artefact_per_slot"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Decision(models.Model):
    """A decision, with the options considered, the rationale and the evidence."""

    class Kind(models.TextChoices):
        GENERAL = "general", "Decision"
        GATE_APPROVED = "gate_approved", "Gate signed off"
        GATE_SENT_BACK = "gate_sent_back", "Gate sent back"
        RECOMMENDATION = "recommendation", "Review recommendation"
        DECOMMISSIONING = "decommissioning", "Decommissioning"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="decisions")
    stage_id = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField("what was decided", max_length=300)
    options_considered = models.TextField(blank=True)
    rationale = models.TextField()
    evidence_links = models.TextField(blank=True, help_text="One web address a line.")
    decision_maker = models.CharField(
        max_length=200, blank=True, help_text="The body or post that decided, if not a person."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "decided_at", "id"]

    def __str__(self) -> str:
        return self.title

    def evidence_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]


class CoProductionEntry(models.Model):
    """Who took part at a stage, how, and what changed because of it."""

    class Participant(models.TextChoices):
        USERS = "users", "People who use services"
        CARERS = "carers", "Carers and families"
        COMMUNITIES = "communities", "Communities"
        PROVIDERS = "providers", "Providers"
        VCSE = "vcse", "Voluntary, community and social enterprise groups"
        STAFF = "staff", "Front-line staff"

    class Method(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        CODESIGN = "co_design", "Co-design group"
        SURVEY = "survey", "Survey"
        INTERVIEWS = "interviews", "Interviews"
        PANEL = "panel", "Citizens' or experts-by-experience panel"
        CONSULTATION = "consultation", "Formal consultation"
        OTHER = "other", "Other"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="coproduction")
    stage_id = models.CharField(max_length=80)
    participants = models.JSONField(default=list)
    people_count = models.PositiveIntegerField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    held_on = models.DateField()
    description = models.TextField("what happened")
    what_changed = models.TextField("what changed because of it")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["cycle", "held_on", "id"]
        verbose_name_plural = "co-production entries"

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.held_on:%d %B %Y}"

    def participant_labels(self) -> list[str]:
        labels = dict(self.Participant.choices)
        return [labels.get(p, p) for p in self.participants]


class Recommendation(models.Model):
    """What a review recommends for the next cycle; carried into it as starting evidence."""

    class Choice(models.TextChoices):
        CONTINUE = "continue", "Continue"
        VARY = "vary", "Vary"
        RE_PROCURE = "re_procure", "Re-procure"
        BRING_IN_HOUSE = "bring_in_house", "Bring in-house"
        CO_PRODUCE = "co_produce", "Co-produce"
        DECOMMISSION = "decommission", "Decommission"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="recommendations")
    choice = models.CharField("recommendation", max_length=20, choices=Choice.choices)
    rationale = models.TextField()
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    carried_into = models.ForeignKey(
        Cycle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_recommendations",
    )

    class Meta:
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return f"{self.get_choice_display()}: {self.cycle}"


class DecommissioningPlan(models.Model):
    """The decommissioning path for a cycle whose review or appraisal recommends it."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        COMPLETE = "complete", "Complete"

    class Source(models.TextChoices):
        REVIEW = "review", "A review recommendation"
        APPRAISAL = "appraisal", "An options appraisal"

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="decommissioning")
    source = models.CharField(max_length=20, choices=Source.choices)
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Decommissioning: {self.cycle}"


class DecommissioningStep(models.Model):
    """One item of the decommissioning checklist."""

    class Step(models.TextChoices):
        IMPACT_ASSESSMENT = "impact_assessment", "Impact assessment"
        CONSULTATION = "consultation", "Consultation"
        PROVIDER_EXIT_PLAN = "provider_exit_plan", "Provider exit plan"
        AFTER_EFFECTS = "after_effects", "Monitoring of after-effects"

    HINTS: dict[str, str] = {
        "impact_assessment": (
            "Who loses what: people using the service, carers, staff and other services; "
            "equality impact (Equality Act 2010 s.149) included."
        ),
        "consultation": "Who was consulted, how, for how long, and what they said.",
        "provider_exit_plan": (
            "Notice, transfer of people to other support, staff (TUPE), data, assets, "
            "and the provider's own sustainability."
        ),
        "after_effects": (
            "What will be watched after the service ends, for how long, and who acts if "
            "harm shows up."
        ),
    }

    plan = models.ForeignKey(DecommissioningPlan, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=30, choices=Step.choices)
    position = models.PositiveIntegerField()
    notes = models.TextField(blank=True)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "step"], name="one_decommissioning_step")
        ]

    def __str__(self) -> str:
        return self.get_step_display()

    @property
    def hint(self) -> str:
        return self.HINTS.get(self.step, "")


def artefact_slots(framework: Framework) -> list[dict[str, Any]]:
    """Every artefact a framework asks for, with its stage and activity (in order)."""
    return [
        {
            "stage_id": stage.id,
            "activity_id": activity.id,
            "requirement_id": requirement.id,
            "kind": requirement.kind,
            "name": requirement.name,
            "required": requirement.required,
        }
        for stage in framework.stages
        for activity in stage.activities
        for requirement in activity.artefacts
    ]
