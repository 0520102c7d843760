"""Request types for views that require a signed-in user."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required`` (or API authentication): ``user`` is a real user."""

    user: User
