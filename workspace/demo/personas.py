"""The demo's organisations and people: one person for each role, plus an outsider.

The same cast serves the demo council and the test suite, so what a tester clicks through
in the demo is what the permission tests check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from workspace.accounts.models import Membership, Organisation, Role
from workspace.audit.services import audit_record, snapshot


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    slug: str
    kind: str
    ons_code: str


@dataclass(frozen=True)
class Persona:
    key: str
    username: str
    first_name: str
    last_name: str
    job: str
    organisation: str
    roles: tuple[str, ...]


# Fictional organisations. The GSS-shaped codes are deliberately unused ones.
ORGANISATIONS = [
    OrganisationSpec(
        "council", "Kingsmere Borough Council", "kingsmere", Organisation.Kind.COUNCIL, "E06099901"
    ),
    OrganisationSpec(
        "icb",
        "NHS Kingsmere and Dale Integrated Care Board",
        "kingsmere-dale-icb",
        Organisation.Kind.ICB,
        "E54099901",
    ),
    OrganisationSpec(
        "other_council",
        "Northdale District Council",
        "northdale",
        Organisation.Kind.COUNCIL,
        "E07099902",
    ),
    OrganisationSpec(
        "provider", "Brightwater Home Care Ltd", "brightwater", Organisation.Kind.PROVIDER, ""
    ),
]

PERSONAS = [
    Persona(
        "commissioner",
        "priya.shah",
        "Priya",
        "Shah",
        "Head of Commissioning, Adult Social Care",
        "council",
        (Role.COMMISSIONER,),
    ),
    Persona(
        "analyst",
        "tom.okafor",
        "Tom",
        "Okafor",
        "Public Health Intelligence Analyst",
        "council",
        (Role.ANALYST,),
    ),
    Persona(
        "finance",
        "helen.wright",
        "Helen",
        "Wright",
        "Finance Business Partner",
        "council",
        (Role.FINANCE,),
    ),
    Persona(
        "procurement",
        "dan.murphy",
        "Dan",
        "Murphy",
        "Category Manager, Procurement",
        "council",
        (Role.PROCUREMENT,),
    ),
    Persona(
        "approver",
        "ann.jones",
        "Ann",
        "Jones",
        "Cabinet Member for Adult Social Care",
        "council",
        (Role.APPROVER,),
    ),
    Persona(
        "auditor", "sam.reid", "Sam", "Reid", "Internal Audit Manager", "council", (Role.AUDITOR,)
    ),
    Persona(
        "administrator",
        "lee.chen",
        "Lee",
        "Chen",
        "Systems Administrator",
        "council",
        (Role.ADMINISTRATOR,),
    ),
    Persona(
        "provider",
        "maria.lopez",
        "Maria",
        "Lopez",
        "Registered Manager, Brightwater Home Care",
        "provider",
        (Role.PROVIDER,),
    ),
    Persona(
        "outsider",
        "olivia.north",
        "Olivia",
        "North",
        "Commissioning Manager at Northdale (another council)",
        "other_council",
        (Role.COMMISSIONER, Role.APPROVER, Role.AUDITOR),
    ),
]


@dataclass
class Cast:
    organisations: dict[str, Organisation]
    users: dict[str, AbstractUser]


def create_cast(*, password: str | None) -> Cast:
    """Create the organisations and people (or find them), and record each in the audit trail.

    ``password=None`` leaves the users without a usable password (the test suite signs
    them in directly).
    """
    user_model = get_user_model()
    organisations: dict[str, Organisation] = {}
    users: dict[str, AbstractUser] = {}
    with transaction.atomic():
        for spec in ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "kind": spec.kind,
                    "ons_code": spec.ons_code,
                    "is_fictional": True,
                },
            )
            if created:
                audit_record(
                    actor=None,
                    action="created organisation",
                    target=organisation,
                    organisation=organisation,
                    after=snapshot(organisation),
                )
            organisations[spec.key] = organisation
        for persona in PERSONAS:
            user, created = user_model.objects.get_or_create(
                username=persona.username,
                defaults={
                    "first_name": persona.first_name,
                    "last_name": persona.last_name,
                    "email": f"{persona.username}@example.org",
                },
            )
            if created:
                if password is None:
                    user.set_unusable_password()
                else:
                    user.set_password(password)
                user.save()
            organisation = organisations[persona.organisation]
            for role in persona.roles:
                membership, made = Membership.objects.get_or_create(
                    user=user, organisation=organisation, role=role
                )
                if made:
                    audit_record(
                        actor=None,
                        action="granted role",
                        target=membership,
                        organisation=organisation,
                        after=snapshot(membership),
                    )
            users[persona.key] = user
    return Cast(organisations=organisations, users=users)
