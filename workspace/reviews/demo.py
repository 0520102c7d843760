"""The demo council's Spiral test histories: figures for Kingsmere's five programmes.

Everything here is **illustrative and fictional**: Kingsmere and its four comparator
councils do not exist, and the indicator counts, spend, price index, transaction costs
and effort are invented — shaped to be plausible for a unitary council of about 186,000
people, not taken from any real authority. The figures are chosen so that, between them,
the programmes show every verdict of the Spiral test with the history that earns it:

* **Adult home care** — cycle 1 re-let care on a framework and nothing moved against the
  comparators, but its review was acted on (*too early to tell*: the next cycle's outcomes
  are needed); cycle 2's zoned, outcome-paid contracts lifted reablement well beyond the
  comparators at lower real cost (*improving spiral*); cycle 3 is under way (*too early*).
* **Drug and alcohol treatment** — two *improving* cycles (completions, then continuity of
  care after prison), the third under way.
* **0–19 public health nursing** — cycle 1 fell behind the comparators on new birth visits
  (*declining*); cycle 2, brought in-house, caught up and overtook them at lower cost
  (*improving spiral*).
* **Domestic abuse support** — cycle 1's outreach cut repeat referrals (*improving*);
  cycle 2 re-procured the same refuge model, repeat referrals fell only as much as
  everywhere else after the Domestic Abuse Act 2021, and the next plan has not taken up
  its review's recommendation (*going round in circles*); cycle 3 has no data yet.
* **Homelessness prevention** — cycle 1's early support raised preventions
  (*improving*); cycle 2 held them level while real cost per head rose 9% (*declining*:
  value worse), which is why its review recommends decommissioning the night shelter.

The indicator series are not kept here but in the areas that own them
(:mod:`workspace.reviews.demo_outcomes`): Kingsmere's own indicators in the needs data, for
Kingsmere and four fictional comparators that join its comparator group, and one outcomes
framework per cycle linking them with a baseline and a target. The review assembles its
outcome evidence from there; the history file uploaded here carries the rest (spend,
reach, price index, transaction costs, effort).

The records are created through the services, so the audit trail holds them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.needs.models import Area
from workspace.reviews import services
from workspace.reviews.delivery_demo import load_delivery_records
from workspace.reviews.demo_outcomes import (
    FICTIONAL_AREAS,
    KINGSMERE,
    cycle_frameworks,
    fictional_comparators,
    local_indicator,
)
from workspace.reviews.history import effort_source, transaction_cost_source
from workspace.reviews.models import PlanResponse, ProgrammeFigures

YEARS = tuple(f"{y}/{str(y + 1)[-2:]}" for y in range(2014, 2026))
"""Financial years 2014/15 to 2025/26."""

DEFLATOR = {
    "name": "Illustrative price index, 2024/25 = 100 (fictional figures)",
    "base": "2024/25",
    "index": dict(
        zip(
            YEARS,
            (76.0, 77.0, 78.6, 80.0, 81.6, 83.6, 87.6, 88.0, 92.7, 97.9, 100.0, 102.4),
            strict=True,
        )
    ),
}

COMPARATORS = [{"code": code, "name": name} for code, name, _ in FICTIONAL_AREAS]
COMPARATOR_OFFSETS = tuple(offset for _, _, offset in FICTIONAL_AREAS)
"""How far each comparator sits from the comparators' mean, in points."""

AREA = KINGSMERE
POPULATION = 186_000


@dataclass(frozen=True)
class IndicatorStory:
    """An indicator as a percentage: the comparators' mean and the area's gap, by year."""

    id: str
    name: str
    polarity: str
    denominator: int
    comparators: dict[str, float]
    gap: dict[str, float]
    outcome: str
    key: bool = True
    target_gain: float = 3.0
    """The outcomes frameworks' target: this many points better than the baseline."""

    def values(self) -> list[dict[str, Any]]:
        rows = []
        for year in YEARS:
            if year not in self.comparators:
                continue
            mean = self.comparators[year]
            wiggle = 0.4 * math.sin(YEARS.index(year) * 1.7)
            areas = [(AREA, mean + self.gap[year] + wiggle)] + [
                (c["code"], mean + offset - wiggle / 4)
                for c, offset in zip(COMPARATORS, COMPARATOR_OFFSETS, strict=True)
            ]
            for code, percent in areas:
                rows.append(
                    {
                        "area": code,
                        "period": year,
                        "numerator": round(self.denominator * percent / 100),
                        "denominator": self.denominator,
                    }
                )
        return rows


