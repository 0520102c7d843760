"""Use cases for running an appraisal, recommending an option and recording the decision."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from spiral.appraisal.file_format import OptionsFileError, parse_options
from spiral.appraisal.report import AppraisalReport, appraise_options
from workspace.audit.services import snapshot
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Artefact, Decision, StageProgress
from workspace.plan.models import (
    Appraisal,
    AppraisalOption,
)
from workspace.plan.services.common import (
    _audit,
    _check_open,
    _now,
    _progress,
    _required,
)


def appraisal_run(*, appraisal: Appraisal, simulations: int | None = None) -> AppraisalReport:
    """Appraise the short list with the engine and return its report.

    Raises
    ------
    ValidationError
        Listing every problem the engine found, each naming the option and field.
    """
    if not appraisal.short_list():
        raise ValidationError({"__all__": "Put at least one option on the short list"})
    try:
        file = parse_options(appraisal.as_options_document())
    except OptionsFileError as error:
        raise ValidationError({"__all__": error.problems}) from None
    try:
        return appraise_options(file, simulations=simulations)
    except ValueError as error:
        raise ValidationError({"__all__": str(error)}) from None


def appraisal_recommend(
    *,
    actor: User,
    appraisal: Appraisal,
    option: AppraisalOption,
    rationale: str,
    at: dt.datetime | None = None,
) -> Appraisal:
    """Recommend a short-listed option; the cycle's options-appraisal artefact is completed.

    The recommendation becomes a recorded decision when the approver signs the Plan gate.
    """
    _check_open(actor, appraisal, "option")
    _required({"rationale": rationale}, {"rationale": "Enter why this option is recommended"})
    if option.appraisal_id != appraisal.pk or not option.shortlisted:
        raise ValidationError({"option": "Choose an option on the short list"})
    report = appraisal_run(appraisal=appraisal, simulations=0)
    when = _now(at)
    with transaction.atomic():
        before = snapshot(appraisal)
        appraisal.recommended = option
        appraisal.recommendation_rationale = rationale.strip()
        appraisal.recommended_by = actor
        appraisal.recommended_at = when
        appraisal.status = Appraisal.Status.RECOMMENDED
        appraisal.save()
        _audit(actor, "recommended option", appraisal, appraisal.cycle.programme, before)
        artefact = appraisal.cycle.artefacts.filter(
            stage_id=appraisal.stage_id, kind="options_appraisal"
        ).first()
        if artefact is not None:
            npsv = {row["option"]: row["npsv"] for row in report.result.table()}
            cycle_services.artefact_update(
                actor=actor,
                artefact=artefact,
                title=artefact.title,
                summary=(
                    f"{appraisal.title}: {len(appraisal.short_list())} short-listed options "
                    f"appraised in Green Book terms; recommended: {option.name} "
                    f"({option.delivery_model_label}), NPSV £{npsv[option.name]:,.0f}. "
                    f"{rationale.strip()}"
                ),
                findings=artefact.findings,
                evidence=artefact.evidence,
                links=artefact.links,
                status=Artefact.Status.COMPLETE,
                at=when,
            )
    return appraisal


def _decision_text(appraisal: Appraisal) -> tuple[str, str, str]:
    option = appraisal.recommended
    assert option is not None
    considered = "; ".join(f"{o.name} ({o.delivery_model_label})" for o in appraisal.short_list())
    dropped = "; ".join(f"{o.name}: {o.discard_reason}" for o in appraisal.discarded())
    if dropped:
        considered += f". Dropped from the long list: {dropped}"
    title = f"Preferred option: {option.name} ({option.delivery_model_label})"
    return title, considered, appraisal.recommendation_rationale


def appraisal_decide(
    *, actor: User, appraisal: Appraisal, at: dt.datetime | None = None
) -> Decision:
    """Record the recommendation as the decision of the signed-off Plan gate.

    Called when the Plan gate is signed off (see :func:`appraisal_decide_at_gate`); the
    approver who signed is the decision-maker.
    """
    if appraisal.recommended is None or appraisal.status != Appraisal.Status.RECOMMENDED:
        raise ValidationError({"__all__": "The appraisal has no recommendation to decide"})
    progress = _progress(appraisal)
    if progress.status != StageProgress.Status.APPROVED:
        raise ValidationError({"__all__": "The Plan gate is not signed off"})
    if not cycle_services.may_sign_off(actor, progress):
        raise PermissionDenied("Only the person who signs the Plan gate off decides.")
    title, considered, rationale = _decision_text(appraisal)
    with transaction.atomic():
        decision = Decision.objects.create(
            cycle=appraisal.cycle,
            stage_id=appraisal.stage_id,
            kind=Decision.Kind.GENERAL,
            title=title,
            options_considered=considered,
            rationale=rationale,
            decision_maker=(
                f"The {progress.stage.gate.approver_role}, signing off the "
                f"{progress.stage.name} gate"
            ),
            decided_by=actor,
            decided_at=_now(at),
            recorded_by=actor,
        )
        _audit(actor, "recorded decision", decision, appraisal.cycle.programme)
        before = snapshot(appraisal)
        appraisal.decision = decision
        appraisal.status = Appraisal.Status.DECIDED
        appraisal.save()
        _audit(actor, "decided appraisal", appraisal, appraisal.cycle.programme, before)
    return decision


def appraisal_decide_at_gate(
    *, actor: User, progress: StageProgress, decision: Decision, at: dt.datetime
) -> None:
    """Gate hook: when a Plan gate is signed off, its recommended appraisals become decisions.

    Registered with :data:`workspace.cycles.services.GATE_APPROVED_HOOKS`; runs inside the
    sign-off's transaction, so the gate and the decision land together.
    """
    for appraisal in Appraisal.objects.filter(
        cycle=progress.cycle, stage_id=progress.stage_id, status=Appraisal.Status.RECOMMENDED
    ):
        appraisal_decide(actor=actor, appraisal=appraisal, at=at)
