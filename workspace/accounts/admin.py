from django.contrib import admin

from workspace.accounts.models import ApiToken, Membership, Organisation
from workspace.audit.admin import AuditedAdmin


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin[Organisation]):
    list_display = ["name", "kind", "ons_code", "ppon", "is_fictional"]
    list_filter = ["kind", "is_fictional"]
    search_fields = ["name", "ons_code", "ppon", "ods_code", "register_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
