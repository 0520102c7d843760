"""A cycle's cost, process and delivery evidence, taken from the areas that hold it.

The Spiral test's history (:mod:`workspace.reviews.history`) needs, for each cycle, its spend,
reach, transaction costs, delivery model, sourcing route, whether it re-procured the same
model, and the effort spent on each stage. The **sourcing** area records how a service was
secured (:class:`~workspace.sourcing.models.Sourcing`, its transaction costs and bids); the
**contracts** area records what was paid and what the providers returned
(:class:`~workspace.contracts.models.Agreement`, its payments and returns); the **needs** area
holds the area's population. Each ``*_part`` function below takes a figure from the area
that holds it and falls back to what was entered in the review
(:class:`~workspace.reviews.models.CycleFigures`), and says which it used (a
:class:`Provenance`), so the review page and report can show where each figure came from.

The rules:

- **spend**: cash paid under the programme's agreements, by UK financial year (April to
  March) of the payment date, in the cycle's years (from the year it started to the year
  before the next cycle started, or the year it ended). Only years that have ended by the
  history's date and have payments in each of their four quarters count: a year with fewer
  would understate the year's spend.
- **service users**: a KPI of kind *count* whose unit is ``service users`` counts the
  people who started using the service in a period; the cycle's figure is the mean, over its
  counted years, of the yearly sum from accepted returns.
- **population**: the needs area's mid-year estimates (``population_by_year``) for the
  programme's area, the estimate of a financial year's first calendar year; used only when
  they cover every year of every cycle and of the previous arrangement, so that cost a head
  always compares like with like.
- **transaction costs**: staff days and external costs of the cycle's sourcing records,
  before and after the award; their price year is the financial year of the first award (or
  of the plan when none is awarded).
- **procurement effort**: the staff days before the award; the other stages keep the
  review's own figures.
- **sourcing route**: the routes of the cycle's sourcing records; **delivery model**: the
  kinds and payment mechanisms of the agreements made in the cycle.
- **re-procured the same model**: when the cycle and the one before it both have sourcing
  records, whether they used the same routes for the same delivery model; otherwise the
  review's figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from spiral.sourcing.routes import route as route_info
from spiral.sourcing.transaction_costs import AFTER, BEFORE
from spiral.spc.ratings import shortfall
from workspace.contracts.models import KPI, Agreement, KPIValue, Payment, Return
from workspace.contracts.performance import kpi_performance
from workspace.cycles.models import Cycle, Programme
from workspace.needs.models import Area
from workspace.reviews.models import CycleFigures, ProgrammeFigures
from workspace.sourcing.models import Sourcing, TransactionCosts

Part = dict[str, Any]

SERVICE_USERS_UNIT = "service users"
"""The unit (any case) of a count KPI that records the people who started the service."""

ENTERED = "entered in the review"


@dataclass(frozen=True)
class Provenance:
    """Where one part of a cycle's evidence came from, in words for the page."""

    part: str
    source: str


# --- financial years -----------------------------------------------------------------------


def financial_year(day: dt.date) -> str:
    """The UK financial year (April to March) a day falls in, written ``2019/20``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def _year_start(label: str) -> int:
    return int(label[:4])


def _year_end(label: str) -> dt.date:
    return dt.date(_year_start(label) + 1, 3, 31)


def _quarter(day: dt.date) -> int:
    """0 for April to June … 3 for January to March."""
    return ((day.month - 4) % 12) // 3


def cycle_years(cycle: Cycle, as_of: dt.date) -> tuple[int, int]:
    """First and last financial year (by starting calendar year) that belong to the cycle."""
    following = (
        Cycle.objects.filter(programme_id=cycle.programme_id, number__gt=cycle.number)
        .order_by("number")
        .first()
    )
    return _years_before(cycle, following, as_of)


def _years_before(cycle: Cycle, following: Cycle | None, as_of: dt.date) -> tuple[int, int]:
    """:func:`cycle_years`, given the programme's next cycle after ``cycle`` (if any)."""
    first = _year_start(financial_year(cycle.started_at.date()))
    if following is not None:
        last = _year_start(financial_year(following.started_at.date())) - 1
    elif cycle.ended_at is not None and not cycle.is_open:
        last = _year_start(financial_year(cycle.ended_at.date()))
    else:
        last = _year_start(financial_year(as_of))
    return first, max(first, last)


