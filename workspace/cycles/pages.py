"""What every cycles page shares: the GET-or-POST guard and rendering under a title."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

GET_POST = require_http_methods(["GET", "POST"])


def page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    """Render ``cycles/<template>`` with ``title`` and the rest of ``context``."""
    return render(request, f"cycles/{template}", {"title": title, **context})
