"""An organisation's OCDS publishing setting: its registered ocid prefix (administrators only)."""

from __future__ import annotations

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
from workspace.accounts.services import organisation_ocid_prefix_set
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


@login_required
@require_http_methods(["GET", "POST"])
def publishing(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.user, organisation, Capability.ADMINISTER)
    form = OcidPrefixForm(request.POST or None, initial={"ocid_prefix": organisation.ocid_prefix})
    if request.method == "POST" and form.is_valid():
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
            "example": make_ocid(organisation.publishing_prefix, organisation.slug, 1),
        },
    )
