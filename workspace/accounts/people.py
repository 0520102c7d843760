"""Administrators manage the people in their organisation; new people set their password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods

from workspace.accounts.access import Capability, require
from workspace.accounts.forms import PersonForm, RolesForm
from workspace.accounts.models import Membership, Organisation
from workspace.accounts.services import membership_set_roles, person_add, welcome_send
from workspace.http import AuthenticatedHttpRequest


def _administered(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.user, organisation, Capability.ADMINISTER)
    return organisation


@login_required
@require_http_methods(["GET"])
def people(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    users = (
        get_user_model()
        .objects.filter(memberships__organisation=organisation)
        .distinct()
        .order_by("last_name", "first_name")
    )
    rows = [
        {
            "user": user,
            "roles": [
                m.get_role_display()
                for m in Membership.objects.filter(user=user, organisation=organisation)
            ],
        }
        for user in users
    ]
    return render(
        request,
        "accounts/people.html",
        {"title": f"People at {organisation.name}", "organisation": organisation, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_person(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = _administered(request, slug)
    provider = organisation.kind == Organisation.Kind.PROVIDER
    form = PersonForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        existing = User.objects.filter(username=form.cleaned_data["username"]).first()
        if existing is not None and existing.email != form.cleaned_data["email"]:
            form.add_error("username", "That username is taken: choose another")
        else:
            user = person_add(
                actor=request.user,
                organisation=organisation,
                username=form.cleaned_data["username"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
            )
            if not user.has_usable_password():
                welcome_send(
                    user=user, organisation=organisation, base_url=request.build_absolute_uri("/")
                )
            messages.success(
                request, f"{user.get_full_name()} added. We have emailed them a link to sign in."
            )
            return redirect("accounts:people", slug=organisation.slug)
    return render(
        request,
        "accounts/person_form.html",
        {"title": "Add a person", "organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_roles(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    organisation = _administered(request, slug)
    person = get_object_or_404(
        User.objects.filter(memberships__organisation=organisation).distinct(), pk=user_id
    )
    current = list(
        Membership.objects.filter(user=person, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    provider = organisation.kind == Organisation.Kind.PROVIDER
    form = RolesForm(request.POST or None, initial={"roles": current}, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            membership_set_roles(
                actor=request.user,
                organisation=organisation,
                user=person,
                roles=form.cleaned_data["roles"],
            )
        except ValueError as error:
            form.add_error("roles", str(error))
        else:
            messages.success(request, f"Roles of {person.get_full_name()} updated.")
            return redirect("accounts:people", slug=organisation.slug)
    return render(
        request,
        "accounts/roles_form.html",
        {
            "title": f"Roles of {person.get_full_name()}",
            "organisation": organisation,
            "person": person,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(
            request, "accounts/set_password_expired.html", {"title": "Link expired"}, status=400
        )
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your password is set. Sign in with it now.")
        return redirect("accounts:sign-in")
    return render(
        request,
        "accounts/set_password.html",
        {"title": "Set your password", "form": form, "person": user},
        status=400 if form.errors else 200,
    )
