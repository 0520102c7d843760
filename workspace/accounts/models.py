"""Organisations, the people in them and the roles they hold."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.deconstruct import deconstructible

from spiral.ocds.identifiers import (
    LOCAL_AUTHORITY_KINDS,
    NHS_KINDS,
    PLACEHOLDER_PREFIX,
    OrganisationIdentifier,
    ods_code,
    organisation_identifier,
    ppon,
    register_code,
)

GSS_CODE = RegexValidator(
    r"^[EWSN]\d{8}$",
    "Enter an ONS GSS code: a letter E, W, S or N and eight digits, like E08000009",
)
OCID_PREFIX = RegexValidator(
    r"^ocds-[a-z0-9]{6}$",
    "Enter the ocid prefix registered for you: ocds- and 6 letters or digits, like ocds-b5fd17",
)


@deconstructible
class EngineCheck:
    """A model field validator that asks the engine's check for that kind of code."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, value: str) -> None:
        check: Callable[[str], str] = {
            "ppon": ppon,
            "ods_code": ods_code,
            "register_code": register_code,
        }[self.name]
        if value:
            try:
                check(value)
            except ValueError as error:
                raise ValidationError(str(error)) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EngineCheck) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


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
    ppon = models.CharField(
        "PPON",
        max_length=14,
        blank=True,
        validators=[EngineCheck("ppon")],
        help_text="Its Public Procurement Organisation Number on Find a Tender (GB-PPON).",
    )
    ods_code = models.CharField(
        "ODS code",
        max_length=3,
        blank=True,
        validators=[EngineCheck("ods_code")],
        help_text="An NHS body's Organisation Data Service code (GB-NHS).",
    )
    register_code = models.CharField(
        "local authority register code",
        max_length=3,
        blank=True,
        validators=[EngineCheck("register_code")],
        help_text="A council's three-letter code in its nation's register of local authorities.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ppon"],
                condition=~models.Q(ppon=""),
                name="one_organisation_per_ppon",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse codes that together name no buyer (a register code without a GSS code)."""
        super().clean()
        if not self.register_code:
            return
        try:
            register_code(self.register_code)
        except ValueError:
            return  # the field's own validator reports it
        try:
            organisation_identifier(
                kind=self.kind,
                slug=self.slug,
                gss_code=self.ons_code,
                register_code=self.register_code,
            )
        except ValueError as error:
            message = str(error)
            raise ValidationError({"register_code": message[0].upper() + message[1:]}) from None

    @property
    def publishing_prefix(self) -> str:
        """The ocid prefix its OCDS is published under: its registered one, else a placeholder."""
        return self.ocid_prefix or PLACEHOLDER_PREFIX

    @property
    def ocds_identifier(self) -> OrganisationIdentifier:
        """How its published OCDS names it, by ``spiral.ocds.identifiers.organisation_identifier``:
        its PPON, else (an NHS body) its ODS code, else (a council) its register code, else the
        fallback ``spiral-<slug>`` (a GSS code alone is not an organisation identifier)."""
        return organisation_identifier(
            kind=self.kind,
            slug=self.slug,
            gss_code=self.ons_code,
            register_code=self.register_code,
            ods_code=self.ods_code,
            ppon=self.ppon,
        )

    @property
    def holds_ods_code(self) -> bool:
        """Whether its kind has an ODS code that names it in OCDS (an NHS body)."""
        return self.kind in NHS_KINDS

    @property
    def holds_register_code(self) -> bool:
        """Whether its kind has a code in a register of local authorities (a council)."""
        return self.kind in LOCAL_AUTHORITY_KINDS

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
