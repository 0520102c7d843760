"""Use cases for cycle frameworks: load the shipped ones, adapt, revise and import, audited.

Re-exported by :mod:`workspace.cycles.services`, where the rest of the app finds them.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from spiral.frameworks import (
    Framework,
    FrameworkError,
    derive_framework,
    framework_to_document,
    framework_to_yaml,
    load_framework_text,
    shipped_frameworks,
)
from workspace.accounts.access import Capability, has_capability
from workspace.accounts.models import Organisation
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.models import (
    CycleFramework,
)


def _framework_record(
    framework: Framework, *, organisation: Organisation | None, actor: User | None
) -> CycleFramework:
    return CycleFramework.objects.create(
        organisation=organisation,
        key=framework.id,
        version=framework.version,
        name=framework.name,
        description=framework.description,
        based_on=framework.based_on,
        yaml_text=framework_to_yaml(framework),
        definition=framework_to_document(framework),
        created_by=actor,
    )


def framework_load_shipped(*, actor: User | None = None) -> list[CycleFramework]:
    """Store every framework that ships with Spiral, once per version (safe to repeat)."""
    stored = []
    with transaction.atomic():
        for framework in shipped_frameworks():
            existing = CycleFramework.objects.filter(
                organisation__isnull=True, key=framework.id, version=framework.version
            ).first()
            if existing is None:
                existing = _framework_record(framework, organisation=None, actor=actor)
                audit_record(
                    actor=actor,
                    action="loaded shipped framework",
                    target=existing,
                    after=snapshot(existing),
                )
            stored.append(existing)
    return stored


def framework_adapt(
    *,
    actor: User,
    source: CycleFramework,
    organisation: Organisation,
    new_id: str,
    name: str,
) -> CycleFramework:
    """Copy a framework version into an organisation as version 1 of a framework of its own."""
    if not has_capability(actor, organisation, Capability.ADMINISTER):
        raise PermissionDenied("Only an administrator can adapt frameworks for an organisation.")
    try:
        copy = derive_framework(source.framework, new_id=new_id.strip(), name=name)
    except ValueError as error:
        field = "name" if "name" in str(error) and "id" not in str(error) else "new_id"
        raise ValidationError({field: str(error)[:1].upper() + str(error)[1:]}) from None
    with transaction.atomic():
        if CycleFramework.objects.filter(organisation=organisation, key=copy.id).exists():
            raise ValidationError({"new_id": f"{organisation} already has a framework {copy.id}"})
        record = _framework_record(copy, organisation=organisation, actor=actor)
        audit_record(
            actor=actor,
            action="adapted framework",
            target=record,
            organisation=organisation,
            after=snapshot(record),
        )
    return record


def framework_revise(*, actor: User, framework: CycleFramework, yaml_text: str) -> CycleFramework:
    """Save changed YAML as the next version of an organisation's framework.

    Cycles already under way keep the version they started on.
    """
    organisation = framework.organisation
    if organisation is None:
        raise ValidationError({"yaml_text": "Shipped frameworks cannot be changed: adapt a copy."})
    if not has_capability(actor, organisation, Capability.ADMINISTER):
        raise PermissionDenied("Only an administrator can change an organisation's frameworks.")
    try:
        edited = load_framework_text(yaml_text, source="the framework")
    except FrameworkError as error:
        raise ValidationError({"yaml_text": [str(problem) for problem in error.problems]}) from None
    if edited.id != framework.key:
        raise ValidationError(
            {"yaml_text": f"Keep the id {framework.key}: adapt a copy to start a new framework"}
        )
    with transaction.atomic():
        latest = CycleFramework.objects.filter(
            organisation=organisation, key=framework.key
        ).aggregate(top=Max("version"))["top"]
        revised = Framework(
            id=edited.id,
            name=edited.name,
            version=(latest or 0) + 1,
            description=edited.description,
            source=edited.source,
            stages=edited.stages,
            based_on=edited.based_on,
        )
        record = _framework_record(revised, organisation=organisation, actor=actor)
        audit_record(
            actor=actor,
            action="revised framework",
            target=record,
            organisation=organisation,
            after=snapshot(record),
        )
    return record


def framework_import(
    *, actor: User, organisation: Organisation, yaml_text: str, source_name: str
) -> CycleFramework:
    """Store a framework written elsewhere as version 1 of one of the organisation's own.

    A file with problems is refused with every problem, naming the file, line and reason.
    """
    if not has_capability(actor, organisation, Capability.ADMINISTER):
        raise PermissionDenied("Only an administrator can add frameworks for an organisation.")
    try:
        loaded = load_framework_text(yaml_text, source=source_name or "the framework")
    except FrameworkError as error:
        raise ValidationError({"file": [str(problem) for problem in error.problems]}) from None
    shipped_ids = {framework.id for framework in shipped_frameworks()}
    if loaded.id in shipped_ids:
        raise ValidationError(
            {"file": f"{loaded.id} is a shipped framework's id: give yours an id of its own"}
        )
    with transaction.atomic():
        if CycleFramework.objects.filter(organisation=organisation, key=loaded.id).exists():
            raise ValidationError(
                {"file": f"{organisation} already has a framework {loaded.id}: change that one"}
            )
        record = _framework_record(
            Framework(
                id=loaded.id,
                name=loaded.name,
                version=1,
                description=loaded.description,
                source=loaded.source,
                stages=loaded.stages,
                based_on=loaded.based_on,
            ),
            organisation=organisation,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="imported framework",
            target=record,
            organisation=organisation,
            after=snapshot(record),
        )
    return record
