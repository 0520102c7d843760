"""What views share about requests: the signed-in request type, and a form posted to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest

T = TypeVar("T")


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required`` (or API authentication): ``user`` is a real user."""

    user: User


class ServiceForm(Protocol):
    """A form that takes a service's rule breaches onto its fields (``GovForm`` does)."""

    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool: ...

    def add_service_error(self, error: ValidationError) -> None: ...


def on_valid_post(
    request: HttpRequest, form: ServiceForm, service: Callable[[dict[str, Any]], T]
) -> T | None:
    """Call ``service`` with the form's cleaned data when the request posts a valid form.

    A :class:`~django.core.exceptions.ValidationError` the service raises is copied onto the
    form, field by field, for the page's error summary. Returns what the service returned, or
    ``None`` when the request is not a POST, the form is invalid or the service refused (so
    the service returns what it made or changed, never ``None``). It checks no permission:
    the view does that before, and the service again.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(form.cleaned_data)
    except ValidationError as error:
        form.add_service_error(error)
        return None
