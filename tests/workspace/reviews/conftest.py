"""Fixtures for reviews: the demo council's programmes with their cycles and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.needs.demo import load_needs_demo
from workspace.plan.demo import load_plan_demo
from workspace.reviews.demo import load_reviews_demo


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(cast: Cast) -> dict[str, Programme]:
    """Kingsmere's five programmes, cycles and Spiral test figures, keyed by name.

    Loaded as ``make demo`` loads them: the needs data and the plan's outcomes frameworks
    before the review's, whose outcome evidence comes from both.
    """
    quiet = lambda _: None  # noqa: E731
    load_cycles_demo(cast=cast, progress=quiet)
    load_needs_demo(cast=cast, progress=quiet)
    load_plan_demo(cast=cast, progress=quiet)
    load_reviews_demo(cast=cast, progress=quiet)
    return {p.name: p for p in Programme.objects.filter(organisation=cast.organisations["council"])}
