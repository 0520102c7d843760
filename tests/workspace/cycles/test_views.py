"""Programme and cycle pages: every view against every persona, and the forms' errors.

Kingsmere's readers (commissioner, analyst, finance, procurement, approver, auditor,
administrator) see Kingsmere's programmes; its editors change them; only its approver signs
gates off; only its administrator adapts frameworks. The provider and the outsider (a
commissioner, approver and auditor at another council) see none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.workspace.cycles.test_services import complete_stage
from tests.workspace.permissions import (
    COMMISSIONING_EDITORS,
    COMMISSIONING_READERS,
    check_matrix,
)
from workspace.cycles import services
from workspace.cycles.models import (
    Artefact,
    Cycle,
    CycleFramework,
    Decision,
    Programme,
    StageProgress,
)
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db

APPROVERS = frozenset({"approver"})
ADMINISTRATORS = frozenset({"administrator"})
# The outsider holds view, edit and approve rights at their own council, so pages that list
# "what is mine" open for them too, showing nothing of Kingsmere (checked below).
READERS_ANYWHERE = COMMISSIONING_READERS | {"outsider"}
EDITORS_ANYWHERE = COMMISSIONING_EDITORS | {"outsider"}


@dataclass
class World:
    programme: Programme
    cycle: Cycle
    submitted: StageProgress
    artefact: Artefact
    shipped: CycleFramework
    own_framework: CycleFramework
    free_cycle: Cycle


@pytest.fixture
def world(cast: Cast, cycle: Cycle, frameworks: dict[str, CycleFramework]) -> World:
    commissioner = cast.users["commissioner"]
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=commissioner,
            artefact=artefact,
            title=artefact.title,
            summary="Written.",
            status=Artefact.Status.COMPLETE,
            file=SimpleUploadedFile("evidence.txt", b"evidence"),
        )
    submitted = services.gate_submit(
        actor=commissioner, progress=cycle.stages.get(stage_id="analyse")
    )
    services.recommendation_record(
        actor=commissioner, cycle=cycle, choice="decommission", rationale="Better met elsewhere."
    )
    services.decommissioning_start(
        actor=commissioner, cycle=cycle, source="review", reason="Better met elsewhere."
    )
    own = services.framework_adapt(
        actor=cast.users["administrator"],
        source=frameworks["ipc-analyse-plan-do-review"],
        organisation=cast.organisations["council"],
        new_id="kingsmere-cycle",
        name="Kingsmere cycle",
    )
    homelessness = services.programme_create(
        actor=commissioner,
        organisation=cast.organisations["council"],
        name="Homelessness prevention",
        service_area="Housing",
    )
    free_cycle = services.cycle_start(
        actor=commissioner, programme=homelessness, framework=frameworks["free-form"]
    )
    return World(
        free_cycle=free_cycle,
        programme=cycle.programme,
        cycle=cycle,
        submitted=submitted,
        artefact=cycle.artefacts.get(kind="needs_assessment"),
        shipped=frameworks["free-form"],
        own_framework=own,
    )


def _pages(w: World) -> list[tuple[str, str, frozenset[str]]]:
    c, p = w.cycle.pk, w.programme.pk
    return [
        ("get", "/programmes/", READERS_ANYWHERE),
        ("get", "/programmes/new/", EDITORS_ANYWHERE),
        ("get", f"/programmes/{p}/", COMMISSIONING_READERS),
        ("get", f"/programmes/{p}/start-cycle/", COMMISSIONING_EDITORS),
        ("get", f"/programmes/{p}/decisions/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/start-next-cycle/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/stages/analyse/gate/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/stages/analyse/sign-off/", APPROVERS),
        (
            "get",
            f"/cycles/{w.free_cycle.pk}/stages/commission/add-activity/",
            COMMISSIONING_EDITORS,
        ),
        ("get", f"/cycles/{c}/decisions/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/decisions/new/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/co-production/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/co-production/new/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/recommendations/new/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/decommissioning/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/decommissioning/start/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/decommissioning/consultation/", COMMISSIONING_EDITORS),
        ("get", f"/artefacts/{w.artefact.pk}/", COMMISSIONING_READERS),
        ("get", f"/artefacts/{w.artefact.pk}/edit/", COMMISSIONING_EDITORS),
        ("get", f"/artefacts/{w.artefact.pk}/file/", COMMISSIONING_READERS),
        ("get", "/approvals/", READERS_ANYWHERE),
        ("get", "/frameworks/", READERS_ANYWHERE),
        ("get", f"/frameworks/{w.shipped.pk}/", READERS_ANYWHERE),
        ("get", f"/frameworks/{w.own_framework.pk}/", COMMISSIONING_READERS),
        ("get", f"/frameworks/{w.shipped.pk}/adapt/", ADMINISTRATORS),
        ("get", "/frameworks/new/", ADMINISTRATORS),
        ("get", f"/frameworks/{w.own_framework.pk}/new-version/", ADMINISTRATORS),
        # Posts that change nothing (the forms are empty) still need the right to change.
        ("post", "/programmes/new/", EDITORS_ANYWHERE),
        ("post", f"/programmes/{p}/start-cycle/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/start-next-cycle/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/stages/plan/gate/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/stages/analyse/sign-off/", APPROVERS),
        (
            "post",
            f"/cycles/{w.free_cycle.pk}/stages/commission/add-activity/",
            COMMISSIONING_EDITORS,
        ),
        ("post", f"/cycles/{c}/decisions/new/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/co-production/new/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/recommendations/new/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/decommissioning/start/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/decommissioning/consultation/", COMMISSIONING_EDITORS),
        ("post", f"/artefacts/{w.artefact.pk}/edit/", COMMISSIONING_EDITORS),
        ("post", f"/frameworks/{w.shipped.pk}/adapt/", ADMINISTRATORS),
        ("post", "/frameworks/new/", ADMINISTRATORS),
        ("post", f"/frameworks/{w.own_framework.pk}/new-version/", ADMINISTRATORS),
    ]


def test_every_view_lets_in_exactly_the_right_personas(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    for method, url, allowed in _pages(world):
        check_matrix(client_for, method=method, url=url, allowed=allowed)


def test_the_matrix_covers_every_route_of_the_app(world: World) -> None:
    from django.urls import resolve

    from workspace.cycles.urls import urlpatterns

    covered = {resolve(url).url_name for _, url, _ in _pages(world)}
    assert covered == {pattern.name for pattern in urlpatterns}


def test_the_outsider_and_the_provider_see_nothing_of_kingsmere(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    outsider = client_for("outsider")
    for url in ("/programmes/", "/approvals/", "/frameworks/"):
        body = outsider.get(url).content.decode()
        assert "Adult home care" not in body
        assert "Kingsmere cycle" not in body
    assert client_for("provider").get("/programmes/").status_code == 403


def test_the_programmes_page_shows_each_programme_with_its_cycle_and_stage(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    body = client_for("analyst").get("/programmes/").content.decode()
    assert "Adult home care" in body
    assert "Cycle 1" in body
    assert "Analyse: awaiting sign-off" in body


def test_the_cycle_is_a_task_list_of_stages_activities_and_artefacts(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    body = client_for("commissioner").get(f"/cycles/{world.cycle.pk}/").content.decode()
    assert "govuk-task-list" in body
    for text in ("1. Analyse", "4. Review", "Assess population needs", "Market position statement"):
        assert text in body
    assert "Gate: Needs, resources and market understood" in body
    assert f'/cycles/{world.cycle.pk}/stages/analyse/gate/"' in body


def test_an_artefact_form_shows_gov_uk_errors_and_saves_nothing(
    cast: Cast, cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    artefact = cycle.artefacts.get(kind="needs_assessment")
    response = client_for("analyst").post(
        f"/artefacts/{artefact.pk}/edit/",
        {"title": "", "summary": "", "links": "nonsense", "status": "complete"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'href="#id_title"' in body
    assert "Enter a title" in body
    assert "<title>Error:" in body
    assert Artefact.objects.get(pk=artefact.pk).status == Artefact.Status.NOT_STARTED


def test_a_service_rule_shows_as_a_field_error(
    cast: Cast, cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    artefact = cycle.artefacts.get(kind="needs_assessment")
    response = client_for("analyst").post(
        f"/artefacts/{artefact.pk}/edit/",
        {"title": "Needs", "summary": "", "status": "complete"},
    )
    body = response.content.decode()
    assert "Enter a summary before marking the artefact complete" in body
    assert 'href="#id_summary"' in body


def test_an_artefact_is_saved_with_its_file_through_the_page(
    cast: Cast, cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    artefact = cycle.artefacts.get(kind="needs_assessment")
    client = client_for("analyst")
    response = client.post(
        f"/artefacts/{artefact.pk}/edit/",
        {
            "title": "Home care needs 2026",
            "summary": "Demand grows.",
            "links": "https://example.org/jsna",
            "status": "complete",
            "file": SimpleUploadedFile("needs.csv", b"ward,need\nA,3\n"),
        },
    )
    assert response.status_code == 302
    download = client.get(f"/artefacts/{artefact.pk}/file/")
    assert b"".join(download.streaming_content) == b"ward,need\nA,3\n"  # type: ignore[attr-defined]


def test_the_journey_from_gate_submission_to_sign_off(
    cast: Cast, cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    commissioner = client_for("commissioner")
    refused = commissioner.post(f"/cycles/{cycle.pk}/stages/analyse/gate/", {"note": ""})
    assert "Complete the required artefacts first" in refused.content.decode()
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        commissioner.post(
            f"/artefacts/{artefact.pk}/edit/",
            {"title": artefact.title, "summary": "Done.", "status": "complete"},
        )
    submitted = commissioner.post(
        f"/cycles/{cycle.pk}/stages/analyse/gate/", {"note": "Ready for sign-off."}
    )
    assert submitted.status_code == 302

    approver = client_for("approver")
    waiting = approver.get("/approvals/").content.decode()
    assert "Adult home care, cycle 1" in waiting
    page = approver.get(f"/cycles/{cycle.pk}/stages/analyse/sign-off/").content.decode()
    assert "Ready for sign-off." in page

    missing = approver.post(f"/cycles/{cycle.pk}/stages/analyse/sign-off/", {"outcome": "approve"})
    assert "Confirm every item on the checklist to sign off" in missing.content.decode()

    checklist = cycle.stages.get(stage_id="analyse").stage.gate.checklist
    done = approver.post(
        f"/cycles/{cycle.pk}/stages/analyse/sign-off/",
        {"outcome": "approve", "checklist": list(checklist), "note": "Sound analysis."},
    )
    assert done.status_code == 302
    assert cycle.stages.get(stage_id="analyse").status == StageProgress.Status.APPROVED
    assert cycle.decisions.get(kind=Decision.Kind.GATE_APPROVED).rationale == "Sound analysis."
    assert "Nothing is waiting for you." in approver.get("/approvals/").content.decode()


def test_sending_back_through_the_page_needs_a_reason(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    url = f"/cycles/{world.cycle.pk}/stages/analyse/sign-off/"
    approver = client_for("approver")
    refused = approver.post(url, {"outcome": "send_back", "reason": ""})
    assert "Enter why the gate is being sent back" in refused.content.decode()
    approver.post(url, {"outcome": "send_back", "reason": "Add carers' views."})
    body = client_for("commissioner").get(f"/cycles/{world.cycle.pk}/").content.decode()
    assert "Sent back: Add carers&#39; views." in body


def test_decisions_and_co_production_are_recorded_through_their_forms(
    cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    commissioner = client_for("commissioner")
    bad = commissioner.post(f"/cycles/{cycle.pk}/decisions/new/", {"title": "", "rationale": ""})
    assert "Enter what was decided" in bad.content.decode()
    commissioner.post(
        f"/cycles/{cycle.pk}/decisions/new/",
        {
            "title": "Keep the night service in-house",
            "stage_id": "plan",
            "options_considered": "In-house; external",
            "rationale": "Safer handovers.",
            "evidence_links": "https://example.org/review",
            "decision_maker": "Cabinet",
        },
    )
    log = commissioner.get(f"/cycles/{cycle.pk}/decisions/").content.decode()
    assert "Keep the night service in-house" in log
    assert "Safer handovers." in log

    bad = commissioner.post(f"/cycles/{cycle.pk}/co-production/new/", {"held_on": "yesterday"})
    body = bad.content.decode()
    assert "Choose who took part" in body
    assert "Enter the date as year-month-day" in body
    commissioner.post(
        f"/cycles/{cycle.pk}/co-production/new/",
        {
            "stage_id": "analyse",
            "participants": ["users", "vcse"],
            "method": "co_design",
            "held_on": "2026-02-03",
            "description": "Co-design group with Age Concern Kingsmere.",
            "what_changed": "Evening visits added to the specification.",
        },
    )
    log = commissioner.get(f"/cycles/{cycle.pk}/co-production/").content.decode()
    assert "Evening visits added to the specification." in log


def test_starting_the_next_cycle_through_the_page_carries_the_review_in(
    cast: Cast,
    cycle: Cycle,
    frameworks: dict[str, CycleFramework],
    client_for: Callable[[str | None], Client],
) -> None:
    for stage in cycle.definition.stages:
        complete_stage(cast, cycle, stage.id)
    commissioner = client_for("commissioner")
    commissioner.post(
        f"/cycles/{cycle.pk}/recommendations/new/",
        {"choice": "re_procure", "rationale": "The market has grown.", "evidence": ""},
    )
    page = commissioner.get(f"/cycles/{cycle.pk}/start-next-cycle/").content.decode()
    assert "Carried in from cycle 1" in page
    assert "The market has grown." in page
    response = commissioner.post(
        f"/cycles/{cycle.pk}/start-next-cycle/",
        {"framework": frameworks["ipc-analyse-plan-do-review"].pk},
    )
    following = Cycle.objects.get(programme=cycle.programme, number=2)
    assert response["Location"] == f"/cycles/{following.pk}/"
    body = commissioner.get(f"/cycles/{following.pk}/").content.decode()
    assert "Starting evidence" in body
    assert "Recommendation: Re-procure. The market has grown." in body
    before = commissioner.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f'href="/cycles/{following.pk}/">Cycle 2</a>' in before
    assert "Start the next cycle" not in before


def test_a_framework_with_an_error_is_refused_on_the_page_with_its_line(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    text = world.own_framework.yaml_text.replace("version: 1", "version: one")
    response = client_for("administrator").post(
        f"/frameworks/{world.own_framework.pk}/new-version/", {"yaml_text": text}
    )
    body = response.content.decode()
    assert "There is a problem" in body
    assert (
        "the framework, line 3: version: must be a whole number from 1, not &#39;one&#39;" in body
    )


def test_a_free_stage_takes_added_activities_through_its_page(
    world: World, client_for: Callable[[str | None], Client]
) -> None:
    commissioner = client_for("commissioner")
    url = f"/cycles/{world.free_cycle.pk}/stages/commission/add-activity/"
    refused = commissioner.post(url, {"name": "", "artefact_kind": "other"})
    assert "Enter the activity&#39;s name" in refused.content.decode()
    commissioner.post(
        url, {"name": "Visit the night shelter", "guidance": "", "artefact_kind": "other"}
    )
    body = commissioner.get(f"/cycles/{world.free_cycle.pk}/").content.decode()
    assert "Visit the night shelter" in body
    assert (
        commissioner.get(f"/cycles/{world.cycle.pk}/stages/analyse/add-activity/").status_code
        == 404
    )


def test_a_framework_file_with_errors_is_refused_naming_the_file_and_line(
    cast: Cast, frameworks: dict[str, CycleFramework], client_for: Callable[[str | None], Client]
) -> None:
    text = frameworks["free-form"].yaml_text.replace("id: free-form", "id: kingsmere-open")
    broken = text.replace("approver_role: approver", "approver_role: mayor")
    line = broken.splitlines().index("    approver_role: mayor") + 1
    administrator = client_for("administrator")
    council = cast.organisations["council"].pk
    refused = administrator.post(
        "/frameworks/new/",
        {"organisation": council, "file": SimpleUploadedFile("open.yaml", broken.encode())},
    )
    body = refused.content.decode()
    assert "There is a problem" in body
    assert f"open.yaml, line {line}: stages[0].gate.approver_role: &#39;mayor&#39;" in body
    assert not CycleFramework.objects.filter(key="kingsmere-open").exists()

    added = administrator.post(
        "/frameworks/new/",
        {"organisation": council, "file": SimpleUploadedFile("open.yaml", text.encode())},
    )
    record = CycleFramework.objects.get(key="kingsmere-open")
    assert added["Location"] == f"/frameworks/{record.pk}/"
    assert (record.version, record.organisation_id) == (1, council)


def test_the_programme_decision_log_spans_every_cycle(
    cast: Cast,
    cycle: Cycle,
    frameworks: dict[str, CycleFramework],
    client_for: Callable[[str | None], Client],
) -> None:
    for stage in cycle.definition.stages:
        complete_stage(cast, cycle, stage.id)
    following = services.cycle_start(
        actor=cast.users["commissioner"],
        programme=cycle.programme,
        framework=frameworks["free-form"],
    )
    services.decision_record(
        actor=cast.users["commissioner"], cycle=following, title="Try a new model", rationale="R."
    )
    body = (
        client_for("auditor").get(f"/programmes/{cycle.programme.pk}/decisions/").content.decode()
    )
    assert "Try a new model" in body
    assert "Review gate signed off" in body
    assert body.index("Try a new model") < body.index("Review gate signed off")
