"""How a service is secured in the Do stage of a cycle, and the market it is bought from.

A :class:`Sourcing` is one route chosen for a cycle (a Procurement Act 2023 procedure, an NHS
Provider Selection Regime route, a grant, an in-house agreement, a partnership or a pooled
budget), with its timeline (:class:`Milestone`), its :class:`TransactionCosts`, the award
criteria and the :class:`Bid` s scored against them, and the award (recorded as a
:class:`~workspace.cycles.models.Decision`). Its OCDS releases and UK notices are built by
the engine (:mod:`spiral.sourcing.publication`).

A :class:`MarketImport` holds OCDS contracting processes (compiled releases) or a spend
file's supplier totals imported for a programme; the market view reads them. Changes go
through ``services.py``, which records each in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from spiral.ocds.identifiers import make_ocid
from spiral.sourcing.routes import ROUTES
from workspace.cycles.models import Cycle, Decision, Programme

ROUTE_CHOICES = [(route.code, f"{route.label} ({route.regime})") for route in ROUTES]


class Sourcing(models.Model):
    """One sourcing route chosen in a cycle's Do stage, with its award criteria and award."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="sourcings")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    route = models.CharField(max_length=40, choices=ROUTE_CHOICES)
    rationale = models.TextField(help_text="Why this route, from the options appraisal.")
    contract_value = models.DecimalField(max_digits=14, decimal_places=2)
    planned_on = models.DateField()
    tender_start = models.DateField(null=True, blank=True)
    tender_end = models.DateField(null=True, blank=True)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    price_weight = models.PositiveSmallIntegerField(null=True, blank=True)
    quality_weight = models.PositiveSmallIntegerField(null=True, blank=True)
    social_value_weight = models.PositiveSmallIntegerField(null=True, blank=True)
    awarded_bid = models.ForeignKey(
        "Bid", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    awarded_on = models.DateField(null=True, blank=True)
    award_decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    terminated_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def ocid(self) -> str:
        """The contracting process's ocid: the lead organisation's prefix, its slug, this id."""
        organisation = self.cycle.programme.organisation
        return make_ocid(organisation.publishing_prefix, organisation.slug, self.pk)

    @property
    def has_weights(self) -> bool:
        return self.price_weight is not None


class Milestone(models.Model):
    """A date on the route's timeline; delivery milestones fall after the award."""

    class Kind(models.TextChoices):
        PRE_PROCUREMENT = "preProcurement", "Before procurement (market engagement, planning)"
        APPROVAL = "approval", "Approval"
        ENGAGEMENT = "engagement", "Engagement with providers or users"
        ASSESSMENT = "assessment", "Assessment and evaluation"
        DELIVERY = "delivery", "Delivery (after award)"
        REPORTING = "reporting", "Reporting (after award)"

    AFTER_AWARD = frozenset({Kind.DELIVERY, Kind.REPORTING})

    sourcing = models.ForeignKey(Sourcing, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["sourcing", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def after_award(self) -> bool:
        return self.kind in self.AFTER_AWARD


class TransactionCosts(models.Model):
    """What securing the service cost: staff days, external costs, and the assumptions."""

    sourcing = models.OneToOneField(Sourcing, on_delete=models.PROTECT, related_name="costs")
    day_rate = models.DecimalField(max_digits=10, decimal_places=2)
    market_engagement_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    specification_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    evaluation_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    legal_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    monitoring_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    disputes_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    market_engagement_external = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    specification_external = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    evaluation_external = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    legal_external = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    monitoring_external = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    disputes_external = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    bids_received = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty to count the bids recorded."
    )
    per_bid_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    per_bid_cost_source = models.TextField(
        help_text="Where the per-bid cost comes from: the assumption and its source."
    )
    expected_saving_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "transaction costs"

    def __str__(self) -> str:
        return f"Transaction costs: {self.sourcing}"


class Bid(models.Model):
    """A bid (or proposal) received, with the panel's moderated scores."""

    sourcing = models.ForeignKey(Sourcing, on_delete=models.PROTECT, related_name="bids")
    bidder = models.CharField(max_length=200)
    identifier_scheme = models.CharField(max_length=20, blank=True)
    identifier_id = models.CharField(max_length=60, blank=True)
    sme = models.BooleanField("small or medium-sized enterprise", default=False)
    vcse = models.BooleanField("voluntary, community or social enterprise", default=False)
    public_body = models.BooleanField(default=False)
    price = models.DecimalField(max_digits=14, decimal_places=2)
    quality_score = models.DecimalField(max_digits=5, decimal_places=2)
    social_value_score = models.DecimalField(max_digits=5, decimal_places=2)
    moderation_notes = models.TextField(blank=True)
    received_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["sourcing", "id"]

    def __str__(self) -> str:
        return f"{self.bidder}: {self.sourcing}"


class MarketImport(models.Model):
    """OCDS data or a spend file imported, whole, for a programme's market view."""

    class Kind(models.TextChoices):
        OCDS = "ocds", "OCDS contracting data"
        SPEND = "spend", "Spend (payments over £500)"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="market_imports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    description = models.CharField(max_length=300, blank=True)
    summary = models.JSONField(default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["programme", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"


class ImportedProcess(models.Model):
    """One contracting process (its compiled release) from an OCDS import."""

    market_import = models.ForeignKey(
        MarketImport, on_delete=models.CASCADE, related_name="processes"
    )
    ocid = models.CharField(max_length=200)
    compiled_release = models.JSONField()

    class Meta:
        ordering = ["market_import", "ocid"]

    def __str__(self) -> str:
        return self.ocid


class SpendSupplier(models.Model):
    """One supplier's payments from a spend import (names matched by the engine)."""

    market_import = models.ForeignKey(
        MarketImport, on_delete=models.CASCADE, related_name="suppliers"
    )
    supplier_key = models.CharField(max_length=300)
    names = models.TextField()
    supplier_numbers = models.TextField(blank=True)
    payments = models.PositiveIntegerField()
    net_total = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["market_import", "-net_total"]

    def __str__(self) -> str:
        return self.names


class MarketStatement(models.Model):
    """A programme's market position statement: drafted from the figures, edited by people."""

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="market_statement"
    )
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Market position statement: {self.programme}"


class MarketFilter(models.Model):
    """The part of the imported market relevant to a programme's service, saved per programme.

    Contracting processes are kept when any item is classified under one of the CPV prefixes
    (none: every process), when the buyer is the one chosen (empty: any buyer) and when the
    earliest award falls in the date range (either end may be open).
    """

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="market_filter"
    )
    cpv_prefixes = models.JSONField(default=list, blank=True)
    buyer_id = models.CharField(max_length=200, blank=True)
    awarded_from = models.DateField(null=True, blank=True)
    awarded_to = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Market filter: {self.programme}"

    @property
    def is_set(self) -> bool:
        return bool(self.cpv_prefixes or self.buyer_id or self.awarded_from or self.awarded_to)
