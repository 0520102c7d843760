"""Organisations, the people in them and the roles they hold."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from spiral.ocds.identifiers import (
    PLACEHOLDER_PREFIX,
    OrganisationIdentifier,
    organisation_identifier,
)

GSS_CODE = RegexValidator(
    r"^[EWSN]\d{8}$",
    "Enter an ONS GSS code: a letter E, W, S or N and eight digits, like E08000009",
)
OCID_PREFIX = RegexValidator(
    r"^ocds-[a-z0-9]{6}$",
    "Enter the ocid prefix registered for you: ocds- and 6 letters or digits, like ocds-b5fd17",
)


class Organisation(models.Model):
    """A council, ICB, combined authority, police and crime commissioner, or a provider."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        ICB = "icb", "NHS integrated care board"
        COMBINED_AUTHORITY = "combined_authority", "Combined authority"
        PCC = "pcc", "Police and crime commissioner"
        PROVIDER = "provider", "Provider"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    ons_code = models.CharField(
        "ONS code", max_length=9, blank=True, validators=[GSS_CODE], help_text="GSS code"
    )
    is_fictional = models.BooleanField(
        default=False, help_text="A demonstration organisation, not a real one."
    )
    ocid_prefix = models.CharField(
        "registered ocid prefix",
        max_length=11,
        blank=True,
        validators=[OCID_PREFIX],
        help_text="The OCDS ocid prefix the Open Contracting Partnership registered for it.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def publishing_prefix(self) -> str:
        """The ocid prefix its OCDS is published under: its registered one, else a placeholder."""
        return self.ocid_prefix or PLACEHOLDER_PREFIX

    @property
    def ocds_identifier(self) -> OrganisationIdentifier:
        """How its published OCDS names it (``spiral.ocds.identifiers``; no PPON or ODS code is
        held, so a council's GSS code alone gives the fallback ``spiral-<slug>``)."""
        return organisation_identifier(kind=self.kind, slug=self.slug, gss_code=self.ons_code)

    @property
    def commissions(self) -> bool:
        """Whether this organisation commissions services (providers do not)."""
        return self.kind != self.Kind.PROVIDER


class Role(models.TextChoices):
    """What a person may do in an organisation. ``access.ROLE_CAPABILITIES`` maps each."""

    COMMISSIONER = "commissioner", "Commissioner"
    ANALYST = "analyst", "Analyst"
    FINANCE = "finance", "Finance"
    PROCUREMENT = "procurement", "Procurement"
    APPROVER = "approver", "Approver"
    AUDITOR = "auditor", "Auditor"
    PROVIDER = "provider", "Provider"
    ADMINISTRATOR = "administrator", "Administrator"


class Membership(models.Model):
    """One role that one person holds in one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            )
        ]
        ordering = ["organisation__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


def hash_token(key: str) -> str:
    """The stored form of an API token: its SHA-256, so a database leak reveals no token."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for API clients. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        """A fresh random key: ``spl_`` and 40 URL-safe characters."""
        return "spl_" + secrets.token_urlsafe(30)