def _cycle_figures(cycle: Cycle) -> CycleFigures | None:
    try:
        return cycle.spiral_figures
    except CycleFigures.DoesNotExist:
        return None


def _programme_figures(programme: Programme) -> ProgrammeFigures | None:
    try:
        return programme.spiral_figures
    except ProgrammeFigures.DoesNotExist:
        return None


def _references(agreements: Iterable[Agreement]) -> str:
    return ", ".join(sorted({a.reference for a in agreements}))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- spend, service users and population ----------------------------------------------------


@dataclass(frozen=True)
class SpendRecord:
    """Cash paid in the cycle's complete years, and how it was found."""

    spend: dict[str, float]
    payments: int
    agreements: tuple[Agreement, ...]
    left_out: tuple[str, ...]


def agreement_spend(cycle: Cycle, as_of: dt.date) -> SpendRecord | None:
    """Cash paid under the programme's agreements in the cycle's complete financial years."""
    first, last = cycle_years(cycle, as_of)
    payments = list(
        Payment.objects.filter(
            agreement__programme_id=cycle.programme_id,
            paid_on__gte=dt.date(first, 4, 1),
            paid_on__lte=min(as_of, dt.date(last + 1, 3, 31)),
        )
        .exclude(agreement__status=Agreement.Status.DRAFT)
        .select_related("agreement")
    )
    if not payments:
        return None
    totals: dict[str, Decimal] = {}
    quarters: dict[str, set[int]] = {}
    for payment in payments:
        year = financial_year(payment.paid_on)
        totals[year] = totals.get(year, Decimal(0)) + payment.amount
        quarters.setdefault(year, set()).add(_quarter(payment.paid_on))
    counted = sorted(y for y in totals if _year_end(y) <= as_of and len(quarters[y]) == 4)
    if not counted:
        return None
    used = [p for p in payments if financial_year(p.paid_on) in counted]
    return SpendRecord(
        spend={y: float(totals[y]) for y in counted},
        payments=len(used),
        agreements=tuple({p.agreement_id: p.agreement for p in used}.values()),
        left_out=tuple(sorted(set(totals) - set(counted))),
    )


def returned_service_users(cycle: Cycle, years: Iterable[str]) -> tuple[float, int] | None:
    """Mean yearly people starting the service, from accepted returns; and the returns used."""
    wanted = set(years)
    if not wanted:
        return None
    start = min(dt.date(_year_start(y), 4, 1) for y in wanted)
    end = max(_year_end(y) for y in wanted)
    values = (
        KPIValue.objects.filter(
            kpi__agreement__programme_id=cycle.programme_id,
            kpi__kind=KPI.Kind.COUNT,
            kpi__unit__iexact=SERVICE_USERS_UNIT,
            version__ret__status=Return.Status.ACCEPTED,
            version__ret__period_start__gte=start,
            version__ret__period_start__lte=end,
        )
        .select_related("version__ret")
        .order_by("version__ret_id", "-version__number")
    )
    latest: dict[tuple[int, int], KPIValue] = {}
    for value in values:
        latest.setdefault((value.version.ret_id, value.kpi_id), value)
    by_year: dict[str, float] = {}
    for value in latest.values():
        year = financial_year(value.version.ret.period_start)
        if year in wanted:
            by_year[year] = by_year.get(year, 0.0) + float(value.value)
    if not by_year:
        return None
    returns = {ret for ret, _ in latest}
    return float(np.mean(list(by_year.values()))), len(returns)


