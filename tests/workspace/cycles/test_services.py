"""Programme and cycle services: the rules of the cycle, pinning, carrying forward, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from workspace.accounts.models import Membership, Role
from workspace.audit.models import AuditEvent
from workspace.audit.services import audit_verify
from workspace.cycles import services
from workspace.cycles.models import (
    Artefact,
    Cycle,
    CycleFramework,
    Decision,
    DecommissioningPlan,
    Programme,
    Recommendation,
    StageProgress,
)
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def complete_stage(cast: Cast, cycle: Cycle, stage_id: str) -> Decision:
    """Write every required artefact of a stage, submit its gate, and sign it off."""
    commissioner, approver = cast.users["commissioner"], cast.users["approver"]
    for artefact in cycle.artefacts.filter(stage_id=stage_id, required=True):
        services.artefact_update(
            actor=commissioner,
            artefact=artefact,
            title=artefact.title,
            summary=f"What the {artefact.title.lower()} found.",
            status=Artefact.Status.COMPLETE,
        )
    progress = cycle.stages.get(stage_id=stage_id)
    services.gate_submit(actor=commissioner, progress=progress)
    progress.refresh_from_db()
    return services.gate_approve(
        actor=approver, progress=progress, checklist_confirmed=progress.stage.gate.checklist
    )


def complete_cycle(cast: Cast, cycle: Cycle) -> None:
    for stage in cycle.definition.stages:
        complete_stage(cast, cycle, stage.id)
    cycle.refresh_from_db()


# --- frameworks ---------------------------------------------------------------------------


def test_loading_shipped_frameworks_stores_each_once_and_audits_it(cast: Cast) -> None:
    first = services.framework_load_shipped()
    again = services.framework_load_shipped()
    assert [r.pk for r in first] == [r.pk for r in again]
    assert {r.key for r in first} == {
        "ipc-analyse-plan-do-review",
        "nhs-joint-commissioning",
        "childrens-understand-plan-do-review",
        "noms-commissioning-round",
        "free-form",
    }
    assert AuditEvent.objects.filter(action="loaded shipped framework").count() == 5


def test_an_administrator_adapts_a_framework_for_their_organisation(
    cast: Cast, frameworks: dict[str, CycleFramework]
) -> None:
    copy = services.framework_adapt(
        actor=cast.users["administrator"],
        source=frameworks["nhs-joint-commissioning"],
        organisation=cast.organisations["council"],
        new_id="kingsmere-joint",
        name="Kingsmere joint cycle",
    )
    assert (copy.key, copy.version, copy.based_on) == (
        "kingsmere-joint",
        1,
        "nhs-joint-commissioning@1",
    )
    assert copy.organisation == cast.organisations["council"]
    assert copy.framework.stages == frameworks["nhs-joint-commissioning"].framework.stages


def test_only_administrators_adapt_frameworks(
    cast: Cast, frameworks: dict[str, CycleFramework]
) -> None:
    with pytest.raises(PermissionDenied):
        services.framework_adapt(
            actor=cast.users["commissioner"],
            source=frameworks["free-form"],
            organisation=cast.organisations["council"],
            new_id="ours",
            name="Ours",
        )


def test_a_bad_copy_id_is_a_field_error(cast: Cast, frameworks: dict[str, CycleFramework]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.framework_adapt(
            actor=cast.users["administrator"],
            source=frameworks["free-form"],
            organisation=cast.organisations["council"],
            new_id="Our Cycle",
            name="Ours",
        )
    assert "not a valid framework id" in caught.value.message_dict["new_id"][0]


def test_a_revised_framework_with_an_error_is_refused_with_its_line(
    cast: Cast, frameworks: dict[str, CycleFramework]
) -> None:
    copy = services.framework_adapt(
        actor=cast.users["administrator"],
        source=frameworks["free-form"],
        organisation=cast.organisations["council"],
        new_id="ours",
        name="Ours",
    )
    broken = copy.yaml_text.replace("approver_role: approver", "approver_role: leader")
    line = broken.splitlines().index("    approver_role: leader") + 1
    with pytest.raises(ValidationError) as caught:
        services.framework_revise(
            actor=cast.users["administrator"], framework=copy, yaml_text=broken
        )
    assert caught.value.message_dict["yaml_text"] == [
        f"the framework, line {line}: stages[0].gate.approver_role: 'leader' is not a known "
        "role; use one of commissioner, analyst, finance, procurement, approver, auditor, "
        "provider, administrator"
    ]
    assert CycleFramework.objects.filter(key="ours").count() == 1


def test_a_cycle_pins_its_framework_version_so_later_changes_never_reach_it(
    cast: Cast, programme: Programme, frameworks: dict[str, CycleFramework]
) -> None:
    ours = services.framework_adapt(
        actor=cast.users["administrator"],
        source=frameworks["ipc-analyse-plan-do-review"],
        organisation=cast.organisations["council"],
        new_id="kingsmere-cycle",
        name="Kingsmere cycle",
    )
    cycle = services.cycle_start(
        actor=cast.users["commissioner"], programme=programme, framework=ours
    )
    pinned = cycle.definition

    revised = services.framework_revise(
        actor=cast.users["administrator"],
        framework=ours,
        yaml_text=ours.yaml_text.replace("name: Analyse\n", "name: Understand\n"),
    )
    assert revised.version == 2
    assert revised.framework.stages[0].name == "Understand"

    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.definition == pinned
    assert cycle.definition.stages[0].name == "Analyse"
    assert cycle.framework_label == "kingsmere-cycle@1"
    assert services.frameworks_available_to(programme)[-1].version == 2


def test_a_cycle_keeps_its_snapshot_even_if_a_stored_framework_is_altered(
    cast: Cast, cycle: Cycle
) -> None:
    record = cycle.framework
    record.definition["stages"][0]["name"] = "Altered"
    record.save()
    assert Cycle.objects.get(pk=cycle.pk).definition.stages[0].name == "Analyse"


# --- programmes and cycles ----------------------------------------------------------------


def test_a_programme_needs_a_name_and_a_service_area(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        services.programme_create(
            actor=cast.users["commissioner"],
            organisation=cast.organisations["council"],
            name=" ",
            service_area="",
        )
    assert caught.value.message_dict == {
        "name": ["Enter the programme's name"],
        "service_area": ["Enter the service area"],
    }
    assert not Programme.objects.exists()


def test_people_without_edit_rights_cannot_create_programmes(cast: Cast) -> None:
    for persona in ("approver", "auditor", "provider", "outsider"):
        with pytest.raises(PermissionDenied):
            services.programme_create(
                actor=cast.users[persona],
                organisation=cast.organisations["council"],
                name="Day services",
                service_area="Adult social care",
            )


def test_starting_a_cycle_lays_out_its_stages_and_artefacts(cycle: Cycle) -> None:
    assert cycle.number == 1
    assert cycle.framework_label == "ipc-analyse-plan-do-review@1"
    assert [(p.stage_id, p.status) for p in cycle.stages.order_by("position")] == [
        ("analyse", "in_progress"),
        ("plan", "not_started"),
        ("do", "not_started"),
        ("review", "not_started"),
    ]
    kinds = list(cycle.artefacts.order_by("id").values_list("kind", "required"))
    assert kinds == [
        ("needs_assessment", True),
        ("market_analysis", True),
        ("outcomes_framework", True),
        ("options_appraisal", True),
        ("other", False),
        ("sourcing_plan", True),
        ("contract", True),
        ("review", True),
        ("decommissioning_plan", False),
    ]
    assert cycle.current_progress().stage_id == "analyse"  # type: ignore[union-attr]


def test_a_second_cycle_waits_for_the_first_to_finish(
    cast: Cast, cycle: Cycle, frameworks: dict[str, CycleFramework]
) -> None:
    with pytest.raises(ValidationError, match="still in progress"):
        services.cycle_start(
            actor=cast.users["commissioner"],
            programme=cycle.programme,
            framework=frameworks["free-form"],
        )


def test_another_organisations_framework_cannot_be_used(
    cast: Cast, programme: Programme, frameworks: dict[str, CycleFramework]
) -> None:
    theirs = services.framework_adapt(
        actor=_administrator_of(cast, "other_council"),
        source=frameworks["free-form"],
        organisation=cast.organisations["other_council"],
        new_id="northdale",
        name="Northdale",
    )
    with pytest.raises(ValidationError, match="Choose a framework this programme may use"):
        services.cycle_start(
            actor=cast.users["commissioner"], programme=programme, framework=theirs
        )


def _administrator_of(cast: Cast, organisation: str) -> object:
    user = get_user_model().objects.create(username=f"admin.{organisation}")
    Membership.objects.create(
        user=user, organisation=cast.organisations[organisation], role=Role.ADMINISTRATOR
    )
    return user


def test_a_partner_organisations_commissioner_works_on_a_joint_programme(
    cast: Cast, cycle: Cycle
) -> None:
    icb_person = get_user_model().objects.create(username="icb.commissioner")
    Membership.objects.create(
        user=icb_person, organisation=cast.organisations["icb"], role=Role.COMMISSIONER
    )
    artefact = cycle.artefacts.get(kind="needs_assessment")
    services.artefact_update(
        actor=icb_person,  # type: ignore[arg-type]
        artefact=artefact,
        title="Joint needs assessment",
        summary="Written with the council.",
        status=Artefact.Status.DRAFT,
    )
    assert Artefact.objects.get(pk=artefact.pk).updated_by == icb_person


# --- artefacts ----------------------------------------------------------------------------


def test_an_artefact_is_complete_only_with_a_summary(cast: Cast, cycle: Cycle) -> None:
    artefact = cycle.artefacts.get(kind="needs_assessment")
    with pytest.raises(ValidationError) as caught:
        services.artefact_update(
            actor=cast.users["analyst"],
            artefact=artefact,
            title="Needs assessment",
            summary="",
            status=Artefact.Status.COMPLETE,
        )
    assert caught.value.message_dict == {
        "summary": ["Enter a summary before marking the artefact complete"]
    }
    assert Artefact.objects.get(pk=artefact.pk).status == Artefact.Status.NOT_STARTED


def test_artefact_links_must_be_web_addresses_one_a_line(cast: Cast, cycle: Cycle) -> None:
    artefact = cycle.artefacts.get(kind="needs_assessment")
    with pytest.raises(ValidationError) as caught:
        services.artefact_update(
            actor=cast.users["analyst"],
            artefact=artefact,
            title="Needs assessment",
            summary="Summary.",
            links="https://fingertips.phe.org.uk/\nnot a link",
            status=Artefact.Status.DRAFT,
        )
    assert caught.value.message_dict == {
        "links": ["Line 2 is not a web address starting http:// or https://"]
    }


def test_an_artefact_keeps_its_text_links_and_file(cast: Cast, cycle: Cycle) -> None:
    artefact = cycle.artefacts.get(kind="needs_assessment")
    services.artefact_update(
        actor=cast.users["analyst"],
        artefact=artefact,
        title="Home care needs assessment 2026",
        summary="Demand for home care grows 3% a year.",
        findings="Rural wards are under-served.",
        evidence="ONS mid-year estimates; JSNA chapter.",
        links="  https://example.org/jsna  \n\n",
        status=Artefact.Status.DRAFT,
        file=SimpleUploadedFile("jsna.txt", b"the chapter"),
    )
    saved = Artefact.objects.get(pk=artefact.pk)
    assert saved.link_list() == ["https://example.org/jsna"]
    assert saved.file.read() == b"the chapter"
    event = AuditEvent.objects.filter(action="updated artefact").get()
    assert event.before["status"] == "not_started"
    assert event.after["status"] == "draft"


def test_work_in_a_submitted_stage_is_locked_until_sent_back(cast: Cast, cycle: Cycle) -> None:
    complete_stage(cast, cycle, "analyse")
    artefact = cycle.artefacts.get(kind="needs_assessment")
    with pytest.raises(ValidationError, match="locked"):
        services.artefact_update(
            actor=cast.users["commissioner"],
            artefact=artefact,
            title="Changed",
            summary="Changed.",
            status=Artefact.Status.COMPLETE,
        )


# --- gates --------------------------------------------------------------------------------


def test_a_gate_waits_for_its_required_artefacts(cast: Cast, cycle: Cycle) -> None:
    progress = cycle.stages.get(stage_id="analyse")
    with pytest.raises(ValidationError) as caught:
        services.gate_submit(actor=cast.users["commissioner"], progress=progress)
    assert caught.value.message_dict["note"] == [
        "Complete the required artefacts first: Needs assessment; Market position statement"
    ]


def test_gates_are_signed_off_in_order(cast: Cast, cycle: Cycle) -> None:
    progress = cycle.stages.get(stage_id="plan")
    with pytest.raises(ValidationError, match="Earlier stages"):
        services.gate_submit(actor=cast.users["commissioner"], progress=progress)


def test_signing_off_records_a_decision_and_opens_the_next_stage(cast: Cast, cycle: Cycle) -> None:
    decision = complete_stage(cast, cycle, "analyse")
    assert decision.kind == Decision.Kind.GATE_APPROVED
    assert decision.decided_by == cast.users["approver"]
    assert decision.title == "Analyse gate signed off: Needs, resources and market understood"
    statuses = dict(cycle.stages.values_list("stage_id", "status"))
    assert statuses["analyse"] == StageProgress.Status.APPROVED
    assert statuses["plan"] == StageProgress.Status.IN_PROGRESS


def test_only_the_gates_role_signs_off(cast: Cast, cycle: Cycle) -> None:
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=cast.users["commissioner"],
            artefact=artefact,
            title=artefact.title,
            summary="Done.",
            status=Artefact.Status.COMPLETE,
        )
    progress = services.gate_submit(
        actor=cast.users["commissioner"], progress=cycle.stages.get(stage_id="analyse")
    )
    checklist = progress.stage.gate.checklist
    for persona in ("commissioner", "auditor", "administrator", "provider", "outsider"):
        with pytest.raises(PermissionDenied):
            services.gate_approve(
                actor=cast.users[persona], progress=progress, checklist_confirmed=checklist
            )
    assert StageProgress.objects.get(pk=progress.pk).status == StageProgress.Status.SUBMITTED


def test_nobody_signs_off_a_gate_they_submitted(cast: Cast, cycle: Cycle) -> None:
    both = cast.users["approver"]
    Membership.objects.create(
        user=both, organisation=cast.organisations["council"], role=Role.COMMISSIONER
    )
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=both, artefact=artefact, title="T", summary="S", status="complete"
        )
    progress = services.gate_submit(actor=both, progress=cycle.stages.get(stage_id="analyse"))
    with pytest.raises(PermissionDenied, match="someone else"):
        services.gate_approve(
            actor=both, progress=progress, checklist_confirmed=progress.stage.gate.checklist
        )


def test_sign_off_needs_every_checklist_item_confirmed(cast: Cast, cycle: Cycle) -> None:
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=cast.users["commissioner"],
            artefact=artefact,
            title="T",
            summary="S",
            status="complete",
        )
    progress = services.gate_submit(
        actor=cast.users["commissioner"], progress=cycle.stages.get(stage_id="analyse")
    )
    with pytest.raises(ValidationError) as caught:
        services.gate_approve(
            actor=cast.users["approver"],
            progress=progress,
            checklist_confirmed=progress.stage.gate.checklist[:1],
        )
    assert caught.value.message_dict == {
        "checklist": ["Confirm every item on the checklist to sign off"]
    }


def test_a_gate_sent_back_needs_a_reason_and_reopens_the_stage(cast: Cast, cycle: Cycle) -> None:
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=cast.users["commissioner"],
            artefact=artefact,
            title="T",
            summary="S",
            status="complete",
        )
    progress = services.gate_submit(
        actor=cast.users["commissioner"], progress=cycle.stages.get(stage_id="analyse")
    )
    with pytest.raises(ValidationError) as caught:
        services.gate_send_back(actor=cast.users["approver"], progress=progress, reason="  ")
    assert caught.value.message_dict == {"reason": ["Enter why the gate is being sent back"]}

    decision = services.gate_send_back(
        actor=cast.users["approver"],
        progress=progress,
        reason="The needs assessment leaves out carers.",
    )
    assert decision.kind == Decision.Kind.GATE_SENT_BACK
    progress.refresh_from_db()
    assert progress.status == StageProgress.Status.SENT_BACK
    assert progress.is_editable
    resubmitted = services.gate_submit(actor=cast.users["commissioner"], progress=progress)
    assert resubmitted.status == StageProgress.Status.SUBMITTED
    assert resubmitted.sent_back_reason == ""


def test_signing_off_the_last_gate_completes_the_cycle(cast: Cast, cycle: Cycle) -> None:
    complete_cycle(cast, cycle)
    assert cycle.status == Cycle.Status.COMPLETE
    assert cycle.ended_at is not None
    assert cycle.current_progress() is None
    assert AuditEvent.objects.filter(action="completed cycle").count() == 1


# --- decisions and co-production ----------------------------------------------------------


def test_a_decision_is_logged_with_options_rationale_evidence_and_who(
    cast: Cast, cycle: Cycle
) -> None:
    when = dt.datetime(2026, 3, 12, 18, 0, tzinfo=dt.UTC)
    decision = services.decision_record(
        actor=cast.users["commissioner"],
        cycle=cycle,
        stage_id="plan",
        title="Commission home care by outcome-based zones",
        options_considered="In-house; spot purchase; zoned contracts; direct payments",
        rationale="Zones cut travel time and let providers plan rounds.",
        evidence_links="https://example.org/appraisal",
        decision_maker="Cabinet",
        decided_at=when,
    )
    stored = Decision.objects.get(pk=decision.pk)
    assert stored.decided_at == when
    assert stored.decided_by == cast.users["commissioner"]
    assert stored.evidence_list() == ["https://example.org/appraisal"]
    assert AuditEvent.objects.filter(
        action="recorded decision", object_id=str(decision.pk)
    ).exists()


def test_a_decision_needs_what_and_why(cast: Cast, cycle: Cycle) -> None:
    with pytest.raises(ValidationError) as caught:
        services.decision_record(
            actor=cast.users["commissioner"], cycle=cycle, title="", rationale=""
        )
    assert caught.value.message_dict == {
        "title": ["Enter what was decided"],
        "rationale": ["Enter why it was decided"],
    }


def test_co_production_records_who_took_part_and_what_changed(cast: Cast, cycle: Cycle) -> None:
    entry = services.coproduction_record(
        actor=cast.users["commissioner"],
        cycle=cycle,
        stage_id="analyse",
        participants=["carers", "users"],
        method="workshop",
        held_on=dt.date(2026, 2, 3),
        description="Two workshops with people who receive home care and their carers.",
        what_changed="Continuity of carer added as an outcome.",
        people_count=23,
    )
    assert entry.participants == ["users", "carers"]
    assert entry.participant_labels() == ["People who use services", "Carers and families"]


def test_co_production_refuses_unknown_participants_and_a_missing_change(
    cast: Cast, cycle: Cycle
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.coproduction_record(
            actor=cast.users["commissioner"],
            cycle=cycle,
            stage_id="analyse",
            participants=["shareholders"],
            method="workshop",
            held_on=dt.date(2026, 2, 3),
            description="x",
            what_changed="y",
        )
    assert caught.value.message_dict == {"participants": ["Choose who took part"]}
    with pytest.raises(ValidationError) as caught:
        services.coproduction_record(
            actor=cast.users["commissioner"],
            cycle=cycle,
            stage_id="nowhere",
            participants=["users"],
            method="workshop",
            held_on=dt.date(2026, 2, 3),
            description="x",
            what_changed="",
        )
    assert caught.value.message_dict == {"stage_id": ["Choose a stage of this cycle"]}


# --- carrying forward ---------------------------------------------------------------------


def test_the_next_cycle_starts_from_the_review_recommendations(
    cast: Cast, cycle: Cycle, frameworks: dict[str, CycleFramework]
) -> None:
    complete_cycle(cast, cycle)
    recommendation = services.recommendation_record(
        actor=cast.users["commissioner"],
        cycle=cycle,
        choice=Recommendation.Choice.CO_PRODUCE,
        rationale="Users designed the best parts of the service; extend that.",
        evidence="Satisfaction rose from 71% to 84%.",
    )
    following = services.cycle_start(
        actor=cast.users["commissioner"],
        programme=cycle.programme,
        framework=frameworks["nhs-joint-commissioning"],
    )
    assert following.number == 2
    assert following.previous_cycle == cycle
    assert Cycle.objects.get(pk=cycle.pk).next_cycle == following
    assert following.starting_evidence.splitlines() == [
        "Carried forward from cycle 1 (ipc-analyse-plan-do-review@1).",
        "Recommendation: Co-produce. Users designed the best parts of the service; extend that.",
        "Evidence: Satisfaction rose from 71% to 84%.",
    ]
    recommendation.refresh_from_db()
    assert recommendation.carried_into == following
    assert following.framework_label == "nhs-joint-commissioning@1"


def test_a_recommendation_is_also_a_logged_decision(cast: Cast, cycle: Cycle) -> None:
    services.recommendation_record(
        actor=cast.users["commissioner"], cycle=cycle, choice="vary", rationale="Add evenings."
    )
    assert cycle.decisions.get(kind=Decision.Kind.RECOMMENDATION).title == "Review recommends: vary"


# --- decommissioning ----------------------------------------------------------------------


def test_decommissioning_follows_a_review_that_recommends_it(cast: Cast, cycle: Cycle) -> None:
    commissioner = cast.users["commissioner"]
    with pytest.raises(ValidationError, match="No review in this cycle recommends"):
        services.decommissioning_start(
            actor=commissioner, cycle=cycle, source="review", reason="Low use."
        )
    recommendation = services.recommendation_record(
        actor=commissioner,
        cycle=cycle,
        choice="decommission",
        rationale="Low use, better met elsewhere.",
    )
    plan = services.decommissioning_start(
        actor=commissioner, cycle=cycle, source="review", reason="Low use, better met elsewhere."
    )
    assert plan.recommendation == recommendation
    assert list(plan.steps.values_list("step", flat=True)) == [
        "impact_assessment",
        "consultation",
        "provider_exit_plan",
        "after_effects",
    ]
    with pytest.raises(ValidationError, match="already started"):
        services.decommissioning_start(
            actor=commissioner, cycle=cycle, source="review", reason="Again."
        )


def test_decommissioning_can_follow_a_completed_options_appraisal(cast: Cast, cycle: Cycle) -> None:
    with pytest.raises(ValidationError, match="no completed options appraisal"):
        services.decommissioning_start(
            actor=cast.users["commissioner"], cycle=cycle, source="appraisal", reason="x"
        )


def test_completing_the_checklist_decommissions_the_programme(cast: Cast, cycle: Cycle) -> None:
    commissioner = cast.users["commissioner"]
    services.recommendation_record(
        actor=commissioner, cycle=cycle, choice="decommission", rationale="Replaced."
    )
    plan = services.decommissioning_start(
        actor=commissioner, cycle=cycle, source="review", reason="Replaced."
    )
    steps = list(plan.steps.all())
    with pytest.raises(ValidationError) as caught:
        services.decommissioning_step_update(
            actor=commissioner, step=steps[0], notes="", completed=True
        )
    assert caught.value.message_dict == {
        "notes": ["Describe what was done before marking it complete"]
    }
    for step in steps:
        services.decommissioning_step_update(
            actor=commissioner, step=step, notes=f"{step.get_step_display()} done.", completed=True
        )
    plan.refresh_from_db()
    assert plan.status == DecommissioningPlan.Status.COMPLETE
    assert Programme.objects.get(pk=cycle.programme.pk).status == Programme.Status.DECOMMISSIONED


# --- transactions and audit ---------------------------------------------------------------


def test_nothing_is_half_saved_when_recording_fails(
    cast: Cast,
    programme: Programme,
    frameworks: dict[str, CycleFramework],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(**kwargs: object) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        services.cycle_start(
            actor=cast.users["commissioner"],
            programme=programme,
            framework=frameworks["ipc-analyse-plan-do-review"],
        )
    assert not Cycle.objects.exists()
    assert not StageProgress.objects.exists()
    assert not Artefact.objects.exists()


def test_a_whole_cycle_leaves_an_audit_trail_that_verifies(cast: Cast, cycle: Cycle) -> None:
    complete_cycle(cast, cycle)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "created programme",
        "started cycle",
        "updated artefact",
        "submitted gate",
        "signed off gate",
        "recorded decision",
        "completed cycle",
    } <= actions
    assert audit_verify().ok


def test_people_add_activities_to_an_open_stage_only(
    cast: Cast, programme: Programme, frameworks: dict[str, CycleFramework], cycle: Cycle
) -> None:
    with pytest.raises(ValidationError, match="set by its framework"):
        services.activity_add(
            actor=cast.users["commissioner"], cycle=cycle, stage_id="analyse", name="Extra"
        )
    other = services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        name="Homelessness prevention",
        service_area="Housing",
    )
    free = services.cycle_start(
        actor=cast.users["commissioner"], programme=other, framework=frameworks["free-form"]
    )
    added = services.activity_add(
        actor=cast.users["commissioner"],
        cycle=free,
        stage_id="commission",
        name="Map the advice agencies",
        artefact_kind="market_analysis",
    )
    artefact = free.artefacts.get(activity_id=added.activity_id)
    assert (artefact.kind, artefact.required, artefact.title) == (
        "market_analysis",
        False,
        "Map the advice agencies",
    )
    assert free.activity(added.activity_id).name == "Map the advice agencies"
    assert AuditEvent.objects.filter(action="added activity").count() == 1


def test_a_gate_can_name_another_role_to_sign_it_off(
    cast: Cast, programme: Programme, frameworks: dict[str, CycleFramework]
) -> None:
    ours = services.framework_adapt(
        actor=cast.users["administrator"],
        source=frameworks["free-form"],
        organisation=cast.organisations["council"],
        new_id="finance-signs",
        name="Finance signs",
    )
    ours = services.framework_revise(
        actor=cast.users["administrator"],
        framework=ours,
        yaml_text=ours.yaml_text.replace("approver_role: approver", "approver_role: finance"),
    )
    cycle = services.cycle_start(
        actor=cast.users["commissioner"], programme=programme, framework=ours
    )
    for artefact in cycle.artefacts.filter(required=True):
        services.artefact_update(
            actor=cast.users["commissioner"],
            artefact=artefact,
            title="T",
            summary="S",
            status="complete",
        )
    progress = services.gate_submit(
        actor=cast.users["commissioner"], progress=cycle.stages.get(stage_id="commission")
    )
    checklist = progress.stage.gate.checklist
    with pytest.raises(PermissionDenied, match="finance role"):
        services.gate_approve(
            actor=cast.users["approver"], progress=progress, checklist_confirmed=checklist
        )
    decision = services.gate_approve(
        actor=cast.users["finance"], progress=progress, checklist_confirmed=checklist
    )
    assert decision.decided_by == cast.users["finance"]
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.COMPLETE