@dataclass(frozen=True)
class CycleStory:
    """One cycle's figures: real cost a year (2024/25 prices), reach, process, plan response."""

    delivery_model: str
    sourcing_route: str
    real_cost: float
    service_users: int
    staff_days: float
    external_costs: float
    effort: tuple[float, float, float, float]  # analysis, planning, procurement, review
    reprocured_same_model: bool = False
    addressed_previous: bool | None = None  # the plan's answer to the previous review
    how: str = ""


@dataclass(frozen=True)
class ProgrammeStory:
    name: str
    indicators: tuple[IndicatorStory, ...]
    previous_cost: float
    previous_users: int
    cycles: tuple[CycleStory, ...]


def _series(start: float, steps: dict[str, float]) -> dict[str, float]:
    """Values by year: ``start`` then moved by each year's step (cumulative)."""
    values, level = {}, start
    for year in YEARS:
        level += steps.get(year, 0.0)
        values[year] = round(level, 2)
    return values


def _level(levels: dict[str, float]) -> dict[str, float]:
    """A step function by year: each year takes the latest level set at or before it."""
    values, level = {}, 0.0
    for year in YEARS:
        level = levels.get(year, level)
        values[year] = level
    return values


STORIES: tuple[ProgrammeStory, ...] = (
    ProgrammeStory(
        name="Adult home care",
        indicators=(
            IndicatorStory(
                id="reablement-91-days",
                name="Older people still at home 91 days after reablement",
                polarity="higher_is_better",
                denominator=1100,
                comparators=_series(63.0, {"2017/18": 0.4, "2019/20": 0.5, "2022/23": 0.6}),
                gap=_level({"2014/15": -2.2, "2021/22": 4.0, "2022/23": 10.0}),
                outcome="People regain their independence after a stay in hospital",
            ),
        ),
        previous_cost=24_600_000,
        previous_users=2150,
        cycles=(
            CycleStory(
                "Framework of approved providers",
                "Open procedure (framework)",
                24_900_000,
                2180,
                410,
                62_000,
                (120, 90, 460, 60),
            ),
            CycleStory(
                "Six zoned contracts, reablement paid on outcomes",
                "Open procedure (lots)",
                23_800_000,
                2240,
                380,
                48_000,
                (150, 130, 310, 90),
                addressed_previous=True,
                how="The sourcing plan procures by zone, as the review recommended.",
            ),
            CycleStory(
                "One discharge and home care pathway with the ICB",
                "Partnership agreement",
                24_100_000,
                2300,
                120,
                9_000,
                (140, 60, 0, 0),
                addressed_previous=True,
                how="The needs assessment and panel put people using services in the design.",
            ),
        ),
    ),
    ProgrammeStory(
        name="Drug and alcohol treatment",
        indicators=(
            IndicatorStory(
                id="opiate-completions",
                name="Successful completion of treatment: opiate users",
                polarity="higher_is_better",
                denominator=1300,
                comparators=_series(15.2, {"2016/17": -0.3, "2019/20": 0.3, "2022/23": 0.2}),
                gap=_level({"2014/15": -1.3, "2018/19": 2.0, "2019/20": 4.0}),
                outcome="People complete treatment and stay in recovery",
            ),
            IndicatorStory(
                id="continuity-after-prison",
                name="Adults with a substance misuse need who start treatment after prison",
                polarity="higher_is_better",
                denominator=260,
                comparators=_series(30.0, {"2019/20": 2.0, "2021/22": 3.0, "2022/23": 3.0}),
                gap=_level({"2014/15": -8.0, "2022/23": 6.0, "2023/24": 13.0}),
                outcome="People leaving prison carry on their treatment",
            ),
        ),
        previous_cost=5_900_000,
        previous_users=1480,
        cycles=(
            CycleStory(
                "Integrated treatment and recovery service",
                "Competitive flexible procedure",
                5_850_000,
                1510,
                300,
                35_000,
                (110, 80, 240, 50),
            ),
            CycleStory(
                "Integrated service varied: prison-release pathway",
                "Contract variation",
                5_950_000,
                1560,
                60,
                4_000,
                (90, 60, 20, 70),
                addressed_previous=True,
                how="The contract variation adds the recovery community the review asked for.",
            ),
            CycleStory(
                "Integrated service with a hospital alcohol care team",
                "Partnership agreement with the trust",
                6_000_000,
                1600,
                40,
                2_000,
                (60, 10, 0, 0),
                addressed_previous=True,
                how="The service continues; the review date is set for 2027.",
            ),
        ),
    ),
    ProgrammeStory(
        name="0–19 public health nursing",
        indicators=(
            IndicatorStory(
                id="new-birth-visits",
                name="New birth visits within 14 days",
                polarity="higher_is_better",
                denominator=2050,
                comparators=_series(90.6, {"2018/19": 0.3, "2020/21": -0.4, "2022/23": 0.4}),
                gap=_level(
                    {
                        "2014/15": -0.4,
                        "2019/20": -2.5,
                        "2020/21": -4.8,
                        "2022/23": 1.5,
                        "2023/24": 2.2,
                    }
                ),
                outcome="Every family is visited soon after a birth",
            ),
            IndicatorStory(
                id="breastfeeding-6-8-weeks",
                name="Babies breastfed at 6 to 8 weeks",
                polarity="higher_is_better",
                denominator=1900,
                comparators=_series(47.5, {"2019/20": 0.6, "2022/23": 0.8}),
                gap=_level({"2014/15": -4.6}),
                outcome="Babies get a healthy start",
                key=False,
            ),
        ),
        previous_cost=8_300_000,
        previous_users=21_000,
        cycles=(
            CycleStory(
                "One 0–19 service from the community trust",
                "Open procedure",
                8_350_000,
                21_200,
                340,
                41_000,
                (100, 70, 300, 40),
            ),
            CycleStory(
                "In-house 0–19 service through the family hubs",
                "In-house (staff transfer)",
                7_800_000,
                21_400,
                150,
                18_000,
                (120, 90, 40, 80),
                addressed_previous=True,
                how="The options appraisal chose the in-house service the review recommended.",
            ),
        ),
    ),
    ProgrammeStory(
        name="Domestic abuse support",
        indicators=(
            IndicatorStory(
                id="repeat-marac",
                name="Repeat referrals to MARAC within 12 months",
                polarity="lower_is_better",
                denominator=950,
                comparators=_series(
                    29.0, {"2019/20": -0.5, "2020/21": -0.5, "2022/23": -1.5, "2023/24": -1.6}
                ),
                gap=_level({"2014/15": 2.0, "2019/20": -1.5, "2020/21": -4.0}),
                outcome="Abuse is not repeated",
            ),
        ),
        previous_cost=1_650_000,
        previous_users=820,
        cycles=(
            CycleStory(
                "Refuge with community outreach",
                "Grant to the local charity",
                1_660_000,
                1150,
                90,
                6_000,
                (70, 40, 60, 30),
            ),
            CycleStory(
                "Refuge and dispersed accommodation re-let as one service",
                "Open procedure",
                1_690_000,
                1240,
                280,
                30_000,
                (40, 30, 290, 20),
                reprocured_same_model=True,
                addressed_previous=True,
                how="The re-procurement adds dispersed accommodation to meet the new duty.",
            ),
            CycleStory(
                "Refuge and dispersed accommodation (perpetrator programme explored)",
                "Not yet chosen",
                1_700_000,
                1260,
                30,
                0,
                (50, 0, 0, 0),
                addressed_previous=False,
                how=(
                    "The needs assessment describes a perpetrator programme but the plan does "
                    "not yet fund or commission one; the gate was sent back."
                ),
            ),
        ),
    ),
    ProgrammeStory(
        name="Homelessness prevention",
        indicators=(
            IndicatorStory(
                id="prevention-secured",
                name="Prevention duty cases ending with accommodation secured",
                polarity="higher_is_better",
                denominator=1250,
                comparators=_series(52.0, {"2019/20": 0.8, "2021/22": 0.4, "2022/23": -0.6}),
                gap=_level({"2014/15": -4.0, "2019/20": 3.0, "2020/21": 8.0, "2022/23": 7.0}),
                outcome="Households threatened with homelessness keep or find a home",
            ),
        ),
        previous_cost=3_150_000,
        previous_users=1900,
        cycles=(
            CycleStory(
                "Early tenancy support grants and a night shelter",
                "Grants to advice agencies",
                3_120_000,
                2100,
                70,
                3_000,
                (60, 40, 40, 40),
            ),
            CycleStory(
                "Rapid rehousing alongside the night shelter",
                "Contract variation",
                3_420_000,
                2150,
                50,
                5_000,
                (50, 40, 30, 60),
                addressed_previous=True,
                how="The plan funds rapid rehousing and winds down the night shelter.",
            ),
        ),
    ),
)


