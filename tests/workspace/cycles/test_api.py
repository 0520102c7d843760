"""The API over programmes, cycles, decisions and approvals: same rules as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.workspace.conftest import PERSONA_KEYS
from tests.workspace.cycles.test_services import complete_stage
from tests.workspace.permissions import COMMISSIONING_EDITORS, COMMISSIONING_READERS
from workspace.accounts.services import api_token_create
from workspace.cycles import services
from workspace.cycles.models import Artefact, Cycle, CycleFramework, StageProgress
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def _submit_analyse(cast: Cast, cycle: Cycle) -> StageProgress:
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=cast.users["commissioner"],
            artefact=artefact,
            title=artefact.title,
            summary="Written.",
            status=Artefact.Status.COMPLETE,
        )
    return services.gate_submit(
        actor=cast.users["commissioner"], progress=cycle.stages.get(stage_id="analyse")
    )


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None) -> int:
    if method == "get":
        return client.get(url).status_code
    return client.post(url, body or {}, content_type="application/json").status_code


def test_every_operation_lets_in_exactly_the_right_personas(
    cast: Cast,
    cycle: Cycle,
    frameworks: dict[str, CycleFramework],
    client_for: Callable[[str | None], Client],
) -> None:
    _submit_analyse(cast, cycle)
    p, c = cycle.programme.pk, cycle.pk
    operations: list[tuple[str, str, dict[str, Any] | None, frozenset[str]]] = [
        ("get", f"/api/programmes/{p}", None, COMMISSIONING_READERS),
        ("get", f"/api/cycles/{c}", None, COMMISSIONING_READERS),
        ("get", f"/api/cycles/{c}/decisions", None, COMMISSIONING_READERS),
        # A second cycle cannot start while the first is open: editors get 422, others 403.
        (
            "post",
            f"/api/programmes/{p}/cycles",
            {"framework_id": frameworks["free-form"].pk},
            COMMISSIONING_EDITORS,
        ),
        (
            "post",
            f"/api/cycles/{c}/decisions",
            {"title": "", "rationale": ""},
            COMMISSIONING_EDITORS,
        ),
        (
            "post",
            f"/api/cycles/{c}/stages/analyse/sign-off",
            {"outcome": "approve"},
            frozenset({"approver"}),
        ),
    ]
    failures = []
    for method, url, body, allowed in operations:
        for persona in [*PERSONA_KEYS, None]:
            status = _call(client_for(persona), method, url, body)
            if persona is None:
                ok = status == 401
            elif persona in allowed:
                ok = status in {200, 201, 422}
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{method.upper()} {url} as {persona}: {status}")
    assert not failures, failures


def test_lists_show_only_what_the_caller_may_see(
    cast: Cast, cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    _submit_analyse(cast, cycle)
    assert [p["name"] for p in client_for("analyst").get("/api/programmes").json()] == [
        "Adult home care"
    ]
    assert client_for("outsider").get("/api/programmes").json() == []
    assert client_for("provider").get("/api/programmes").json() == []
    assert client_for("outsider").get("/api/approvals").json() == []
    waiting = client_for("approver").get("/api/approvals").json()
    assert [(a["programme"], a["stage"]) for a in waiting] == [("Adult home care", "analyse")]


def test_a_script_runs_a_gate_through_to_sign_off_with_tokens(cast: Cast, cycle: Cycle) -> None:
    _, commissioner_key = api_token_create(user=cast.users["commissioner"], name="script")
    _, approver_key = api_token_create(user=cast.users["approver"], name="script")
    commissioner = Client(headers={"Authorization": f"Bearer {commissioner_key}"})
    approver = Client(headers={"Authorization": f"Bearer {approver_key}"})

    bad = commissioner.post(
        f"/api/cycles/{cycle.pk}/decisions",
        {"title": "", "rationale": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "errors": {"title": ["Enter what was decided"], "rationale": ["Enter why it was decided"]}
    }
    made = commissioner.post(
        f"/api/cycles/{cycle.pk}/decisions",
        {"title": "Zone the county", "rationale": "Travel time.", "stage_id": "plan"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["decided_by"] == "priya.shah"

    _submit_analyse(cast, cycle)
    gate = approver.get("/api/approvals").json()[0]
    signed = approver.post(
        f"/api/cycles/{cycle.pk}/stages/analyse/sign-off",
        {"outcome": "approve", "checklist": gate["checklist"]},
        content_type="application/json",
    )
    assert signed.status_code == 200
    assert signed.json()["kind"] == "gate_approved"
    stages = commissioner.get(f"/api/cycles/{cycle.pk}").json()["stages"]
    assert [(s["id"], s["status"]) for s in stages][:2] == [
        ("analyse", "approved"),
        ("plan", "in_progress"),
    ]


def test_starting_the_next_cycle_through_the_api_links_it(
    cast: Cast,
    cycle: Cycle,
    frameworks: dict[str, CycleFramework],
    client_for: Callable[[str | None], Client],
) -> None:
    for stage in cycle.definition.stages:
        complete_stage(cast, cycle, stage.id)
    response = client_for("commissioner").post(
        f"/api/programmes/{cycle.programme.pk}/cycles",
        {"framework_id": frameworks["nhs-joint-commissioning"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    started = response.json()
    assert (started["number"], started["previous_cycle_id"]) == (2, cycle.pk)
    assert started["framework"] == "nhs-joint-commissioning@1"


def test_the_openapi_document_describes_the_operations(
    client_for: Callable[[str | None], Client],
) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"/api/programmes", "/api/cycles/{pk}", "/api/approvals"} <= set(paths)
