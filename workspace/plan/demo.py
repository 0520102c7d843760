"""The demo council's Plan stage: outcomes frameworks and two options appraisals.

Everything is fictional. The drug and alcohol programme's appraisal prefers bringing the
hospital alcohol service back in-house, and goes all the way: its Plan gate is signed off,
so the recommendation is a recorded decision. The domestic abuse programme's appraisal
prefers a co-produced, survivor-led network; its cycle's Analyse gate was sent back, so the
recommendation waits for the gate. Everything goes through the services, so the audit trail
records it like any other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from workspace.cycles import services as cycle_services
from workspace.cycles.models import Artefact, Cycle, Programme
from workspace.demo.personas import Cast
from workspace.needs.models import Indicator
from workspace.plan import services
from workspace.plan.models import Appraisal, OutcomesFramework

YEARS = 11  # years 0 to 10


def _flat(amount: float, start: int = 1) -> list[float]:
    return [0.0] * start + [amount] * (YEARS - start)


def _ramp(first: float, last: float, start: int = 1, steps: int = 3) -> list[float]:
    out = [0.0] * start
    for year in range(YEARS - start):
        out.append(first + (last - first) * min(year, steps) / steps)
    return out


# --- outcomes frameworks ------------------------------------------------------------------

# programme → (title, purpose, [(outcome, [(indicator, code, unit, polarity, baseline,
# baseline period, source, [(period, target, set by, why)])])])
OUTCOMES: dict[str, tuple[str, str, list[tuple[str, list[tuple[Any, ...]]]]]] = {
    "Adult home care": (
        "Home care and discharge outcomes 2024–2028",
        "People who need care at home get it promptly, regain independence where they can, "
        "and carers are supported.",
        [
            (
                "People regain independence after a stay in hospital",
                [
                    (
                        "Still at home 91 days after reablement",
                        "ASCOF-2B1",
                        "%",
                        "higher",
                        81.2,
                        "2023/24",
                        "Adult Social Care Outcomes Framework return",
                        [
                            (
                                "2025/26",
                                83.0,
                                "Joint commissioning board",
                                "Halfway to the comparator group's upper quartile.",
                            ),
                            (
                                "2027/28",
                                85.0,
                                "Joint commissioning board",
                                "The comparator group's upper quartile (85%).",
                            ),
                        ],
                    ),
                    (
                        "Delayed discharges waiting for home care (days per month)",
                        "",
                        "days",
                        "lower",
                        412.0,
                        "2023/24",
                        "ICB discharge dashboard",
                        [("2026/27", 250.0, "ICB board", "Winter plan commitment.")],
                    ),
                ],
            ),
            (
                "Carers are supported in their own right",
                [
                    (
                        "Carers who are satisfied with support",
                        "ASCOF-3B",
                        "%",
                        "higher",
                        36.0,
                        "2023/24",
                        "Survey of Adult Carers in England",
                        [
                            (
                                "2027/28",
                                42.0,
                                "Experts-by-experience panel",
                                "Asked for by carers on the panel; England average is 36%.",
                            )
                        ],
                    ),
                ],
            ),
        ],
    ),
    "Drug and alcohol treatment": (
        "Treatment and recovery outcomes",
        "Fewer people harmed by drugs and alcohol; more people in treatment and recovery.",
        [
            (
                "Fewer hospital admissions caused by alcohol",
                [
                    (
                        "Admission episodes for alcohol-specific conditions (per 100,000)",
                        "",
                        "per 100,000",
                        "lower",
                        742.0,
                        "2023/24",
                        "Fingertips Local Alcohol Profiles",
                        [
                            (
                                "2027/28",
                                650.0,
                                "Health and Wellbeing Board",
                                "Back to the comparator average within three years.",
                            )
                        ],
                    ),
                ],
            ),
            (
                "People complete treatment and stay in recovery",
                [
                    (
                        "Successful completion of alcohol treatment",
                        "",
                        "%",
                        "higher",
                        31.0,
                        "2023",
                        "National Drug Treatment Monitoring System",
                        [("2026", 35.0, "Combating drugs partnership", "England is 35%.")],
                    ),
                ],
            ),
        ],
    ),
    "Domestic abuse support": (
        "Safety and recovery for survivors",
        "Survivors are safe, supported where they live, and abuse is not repeated.",
        [
            (
                "Survivors in every part of the borough get support",
                [
                    (
                        "Referrals from rural wards (share of all referrals)",
                        "",
                        "%",
                        "higher",
                        9.0,
                        "2024/25",
                        "Domestic abuse service returns",
                        [
                            (
                                "2026/27",
                                18.0,
                                "Domestic Abuse Local Partnership Board",
                                "Rural wards hold 18% of the borough's households.",
                            )
                        ],
                    ),
                ],
            ),
            (
                "Abuse is not repeated",
                [
                    (
                        "Repeat referrals to MARAC within 12 months",
                        "",
                        "%",
                        "lower",
                        21.0,
                        "2024/25",
                        "MARAC data",
                        [
                            (
                                "2027/28",
                                18.0,
                                "Domestic Abuse Local Partnership Board",
                                "SafeLives' recommended range is 28–40%: below it means under-"
                                "identification, so the target is set with care.",
                            )
                        ],
                    ),
                ],
            ),
        ],
    ),
}


# --- appraisals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionStory:
    name: str
    model: str
    description: str
    flows: dict[str, list[float]]
    bias: dict[str, Any] = field(default_factory=dict)
    bias_reason: str = ""
    assumptions: tuple[tuple[str, str, str], ...] = ()
    scores: tuple[float, ...] = ()
    dropped: str = ""


@dataclass(frozen=True)
class AppraisalStory:
    programme: str
    title: str
    cases: dict[str, str]
    options: tuple[OptionStory, ...]
    criteria: dict[str, float]
    inputs: tuple[dict[str, Any], ...]
    recommend: str
    rationale: str
    sign_off: bool


CRITERIA: dict[str, float] = {
    "quality": 20,
    "outcomes_for_users": 25,
    "social_value": 15,
    "resilience": 15,
    "what_users_said": 15,
    "deliverability": 10,
}
NO_PROCUREMENT = ("transaction", "no procurement: set-up costs are in transition", "in-house")

STORIES: tuple[AppraisalStory, ...] = (
    AppraisalStory(
        programme="Drug and alcohol treatment",
        title="Hospital alcohol care team: options appraisal",
        cases={
            "strategic": "Alcohol-specific admissions are a fifth above comparable areas. The "
            "hospital liaison part of the integrated treatment contract reaches few of the "
            "people admitted, and the contract's liaison element ends in 2026.",
            "economic": "Five options on the same costs, benefits and assumptions; one "
            "dropped from the long list with its reason.",
            "commercial": "An in-house team needs no procurement: staff transfer from the "
            "provider under TUPE. A contract would be let by the competitive flexible "
            "procedure (Procurement Act 2023).",
            "financial": "The public health grant funds £610,000 a year; the trust "
            "contributes the clinical space.",
            "management": "The council's public health team manages the service with the "
            "trust's alcohol lead; review after two years, carried into the next cycle.",
        },
        options=(
            OptionStory(
                "Bring the alcohol care team in-house",
                "in_house",
                "Council-employed specialist nurses and recovery workers based at the hospital.",
                {
                    "transition": [90000, 20000] + [0.0] * 9,
                    "operating": _flat(560000),
                    "monetised_outcomes": _ramp(520000, 820000),
                },
                {"operating": 8.0},
                "New in-house team; staffing costs known from council pay scales.",
                (NO_PROCUREMENT,),
                (7, 8, 6, 7, 7, 6),
            ),
            OptionStory(
                "Contract the integrated provider",
                "external_contract",
                "Extend the treatment contract to cover an alcohol care team.",
                {
                    "transaction": [70000] + [0.0] * 4 + [50000] + [0.0] * 5,
                    "operating": _flat(590000),
                    "monetised_outcomes": _ramp(480000, 700000),
                },
                {"operating": {"project_type": "Outsourcing", "mitigated": 80}},
                "Outsourcing upper bound (41%), 80% mitigated by the provider's known costs.",
                (("transaction", "variation and re-procurement in year 5", "procurement team"),),
                (6, 6, 4, 5, 5, 8),
            ),
            OptionStory(
                "Partnership with the hospital trust",
                "partnership",
                "A section 75 agreement: the trust employs the team, the council funds it.",
                {
                    "transition": [60000] + [0.0] * 10,
                    "operating": _flat(600000),
                    "monetised_outcomes": _ramp(500000, 760000),
                },
                {"operating": 10.0},
                "Trust overheads not yet agreed.",
                (("transaction", "legal costs of the agreement are in transition", "legal"),),
                (7, 7, 5, 6, 6, 5),
            ),
            OptionStory(
                "Peer-led recovery navigators",
                "co_production",
                "People in recovery meet patients on the wards, with clinical back-up.",
                {
                    "transition": [50000, 20000] + [0.0] * 9,
                    "operating": _flat(380000),
                    "monetised_outcomes": _ramp(300000, 520000),
                },
                {"operating": 15.0},
                "A new model with little cost history.",
                (("transaction", "co-design costs are in transition", "no procurement"),),
                (6, 6, 8, 4, 8, 5),
            ),
            OptionStory(
                "Do minimum",
                "do_minimum",
                "Keep the current liaison sessions in the treatment contract.",
                {"operating": _flat(180000, 0), "monetised_outcomes": _flat(150000, 0)},
                {"operating": 3.0},
                "The current service's costs are known.",
                (("transaction", "no sourcing route needed", "existing contract"),),
                (3, 3, 2, 5, 3, 9),
            ),
            OptionStory(
                "Shared service with Westmoor",
                "shared_service",
                "Join the neighbouring council's hospital team.",
                {},
                dropped="Westmoor's team covers a different hospital trust; no shared site.",
            ),
        ),
        criteria=CRITERIA,
        inputs=(
            {
                "name": "demand",
                "category": "operating",
                "distribution": "pert",
                "params": {"min": 0.9, "mode": 1.0, "max": 1.25},
                "options": [],
                "reason": "Admissions trend and population projections.",
            },
            {
                "name": "peer outcomes",
                "category": "monetised_outcomes",
                "distribution": "triangular",
                "params": {"min": 0.5, "mode": 1.0, "max": 1.2},
                "options": ["Peer-led recovery navigators"],
                "reason": "Evidence from two pilots only.",
            },
        ),
        recommend="Bring the alcohol care team in-house",
        rationale="Highest net present social value and top of the multi-criteria scoring; "
        "the team joins up with the council's treatment and recovery services.",
        sign_off=True,
    ),
    AppraisalStory(
        programme="Domestic abuse support",
        title="Rural outreach for survivors: options appraisal",
        cases={
            "strategic": "Survivors in rural wards are under-represented in referrals; the "
            "survivors' group asked for support close to home from people they trust.",
            "management": "The Domestic Abuse Local Partnership Board oversees delivery.",
        },
        options=(
            OptionStory(
                "Survivor-led community network",
                "co_production",
                "Trained survivors and village groups, backed by specialist caseworkers.",
                {
                    "transition": [60000, 20000] + [0.0] * 9,
                    "operating": _flat(240000),
                    "monetised_outcomes": _ramp(260000, 420000),
                },
                {"operating": 12.0},
                "New model; caseworker costs known.",
                (
                    (
                        "transaction",
                        "co-design with the survivors' group is in transition",
                        "no procurement",
                    ),
                ),
                (7, 8, 8, 6, 9, 6),
            ),
            OptionStory(
                "Council outreach team",
                "in_house",
                "Council-employed outreach workers covering rural wards.",
                {
                    "transition": [40000] + [0.0] * 10,
                    "operating": _flat(290000),
                    "monetised_outcomes": _ramp(250000, 360000),
                },
                {"operating": 8.0},
                "Council pay scales.",
                (NO_PROCUREMENT,),
                (7, 6, 5, 7, 5, 7),
            ),
            OptionStory(
                "Grant to the specialist charity",
                "grant",
                "Extend the refuge charity's outreach with a three-year grant.",
                {
                    "transaction": [25000, 0, 0, 20000, 0, 0, 20000, 0, 0, 20000, 0],
                    "operating": _flat(260000),
                    "monetised_outcomes": _ramp(240000, 380000),
                },
                {"operating": 10.0},
                "Grant-funded posts; charity's costs known.",
                (("transaction", "grant round every three years", "grants team records"),),
                (7, 7, 7, 5, 7, 6),
            ),
            OptionStory(
                "Do minimum",
                "do_minimum",
                "Signpost rural survivors to the town-centre service.",
                {"operating": _flat(30000, 0), "monetised_outcomes": _flat(40000, 0)},
                {"operating": 3.0},
                "Known costs.",
                (("transaction", "no sourcing route needed", "existing service"),),
                (3, 2, 2, 4, 2, 9),
            ),
        ),
        criteria=CRITERIA,
        inputs=(
            {
                "name": "network reach",
                "category": "monetised_outcomes",
                "distribution": "pert",
                "params": {"min": 0.6, "mode": 1.0, "max": 1.3},
                "options": ["Survivor-led community network"],
                "reason": "Survivors' group estimate; no local track record.",
            },
        ),
        recommend="Survivor-led community network",
        rationale="Highest NPSV, top of the scoring, and what survivors asked for.",
        sign_off=False,
    ),
)


def _on(day: dt.date, days: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(10, 0), tzinfo=dt.UTC)


# The home care framework's indicator drawn from the needs data (Fingertips 91894): its
# name, unit and Kingsmere baseline come from the needs demo, loaded before this one.
LINKED = {"Adult home care": ("91894", "People with dementia die in the place they choose")}


def _link_needs_indicator(
    framework: OutcomesFramework, analyst: User, key: str, statement: str
) -> None:
    needs_indicator = (
        Indicator.objects.filter(organisation__isnull=True, key__startswith=key)
        .order_by("key")
        .first()
    )
    if needs_indicator is None:  # the needs demo is not loaded: nothing to link
        return
    outcome = services.outcome_add(actor=analyst, framework=framework, statement=statement)
    services.indicator_add(
        actor=analyst, outcome=outcome, name="", direction="", needs_indicator=needs_indicator
    )


def _outcomes(programme: Programme, users: dict[str, User]) -> OutcomesFramework | None:
    spec = OUTCOMES.get(programme.name)
    if spec is None:
        return None
    title, purpose, outcomes = spec
    analyst = users["analyst"]
    framework = services.outcomes_framework_create(
        actor=analyst,
        programme=programme,
        title=title,
        purpose=purpose,
        cycle=programme.current_cycle(),  # each plans the cycle under way (or the last one)
    )
    for statement, indicators in outcomes:
        outcome = services.outcome_add(actor=analyst, framework=framework, statement=statement)
        for name, code, unit, polarity, value, period, source, targets in indicators:
            indicator = services.indicator_add(
                actor=analyst,
                outcome=outcome,
                name=name,
                code=code,
                unit=unit,
                direction=polarity,
                baseline_value=value,
                baseline_period=period,
                baseline_source=source,
            )
            for target_period, target, set_by, why in targets:
                services.target_set(
                    actor=users["commissioner"],
                    indicator=indicator,
                    period=target_period,
                    value=target,
                    set_by=set_by,
                    rationale=why,
                )
    if programme.name in LINKED:
        _link_needs_indicator(framework, analyst, *LINKED[programme.name])
    return framework


def _complete_stage(cycle: Cycle, stage_id: str, users: dict[str, User], when: dt.datetime) -> None:
    for artefact in cycle.artefacts.filter(stage_id=stage_id, required=True).exclude(
        status=Artefact.Status.COMPLETE
    ):
        cycle_services.artefact_update(
            actor=users["commissioner"],
            artefact=artefact,
            title=artefact.title,
            summary=f"{artefact.title}: written for the Kingsmere demonstration (fictional).",
            status=Artefact.Status.COMPLETE,
            at=when,
        )


def _sign(cycle: Cycle, stage_id: str, users: dict[str, User], when: dt.datetime) -> None:
    progress = cycle.stages.get(stage_id=stage_id)
    cycle_services.gate_submit(actor=users["commissioner"], progress=progress, at=when)
    progress.refresh_from_db()
    cycle_services.gate_approve(
        actor=users["approver"],
        progress=progress,
        checklist_confirmed=progress.stage.gate.checklist,
        at=when + dt.timedelta(days=7),
    )


def _appraisal(story: AppraisalStory, cycle: Cycle, users: dict[str, User]) -> Appraisal:
    start = cycle.started_at.date()
    finance = users["finance"]
    if story.sign_off and cycle.current_progress() is not None:
        progress = cycle.current_progress()
        assert progress is not None
        if progress.stage_id != services.appraisal_stage(cycle):
            _complete_stage(cycle, progress.stage_id, users, _on(start, 60))
            _sign(cycle, progress.stage_id, users, _on(start, 90))
    appraisal = services.appraisal_create(
        actor=users["commissioner"], cycle=cycle, title=story.title, at=_on(start, 120)
    )
    services.appraisal_settings_update(
        actor=finance,
        appraisal=appraisal,
        title=story.title,
        first_year=start.year + 1,
        horizon=YEARS - 1,
        price_base_year=start.year,
        schedule="standard",
        convention="end_of_year",
        health_outcomes=True,
        simulations=5000,
        seed=start.year,
    )
    services.appraisal_cases_update(
        actor=users["commissioner"], appraisal=appraisal, cases=story.cases
    )
    for item in story.options:
        option = services.option_add(
            actor=users["commissioner"],
            appraisal=appraisal,
            name=item.name,
            delivery_model=item.model,
            description=item.description,
        )
        if item.dropped:
            services.option_discard(actor=users["procurement"], option=option, reason=item.dropped)
            continue
        services.option_cash_flows_set(
            actor=finance,
            option=option,
            cash_flows={
                c: {y: a for y, a in enumerate(amounts) if a} for c, amounts in item.flows.items()
            },
        )
        if item.bias:
            services.option_bias_set(
                actor=finance, option=option, bias=item.bias, reason=item.bias_reason
            )
        for topic, text, reason in item.assumptions:
            services.option_assumption_add(
                actor=finance, option=option, topic=topic, text=text, reason=reason
            )
    for spec in story.inputs:
        services.appraisal_input_add(actor=finance, appraisal=appraisal, **spec)
    short = [o for o in story.options if not o.dropped]
    services.appraisal_mcda_set(
        actor=users["analyst"],
        appraisal=appraisal,
        criteria=story.criteria,
        scores={o.name: dict(zip(story.criteria, o.scores, strict=True)) for o in short},
    )
    appraisal.refresh_from_db()
    services.appraisal_recommend(
        actor=users["commissioner"],
        appraisal=appraisal,
        option=appraisal.options.get(name=story.recommend),
        rationale=story.rationale,
        at=_on(start, 200),
    )
    if story.sign_off:
        _complete_stage(cycle, appraisal.stage_id, users, _on(start, 210))
        _sign(cycle, appraisal.stage_id, users, _on(start, 220))
    appraisal.refresh_from_db()
    return appraisal


def load_plan_demo(*, cast: Cast, progress: Callable[[str], object] = print) -> list[Appraisal]:
    """Load outcomes frameworks and appraisals for the demo council (once; later calls do nothing).

    Needs the cycles demo (:func:`workspace.cycles.demo.load_cycles_demo`) loaded first.
    """
    council = cast.organisations["council"]
    if OutcomesFramework.objects.filter(programme__organisation=council).exists():
        return list(Appraisal.objects.filter(cycle__programme__organisation=council))
    users: dict[str, User] = dict(cast.users)  # type: ignore[arg-type]
    programmes = {p.name: p for p in Programme.objects.filter(organisation=council)}
    progress("Loading outcomes frameworks and options appraisals…")
    made = []
    with transaction.atomic():
        for programme in programmes.values():
            _outcomes(programme, users)
        for story in STORIES:
            found = programmes.get(story.programme)
            cycle = found.current_cycle() if found is not None else None
            if cycle is None or not cycle.is_open:
                continue
            made.append(_appraisal(story, cycle, users))
    return made