def _fy_start(year: str) -> int:
    return int(year[:4])


def _cycle_years(start_year: int, next_start_year: int | None, last: int) -> list[str]:
    end = (next_start_year - 1) if next_start_year is not None else last
    return [y for y in YEARS if start_year <= _fy_start(y) <= end]


def _financial_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def demo_history(programme: Programme, story: ProgrammeStory) -> dict[str, Any]:
    """The uploadable history file for one demo programme (figures only)."""
    cycles = list(programme.cycles.order_by("number"))
    starts = [_financial_year(c.started_at.date()) for c in cycles]
    base = DEFLATOR["index"]["2024/25"]  # type: ignore[index]
    index: dict[str, float] = DEFLATOR["index"]  # type: ignore[assignment]
    entries = []
    for position, (cycle, figures) in enumerate(zip(cycles, story.cycles, strict=True)):
        following = starts[position + 1] if position + 1 < len(starts) else None
        years = _cycle_years(starts[position], following, 2025)
        analysis, planning, procurement, review = figures.effort
        entries.append(
            {
                "id": f"cycle-{cycle.number}",
                "start": cycle.started_at.date().isoformat(),
                "delivery_model": figures.delivery_model,
                "sourcing_route": figures.sourcing_route,
                "reprocured_same_model": figures.reprocured_same_model,
                "spend": {y: round(figures.real_cost * index[y] / base) for y in years},
                "population": POPULATION,
                "service_users": figures.service_users,
                "transaction_costs": {
                    "staff_days": figures.staff_days,
                    "external_costs": figures.external_costs,
                    "year": years[0],
                },
                "effort_days": {
                    "analysis": analysis,
                    "planning": planning,
                    "procurement": procurement,
                    "review": review,
                },
            }
        )
    first = starts[0]
    before = [y for y in YEARS if first - 2 <= _fy_start(y) < first]
    return {
        "schema_version": 1,
        "programme": {
            "id": f"programme-{programme.pk}",
            "name": programme.name,
            "area": {"code": AREA, "name": "Kingsmere (fictional)"},
        },
        "as_of": "2026-03-31",
        "deflator": DEFLATOR,
        "staff_day_cost": 295,
        "previous_arrangement": {
            "spend": {y: round(story.previous_cost * index[y] / base) for y in before},
            "population": POPULATION,
            "service_users": story.previous_users,
        },
        "cycles": entries,
    }


