"""Signing in and out, and the person's own account page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from workspace.accounts.forms import ApiTokenForm, SignInForm
from workspace.accounts.models import ApiToken
from workspace.accounts.services import api_token_create, api_token_revoke
from workspace.http import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is not None:
            login(request, user)
            safe = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(next_url if safe and next_url else "home")
        form.add_error("username", "Enter a correct username and password")
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": next_url, "title": "Sign in"},
        status=400 if form.errors else 200,
    )


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown after too many failed sign-ins (django-axes calls this)."""
    return render(request, "accounts/locked_out.html", {"title": "Too many attempts"}, status=429)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:sign-in")


@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    memberships = request.user.memberships.select_related("organisation")
    tokens = ApiToken.objects.filter(user_id=request.user.pk)
    return render(
        request,
        "accounts/account.html",
        {
            "title": "Your account",
            "memberships": memberships,
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def revoke_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user_id=request.user.pk)
    api_token_revoke(user=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:account")
