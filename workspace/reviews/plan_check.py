"""Spiral's check of whether the next cycle's plan takes up each recommendation of a review.

The rules live in the engine (:mod:`spiral.spiral_test.follow_up`, written down in
``docs/reviews.md``); this module gathers, from the areas that own them, what a cycle's Plan
and Do stages hold — the options appraisal (plan), the sourcing records (sourcing), the
agreements and their changes (contracts), co-production entries and decommissioning plans
(cycles), the outcomes frameworks that plan the cycle (plan) — as the engine's plain records,
and sets Spiral's finding beside the commissioner's own
:class:`~workspace.reviews.models.PlanResponse`.

The commissioner's response stays the record: it is what the history's ``addresses`` and
so the Spiral test's learning measure use. Spiral's finding stands in only for a
recommendation the commissioner has not answered (see :func:`addressed`), and every page
shows both, flagging where they disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils import timezone

from spiral.spiral_test import follow_up as rules
from workspace.contracts.models import Agreement, ContractChange
from workspace.cycles.models import Cycle, DecommissioningPlan, Recommendation, StageProgress
from workspace.plan.models import Appraisal, OutcomesFramework
from workspace.plan.services import appraisal_stage
from workspace.reviews.history import recommendation_ids
from workspace.reviews.models import PlanResponse
from workspace.reviews.outcome_sources import framework_cycles

AGREEMENT_MODELS: dict[str, str] = {
    Agreement.Kind.CONTRACT.value: "external_contract",
    Agreement.Kind.GRANT.value: "grant",
    Agreement.Kind.IN_HOUSE.value: "in_house",
    Agreement.Kind.PARTNERSHIP.value: "partnership",
}
"""An agreement's kind in the options appraisal's delivery-model vocabulary."""

TAG_CLASSES = {
    "addressed": "govuk-tag--green",
    "not_addressed": "govuk-tag--orange",
    "contradicted": "govuk-tag--red",
    "cannot_tell": "govuk-tag--grey",
}


@dataclass(frozen=True)
class CheckedRecommendation:
    """One recommendation: Spiral's finding beside the commissioner's response."""

    recommendation: Recommendation
    id: str
    finding: rules.FollowUp
    response: PlanResponse | None
    comparison: str

    @property
    def disagrees(self) -> bool:
        return self.comparison == "disagrees"

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.finding.status]

    @property
    def addressed(self) -> bool:
        """Taken up, as the history records it: the commissioner's word, else Spiral's."""
        if self.response is not None:
            return self.response.addressed
        return self.finding.status == "addressed"


def _end(cycle: Cycle) -> dt.date:
    if cycle.ended_at is not None and not cycle.is_open:
        return timezone.localdate(cycle.ended_at)
    return timezone.localdate()


def _appraisal(cycle: Cycle) -> Appraisal | None:
    appraisals = list(cycle.appraisals.order_by("-id"))
    return next((a for a in appraisals if a.recommended_id is not None), None) or next(
        iter(appraisals), None
    )


def _outcomes(cycle: Cycle) -> tuple[str, ...]:
    """The outcomes frameworks that plan ``cycle``, as the outcome evidence places them.

    A framework counts for the cycle it names; one that names none (written before its
    programme had a cycle) for the cycle during which it was written
    (:func:`~workspace.reviews.outcome_sources.framework_cycles`). A framework written for
    an earlier or a later cycle is that cycle's, whenever it was written.
    """
    frameworks = list(
        OutcomesFramework.objects.filter(programme=cycle.programme)
        .filter(Q(cycle=cycle) | Q(cycle__isnull=True))
        .prefetch_related("outcomes__indicators__targets")
    )
    owner = framework_cycles(frameworks, list(cycle.programme.cycles.order_by("number")))
    found = []
    for framework in frameworks:
        if owner[framework.pk].pk != cycle.pk:
            continue
        outcomes = list(framework.outcomes.all())
        targets = sum(len(i.targets.all()) for o in outcomes for i in o.indicators.all())
        found.append(
            f"the outcomes framework '{framework.title}' holds {len(outcomes)} outcome(s) "
            f"and {targets} target(s)"
        )
    return tuple(found)


def cycle_records(cycle: Cycle) -> rules.PlanRecords:
    """What the cycle's Plan and Do stages hold, as the engine's plain records.

    Contract changes are those to the cycle's own agreements, and those to the programme's
    other agreements that took effect while the cycle ran. Outcomes frameworks are those
    that plan the cycle (see :func:`_outcomes`), not every one written by its end.
    """
    start, end = timezone.localdate(cycle.started_at), _end(cycle)
    appraisal = _appraisal(cycle)
    options: tuple[rules.Option, ...] = ()
    preferred = None
    if appraisal is not None:
        options = tuple(
            rules.Option(o.name, o.delivery_model, o.shortlisted, o.discard_reason)
            for o in appraisal.options.all()
        )
        preferred = appraisal.recommended.name if appraisal.recommended is not None else None
    stages = {stage.id: stage.name for stage in cycle.definition.stages}
    changes = ContractChange.objects.filter(
        Q(agreement__cycle=cycle)
        | Q(agreement__programme=cycle.programme, effective_on__range=(start, end))
    ).select_related("agreement")
    # A plan started at this cycle's own review answers that review, not this plan.
    plan = DecommissioningPlan.objects.filter(
        cycle=cycle, source=DecommissioningPlan.Source.APPRAISAL
    ).first()
    return rules.PlanRecords(
        cycle=f"cycle {cycle.number}",
        appraisal=appraisal.title if appraisal is not None else "",
        options=options,
        preferred=preferred,
        decided=appraisal is not None and appraisal.status == Appraisal.Status.DECIDED,
        sourcing=tuple(rules.Sourcing(s.title, s.route) for s in cycle.sourcings.order_by("id")),
        agreements=tuple(
            rules.Agreement(a.title, AGREEMENT_MODELS.get(a.kind, "external_contract"))
            for a in Agreement.objects.filter(cycle=cycle).order_by("id")
        ),
        changes=tuple(
            rules.ContractChange(c.agreement.title, c.kind, c.effective_on.isoformat(), c.reason)
            for c in changes.order_by("effective_on", "id")
        ),
        coproduction=tuple(
            rules.CoProduction(
                stages.get(e.stage_id, e.stage_id), tuple(e.participants), e.what_changed
            )
            for e in cycle.coproduction.all()
        ),
        decommissioning=(rules.Decommissioning(f"cycle {cycle.number}", plan.reason),)
        if plan is not None
        else (),
        outcomes=_outcomes(cycle),
    )


def _from_review(cycle: Cycle, recommendation: Recommendation) -> tuple[rules.Decommissioning, ...]:
    """The reviewed cycle's decommissioning plan, when its review started it."""
    plan = DecommissioningPlan.objects.filter(
        cycle=cycle, source=DecommissioningPlan.Source.REVIEW
    ).first()
    if plan is None or plan.recommendation_id not in (None, recommendation.pk):
        return ()
    return (rules.Decommissioning(f"cycle {cycle.number}, from its review", plan.reason),)


