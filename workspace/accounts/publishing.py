"""An organisation's OCDS publishing settings (administrators only): its registered ocid prefix,
and the codes that name it as the buyer (PPON; ODS code for an NHS body; local authority register
code for a council)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from spiral.ocds.identifiers import PLACEHOLDER_PREFIX, make_ocid
from workspace.accounts.access import Capability, require
from workspace.accounts.models import Organisation
from workspace.accounts.services import (
    organisation_identifiers_set,
    organisation_ocid_prefix_set,
)
from workspace.http import AuthenticatedHttpRequest


class OcidPrefixForm(forms.Form):
    ocid_prefix = forms.CharField(
        max_length=40,
        required=False,
        label="Registered ocid prefix",
        help_text=(
            "The prefix the Open Contracting Partnership registered for you: ocds- and 6 "
            "letters or digits, like ocds-b5fd17. Leave empty to publish under the "
            f"placeholder {PLACEHOLDER_PREFIX}."
        ),
    )


class IdentifiersForm(forms.Form):
    ppon = forms.CharField(
        max_length=40,
        required=False,
        label="Public Procurement Organisation Number (PPON)",
        help_text=(
            "The number Find a Tender gave your organisation when it registered: P, 3 letters, "
            "4 digits and 4 letters, like PDZV-7449-YCMT. It is on your organisation's page "
            "under 'My account'."
        ),
    )
    ods_code = forms.CharField(
        max_length=20,
        required=False,
        label="ODS code",
        help_text=(
            "Your NHS Organisation Data Service code: 3 letters or digits, like QYG. Used when "
            "there is no PPON."
        ),
    )
    register_code = forms.CharField(
        max_length=20,
        required=False,
        label="Local authority register code",
        help_text=(
            "Your council's 3-letter code in its nation's register of local authorities, like "
            "BNE for Barnet (not the ONS GSS code). Used when there is no PPON."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not organisation.holds_ods_code:
            del self.fields["ods_code"]
        if not organisation.holds_register_code:
            del self.fields["register_code"]


IDENTIFIERS = "identifiers"


@login_required
@require_http_methods(["GET", "POST"])
def publishing(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.user, organisation, Capability.ADMINISTER)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted is not None else None
    form = OcidPrefixForm(
        posted if which != IDENTIFIERS else None,
        initial={"ocid_prefix": organisation.ocid_prefix},
    )
    identifiers = IdentifiersForm(
        posted if which == IDENTIFIERS else None,
        organisation=organisation,
        initial={
            "ppon": organisation.ppon,
            "ods_code": organisation.ods_code,
            "register_code": organisation.register_code,
        },
    )
    if posted is not None and which == IDENTIFIERS and identifiers.is_valid():
        try:
            organisation_identifiers_set(
                actor=request.user,
                organisation=organisation,
                ppon_text=identifiers.cleaned_data["ppon"],
                ods_code_text=identifiers.cleaned_data.get("ods_code", ""),
                register_code_text=identifiers.cleaned_data.get("register_code", ""),
            )
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                for message in messages_:
                    identifiers.add_error(name if name in identifiers.fields else None, message)
        else:
            messages.success(
                request,
                f"Your organisation will be published as {organisation.ocds_identifier.party_id}",
            )
            return redirect("accounts:publishing", slug=organisation.slug)
    elif posted is not None and which != IDENTIFIERS and form.is_valid():
        try:
            organisation_ocid_prefix_set(
                actor=request.user,
                organisation=organisation,
                prefix=form.cleaned_data["ocid_prefix"],
            )
        except ValidationError as error:
            for message in error.message_dict.get("ocid_prefix", []):
                form.add_error("ocid_prefix", message)
        else:
            messages.success(
                request, f"OCDS will be published under {organisation.publishing_prefix}"
            )
            return redirect("accounts:publishing", slug=organisation.slug)
    return render(
        request,
        "accounts/publishing.html",
        {
            "title": f"Publishing as OCDS: {organisation.name}",
            "organisation": organisation,
            "form": form,
            "identifiers": identifiers,
            "buyer": organisation.ocds_identifier,
            "example": make_ocid(organisation.publishing_prefix, organisation.slug, 1),
        },
    )