def _area_code(programme: Programme) -> str:
    figures = _programme_figures(programme)
    organisation = programme.organisation
    return (figures.area_code if figures else "") or organisation.ons_code or ""


def _population_by_year(programme: Programme) -> dict[int, float]:
    code = _area_code(programme)
    area = Area.objects.filter(code=code).first() if code else None
    if area is None:
        return {}
    found = area.context.get("population_by_year") or {}
    return {int(year): float(value) for year, value in found.items() if str(year).isdigit()}


def _programme_years(programme: Programme, as_of: dt.date) -> set[int]:
    """Every financial year (starting calendar year) of the cycles and previous arrangement."""
    years: set[int] = set()
    cycles = list(programme.cycles.order_by("number"))
    for cycle, following in zip(cycles, [*cycles[1:], None], strict=True):
        first, last = _years_before(cycle, following, as_of)
        years.update(range(first, last + 1))
    figures = _programme_figures(programme)
    previous = (figures.previous_arrangement or {}) if figures else {}
    years.update(_year_start(str(y)) for y in previous.get("spend", {}) if str(y)[:4].isdigit())
    return years


def needs_population(programme: Programme, as_of: dt.date) -> dict[int, float] | None:
    """The needs area's population by year, if it covers every year the programme needs."""
    by_year = _population_by_year(programme)
    if not by_year:
        return None
    needed = _programme_years(programme, as_of)
    return by_year if needed and needed <= set(by_year) else None


def spend_part(cycle: Cycle, as_of: dt.date) -> tuple[Part, list[Provenance]]:
    """Spend, population and service users, each from its area or from the review."""
    figures = _cycle_figures(cycle)
    part: Part = {}
    notes: list[Provenance] = []
    record = agreement_spend(cycle, as_of)
    if record is not None:
        part["spend"] = record.spend
        source = (
            f"from {_plural(record.payments, 'payment')} under "
            f"{_plural(len(record.agreements), 'agreement')} "
            f"({_references(record.agreements)}), {', '.join(record.spend)}"
        )
        if record.left_out:
            source += f"; left out as incomplete: {', '.join(record.left_out)}"
        notes.append(Provenance("Spend", source))
    elif figures is not None and figures.spend:
        part["spend"] = dict(figures.spend)
        notes.append(Provenance("Spend", ENTERED))
    population = needs_population(cycle.programme, as_of)
    if population is not None:
        first, last = cycle_years(cycle, as_of)
        years = [_year_start(y) for y in part.get("spend", {})] or list(range(first, last + 1))
        part["population"] = float(np.mean([population[y] for y in years]))
        notes.append(Provenance("Population", "from the needs area's population estimates"))
    elif figures is not None and figures.population is not None:
        part["population"] = figures.population
        notes.append(Provenance("Population", ENTERED))
    users = returned_service_users(cycle, record.spend if record else ())
    if users is not None:
        part["service_users"] = users[0]
        notes.append(
            Provenance(
                "Service users",
                f"from {_plural(users[1], 'accepted return')} counting {SERVICE_USERS_UNIT}",
            )
        )
    elif figures is not None and figures.service_users is not None:
        part["service_users"] = figures.service_users
        notes.append(Provenance("Service users", ENTERED))
    return part, notes


def previous_population(programme: Programme, as_of: dt.date) -> float | None:
    """The previous arrangement's population from the needs area, when it is used at all."""
    population = needs_population(programme, as_of)
    figures = _programme_figures(programme)
    previous = (figures.previous_arrangement or {}) if figures else {}
    years = [_year_start(str(y)) for y in previous.get("spend", {})]
    if population is None or not years:
        return None
    return float(np.mean([population[y] for y in years]))


# --- sourcing: transaction costs, route, delivery model, effort ----------------------------


