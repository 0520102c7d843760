"""The contract register: agreements, their KPIs, changes, payments, returns and ratings.

An **agreement** delivers a programme: an external contract, a grant agreement, an in-house
service level agreement or a partnership / pooled-budget agreement (NHS Act 2006, s.75). It
names its provider (an organisation of kind *provider*, or an in-house unit), its value and
term, how it pays, and the **KPIs** it is measured against. Each period the provider sends a
**return**; every save of a return is a new :class:`ReturnVersion`, so nothing a provider
sent is ever overwritten. Ratings are derived by ``spiral.spc.ratings``; a commissioner's
override is kept as a :class:`RatingOverride` beside the derived rating.

Changes go through the ``services`` package, which records each in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models

from spiral.spc.ratings import RATING_LABELS
from workspace.accounts.models import Organisation
from workspace.cycles.models import Cycle, Decision, Programme

PROCUREMENT_ACT_KPI_THRESHOLD = Decimal("5000000")
"""Contracts worth more than this must have at least three KPIs (Procurement Act 2023, s.52)."""
MINIMUM_KPIS_ABOVE_THRESHOLD = 3

RATING_CHOICES = list(RATING_LABELS.items())


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clamped to the month's end)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


class Agreement(models.Model):
    """One agreement that delivers (part of) a programme."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", "External contract"
        GRANT = "grant", "Grant agreement"
        IN_HOUSE = "in_house", "In-house service level agreement"
        PARTNERSHIP = "partnership", "Partnership or pooled budget (section 75)"

    class Payment(models.TextChoices):
        BLOCK = "block", "Block"
        COST_AND_VOLUME = "cost_and_volume", "Cost and volume"
        SPOT = "spot", "Spot purchase"
        OUTCOME = "outcome", "Outcome-based (payment by results)"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        TERMINATED = "terminated", "Terminated"
        EXPIRED = "expired", "Expired"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="agreements")
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    reference = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    provider = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_agreements",
        help_text="Empty for an in-house agreement.",
    )
    in_house_unit = models.CharField(max_length=200, blank=True)
    in_house_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="in_house_agreements",
        help_text=(
            "In-house agreements: the people of the in-house team who send its returns "
            "(members of the programme's organisations)."
        ),
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField()
    extension_options = models.TextField(blank=True)
    extension_months_available = models.PositiveIntegerField(default=0)
    break_clauses = models.TextField(blank=True)
    payment_mechanism = models.CharField(max_length=20, choices=Payment.choices)
    return_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    return_due_days = models.PositiveIntegerField(
        default=15, help_text="Days after a period ends by which its return is due."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    published = models.BooleanField(
        default=False, help_text="Shown on the public register (without anything confidential)."
    )
    value_confidential = models.BooleanField(
        default=False, help_text="The value is commercially confidential: never published."
    )
    confidential_notes = models.TextField(
        blank=True, help_text="Commercially confidential: never published."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme__name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "reference"], name="one_reference")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def provider_name(self) -> str:
        if self.provider is not None:
            return self.provider.name
        return f"In-house: {self.in_house_unit}" if self.in_house_unit else "In-house"

    @property
    def period_months(self) -> int:
        return 3 if self.return_frequency == self.Frequency.QUARTERLY else 1

    def periods(self, until: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
        """``(start, end, due)`` of every reporting period that has ended by ``until``."""
        found = []
        start = self.start_date.replace(day=1)
        last = min(until, self.terminated_on or self.end_date)
        while True:
            following = add_months(start, self.period_months)
            end = following - dt.timedelta(days=1)
            if end > last:
                break
            found.append((start, end, end + dt.timedelta(days=self.return_due_days)))
            start = following
        return found


class KPI(models.Model):
    """A key performance indicator of an agreement, with its unit, direction and target."""

    class Kind(models.TextChoices):
        MEASURE = "measure", "Measure (a value)"
        COUNT = "count", "Count"
        PROPORTION = "proportion", "Proportion (numerator out of denominator)"
        RATE = "rate", "Rate (events per exposure)"

    class Polarity(models.TextChoices):
        HIGHER = "higher_is_better", "Higher is better"
        LOWER = "lower_is_better", "Lower is better"
        NEUTRAL = "neutral", "No preferred direction"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="kpis")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, help_text="For example %, days, people, per 1,000.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEASURE)
    polarity = models.CharField(max_length=20, choices=Polarity.choices)
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    minimum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    multiplier = models.PositiveIntegerField(
        default=1, help_text="Proportions and rates: 100 for a percentage, 1,000 per 1,000."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def uses_counts(self) -> bool:
        return self.kind in {self.Kind.PROPORTION, self.Kind.RATE}


class Milestone(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    met_on = models.DateField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    met_note = models.TextField(blank=True)

    class Meta:
        ordering = ["agreement", "due_date"]

    def __str__(self) -> str:
        return self.title

    def status(self, today: dt.date) -> str:
        """``met``, ``overdue`` (due before ``today`` and not met) or ``upcoming``."""
        if self.met_on is not None:
            return "met"
        return "overdue" if self.due_date < today else "upcoming"


class ContractChange(models.Model):
    """A modification, extension or termination, with its reason. Never edited."""

    class Kind(models.TextChoices):
        MODIFICATION = "modification", "Modification"
        EXTENSION = "extension", "Extension"
        TERMINATION = "termination", "Termination"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    effective_on = models.DateField()
    reason = models.TextField()
    value_change = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    new_end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.effective_on}"


class Payment(models.Model):
    """Money paid under an agreement, entered or imported from a payments file."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="File it was imported from.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "paid_on", "id"]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.paid_on}"


class Return(models.Model):
    """A provider's return for one period of one agreement; its content is in versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        QUERIED = "queried", "Queried"
        ACCEPTED = "accepted", "Accepted"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_start"], name="one_return")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} return for {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.agreement.return_frequency == Agreement.Frequency.QUARTERLY:
            return f"{self.period_start:%b} to {self.period_end:%b %Y}"
        return f"{self.period_start:%B %Y}"

    def latest(self) -> ReturnVersion | None:
        return self.versions.order_by("-number").first()

    def latest_submitted(self) -> ReturnVersion | None:
        return self.versions.filter(submitted=True).order_by("-number").first()

    @property
    def late(self) -> bool:
        """Whether it was first submitted after its due date."""
        return self.first_submitted_at is not None and (
            self.first_submitted_at.date() > self.due_date
        )


class ReturnVersion(models.Model):
    """One save of a return, kept for ever: a draft, a submission or a resubmission."""

    ret = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    submitted = models.BooleanField(default=False)
    activity = models.TextField(blank=True, help_text="What the service did this period.")
    spend = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["ret", "number"]
        constraints = [models.UniqueConstraint(fields=["ret", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"version {self.number}"


class KPIValue(models.Model):
    """One KPI's figures in one version of a return."""

    version = models.ForeignKey(ReturnVersion, on_delete=models.PROTECT, related_name="values")
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["version", "kpi__position", "kpi_id"]
        constraints = [models.UniqueConstraint(fields=["version", "kpi"], name="one_value_per_kpi")]

    def __str__(self) -> str:
        return f"{self.kpi.name}: {self.value}"


class ReturnQuery(models.Model):
    """A commissioner's question about a submitted version, sending the return back."""

    ret = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="queries")
    version = models.ForeignKey(ReturnVersion, on_delete=models.PROTECT, related_name="queries")
    message = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["ret", "raised_at", "id"]

    def __str__(self) -> str:
        return f"Query on {self.version}"


class RatingOverride(models.Model):
    """A commissioner's rating for one KPI in one period, replacing the derived one."""

    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="overrides")
    ret = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="overrides")
    rating = models.CharField(max_length=24, choices=RATING_CHOICES)
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["kpi", "ret", "-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kpi.name}: {self.get_rating_display()}"


class ReminderSent(models.Model):
    """A reminder emailed for a missing return, so each is chased once a day at most."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reminders")
    period_start = models.DateField()
    sent_on = models.DateField()
    recipients = models.TextField()

    class Meta:
        ordering = ["agreement", "period_start", "sent_on"]

    def __str__(self) -> str:
        return f"Reminder for {self.period_start} sent {self.sent_on}"
