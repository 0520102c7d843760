"""Fixtures for the needs assessment: the demo's indicator data and one cycle with an assessment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.workspace.cycles.conftest import cycle, frameworks, programme
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.needs.demo import load_needs_demo
from workspace.needs.models import NeedsAssessment

__all__ = ["cycle", "frameworks", "programme"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def assessment(cast: Cast, cycle: Cycle) -> NeedsAssessment:
    """The demo's data loaded; the "Adult home care" cycle gets the demo's assessment."""
    load_needs_demo(cast=cast, progress=lambda _: None)
    return NeedsAssessment.objects.get(cycle=cycle)