def _from_the_areas(programme: Programme, history: dict[str, Any]) -> dict[str, Any]:
    """The history with each cycle's process figures as the sourcing and contracts records say."""
    for cycle, entry in zip(programme.cycles.order_by("number"), history["cycles"], strict=True):
        derived = transaction_cost_source(cycle)
        entry.update(derived)
        effort = effort_source(cycle).get("effort_days", {})
        entry["effort_days"] = {**entry["effort_days"], **effort}
    return history


def load_reviews_demo(*, cast: Cast, progress: Callable[[str], object] = print) -> None:
    """Load the Spiral test figures of the demo council's programmes (once)."""
    council = cast.organisations["council"]
    if ProgrammeFigures.objects.filter(programme__organisation=council).exists():
        return
    users: dict[str, User] = dict(cast.users)  # type: ignore[arg-type]
    programmes = {p.name: p for p in Programme.objects.filter(organisation=council)}
    if not Area.objects.filter(code=KINGSMERE).exists():
        from workspace.needs.demo import load_needs_demo

        load_needs_demo(cast=cast, progress=progress)
    fictional_comparators(Area.objects.get(code=KINGSMERE))
    for story in STORIES:
        programme = programmes.get(story.name)
        if programme is None:
            continue
        load_delivery_records(
            programme=programme,
            stories=story.cycles,
            spend=[
                {int(year[:4]): amount for year, amount in entry["spend"].items()}
                for entry in demo_history(programme, story)["cycles"]
            ],
            users=users,
            progress=progress,
        )
        progress(f"Loading the Spiral test figures of {story.name.lower()}…")
        first = programme.cycles.order_by("number").first()
        assert first is not None  # the cycles demo gives every programme its cycles
        indicators = [
            local_indicator(each, cycle=first, analyst=users["analyst"])
            for each in story.indicators
        ]
        cycle_frameworks(programme, story.indicators, indicators, users=users)
        content = json.dumps(_from_the_areas(programme, demo_history(programme, story))).encode()
        services.history_upload(actor=users["analyst"], programme=programme, content=content)
        cycles = list(programme.cycles.order_by("number"))
        for cycle, figures in zip(cycles, story.cycles, strict=True):
            previous = cycle.previous_cycle
            if previous is None or figures.addressed_previous is None:
                continue
            for recommendation in previous.recommendations.all():
                if PlanResponse.objects.filter(recommendation=recommendation).exists():
                    continue
                services.plan_response_record(
                    actor=users["commissioner"],
                    recommendation=recommendation,
                    addressed=figures.addressed_previous,
                    how=figures.how,
                    at=cycle.started_at,
                )
