"""The demo council's commissioning history: five programmes, each two or three cycles deep.

Kingsmere is fictional, and so is everything here: the programmes, the providers, the
figures and the people's words. The history is written to show what Spiral is for: each
cycle's review recommends something, and the next cycle starts from it. Everything is
created through the services, so the audit trail records it like any other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction

from workspace.cycles import services
from workspace.cycles.models import Artefact, Cycle, CycleFramework, Programme
from workspace.demo.personas import Cast


@dataclass(frozen=True)
class CycleStory:
    """What happened in one cycle, in the words the demo shows."""

    framework: str
    started: dt.date
    finding: str
    decision: tuple[str, str, str]  # what was decided, options considered, rationale
    coproduction: tuple[str, str, str, str]  # participants (comma-separated), method, what, change
    recommendation: tuple[str, str, str] | None  # choice, rationale, evidence
    stages_done: int | None = None  # None: every stage signed off (the cycle is complete)
    submit_next: bool = False  # submit the next gate for sign-off (it then awaits the approver)
    send_back: str = ""  # send the next gate back with this reason


@dataclass(frozen=True)
class ProgrammeStory:
    name: str
    service_area: str
    description: str
    joint: bool
    cycles: tuple[CycleStory, ...]
    decommissioning_done: tuple[str, ...] = field(default=())


IPC = "ipc-analyse-plan-do-review"
NHS = "nhs-joint-commissioning"
CHILDREN = "childrens-understand-plan-do-review"
FREE = "free-form"

STORIES: tuple[ProgrammeStory, ...] = (
    ProgrammeStory(
        name="Adult home care",
        service_area="Adult social care",
        description=(
            "Help at home for adults with care and support needs: personal care, "
            "reablement after hospital, and support for carers. Commissioned jointly with "
            "the integrated care board."
        ),
        joint=True,
        cycles=(
            CycleStory(
                framework=IPC,
                started=dt.date(2018, 4, 3),
                finding=(
                    "Spot purchasing from 41 agencies left rural wards with waits of up to six "
                    "weeks."
                ),
                decision=(
                    "Move from spot purchasing to a framework of approved providers",
                    (
                        "Carry on spot purchasing; framework agreement; block contracts; "
                        "in-house service"
                    ),
                    (
                        "A framework keeps choice for people while letting the council set rates "
                        "and quality."
                    ),
                ),
                coproduction=(
                    "users,carers",
                    "workshop",
                    "Three workshops with 38 people who receive home care and their carers.",
                    "Continuity of care worker became a contract standard.",
                ),
                recommendation=(
                    "re_procure",
                    "The framework improved quality but not rural coverage: procure again by zone.",
                    "Rural waits still averaged 19 days; 92% of visits on time in towns.",
                ),
            ),
            CycleStory(
                framework=IPC,
                started=dt.date(2021, 4, 6),
                finding=(
                    "Rural waits fell to 9 days after zoning; recruitment of care workers "
                    "remains the constraint."
                ),
                decision=(
                    "Award six zoned contracts paid on outcomes for reablement",
                    (
                        "Framework as before; zoned contracts; in-house rural service; direct "
                        "payments only"
                    ),
                    "Zones cut travel time; outcome payments reward people regaining independence.",
                ),
                coproduction=(
                    "users,providers,staff",
                    "co_design",
                    "A co-design group of people using services, care workers and six providers.",
                    (
                        "Visits of at least 45 minutes for personal care written into the "
                        "specification."
                    ),
                ),
                recommendation=(
                    "co_produce",
                    (
                        "Outcomes improved most where people shaped their own support: extend "
                        "co-production."
                    ),
                    "Reablement success rose from 61% to 74%; satisfaction from 71% to 84%.",
                ),
            ),
            CycleStory(
                framework=NHS,
                started=dt.date(2024, 4, 2),
                finding=(
                    "Demand grows 3% a year; a quarter of hospital discharge delays wait for "
                    "home care."
                ),
                decision=(
                    "Plan home care and discharge support as one pathway with the ICB",
                    "Separate council and NHS services; one pathway with a pooled budget",
                    "One pathway avoids hand-offs that delay discharge.",
                ),
                coproduction=(
                    "users,carers,vcse",
                    "panel",
                    "An experts-by-experience panel met monthly with Age Concern Kingsmere.",
                    "Carers' own needs added as an outcome of the pathway.",
                ),
                recommendation=None,
                stages_done=1,
                submit_next=True,
            ),
        ),
    ),
    ProgrammeStory(
        name="Drug and alcohol treatment",
        service_area="Public health",
        description=(
            "Community treatment and recovery for adults and young people who use drugs or alcohol."
        ),
        joint=False,
        cycles=(
            CycleStory(
                framework=IPC,
                started=dt.date(2017, 10, 2),
                finding=(
                    "Three separate providers for drugs, alcohol and young people; people fell "
                    "between them."
                ),
                decision=(
                    "Commission one integrated treatment and recovery service",
                    "Keep three contracts; lead provider with partners; in-house service",
                    "One front door ends the hand-offs people told us about.",
                ),
                coproduction=(
                    "users,communities",
                    "interviews",
                    "Interviews with 24 people in treatment and in recovery.",
                    "Evening and weekend opening added to the specification.",
                ),
                recommendation=(
                    "vary",
                    "The integrated service works; vary it to add a recovery community.",
                    "Successful completions rose from 14% to 19% for opiate users.",
                ),
            ),
            CycleStory(
                framework=IPC,
                started=dt.date(2021, 10, 4),
                finding=(
                    "Deaths related to drug use rose; people leaving prison rarely reached "
                    "treatment."
                ),
                decision=(
                    "Add a prison-release pathway and naloxone distribution",
                    "No change; prison-release pathway; outreach van",
                    "Most deaths followed release from prison or a lapse after treatment.",
                ),
                coproduction=(
                    "users,vcse",
                    "co_design",
                    "Co-design with the Kingsmere Recovery Community and the probation service.",
                    "Peer mentors meet people at the prison gate.",
                ),
                recommendation=(
                    "continue",
                    (
                        "The service is improving against comparators; continue and review again "
                        "in three years."
                    ),
                    "Continuity of care after prison rose from 22% to 51%.",
                ),
            ),
            CycleStory(
                framework=IPC,
                started=dt.date(2024, 10, 1),
                finding="Alcohol-related hospital admissions are above comparable areas.",
                decision=(
                    "Start an alcohol care team at the general hospital with the trust",
                    "Community service only; hospital alcohol care team",
                    "Admissions are where people with alcohol dependence are first seen.",
                ),
                coproduction=(
                    "users,staff",
                    "survey",
                    "A survey of 112 people in treatment and 40 staff.",
                    "Text reminders for appointments added.",
                ),
                recommendation=None,
                stages_done=0,
            ),
        ),
    ),
    ProgrammeStory(
        name="0–19 public health nursing",
        service_area="Children's public health",
        description="Health visiting and school nursing for children, young people and families.",
        joint=False,
        cycles=(
            CycleStory(
                framework=CHILDREN,
                started=dt.date(2019, 1, 7),
                finding="Health visiting and school nursing had separate contracts and records.",
                decision=(
                    "Commission one 0–19 service",
                    "Two contracts; one 0–19 service; bring in-house",
                    "Families move from one service to the other with no gap.",
                ),
                coproduction=(
                    "users,carers",
                    "workshop",
                    "Workshops with parents at four family hubs.",
                    "Antenatal contact moved to the family's home where they prefer.",
                ),
                recommendation=(
                    "bring_in_house",
                    "An in-house service can join up with the council's family hubs.",
                    "Mandated contacts 86%, below comparators at 91%.",
                ),
            ),
            CycleStory(
                framework=CHILDREN,
                started=dt.date(2022, 1, 10),
                finding="Staff transfer went smoothly; mandated contacts now at 93%.",
                decision=(
                    "Run the 0–19 service in-house through the family hubs",
                    "Re-procure; in-house; partnership with the NHS trust",
                    "Integration with family hubs and lower transaction cost.",
                ),
                coproduction=(
                    "users,communities",
                    "panel",
                    "A young people's panel reviewed school nursing.",
                    "A text service for school nursing added.",
                ),
                recommendation=(
                    "continue",
                    (
                        "Keep the in-house service; focus the next cycle on breastfeeding and "
                        "oral health."
                    ),
                    "Breastfeeding at 6–8 weeks 44%, below England at 49%.",
                ),
            ),
        ),
    ),
    ProgrammeStory(
        name="Domestic abuse support",
        service_area="Community safety",
        description=(
            "Refuge, community support and advocacy for survivors of domestic abuse and their "
            "children."
        ),
        joint=False,
        cycles=(
            CycleStory(
                framework=IPC,
                started=dt.date(2019, 7, 1),
                finding=(
                    "Refuge places were full 95% of the year; little support for people staying "
                    "at home."
                ),
                decision=(
                    "Fund community outreach alongside refuge",
                    "Refuge only; refuge and outreach; grant to the local charity",
                    "Most survivors want to stay in their community.",
                ),
                coproduction=(
                    "users,vcse",
                    "interviews",
                    "Confidential interviews with 17 survivors, arranged by the refuge.",
                    "Support for children added to every outreach case.",
                ),
                recommendation=(
                    "re_procure",
                    (
                        "The new statutory duty (Domestic Abuse Act 2021) calls for safe "
                        "accommodation of more kinds."
                    ),
                    "Referrals rose 40%; repeat referrals fell from 31% to 24%.",
                ),
            ),
            CycleStory(
                framework=IPC,
                started=dt.date(2022, 4, 4),
                finding=(
                    "Dispersed safe accommodation meets needs refuge could not: larger families, "
                    "disabled survivors."
                ),
                decision=(
                    "Procure refuge and dispersed accommodation as one service",
                    "Refuge only; refuge and dispersed units; sanctuary scheme only",
                    "A wider range of safe accommodation meets the new duty.",
                ),
                coproduction=(
                    "users,vcse,communities",
                    "co_design",
                    "Survivors' group and specialist charities co-designed the specification.",
                    "A specialist worker for older survivors added.",
                ),
                recommendation=(
                    "vary",
                    "Add support for perpetrators to change, to reduce repeat abuse.",
                    "Repeat referrals 21%; perpetrator programmes cut repeats elsewhere.",
                ),
            ),
            CycleStory(
                framework=IPC,
                started=dt.date(2025, 4, 7),
                finding="A perpetrator programme needs the police and probation as partners.",
                decision=(
                    "Explore a perpetrator programme with the police and crime commissioner",
                    "Council alone; jointly with the police and crime commissioner",
                    "Joint funding and referral routes.",
                ),
                coproduction=(
                    "users,vcse",
                    "consultation",
                    "A consultation of survivors on whether and how to work with perpetrators.",
                    "Survivor safety checks made a condition of any programme.",
                ),
                recommendation=None,
                stages_done=0,
                send_back="The needs assessment leaves out survivors in rural wards; add them.",
            ),
        ),
    ),
    ProgrammeStory(
        name="Homelessness prevention",
        service_area="Housing",
        description=(
            "Advice, tenancy support and emergency accommodation to prevent and relieve "
            "homelessness."
        ),
        joint=False,
        cycles=(
            CycleStory(
                framework=FREE,
                started=dt.date(2018, 10, 1),
                finding="Most people came to the council too late: after an eviction notice.",
                decision=(
                    "Fund early tenancy support through local advice agencies",
                    "Emergency accommodation only; early support grants; in-house team",
                    "Prevention costs a fraction of emergency accommodation.",
                ),
                coproduction=(
                    "users,vcse",
                    "workshop",
                    "Workshops with people who had been homeless and two advice charities.",
                    "Drop-in sessions moved to the food bank and job centre.",
                ),
                recommendation=(
                    "vary",
                    "Keep early support; replace the night shelter with rapid rehousing.",
                    "Preventions rose from 48% to 61% of cases.",
                ),
            ),
            CycleStory(
                framework=FREE,
                started=dt.date(2021, 10, 4),
                finding="The night shelter's use fell by half as rapid rehousing grew.",
                decision=(
                    "Plan to close the night shelter as rapid rehousing takes over",
                    "Keep the shelter; reduce it; close it with rehousing in place",
                    "Rapid rehousing gives people a home, not a bed for the night.",
                ),
                coproduction=(
                    "users,providers,vcse",
                    "consultation",
                    (
                        "Consultation with shelter users, staff and partner charities over "
                        "twelve weeks."
                    ),
                    "Closure timed for the summer, with winter provision kept in reserve.",
                ),
                recommendation=(
                    "decommission",
                    "Decommission the night shelter contract; fund rapid rehousing instead.",
                    "Shelter occupancy 38%; 70% of rapid rehousing tenancies sustained at a year.",
                ),
            ),
        ),
        decommissioning_done=("impact_assessment", "consultation"),
    ),
)

SUMMARIES = {
    "needs_assessment": "Needs assessment, {year}. {finding}",
    "market_analysis": "Providers, costs and market shares reviewed for {year}.",
    "outcomes_framework": "Outcomes, indicators, baselines and targets agreed for {year} onwards.",
    "options_appraisal": "Options appraised on the same criteria. {decision}.",
    "sourcing_plan": "Sourcing route chosen to follow the appraisal: {decision}.",
    "contract": "Contract or agreement in place with outcomes and payment terms.",
    "review": "Review of the cycle that started in {year}. {review}",
    "other": "Prepared for the cycle that started in {year}.",
    "decommissioning_plan": "Decommissioning plan.",
}


def _on(day: dt.date, days: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(10, 0), tzinfo=dt.UTC)


def _complete_stage(
    cycle: Cycle, stage_id: str, story: CycleStory, users: dict[str, User], when: dt.datetime
) -> None:
    year = story.started.year
    for artefact in cycle.artefacts.filter(stage_id=stage_id, required=True):
        summary = SUMMARIES[artefact.kind].format(
            year=year,
            finding=story.finding,
            decision=story.decision[0],
            review=story.recommendation[1] if story.recommendation else "",
        )
        services.artefact_update(
            actor=users["analyst" if artefact.kind == "needs_assessment" else "commissioner"],
            artefact=artefact,
            title=artefact.title,
            summary=summary,
            evidence="Fictional figures for the Kingsmere demonstration.",
            status=Artefact.Status.COMPLETE,
            at=when,
        )


def _sign_off(cycle: Cycle, stage_id: str, users: dict[str, User], when: dt.datetime) -> None:
    progress = cycle.stages.get(stage_id=stage_id)
    services.gate_submit(actor=users["commissioner"], progress=progress, at=when)
    progress.refresh_from_db()
    services.gate_approve(
        actor=users["approver"],
        progress=progress,
        checklist_confirmed=progress.stage.gate.checklist,
        at=when + dt.timedelta(days=9),
    )


def _play(
    programme: Programme,
    story: CycleStory,
    frameworks: dict[str, CycleFramework],
    users: dict[str, User],
) -> Cycle:
    cycle = services.cycle_start(
        actor=users["commissioner"],
        programme=programme,
        framework=frameworks[story.framework],
        at=_on(story.started),
    )
    stages = cycle.definition.stages
    done = len(stages) if story.stages_done is None else story.stages_done
    span = 900 // len(stages)
    first = stages[0].id
    services.coproduction_record(
        actor=users["commissioner"],
        cycle=cycle,
        stage_id=first,
        participants=story.coproduction[0].split(","),
        method=story.coproduction[1],
        held_on=story.started + dt.timedelta(days=40),
        description=story.coproduction[2],
        what_changed=story.coproduction[3],
        at=_on(story.started, 41),
    )
    decision_stage = stages[min(1, len(stages) - 1)].id
    services.decision_record(
        actor=users["commissioner"],
        cycle=cycle,
        stage_id=decision_stage,
        title=story.decision[0],
        options_considered=story.decision[1],
        rationale=story.decision[2],
        decision_maker="Cabinet"
        if programme.partner_organisation is None
        else "Joint commissioning board",
        decided_at=_on(story.started, span + 30),
    )
    for number, stage in enumerate(stages[:done]):
        _complete_stage(cycle, stage.id, story, users, _on(story.started, span * number + 60))
        _sign_off(cycle, stage.id, users, _on(story.started, span * (number + 1) - 20))
    if done < len(stages) and (story.submit_next or story.send_back):
        stage = stages[done]
        _complete_stage(cycle, stage.id, story, users, _on(story.started, span * done + 60))
        progress = cycle.stages.get(stage_id=stage.id)
        services.gate_submit(
            actor=users["commissioner"], progress=progress, at=_on(story.started, span * done + 90)
        )
        if story.send_back:
            progress.refresh_from_db()
            services.gate_send_back(
                actor=users["approver"],
                progress=progress,
                reason=story.send_back,
                at=_on(story.started, span * done + 95),
            )
    if story.recommendation is not None:
        choice, rationale, evidence = story.recommendation
        services.recommendation_record(
            actor=users["commissioner"],
            cycle=cycle,
            choice=choice,
            rationale=rationale,
            evidence=evidence,
            at=_on(story.started, 900),
        )
    cycle.refresh_from_db()
    return cycle


def load_cycles_demo(*, cast: Cast, progress: Callable[[str], object] = print) -> list[Programme]:
    """Load the demo council's programmes and their cycles (once; later calls do nothing).

    ``cast`` is the demo's organisations and people (:func:`workspace.demo.personas.create_cast`).
    """
    council = cast.organisations["council"]
    if Programme.objects.filter(organisation=council).exists():
        return list(Programme.objects.filter(organisation=council))
    users: dict[str, User] = dict(cast.users)  # type: ignore[arg-type]
    progress("Loading cycle frameworks…")
    frameworks = {record.key: record for record in services.framework_load_shipped()}
    programmes = []
    for story in STORIES:
        progress(f"Loading the {story.name.lower()} programme…")
        with transaction.atomic():
            programme = services.programme_create(
                actor=users["commissioner"],
                organisation=council,
                partner_organisation=cast.organisations["icb"] if story.joint else None,
                name=story.name,
                service_area=story.service_area,
                description=story.description + " (Fictional demonstration data.)",
            )
            last = None
            for cycle_story in story.cycles:
                last = _play(programme, cycle_story, frameworks, users)
            if story.decommissioning_done and last is not None:
                plan = services.decommissioning_start(
                    actor=users["commissioner"],
                    cycle=last,
                    source="review",
                    reason=last.recommendations.get(choice="decommission").rationale,
                    at=_on(last.started_at.date(), 910),
                )
                for step in plan.steps.filter(step__in=story.decommissioning_done):
                    services.decommissioning_step_update(
                        actor=users["commissioner"],
                        step=step,
                        notes=f"{step.get_step_display()} done and published.",
                        completed=True,
                        at=_on(last.started_at.date(), 960),
                    )
        programmes.append(programme)
    return programmes