@dataclass(frozen=True)
class SourcingRecord:
    """What the cycle's sourcing records say about how the service was secured."""

    sourcings: tuple[Sourcing, ...]
    routes: tuple[str, ...]
    staff_days: float | None
    procurement_days: float | None
    external_costs: float | None
    year: str
    bids: int
    elapsed_days: int | None
    awarded: int = 0
    titles: tuple[str, ...] = field(default=())


def _bids(sourcing: Sourcing, costs: TransactionCosts | None) -> int:
    if costs is not None and costs.bids_received is not None:
        return costs.bids_received
    return sourcing.bids.count()


def _transaction_costs(sourcing: Sourcing) -> TransactionCosts | None:
    """The sourcing's costs, read with it (``select_related("costs")``), if recorded."""
    try:
        return sourcing.costs
    except TransactionCosts.DoesNotExist:
        return None


def sourcing_record(cycle: Cycle) -> SourcingRecord | None:
    """The cycle's sourcing records summed, or ``None`` when it has none."""
    sourcings = list(
        Sourcing.objects.filter(cycle=cycle).select_related("costs").order_by("planned_on", "id")
    )
    if not sourcings:
        return None
    costed: list[TransactionCosts] = []
    bids = 0
    for sourcing in sourcings:
        costs = _transaction_costs(sourcing)
        if costs is not None:
            costed.append(costs)
        bids += _bids(sourcing, costs)
    before = sum(float(getattr(c, f"{a}_days")) for c in costed for a in BEFORE)
    after = sum(float(getattr(c, f"{a}_days")) for c in costed for a in AFTER)
    external = sum(float(getattr(c, f"{a}_external")) for c in costed for a in (*BEFORE, *AFTER))
    awarded = [s for s in sourcings if s.awarded_on is not None]
    priced_on = awarded[0].awarded_on if awarded else sourcings[0].planned_on
    assert priced_on is not None
    ends = [s.awarded_on for s in awarded if s.awarded_on is not None]
    elapsed = (max(ends) - min(s.planned_on for s in sourcings)).days if ends else None
    routes: list[str] = []
    for sourcing in sourcings:
        label = route_info(sourcing.route).label
        if label not in routes:
            routes.append(label)
    return SourcingRecord(
        sourcings=tuple(sourcings),
        routes=tuple(routes),
        staff_days=before + after if costed else None,
        procurement_days=before if costed else None,
        external_costs=external if costed else None,
        year=financial_year(priced_on),
        bids=bids,
        elapsed_days=elapsed,
        awarded=len(awarded),
        titles=tuple(s.title for s in sourcings),
    )


def _agreements(cycle: Cycle) -> list[Agreement]:
    return list(
        Agreement.objects.filter(cycle=cycle)
        .exclude(status=Agreement.Status.DRAFT)
        .order_by("reference")
    )


def delivery_model(cycle: Cycle) -> tuple[str, ...]:
    """The kinds and payment mechanisms of the agreements made in the cycle (sorted)."""
    return _model_of(_agreements(cycle))


def _model_of(agreements: Iterable[Agreement]) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                f"{a.get_kind_display()}, {a.get_payment_mechanism_display().lower()} payment"
                for a in agreements
            }
        )
    )


def _sourcing_label(record: SourcingRecord) -> str:
    titles = "; ".join(record.titles)
    return f"from the sourcing record{'s' if len(record.titles) > 1 else ''} ({titles})"


def reprocured_same_model(cycle: Cycle, record: SourcingRecord | None) -> bool | None:
    """Whether the cycle sourced again by the same routes for the same delivery model.

    ``None`` when the cycle or the one before it has no sourcing record to compare.
    """
    previous = cycle.previous_cycle
    if record is None or previous is None:
        return None
    earlier = sourcing_record(previous)
    if earlier is None:
        return None
    model, previous_model = delivery_model(cycle), delivery_model(previous)
    same_model = model == previous_model if model and previous_model else True
    return set(record.routes) == set(earlier.routes) and same_model


