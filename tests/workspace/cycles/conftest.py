"""Fixtures for programmes and cycles: shipped frameworks loaded, one programme, one cycle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workspace.cycles import services
from workspace.cycles.models import Cycle, CycleFramework, Programme
from workspace.demo.personas import Cast


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frameworks(cast: Cast) -> dict[str, CycleFramework]:
    return {record.key: record for record in services.framework_load_shipped()}


@pytest.fixture
def programme(cast: Cast) -> Programme:
    return services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        partner_organisation=cast.organisations["icb"],
        name="Adult home care",
        service_area="Adult social care",
        description="Help at home for adults who need care and support.",
    )


@pytest.fixture
def cycle(cast: Cast, programme: Programme, frameworks: dict[str, CycleFramework]) -> Cycle:
    return services.cycle_start(
        actor=cast.users["commissioner"],
        programme=programme,
        framework=frameworks["ipc-analyse-plan-do-review"],
    )
