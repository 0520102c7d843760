"""A cycle's cost, process and delivery evidence assembles itself from sourcing and contracts.

Each part of the history (spend, population, service users, transaction costs, delivery
model, sourcing route, re-procurement, effort) comes from the area that records it, falls back
to the review's own figures when the area holds nothing, and says where it came from. The
figures expected below are worked by hand from the records each test makes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.workspace.cycles.conftest import cycle, frameworks, programme  # noqa: F401
from workspace.contracts import services as contracts
from workspace.contracts.models import KPI, Agreement
from workspace.contracts.performance import kpi_performance
from workspace.cycles import services as cycles
from workspace.cycles.models import Cycle, CycleFramework, Programme
from workspace.demo.personas import Cast
from workspace.needs.models import Area
from workspace.reviews.delivery import (
    ENTERED,
    agreement_spend,
    cycle_provenance,
    kpi_evidence,
    spend_part,
    transaction_cost_part,
)
from workspace.reviews.history import effort_source, programme_history, transaction_cost_source
from workspace.reviews.models import CycleFigures, ProgrammeFigures
from workspace.sourcing import services as sourcing
from workspace.sourcing.models import Sourcing

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2023, 9, 30)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def two_cycles(
    cast: Cast,
    programme: Programme,  # noqa: F811
    cycle: Cycle,  # noqa: F811
    frameworks: dict[str, CycleFramework],  # noqa: F811
) -> tuple[Cycle, Cycle]:
    """Cycle 1 from April 2019 to March 2021 (complete), cycle 2 from April 2021 (running)."""
    Cycle.objects.filter(pk=cycle.pk).update(
        started_at=_at(dt.date(2019, 4, 2)),
        ended_at=_at(dt.date(2021, 3, 31)),
        status=Cycle.Status.COMPLETE,
    )
    second = cycles.cycle_start(
        actor=cast.users["commissioner"],
        programme=programme,
        framework=frameworks["ipc-analyse-plan-do-review"],
        at=_at(dt.date(2021, 4, 6)),
    )
    return Cycle.objects.get(pk=cycle.pk), second


def _agreement(
    cast: Cast,
    on: Cycle,
    reference: str,
    *,
    kind: str = Agreement.Kind.GRANT,
    kpis: tuple[tuple[str, str, str, str, int], ...] = (
        ("People starting the service", "service users", KPI.Kind.COUNT, "higher_is_better", 90),
    ),
) -> Agreement:
    commissioner = cast.users["commissioner"]
    agreement = contracts.agreement_create(
        actor=commissioner,
        programme=on.programme,
        reference=reference,
        title=f"Support {reference}",
        kind=kind,
        provider=cast.organisations["provider"],
        value=Decimal(900_000),
        start_date=dt.date(on.started_at.year, 4, 1),
        end_date=dt.date(on.started_at.year + 3, 3, 31),
        payment_mechanism=Agreement.Payment.BLOCK,
        return_frequency=Agreement.Frequency.QUARTERLY,
        cycle=on,
    )
    for name, unit, kpi_kind, polarity, target in kpis:
        contracts.kpi_add(
            actor=commissioner,
            agreement=agreement,
            name=name,
            unit=unit,
            kind=kpi_kind,
            polarity=polarity,
            target=Decimal(target),
            minimum=Decimal(0),
        )
    contracts.agreement_activate(actor=commissioner, agreement=agreement)
    return agreement


def _pay(cast: Cast, agreement: Agreement, *paid: tuple[dt.date, int]) -> None:
    for day, amount in paid:
        contracts.payment_record(
            actor=cast.users["commissioner"],
            agreement=agreement,
            paid_on=day,
            amount=Decimal(amount),
        )


def _return(
    cast: Cast, agreement: Agreement, start: dt.date, values: list[str], *, accept: bool = True
) -> None:
    provider: User = cast.users["provider"]  # type: ignore[assignment]
    kpis = list(agreement.kpis.all())
    end = dt.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    ret = contracts.return_save(
        actor=provider,
        agreement=agreement,
        period_start=start,
        entries={k.pk: {"value": v} for k, v in zip(kpis, values, strict=True)},
        spend="1000",
        narrative="A steady quarter.",
        submit=True,
        at=_at(end + dt.timedelta(days=5)),
    )
    if accept:
        contracts.return_accept(actor=cast.users["commissioner"], ret=ret)


def _figures(on: Cycle, **values: object) -> CycleFigures:
    return CycleFigures.objects.create(cycle=on, updated_at=timezone.now(), **values)


def _sourcing(cast: Cast, on: Cycle, route: str, **days: int) -> Sourcing:
    record = sourcing.sourcing_create(
        actor=cast.users["procurement"],
        cycle=on,
        title=f"Sourcing {on.number}",
        route=route,
        rationale="From the options appraisal.",
        contract_value=Decimal(900_000),
        planned_on=on.started_at.date() + dt.timedelta(days=10),
    )
    sourcing.costs_save(
        actor=cast.users["finance"],
        sourcing=record,
        day_rate=Decimal(320),
        per_bid_cost=Decimal(3000),
        per_bid_cost_source="Assumed.",
        expected_saving_percent=Decimal(2),
        staff_days={f"{name}_days": Decimal(value) for name, value in days.items()},
        external={"legal_external": Decimal(4500), "evaluation_external": Decimal(500)},
        bids_received=3,
    )
    return record


# --- spend, service users, population ----------------------------------------------------


def test_spend_is_the_cash_paid_in_the_cycles_complete_financial_years(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, _ = two_cycles
    agreement = _agreement(cast, first, "G-1")
    _pay(
        cast,
        agreement,
        *[(dt.date(2019, m, 28), 100_000) for m in (6, 9, 12)],
        (dt.date(2020, 3, 28), 100_500),
        # 2020/21 has no payment from January to March: incomplete, left out
        *[(dt.date(2020, m, 28), 90_000) for m in (6, 9, 12)],
    )
    part, notes = spend_part(first, AS_OF)
    assert part["spend"] == {"2019/20": 400_500.0}
    assert notes[0].part == "Spend"
    assert notes[0].source == (
        "from 4 payments under 1 agreement (G-1), 2019/20; left out as incomplete: 2020/21"
    )


def test_a_year_not_yet_over_on_the_histories_date_is_not_counted(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    _, second = two_cycles
    agreement = _agreement(cast, second, "G-2")
    _pay(cast, agreement, *[(dt.date(2021, m, 28), 50_000) for m in (6, 9, 12)])
    _pay(cast, agreement, (dt.date(2022, 3, 28), 50_000))
    _pay(cast, agreement, *[(dt.date(2022, m, 28), 60_000) for m in (6, 9, 12)])
    _pay(cast, agreement, (dt.date(2023, 3, 28), 60_000))
    assert agreement_spend(second, dt.date(2023, 3, 30)).spend == {"2021/22": 200_000.0}  # type: ignore[union-attr]
    assert agreement_spend(second, AS_OF).spend == {  # type: ignore[union-attr]
        "2021/22": 200_000.0,
        "2022/23": 240_000.0,
    }


def test_payments_of_the_next_cycles_years_belong_to_the_next_cycle(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, second = two_cycles
    agreement = _agreement(cast, first, "G-1")
    _pay(cast, agreement, *[(dt.date(2021, m, 28), 70_000) for m in (6, 9, 12)])
    _pay(cast, agreement, (dt.date(2022, 3, 28), 70_000))
    assert agreement_spend(first, AS_OF) is None
    assert agreement_spend(second, AS_OF).spend == {"2021/22": 280_000.0}  # type: ignore[union-attr]


def test_without_payments_the_review_figures_are_used_and_said_to_be(
    two_cycles: tuple[Cycle, Cycle],
) -> None:
    first, _ = two_cycles
    _figures(first, spend={"2019/20": 123_000}, population=186_000, service_users=900)
    part, notes = spend_part(first, AS_OF)
    assert part == {"spend": {"2019/20": 123_000}, "population": 186_000, "service_users": 900}
    assert [(n.part, n.source) for n in notes] == [
        ("Spend", ENTERED),
        ("Population", ENTERED),
        ("Service users", ENTERED),
    ]


def test_service_users_are_the_mean_yearly_starters_from_accepted_returns(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, _ = two_cycles
    _figures(first, service_users=5)
    agreement = _agreement(cast, first, "G-1")
    _pay(cast, agreement, *[(dt.date(2019, m, 28), 10_000) for m in (6, 9, 12)])
    _pay(cast, agreement, (dt.date(2020, 3, 28), 10_000))
    for start, starters in zip(
        [dt.date(2019, 4, 1), dt.date(2019, 7, 1), dt.date(2019, 10, 1)],
        ["100", "120", "110"],
        strict=True,
    ):
        _return(cast, agreement, start, [starters])
    _return(cast, agreement, dt.date(2020, 1, 1), ["95"], accept=False)  # not yet accepted
    part, notes = spend_part(first, AS_OF)
    assert part["service_users"] == 330.0
    assert ("Service users", "from 3 accepted returns counting service users") in [
        (n.part, n.source) for n in notes
    ]


def test_population_comes_from_the_needs_area_only_when_it_covers_every_year(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, second = two_cycles
    _figures(first, population=186_000)
    code = first.programme.organisation.ons_code
    area = Area.objects.create(
        code=code,
        name="Kingsmere",
        area_type="Unitary authority",
        context={"population_by_year": {"2019": 200_000, "2020": 202_000, "2021": 204_000}},
    )
    # cycle 2 runs to 2023/24 on the history's date: 2022 and 2023 are missing
    assert spend_part(first, AS_OF)[0]["population"] == 186_000
    area.context["population_by_year"].update({"2022": 206_000, "2023": 208_000})
    area.save()
    part, notes = spend_part(first, AS_OF)
    assert part["population"] == 201_000.0  # mean of 2019 and 2020 (no spend years recorded)
    assert ("Population", "from the needs area's population estimates") in [
        (n.part, n.source) for n in notes
    ]
    assert spend_part(second, AS_OF)[0]["population"] == 206_000.0  # 2021 to 2023


# --- sourcing: transaction costs, route, delivery model, effort ---------------------------


def test_transaction_costs_route_and_procurement_effort_come_from_the_sourcing_record(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, _ = two_cycles
    _figures(
        first,
        sourcing_route="Entered route",
        staff_days=999,
        external_costs=1,
        analysis_days=40,
        procurement_days=500,
        review_days=20,
    )
    _sourcing(cast, first, "pa23_open", specification=10, evaluation=8, legal=2, monitoring=12)
    _agreement(cast, first, "C-1", kind=Agreement.Kind.CONTRACT)
    part = transaction_cost_source(first)
    assert part["sourcing_route"] == "Open procedure"
    assert part["delivery_model"] == "External contract, block payment"
    assert part["transaction_costs"] == {
        "staff_days": 32.0,
        "external_costs": 5000.0,
        "year": "2019/20",
    }
    assert effort_source(first) == {
        "effort_days": {"analysis": 40, "procurement": 20.0, "review": 20}
    }
    sources = {n.part: n.source for n in cycle_provenance(first, AS_OF)}
    assert sources["Transaction costs"] == "from the sourcing record (Sourcing 1): 3 bids"
    assert sources["Procurement effort"] == "from the sourcing record (Sourcing 1), before award"
    assert sources["Effort on analysis, review"] == ENTERED


def test_without_a_sourcing_record_the_review_figures_are_used(
    two_cycles: tuple[Cycle, Cycle],
) -> None:
    first, _ = two_cycles
    _figures(
        first,
        delivery_model="Framework",
        sourcing_route="Open procedure (framework)",
        reprocured_same_model=True,
        staff_days=410,
        external_costs=62_000,
        external_costs_year="2019/20",
        procurement_days=300,
    )
    part, notes = transaction_cost_part(first)
    assert part == {
        "delivery_model": "Framework",
        "sourcing_route": "Open procedure (framework)",
        "reprocured_same_model": True,
        "transaction_costs": {"staff_days": 410, "external_costs": 62_000, "year": "2019/20"},
    }
    assert {n.source for n in notes} == {ENTERED}
    assert effort_source(first) == {"effort_days": {"procurement": 300}}


def test_reprocuring_the_same_model_is_derived_from_both_cycles_records(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, second = two_cycles
    _figures(second, reprocured_same_model=False)
    _sourcing(cast, second, "grant", specification=4)
    # the previous cycle has no sourcing record: the review's figure stands
    assert transaction_cost_source(second)["reprocured_same_model"] is False
    _sourcing(cast, first, "grant", specification=6)
    _agreement(cast, first, "G-1")
    _agreement(cast, second, "G-2")
    assert transaction_cost_source(second)["reprocured_same_model"] is True
    sources = {n.part: n.source for n in cycle_provenance(second, AS_OF)}
    assert sources["Re-procured the same model"] == (
        "routes and delivery model compared with cycle 1's records"
    )


def test_a_new_route_or_a_new_delivery_model_is_not_reprocuring_the_same_model(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, second = two_cycles
    _sourcing(cast, first, "grant", specification=6)
    _sourcing(cast, second, "pa23_open", specification=4)
    assert transaction_cost_source(second)["reprocured_same_model"] is False
    Sourcing.objects.filter(cycle=second).update(route="grant")
    _agreement(cast, first, "G-1")
    _agreement(cast, second, "C-2", kind=Agreement.Kind.CONTRACT)
    assert transaction_cost_source(second)["reprocured_same_model"] is False
    assert transaction_cost_source(first)["reprocured_same_model"] is False  # no cycle before


def test_the_history_carries_the_assembled_parts(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, _ = two_cycles
    _sourcing(cast, first, "grant", specification=6)
    agreement = _agreement(cast, first, "G-1")
    _pay(cast, agreement, *[(dt.date(2019, m, 28), 25_000) for m in (6, 9, 12)])
    _pay(cast, agreement, (dt.date(2020, 3, 28), 25_000))
    entry = programme_history(first.programme, as_of=AS_OF)["cycles"][0]
    assert entry["spend"] == {"2019/20": 100_000.0}
    assert entry["sourcing_route"] == "Grant"
    assert entry["transaction_costs"]["staff_days"] == 6.0
    assert entry["effort_days"] == {"procurement": 6.0}


# --- KPI ratings and SPC signals ---------------------------------------------------------


def test_kpi_evidence_gives_the_latest_rating_the_share_meeting_target_and_the_signals(
    cast: Cast, two_cycles: tuple[Cycle, Cycle]
) -> None:
    first, _ = two_cycles
    agreement = _agreement(
        cast,
        first,
        "G-1",
        kpis=(("Days to first contact", "days", KPI.Kind.MEASURE, "lower_is_better", 5),),
    )
    Agreement.objects.filter(pk=agreement.pk).update(start_date=dt.date(2018, 7, 1))
    agreement.refresh_from_db()
    # 12 baseline quarters alternate 4.0 and 4.4 days: mean 4.2, mean moving range 0.4, so the
    # limits are 4.2 +/- 2.66 x 0.4 = 3.136 to 5.264; the 13th quarter, 9 days, is above them
    days = ["4.0", "4.4"] * 6 + ["9.0"]
    start = dt.date(2018, 7, 1)
    for value in days:
        _return(cast, agreement, start, [value])
        start = dt.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    (found,) = kpi_evidence(first)
    assert found.source == "from 13 accepted returns of agreement G-1"
    (kpi,) = found.kpis
    assert (kpi.periods, kpi.met, kpi.judged) == (13, 12, 13)  # target 5 days or fewer
    assert kpi.met_share == pytest.approx(12 / 13)
    (performance,) = kpi_performance(agreement)
    assert kpi.latest_rating == performance.rows[-1]["rating_label"]
    assert kpi.latest_period == "Jul to Sep 2021"
    assert kpi.signals == ("concern in 1 period (Jul to Sep 2021)",)
    assert kpi.rows[-1]["upper"] == pytest.approx(5.264)
    assert kpi.svg == performance.spc
    assert [r["value"] for r in kpi.rows] == [float(d) for d in days]


def test_the_previous_arrangement_takes_the_needs_population_with_the_cycles(
    two_cycles: tuple[Cycle, Cycle],
) -> None:
    first, _ = two_cycles
    owner = first.programme
    ProgrammeFigures.objects.create(
        programme=owner,
        previous_arrangement={"spend": {"2018/19": 90_000}, "population": 186_000},
        updated_at=timezone.now(),
    )
    population = {str(year): 199_000 + 1_000 * (year - 2018) for year in range(2018, 2023)}
    area = Area.objects.create(
        code=owner.organisation.ons_code,
        name="Kingsmere",
        area_type="Unitary authority",
        context={"population_by_year": population},
    )
    # 2023 (cycle 2's year on the history's date) is missing: nothing comes from the needs data
    history = programme_history(owner, as_of=AS_OF)
    assert history["previous_arrangement"]["population"] == 186_000
    assert "population" not in history["cycles"][0]
    area.context["population_by_year"]["2023"] = 204_000
    area.save()
    history = programme_history(owner, as_of=AS_OF)
    assert history["previous_arrangement"] == {"spend": {"2018/19": 90_000}, "population": 199_000}
    assert history["cycles"][0]["population"] == 200_500.0  # 2019 and 2020
