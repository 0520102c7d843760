"""Fixtures for reviews: the demo council's programmes with their cycles and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workspace.contracts.demo import load_contracts_demo
from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.needs.demo import load_needs_demo
from workspace.plan.demo import load_plan_demo
from workspace.reviews.demo import load_reviews_demo
from workspace.sourcing.demo import load_sourcing_demo


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(cast: Cast) -> dict[str, Programme]:
    """Kingsmere's five programmes with their cycles, needs data, outcomes frameworks,
    sourcing records, contracts and review figures, keyed by name.

    Loaded in the order ``make demo`` loads them: the review's evidence comes from all the
    other areas.
    """
    quiet = lambda _: None  # noqa: E731
    for load in (
        load_cycles_demo,
        load_needs_demo,
        load_sourcing_demo,
        load_contracts_demo,
        load_plan_demo,
        load_reviews_demo,
    ):
        load(cast=cast, progress=quiet)
    return {p.name: p for p in Programme.objects.filter(organisation=cast.organisations["council"])}
