"""The demo council's sourcing records and market data.

Kingsmere (fictional) records how it secured a service in one cycle of each programme: the
route, its timeline, what it cost, the bids and their scores, and the award. Each programme's
market view holds the 100 real Contracts Finder packages shipped in
``spiral/demo_data/contracts_finder/`` (Open Government Licence v2.0), and adult home care
also a spend file of fictional payments to its providers.

Records of cycles run before the Procurement Act 2023 (in force February 2025) and the NHS
Provider Selection Regime (January 2024) are recorded against the route nearest to the
procedure used, and say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

import spiral
from workspace.cycles.models import Cycle, Programme
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import MarketImport, Sourcing

CONTRACTS_FINDER = Path(spiral.__file__).resolve().parent / "demo_data" / "contracts_finder"
PER_BID_SOURCE = (
    "Assumed: five days of a bid writer and a manager at £600 a day, from Kingsmere's own "
    "survey of local providers (fictional)."
)


@dataclass(frozen=True)
class BidStory:
    bidder: str
    price: int
    quality: int
    social_value: int
    sme: bool = True
    vcse: bool = False
    public_body: bool = False
    note: str = ""


@dataclass(frozen=True)
class SourcingStory:
    programme: str
    cycle: int
    title: str
    route: str
    rationale: str
    value: int
    planned: dt.date
    staff_days: dict[str, int]
    external: dict[str, int]
    saving_percent: str
    tender: tuple[dt.date, dt.date] | None = None
    weights: tuple[int, int, int] | None = None
    bids: tuple[BidStory, ...] = ()
    award: tuple[str, dt.date, str] | None = None  # bidder, date, rationale
    contract: tuple[dt.date, dt.date] | None = None
    milestones: tuple[tuple[str, str, dt.date, dt.date | None], ...] = field(default=())
    bids_received: int | None = None
    per_bid_cost: int = 3_000


NEAREST = " (Procured under the Public Contracts Regulations 2015; recorded as the nearest route.)"

STORIES: tuple[SourcingStory, ...] = (
    SourcingStory(
        programme="Adult home care",
        cycle=2,
        title="Home care, rural north zone",
        route="pa23_open",
        rationale="The appraisal chose zoned contracts paid on outcomes; an open tender lets "
        "every capable provider bid for the zone." + NEAREST,
        value=4_800_000,
        planned=dt.date(2022, 1, 10),
        tender=(dt.date(2022, 3, 7), dt.date(2022, 4, 8)),
        weights=(40, 50, 10),
        bids=(
            BidStory(
                "Carewell Homecare Ltd",
                4_650_000,
                78,
                60,
                note="Quality raised from 74 at moderation: strong rural recruitment plan.",
            ),
            BidStory("Kingsmere Community Care CIC", 4_720_000, 82, 90, vcse=True),
            BidStory("National Homecare plc", 4_300_000, 58, 35, sme=False),
            BidStory("Northdale Care Partnership", 4_900_000, 70, 55),
        ),
        award=(
            "Kingsmere Community Care CIC",
            dt.date(2022, 6, 1),
            "Highest weighted score; strongest social value offer for the rural wards.",
        ),
        contract=(dt.date(2022, 9, 1), dt.date(2027, 8, 31)),
        milestones=(
            ("Provider engagement event", "engagement", dt.date(2022, 2, 1), dt.date(2022, 2, 1)),
            ("Cabinet approval to tender", "approval", dt.date(2022, 2, 21), dt.date(2022, 2, 21)),
            ("Evaluation and moderation", "assessment", dt.date(2022, 5, 6), dt.date(2022, 5, 9)),
            ("First quarterly review", "reporting", dt.date(2022, 12, 1), dt.date(2022, 12, 5)),
            ("Rural waits under 10 days", "delivery", dt.date(2023, 9, 1), dt.date(2023, 8, 14)),
        ),
        staff_days={
            "market_engagement": 12,
            "specification": 25,
            "evaluation": 30,
            "legal": 6,
            "monitoring": 24,
        },
        external={"legal": 8_500, "evaluation": 2_000},
        saving_percent="3",
    ),
    SourcingStory(
        programme="Drug and alcohol treatment",
        cycle=2,
        title="Recovery café pilot",
        route="pa23_open",
        rationale="A small pilot tendered openly to test the market." + NEAREST,
        value=60_000,
        planned=dt.date(2022, 11, 7),
        tender=(dt.date(2023, 1, 9), dt.date(2023, 2, 10)),
        weights=(30, 60, 10),
        bids=(
            BidStory("Turning Point Kingsmere", 58_000, 72, 70, vcse=True),
            BidStory("Fresh Start Recovery CIC", 55_000, 66, 80, vcse=True),
            BidStory("Horizon Wellbeing Ltd", 52_000, 60, 40),
            BidStory("Kingsmere Mind", 59_500, 75, 75, vcse=True),
            BidStory("Pathways Social Enterprise", 57_000, 64, 60, vcse=True),
        ),
        award=(
            "Kingsmere Mind",
            dt.date(2023, 3, 20),
            "Highest weighted score. The review noted that a grant would have cost far less to "
            "run than this tender.",
        ),
        contract=(dt.date(2023, 5, 1), dt.date(2024, 4, 30)),
        staff_days={
            "market_engagement": 4,
            "specification": 8,
            "evaluation": 12,
            "legal": 3,
            "monitoring": 6,
        },
        external={"legal": 2_500},
        saving_percent="5",
    ),
    SourcingStory(
        programme="0–19 public health nursing",
        cycle=2,
        title="Health visiting and school nursing",
        route="in_house_sla",
        rationale="Bringing the service in-house (with staff transferred from the NHS trust) "
        "kept continuity and avoided a tender.",
        value=6_200_000,
        planned=dt.date(2022, 6, 6),
        staff_days={"specification": 15, "legal": 10, "monitoring": 12},
        external={"legal": 12_000},
        saving_percent="0",
        bids_received=0,
        milestones=(
            ("Staff consultation (TUPE)", "engagement", dt.date(2022, 9, 5), dt.date(2022, 9, 30)),
            (
                "Service level agreement signed",
                "approval",
                dt.date(2023, 3, 1),
                dt.date(2023, 3, 1),
            ),
        ),
    ),
    SourcingStory(
        programme="Domestic abuse support",
        cycle=2,
        title="Refuge and outreach grant",
        route="grant",
        rationale="Specialist 'by and for' organisations are best funded by grant; there is "
        "one local specialist provider.",
        value=900_000,
        planned=dt.date(2023, 1, 9),
        staff_days={"market_engagement": 3, "specification": 4, "legal": 1, "monitoring": 8},
        external={},
        saving_percent="0",
        bids_received=1,
        per_bid_cost=800,
    ),
    SourcingStory(
        programme="Homelessness prevention",
        cycle=2,
        title="Housing advice partnership",
        route="partnership",
        rationale="A partnership agreement with two housing associations pools their "
        "tenancy-sustainment teams with the council's housing options service.",
        value=1_500_000,
        planned=dt.date(2022, 9, 5),
        staff_days={"market_engagement": 6, "specification": 10, "legal": 8, "monitoring": 10},
        external={"legal": 6_000},
        saving_percent="2",
        bids_received=0,
    ),
)

SPEND_PROVIDERS = (
    ("Kingsmere Community Care CIC", "40112", 78_400),
    ("Carewell Homecare Ltd", "40087", 52_150),
    ("National Homecare plc", "40003", 31_900),
    ("Northdale Care Partnership", "40215", 12_600),
    ("Age Concern Kingsmere", "40301", 4_250),
)


def _spend_csv() -> bytes:
    """Fictional monthly payments to the home care providers, as a council publishes them."""
    lines = [
        "Service,Expense Type,Payment Date,Transaction Number,Net Amount,Supplier Name,Supplier ID"
    ]
    number = 500_000
    for month in range(1, 13):
        for name, supplier_id, monthly in SPEND_PROVIDERS:
            number += 1
            amount = monthly + 37 * month
            lines.append(
                f"Adult Social Care,Home Care,{month:02d}/{month:02d}/2024".replace(
                    f"{month:02d}/{month:02d}/2024", f"28/{month:02d}/2024"
                )
                + f',{number},"£{amount:,.2f}",{name},{supplier_id}'
            )
    return ("\n".join(lines) + "\n").encode("cp1252")


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _play(story: SourcingStory, cycle: Cycle, users: dict[str, User]) -> Sourcing:
    user = users["procurement"]
    sourcing = services.sourcing_create(
        actor=user,
        cycle=cycle,
        title=story.title,
        route=story.route,
        rationale=story.rationale,
        contract_value=Decimal(story.value),
        planned_on=story.planned,
        tender_start=story.tender[0] if story.tender else None,
        tender_end=story.tender[1] if story.tender else None,
        at=_at(story.planned),
    )
    for title, kind, due, met in story.milestones:
        if kind not in {"delivery", "reporting"}:
            services.milestone_add(
                actor=user, sourcing=sourcing, title=title, kind=kind, due_on=due, met_on=met
            )
    if story.weights is not None:
        price, quality, social = story.weights
        services.criteria_set(
            actor=user, sourcing=sourcing, price=price, quality=quality, social_value=social
        )
    for bid in story.bids:
        services.bid_record(
            actor=user,
            sourcing=sourcing,
            bidder=bid.bidder,
            price=Decimal(bid.price),
            quality_score=Decimal(bid.quality),
            social_value_score=Decimal(bid.social_value),
            sme=bid.sme,
            vcse=bid.vcse,
            public_body=bid.public_body,
            moderation_notes=bid.note or "Scores agreed at moderation.",
            received_on=story.tender[1] if story.tender else None,
        )
    if story.award is not None:
        winner, day, why = story.award
        services.award_record(
            actor=user,
            sourcing=sourcing,
            bid=sourcing.bids.get(bidder=winner),
            awarded_on=day,
            rationale=why,
            decision_maker="Cabinet member for the service",
            contract_start=story.contract[0] if story.contract else None,
            contract_end=story.contract[1] if story.contract else None,
            at=_at(day),
        )
    for title, kind, due, met in story.milestones:
        if kind in {"delivery", "reporting"}:
            services.milestone_add(
                actor=user, sourcing=sourcing, title=title, kind=kind, due_on=due, met_on=met
            )
    services.costs_save(
        actor=users["finance"],
        sourcing=sourcing,
        day_rate=Decimal(320),
        per_bid_cost=Decimal(story.per_bid_cost),
        per_bid_cost_source=PER_BID_SOURCE,
        expected_saving_percent=Decimal(story.saving_percent),
        staff_days={f"{k}_days": Decimal(v) for k, v in story.staff_days.items()},
        external={f"{k}_external": Decimal(v) for k, v in story.external.items()},
        bids_received=story.bids_received,
        at=_at(story.planned),
    )
    return sourcing


def load_sourcing_demo(*, cast: Cast, progress: Callable[[str], object] = print) -> None:
    """Load the demo council's sourcing records and market data (once; later calls do nothing)."""
    council = cast.organisations["council"]
    programmes = {p.name: p for p in Programme.objects.filter(organisation=council)}
    if not programmes or Sourcing.objects.filter(cycle__programme__organisation=council).exists():
        return
    users: dict[str, User] = dict(cast.users)  # type: ignore[arg-type]
    progress("Loading sourcing records…")
    with transaction.atomic():
        for story in STORIES:
            programme = programmes[story.programme]
            _play(story, programme.cycles.get(number=story.cycle), users)
    progress("Importing the Contracts Finder packages…")
    paths = sorted(CONTRACTS_FINDER.glob("*.json"))
    with transaction.atomic():
        services.ocds_import_paths(
            actor=users["analyst"],
            programmes=[
                p for p in programmes.values() if not MarketImport.objects.filter(programme=p)
            ],
            paths=paths,
            file_name="Contracts Finder sample (100 packages)",
        )
        services.spend_import(
            actor=users["finance"],
            programme=programmes["Adult home care"],
            file_name="kingsmere-payments-2024.csv",
            data=_spend_csv(),
        )
        # Adult home care looks at the health and social work part of the sample only.
        services.market_filter_save(
            actor=users["commissioner"],
            programme=programmes["Adult home care"],
            cpv="85000000",
        )