def _model_and_route(
    cycle: Cycle, figures: CycleFigures | None, record: SourcingRecord | None
) -> tuple[Part, list[Provenance]]:
    part: Part = {}
    notes: list[Provenance] = []
    agreements = _agreements(cycle)
    model = _model_of(agreements)
    if model:
        part["delivery_model"] = "; ".join(model)
        references = _references(agreements)
        notes.append(Provenance("Delivery model", f"from the cycle's agreements ({references})"))
    elif figures is not None and figures.delivery_model:
        part["delivery_model"] = figures.delivery_model
        notes.append(Provenance("Delivery model", ENTERED))
    if record is not None:
        part["sourcing_route"] = "; ".join(record.routes)
        notes.append(Provenance("Sourcing route", _sourcing_label(record)))
    elif figures is not None and figures.sourcing_route:
        part["sourcing_route"] = figures.sourcing_route
        notes.append(Provenance("Sourcing route", ENTERED))
    derived = reprocured_same_model(cycle, record)
    previous = cycle.previous_cycle
    if derived is not None and previous is not None:
        part["reprocured_same_model"] = derived
        notes.append(
            Provenance(
                "Re-procured the same model",
                f"routes and delivery model compared with cycle {previous.number}'s records",
            )
        )
    else:
        part["reprocured_same_model"] = figures.reprocured_same_model if figures else False
        if figures is not None:
            notes.append(Provenance("Re-procured the same model", ENTERED))
    return part, notes


def _costs(
    figures: CycleFigures | None, record: SourcingRecord | None
) -> tuple[Part, list[Provenance]]:
    if record is not None and record.staff_days is not None:
        elapsed = (
            f", {record.elapsed_days} days from plan to award"
            if record.elapsed_days is not None
            else ""
        )
        source = f"{_sourcing_label(record)}: {_plural(record.bids, 'bid')}{elapsed}"
        costs = {
            "staff_days": record.staff_days,
            "external_costs": record.external_costs,
            "year": record.year,
        }
        return costs, [Provenance("Transaction costs", source)]
    if figures is None:
        return {}, []
    entered: Part = {
        "staff_days": figures.staff_days,
        "external_costs": figures.external_costs,
        "year": figures.external_costs_year or None,
    }
    costs = {name: value for name, value in entered.items() if value is not None}
    return costs, ([Provenance("Transaction costs", ENTERED)] if costs else [])


def transaction_cost_part(cycle: Cycle) -> tuple[Part, list[Provenance]]:
    """Delivery model, route, re-procurement and transaction costs, with their sources."""
    figures = _cycle_figures(cycle)
    record = sourcing_record(cycle)
    part, notes = _model_and_route(cycle, figures, record)
    costs, cost_notes = _costs(figures, record)
    if costs:
        part["transaction_costs"] = costs
    return part, notes + cost_notes


def effort_part(cycle: Cycle) -> tuple[Part, list[Provenance]]:
    """Days by stage: procurement from the sourcing records, the rest from the review."""
    figures = _cycle_figures(cycle)
    effort = figures.effort_days() if figures is not None else {}
    notes: list[Provenance] = []
    record = sourcing_record(cycle)
    if record is not None and record.procurement_days is not None:
        effort["procurement"] = record.procurement_days
        notes.append(Provenance("Procurement effort", _sourcing_label(record) + ", before award"))
    others = [stage for stage in ("analysis", "planning", "review") if stage in effort]
    if others:
        notes.append(Provenance(f"Effort on {', '.join(others)}", ENTERED))
    elif "procurement" in effort and record is None:
        notes.append(Provenance("Procurement effort", ENTERED))
    return ({"effort_days": effort} if effort else {}), notes


