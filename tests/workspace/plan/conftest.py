"""Fixtures for the Plan stage: a cycle with its Analyse gate signed off, and an appraisal.

The appraisal is small enough to check by hand: four short-listed options over three years
on the standard schedule, one option dropped with a reason, optimism bias, two uncertain
inputs and three criteria.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.workspace.cycles.conftest import (  # noqa: F401 - fixtures used by these tests
    _media_in_tmp,
    cycle,
    frameworks,
    programme,
)
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Artefact, Cycle
from workspace.demo.personas import Cast
from workspace.plan import services
from workspace.plan.models import Appraisal


@pytest.fixture
def plan_cycle(cast: Cast, cycle: Cycle) -> Cycle:  # noqa: F811 - the fixture above
    """The cycle with its Analyse gate signed off, so the Plan stage is open."""
    commissioner = cast.users["commissioner"]
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        cycle_services.artefact_update(
            actor=commissioner,
            artefact=artefact,
            title=artefact.title,
            summary="Written.",
            status=Artefact.Status.COMPLETE,
            file=SimpleUploadedFile("evidence.txt", b"evidence"),
        )
    progress = cycle.stages.get(stage_id="analyse")
    cycle_services.gate_submit(actor=commissioner, progress=progress)
    progress.refresh_from_db()
    cycle_services.gate_approve(
        actor=cast.users["approver"],
        progress=progress,
        checklist_confirmed=list(progress.stage.gate.checklist),
    )
    return cycle


FLOWS = {
    "In-house": {"operating": {1: 100.0, 2: 100.0}, "monetised_outcomes": {1: 150.0, 2: 150.0}},
    "External contract": {
        "transaction": {0: 20.0},
        "operating": {1: 90.0, 2: 90.0},
        "monetised_outcomes": {1: 120.0, 2: 120.0},
    },
    "Co-produced hubs": {
        "capital": {0: 30.0},
        "operating": {1: 80.0, 2: 80.0},
        "monetised_outcomes": {1: 150.0, 2: 160.0},
    },
    "Do minimum": {"operating": {1: 100.0, 2: 100.0}, "monetised_outcomes": {1: 100.0, 2: 100.0}},
}
MODELS = {
    "In-house": "in_house",
    "External contract": "external_contract",
    "Co-produced hubs": "co_production",
    "Do minimum": "do_minimum",
    "Shared service with Westmoor": "shared_service",
}


@pytest.fixture
def appraisal(cast: Cast, plan_cycle: Cycle) -> Appraisal:
    finance = cast.users["finance"]
    made = services.appraisal_create(
        actor=cast.users["commissioner"], cycle=plan_cycle, title="Home care options"
    )
    services.appraisal_settings_update(
        actor=finance,
        appraisal=made,
        title="Home care options",
        first_year=2026,
        horizon=2,
        price_base_year=2025,
        schedule="standard",
        convention="end_of_year",
        health_outcomes=False,
        simulations=2000,
        seed=7,
    )
    options = {
        name: services.option_add(actor=finance, appraisal=made, name=name, delivery_model=model)
        for name, model in MODELS.items()
    }
    services.option_discard(
        actor=cast.users["procurement"],
        option=options["Shared service with Westmoor"],
        reason="Westmoor has no capacity before 2029.",
    )
    for name, flows in FLOWS.items():
        services.option_cash_flows_set(actor=finance, option=options[name], cash_flows=flows)
    services.option_bias_set(
        actor=finance,
        option=options["Co-produced hubs"],
        bias={"capital": {"project_type": "Standard Buildings", "mitigated": 50}},
        reason="Standard refurbishment; half the causes mitigated by a fixed-price works contract.",
    )
    services.appraisal_input_add(
        actor=finance,
        appraisal=made,
        name="demand",
        category="operating",
        distribution="triangular",
        params={"min": 0.9, "mode": 1.0, "max": 1.3},
        options=[],
        reason="Population projections.",
    )
    services.appraisal_input_add(
        actor=finance,
        appraisal=made,
        name="hub outcomes",
        category="monetised_outcomes",
        distribution="pert",
        params={"min": 0.6, "mode": 1.0, "max": 1.2},
        options=["Co-produced hubs"],
        reason="Thin evidence from two pilots.",
    )
    services.appraisal_mcda_set(
        actor=cast.users["analyst"],
        appraisal=made,
        criteria={"quality": 40, "what_users_said": 40, "deliverability": 20},
        scores={
            "In-house": {"quality": 7, "what_users_said": 6, "deliverability": 6},
            "External contract": {"quality": 6, "what_users_said": 4, "deliverability": 7},
            "Co-produced hubs": {"quality": 7, "what_users_said": 9, "deliverability": 5},
            "Do minimum": {"quality": 4, "what_users_said": 3, "deliverability": 9},
        },
    )
    made.refresh_from_db()
    return made
