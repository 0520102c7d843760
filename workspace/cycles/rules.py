"""Checks shared by the cycle use cases: the time of a change, required fields, safe links."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone


def now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def check_links(text: str, field: str) -> str:
    """One web address a line; every line must be one."""
    validate = URLValidator(schemes=["http", "https"])
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            validate(line)
        except ValidationError:
            raise ValidationError(
                {field: f"Line {number} is not a web address starting http:// or https://"}
            ) from None
    return "\n".join(lines)


def required(values: dict[str, str], messages: dict[str, str]) -> None:
    errors = {name: message for name, message in messages.items() if not values[name].strip()}
    if errors:
        raise ValidationError(errors)
