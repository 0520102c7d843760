"""The admin shows the audit trail read-only, and records admin changes in it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.forms import Form
from django.http import HttpRequest

from workspace.accounts.models import Organisation
from workspace.audit.models import AuditEvent
from workspace.audit.services import audit_record, snapshot


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["id", "at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


def _organisation_of(obj: models.Model) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    organisation = getattr(obj, "organisation", None)
    return organisation if isinstance(organisation, Organisation) else None


M = TypeVar("M", bound=models.Model)


class AuditedAdmin(admin.ModelAdmin[M]):
    """A model admin whose every save and deletion lands in the audit trail."""

    def save_model(self, request: HttpRequest, obj: M, form: Form, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(previous) if previous is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="changed in admin" if change else "created in admin",
                target=obj,
                organisation=_organisation_of(obj),
                before=before,
                after=snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        before = snapshot(obj)
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="deleted in admin",
                target=obj,
                organisation=_organisation_of(obj),
                before=before,
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