def review_check(cycle: Cycle) -> list[CheckedRecommendation]:
    """Spiral's finding on each of the cycle's recommendations against the next cycle's plan."""
    recommendations = list(cycle.recommendations.order_by("id"))
    if not recommendations:
        return []
    ids = recommendation_ids(cycle)
    following = Cycle.objects.filter(previous_cycle=cycle).first()
    plan = (
        cycle_records(following)
        if following is not None
        else rules.PlanRecords(cycle="", started=False)
    )
    model = rules.delivery_model(cycle_records(cycle))
    responses = {
        r.recommendation_id: r for r in PlanResponse.objects.filter(recommendation__cycle=cycle)
    }
    checked = []
    for recommendation in recommendations:
        own = _from_review(cycle, recommendation)
        records = replace(plan, decommissioning=own + plan.decommissioning) if own else plan
        finding = rules.follow_up(
            rules.Recommendation(ids[recommendation.pk], recommendation.choice),
            records,
            previous_model=model,
        )
        response = responses.get(recommendation.pk)
        checked.append(
            CheckedRecommendation(
                recommendation=recommendation,
                id=ids[recommendation.pk],
                finding=finding,
                response=response,
                comparison=rules.compare_with_commissioner(
                    finding.status, response.addressed if response is not None else None
                ),
            )
        )
    return checked


def plan_warnings(cycle: Cycle) -> list[CheckedRecommendation]:
    """The previous review's recommendations this cycle's plan does not take up, or contradicts."""
    previous = cycle.previous_cycle
    if previous is None:
        return []
    return [
        c for c in review_check(previous) if c.finding.status in {"not_addressed", "contradicted"}
    ]


def plan_gate_warnings(progress: StageProgress) -> list[str]:
    """Warnings for the approver signing the Plan gate off: previous recommendations the
    plan does not take up or goes against, and where the commissioner says otherwise.

    The Plan gate is the stage that asks for an options appraisal
    (:func:`workspace.plan.services.appraisal_stage`); other gates get no warning.
    """
    cycle = progress.cycle
    if progress.stage_id != appraisal_stage(cycle):
        return []
    warnings = []
    for checked in plan_warnings(cycle):
        text = checked.finding.summary
        if checked.disagrees:
            text += " The commissioner says it is taken up"
            text += f": {checked.response.how}" if checked.response is not None else "."
        warnings.append(text)
    return warnings
