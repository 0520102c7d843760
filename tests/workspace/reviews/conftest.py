"""Fixtures for reviews: the demo council's programmes with their cycles and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workspace.contracts.demo import load_contracts_demo
from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.reviews.demo import load_reviews_demo
from workspace.sourcing.demo import load_sourcing_demo


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(cast: Cast) -> dict[str, Programme]:
    """Kingsmere's five programmes, cycles, sourcing, contracts and review figures, by name."""
    load_cycles_demo(cast=cast, progress=lambda _: None)
    load_sourcing_demo(cast=cast, progress=lambda _: None)
    load_contracts_demo(cast=cast, progress=lambda _: None)
    load_reviews_demo(cast=cast, progress=lambda _: None)
    return {p.name: p for p in Programme.objects.filter(organisation=cast.organisations["council"])}
