"""The demo's contracts tell the four stories they are written for."""

from __future__ import annotations

import pytest

from workspace.contracts.demo import load_contracts_demo
from workspace.contracts.models import Agreement
from workspace.contracts.performance import kpi_performance
from workspace.cycles.demo import load_cycles_demo
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def test_the_demo_shows_improving_stable_special_cause_and_failing_services(cast: Cast) -> None:
    load_cycles_demo(cast=cast, progress=lambda _: None)
    load_contracts_demo(cast=cast, progress=lambda _: None)
    load_contracts_demo(cast=cast, progress=lambda _: None)  # idempotent
    assert Agreement.objects.count() == 5
    home_care = Agreement.objects.get(reference="KBC-ASC-0417")
    assert home_care.provider is not None
    assert home_care.provider.name == "Brightwater Home Care Ltd"
    perf = {p.kpi.name: p for a in Agreement.objects.all() for p in kpi_performance(a)}
    on_time = perf["Visits on time"].rows
    assert any(r["variation"] == "improvement" for r in on_time)
    waits = perf["Days from referral to first contact"].rows
    assert any(r["variation"] == "concern" and "outside limits" in r["signals"] for r in waits)
    prevented = perf["Households whose homelessness was prevented"].rows
    assert all(r["rating"] == "inadequate" for r in prevented)
    completions = perf["Successful completions"].rows
    assert not any("outside limits" in r["signals"] for r in completions)
