"""The demo council's commissioning history loads through the services, linked and audited."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from workspace.audit.services import audit_verify
from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Cycle, DecommissioningPlan, Programme, StageProgress
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cast: Cast) -> list[Programme]:
    return load_cycles_demo(cast=cast, progress=lambda message: None)


def test_five_programmes_each_with_two_or_three_cycles_of_history(demo: list[Programme]) -> None:
    assert [p.name for p in demo] == [
        "Adult home care",
        "Drug and alcohol treatment",
        "0–19 public health nursing",
        "Domestic abuse support",
        "Homelessness prevention",
    ]
    for programme in demo:
        cycles = list(programme.cycles.order_by("number"))
        complete = [c for c in cycles if c.status == Cycle.Status.COMPLETE]
        assert 2 <= len(cycles) <= 3
        assert len(complete) >= 2
        for cycle in complete:
            assert cycle.decisions.filter(kind="gate_approved").count() == len(
                cycle.definition.stages
            )
            assert cycle.decisions.filter(kind="general").exists()
            assert cycle.coproduction.exists()
            assert cycle.recommendations.exists()
        for earlier, later in itertools.pairwise(cycles):
            assert later.previous_cycle == earlier
            assert later.starting_evidence.startswith(
                f"Carried forward from cycle {earlier.number}"
            )


def test_the_demo_leaves_work_for_each_persona(demo: list[Programme]) -> None:
    statuses = set(StageProgress.objects.values_list("status", flat=True))
    assert {"submitted", "sent_back", "in_progress", "approved"} <= statuses
    plan = DecommissioningPlan.objects.get()
    assert plan.cycle.programme.name == "Homelessness prevention"
    assert plan.steps.filter(completed=True).count() == 2


def test_the_demo_is_loaded_once_and_its_audit_trail_verifies(
    cast: Cast, demo: list[Programme]
) -> None:
    again = load_cycles_demo(cast=cast, progress=lambda message: None)
    assert {p.pk for p in again} == {p.pk for p in demo}
    assert Programme.objects.count() == 5
    assert audit_verify().ok


def test_the_approver_finds_the_home_care_gate_waiting(
    demo: list[Programme], client_for: Callable[[str | None], Client]
) -> None:
    body = client_for("approver").get("/approvals/").content.decode()
    assert "Adult home care, cycle 3" in body