def cycle_provenance(cycle: Cycle, as_of: dt.date) -> list[Provenance]:
    """Where each part of the cycle's cost, process and delivery evidence came from."""
    notes: list[Provenance] = []
    for _, found in (
        spend_part(cycle, as_of),
        transaction_cost_part(cycle),
        effort_part(cycle),
    ):
        notes.extend(found)
    return notes


# --- KPI ratings and SPC signals ------------------------------------------------------------


@dataclass(frozen=True)
class KPIEvidence:
    """One KPI of one agreement: its latest rating, how often it met target, its signals."""

    kpi: KPI
    periods: int
    latest_period: str
    latest_rating: str
    met: int
    judged: int
    signals: tuple[str, ...]
    variation: str
    svg: str
    rows: tuple[dict[str, Any], ...] = ()
    message: str = ""

    @property
    def met_share(self) -> float | None:
        return self.met / self.judged if self.judged else None


@dataclass(frozen=True)
class AgreementEvidence:
    """An agreement's KPI evidence and the returns it was read from."""

    agreement: Agreement
    accepted: int
    awaiting: int
    kpis: tuple[KPIEvidence, ...]

    @property
    def source(self) -> str:
        text = f"from {_plural(self.accepted, 'accepted return')}"
        if self.awaiting:
            text += f" and {self.awaiting} awaiting review"
        return f"{text} of agreement {self.agreement.reference}"


def _signals(rows: list[dict[str, Any]]) -> tuple[str, ...]:
    """The special causes by kind: how many periods, and the first and last of them."""
    periods: dict[str, list[str]] = {}
    for row in rows:
        if row["signals"]:
            periods.setdefault(row["variation"].replace("_", " "), []).append(row["period"])
    found = []
    for kind, listed in periods.items():
        span = listed[0] if len(listed) == 1 else f"{listed[0]} to {listed[-1]}"
        found.append(f"{kind} in {_plural(len(listed), 'period')} ({span})")
    return tuple(found)


def kpi_evidence(cycle: Cycle) -> list[AgreementEvidence]:
    """KPI ratings and SPC signals of the agreements made in the cycle.

    The charts, ratings and signals are those of the contracts area
    (:func:`workspace.contracts.performance.kpi_performance`, on the engine's ``spiral.spc``);
    a period meets its target when its shortfall (``spiral.spc.ratings.shortfall``) is zero
    or less.
    """
    found = []
    for agreement in _agreements(cycle):
        statuses = list(
            agreement.returns.filter(first_submitted_at__isnull=False).values_list(
                "status", flat=True
            )
        )
        accepted = sum(1 for s in statuses if s == Return.Status.ACCEPTED)
        kpis = []
        for perf in kpi_performance(agreement):
            kpi = perf.kpi
            if not perf.rows:
                kpis.append(KPIEvidence(kpi, 0, "", "", 0, 0, (), "", "", message=perf.message))
                continue
            values = [row["value"] for row in perf.rows]
            target = float(kpi.target) if kpi.target is not None else float("nan")
            gaps = shortfall(values, target, kpi.polarity)
            judged = int(np.count_nonzero(~np.isnan(gaps)))
            met = int(np.count_nonzero(gaps <= 0))
            latest = perf.rows[-1]
            kpis.append(
                KPIEvidence(
                    kpi=kpi,
                    periods=len(perf.rows),
                    latest_period=latest["period"],
                    latest_rating=latest["rating_label"],
                    met=met,
                    judged=judged,
                    signals=_signals(perf.rows),
                    variation=perf.variation,
                    svg=perf.spc,
                    rows=tuple(
                        {key: row[key] for key in ("period", "value", "centre", "lower", "upper")}
                        | {"signals": ", ".join(row["signals"]), "rating": row["rating_label"]}
                        for row in perf.rows
                    ),
                )
            )
        found.append(
            AgreementEvidence(
                agreement=agreement,
                accepted=accepted,
                awaiting=len(statuses) - accepted,
                kpis=tuple(kpis),
            )
        )
    return found
