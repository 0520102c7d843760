"""A programme's exported history: the input of the Spiral test.

The history is one JSON object (``schema_version`` 1). Its parts, in brief (the full
description with an example is in ``docs/spiral-test.md``):

``schema_version``
    ``1``.
``programme``
    ``id``, ``name``, ``service``; ``area`` (``code``, ``name``): the commissioning area.
``as_of``
    The date the history was exported (ISO ``YYYY-MM-DD``); a cycle that ends after it
    is still running.
``comparators``
    The comparator areas: a list of ``{"code": ..., "name": ...}``.
``deflator`` (optional)
    ``name``, ``base`` (the price-base period, a key of ``index``) and ``index``: period →
    price index. Without it, costs stay in cash terms.
``staff_day_cost`` (optional)
    Cost of a staff day at the price base, to put staff days into pounds.
``previous_arrangement`` (optional)
    ``spend``, ``population``, ``service_users`` of the arrangement before the first
    recorded cycle, so the first cycle's cost can be compared with something.
``indicators``
    Each: ``id``, ``name``, ``polarity`` (``higher_is_better`` / ``lower_is_better``),
    ``key`` (whether it counts towards the verdict, default true), ``unit``,
    ``multiplier`` (1 by default; 100 for a percentage from counts), ``measure``
    (``proportion`` or ``rate``, used with counts), ``ci_level`` (95 by default),
    ``minimum_important_difference`` (0 by default), and ``values``: a list of
    ``{"area", "period", "value"}`` with the uncertainty as ``lower`` and ``upper``
    (a confidence interval at ``ci_level``), or ``se``, or ``numerator`` and
    ``denominator``. Optional: ``plans``, each cycle's plan for the indicator: ``cycle``
    (a cycle id), ``baseline`` (``period``, ``value``: the baseline its outcomes framework
    recorded), ``targets`` (a list of ``{"period", "value"}``) and ``source`` (words saying
    where they came from). Plans never change a verdict; they show outcome against the plan.
``cycles``
    Each: ``id``, ``name``, ``start``, ``end`` (optional while running),
    ``delivery_model``, ``sourcing_route``, ``reprocured_same_model`` (true when the cycle
    re-procured the model it already had), ``transaction_costs`` (``staff_days``,
    ``external_costs``, ``year``), ``effort_days`` (``analysis``, ``planning``,
    ``procurement``, ``review``), ``spend`` (period → cash spent), ``population``,
    ``service_users``, ``review`` (``date``, ``recommendations``: a list of ``{"id",
    "text"}``) and ``addresses``: the ids of the previous cycle's recommendations this
    cycle's plan took up.

Every error names the cycle or indicator and the field, for example
``cycle 'home-care-2019': field 'spend.2019/20': must be a number``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from spiral.exceptions import InputError
from spiral.spc.polarity import Polarity, normalise_polarity
from spiral.spiral_test.periods import Period, parse_period

SCHEMA_VERSION = 1
EFFORT_STAGES = ("analysis", "planning", "procurement", "review")
MEASURES = ("proportion", "rate")


class HistoryError(InputError):
    """A history that cannot be read; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__("\n".join(shown) + more)


@dataclass(frozen=True)
class Observation:
    """One value of an indicator for one area and period, with its standard error."""

    area: str
    period: Period
    value: float
    se: float | None


@dataclass(frozen=True)
class Target:
    """A value an indicator should reach in a period."""

    period: Period
    value: float


@dataclass(frozen=True)
class IndicatorPlan:
    """One cycle's plan for an indicator: the baseline it recorded and its targets."""

    cycle: str
    baseline_period: Period | None
    baseline_value: float | None
    targets: tuple[Target, ...]
    source: str


@dataclass(frozen=True)
class Indicator:
    """An outcome indicator, its polarity and its values for the area and comparators."""

    id: str
    name: str
    polarity: Polarity
    key: bool
    unit: str
    minimum_important_difference: float
    observations: tuple[Observation, ...]
    plans: tuple[IndicatorPlan, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """One recommendation of a review."""

    id: str
    text: str


@dataclass(frozen=True)
class Review:
    """A cycle's review: when it reported and what it recommended."""

    date: date | None
    recommendations: tuple[Recommendation, ...]


@dataclass(frozen=True)
class Cycle:
    """One turn of the commissioning cycle."""

    id: str
    name: str
    start: date
    end: date | None
    delivery_model: str
    sourcing_route: str
    reprocured_same_model: bool
    staff_days: float | None
    external_costs: float | None
    external_costs_year: str | None
    effort_days: dict[str, float]
    spend: dict[str, float]
    population: float | None
    service_users: float | None
    review: Review | None
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Deflator:
    """A price index by period and the period whose prices costs are expressed in."""

    name: str
    base: str
    index: dict[str, float]


@dataclass(frozen=True)
class Arrangement:
    """Spend and reach of the arrangement before the first recorded cycle."""

    spend: dict[str, float]
    population: float | None
    service_users: float | None


@dataclass(frozen=True)
class History:
    """A programme's whole history, read and checked."""

    programme_id: str
    programme_name: str
    service: str
    area_code: str
    area_name: str
    as_of: date
    comparators: tuple[tuple[str, str], ...]
    indicators: tuple[Indicator, ...]
    cycles: tuple[Cycle, ...]
    deflator: Deflator | None = None
    staff_day_cost: float | None = None
    previous_arrangement: Arrangement | None = None
    schema_version: int = SCHEMA_VERSION


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Reader:
    """Reads fields out of plain JSON data and collects problems with their places."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, name: str, message: str) -> None:
        self.problems.append(f"{where}: field '{name}': {message}")

    def obj(self, data: Any, where: str, name: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            self.fail(where, name, "must be an object")
            return {}
        return data

    def text(
        self,
        data: Mapping[str, Any],
        where: str,
        name: str,
        *,
        required: bool = True,
        label: str | None = None,
    ) -> str:
        value = data.get(name)
        shown = label or name
        if value is None:
            if required:
                self.fail(where, shown, "is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(where, shown, "must be non-empty text")
            return ""
        return value.strip()

    def number(
        self,
        data: Mapping[str, Any],
        where: str,
        name: str,
        *,
        required: bool = False,
        positive: bool = False,
        label: str | None = None,
    ) -> float | None:
        value = data.get(name)
        shown = label or name
        if value is None:
            if required:
                self.fail(where, shown, "is required")
            return None
        if not _is_number(value):
            self.fail(where, shown, f"must be a number, not {value!r}")
            return None
        number = float(value)
        if positive and number <= 0:
            self.fail(where, shown, f"must be greater than 0, not {value!r}")
            return None
        if not positive and number < 0:
            self.fail(where, shown, f"must not be negative, not {value!r}")
            return None
        return number

    def day(self, data: Mapping[str, Any], where: str, name: str, *, required: bool) -> date | None:
        value = data.get(name)
        if value is None:
            if required:
                self.fail(where, name, "is required")
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, name, f"must be a date written YYYY-MM-DD, not {value!r}")
            return None

    def period(self, label: Any, where: str, name: str) -> Period | None:
        try:
            return parse_period(str(label))
        except ValueError as error:
            self.fail(where, name, str(error))
            return None

    def amounts(self, data: Mapping[str, Any], where: str, name: str) -> dict[str, float]:
        raw = data.get(name)
        if raw is None:
            return {}
        mapping = self.obj(raw, where, name)
        amounts: dict[str, float] = {}
        for key, _ in mapping.items():
            if self.period(key, where, f"{name}.{key}") is None:
                continue
            number = self.number(mapping, where, key, label=f"{name}.{key}")
            if number is not None:
                amounts[str(key)] = number
        return amounts


def _interval_se(
    reader: _Reader, data: Mapping[str, Any], place: str, level: float
) -> float | None:
    lower, upper = data.get("lower"), data.get("upper")
    if not (_is_number(lower) and _is_number(upper)):
        reader.fail(place, "lower/upper", "both bounds must be numbers")
        return None
    low, high = float(lower), float(upper)  # type: ignore[arg-type]
    if high < low:
        reader.fail(place, "upper", f"is below lower ({high!r} < {low!r})")
        return None
    from spiral.stats.confidence import z_value

    return (high - low) / (2 * z_value(level))


def _standard_error(
    reader: _Reader,
    data: Mapping[str, Any],
    place: str,
    *,
    indicator: Mapping[str, Any],
    numerator: float | None,
    denominator: float | None,
) -> tuple[float | None, float | None]:
    """The standard error of a value, and the value itself when only counts are given.

    From ``se``; else from a confidence interval (width / (2 z)); else from counts: a
    proportion's √(p(1 − p)/n) or a rate's √x / n, times the indicator's multiplier.
    """
    multiplier = float(indicator.get("multiplier", 1) or 1)
    if "se" in data:
        return reader.number(data, place, "se"), None
    if "lower" in data or "upper" in data:
        return _interval_se(reader, data, place, float(indicator.get("ci_level", 95))), None
    if numerator is None or denominator is None:
        return None, None
    rate = numerator / denominator
    if indicator.get("measure", "proportion") == "rate":
        se = math.sqrt(numerator) / denominator
    elif numerator > denominator:
        reader.fail(place, "numerator", "is larger than the denominator")
        return None, None
    else:
        se = math.sqrt(rate * (1 - rate) / denominator)
    return multiplier * se, multiplier * rate


def _observation(
    reader: _Reader, raw: Any, where: str, position: int, indicator: Mapping[str, Any]
) -> Observation | None:
    place = f"{where}, value {position}"
    data = reader.obj(raw, place, "values")
    if not data:
        return None
    area = reader.text(data, place, "area")
    period = reader.period(data.get("period"), place, "period") if "period" in data else None
    if "period" not in data:
        reader.fail(place, "period", "is required")
    place = f"{where}, value {position} ({area or '?'}, {data.get('period', '?')})"
    count = len(reader.problems)
    value = data.get("value")
    numerator = reader.number(data, place, "numerator")
    denominator = reader.number(data, place, "denominator", positive=True)
    se, computed = _standard_error(
        reader, data, place, indicator=indicator, numerator=numerator, denominator=denominator
    )
    if value is None:
        value = computed
    if len(reader.problems) > count:
        return None
    if value is None:
        reader.fail(place, "value", "is required (or give numerator and denominator)")
    elif not _is_number(value):
        reader.fail(place, "value", f"must be a number, not {value!r}")
    if len(reader.problems) > count or period is None or value is None:
        return None
    return Observation(area=area, period=period, value=float(value), se=se)


def _polarity(reader: _Reader, data: Mapping[str, Any], where: str) -> Polarity:
    if data.get("polarity") is None:
        reader.fail(where, "polarity", "is required (higher_is_better or lower_is_better)")
        return "neutral"
    try:
        polarity = normalise_polarity(str(data["polarity"]))
    except ValueError as error:
        reader.fail(where, "polarity", str(error))
        return "neutral"
    if polarity == "neutral":
        reader.fail(where, "polarity", "must say which direction is better")
    return polarity


def _value_at(reader: _Reader, raw: Any, place: str, name: str) -> tuple[Period, float] | None:
    """A ``{"period", "value"}`` pair (any finite value: indicators may go below zero)."""
    data = reader.obj(raw, place, name)
    if not data:
        return None
    period = None
    if data.get("period") is None:
        reader.fail(place, f"{name}.period", "is required")
    else:
        period = reader.period(data["period"], place, f"{name}.period")
    value: Any = data.get("value")
    if not _is_number(value):
        reader.fail(place, f"{name}.value", f"must be a number, not {value!r}")
        return None
    return None if period is None else (period, float(value))


def _plans(reader: _Reader, raw: Any, where: str) -> tuple[IndicatorPlan, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.fail(where, "plans", "must be a list")
        return ()
    plans: list[IndicatorPlan] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        place = f"{where}, plan {index}"
        data = reader.obj(item, place, "plans")
        cycle = reader.text(data, place, "cycle")
        if cycle in seen:
            reader.fail(place, "cycle", f"{cycle!r} has more than one plan")
        seen.add(cycle)
        baseline = None
        if data.get("baseline") is not None:
            baseline = _value_at(reader, data["baseline"], place, "baseline")
        raw_targets = data.get("targets", [])
        if not isinstance(raw_targets, list):
            reader.fail(place, "targets", "must be a list")
            raw_targets = []
        targets: list[Target] = []
        for number, target in enumerate(raw_targets, start=1):
            pair = _value_at(reader, target, place, f"targets[{number}]")
            if pair is not None:
                targets.append(Target(*pair))
        source = data.get("source", "")
        if not isinstance(source, str):
            reader.fail(place, "source", "must be text")
            source = ""
        if cycle:
            plans.append(
                IndicatorPlan(
                    cycle=cycle,
                    baseline_period=baseline[0] if baseline else None,
                    baseline_value=baseline[1] if baseline else None,
                    targets=tuple(targets),
                    source=source,
                )
            )
    return tuple(plans)


def _indicator(reader: _Reader, raw: Any, position: int, areas: set[str]) -> Indicator | None:
    data = reader.obj(raw, f"indicator {position}", "indicators")
    ident = reader.text(data, f"indicator {position}", "id")
    where = f"indicator '{ident or position}'"
    name = reader.text(data, where, "name", required=False) or ident
    polarity = _polarity(reader, data, where)
    measure = data.get("measure", "proportion")
    if measure not in MEASURES:
        reader.fail(where, "measure", f"must be one of {', '.join(MEASURES)}, not {measure!r}")
    key = data.get("key", True)
    if not isinstance(key, bool):
        reader.fail(where, "key", "must be true or false")
    mid = reader.number(data, where, "minimum_important_difference") or 0.0
    if "multiplier" in data:
        reader.number(data, where, "multiplier", positive=True)
    if "ci_level" in data:
        level = data.get("ci_level")
        if not isinstance(level, int | float) or not (50 <= float(level) < 100 or 0 < level < 1):
            reader.fail(where, "ci_level", f"must be like 95 or 0.95, not {level!r}")
    raw_values = data.get("values")
    if not isinstance(raw_values, list):
        reader.fail(where, "values", "must be a list")
        raw_values = []
    observations: list[Observation] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(raw_values, start=1):
        observation = _observation(reader, item, where, index, data)
        if observation is None:
            continue
        place = f"{where}, value {index}"
        if observation.area not in areas:
            reader.fail(place, "area", f"{observation.area!r} is neither the area nor a comparator")
            continue
        if (observation.area, observation.period.label) in seen:
            reader.fail(
                place, "period", f"{observation.period.label} repeats for {observation.area}"
            )
            continue
        seen.add((observation.area, observation.period.label))
        observations.append(observation)
    return Indicator(
        id=ident,
        name=name,
        polarity=polarity,
        key=bool(key),
        unit=str(data.get("unit", "")),
        minimum_important_difference=mid,
        observations=tuple(observations),
        plans=_plans(reader, data.get("plans"), where),
    )


def _review(reader: _Reader, raw: Any, where: str) -> Review | None:
    if raw is None:
        return None
    data = reader.obj(raw, where, "review")
    recommendations: list[Recommendation] = []
    raw_items = data.get("recommendations", [])
    if not isinstance(raw_items, list):
        reader.fail(where, "review.recommendations", "must be a list")
        raw_items = []
    ids: set[str] = set()
    for index, item in enumerate(raw_items, start=1):
        entry = reader.obj(item, where, f"review.recommendations[{index}]")
        ident = reader.text(entry, where, "id", label=f"review.recommendations[{index}].id")
        if not ident:
            continue
        if ident in ids:
            reader.fail(where, f"review.recommendations[{index}].id", f"{ident!r} repeats")
        ids.add(ident)
        recommendations.append(Recommendation(ident, str(entry.get("text", ""))))
    return Review(reader.day(data, where, "date", required=False), tuple(recommendations))


def _cycle(reader: _Reader, raw: Any, position: int) -> Cycle | None:
    data = reader.obj(raw, f"cycle {position}", "cycles")
    ident = reader.text(data, f"cycle {position}", "id")
    where = f"cycle '{ident or position}'"
    start = reader.day(data, where, "start", required=True)
    end = reader.day(data, where, "end", required=False)
    if start and end and end < start:
        reader.fail(where, "end", f"{end} is before the start {start}")
    costs = reader.obj(data.get("transaction_costs", {}), where, "transaction_costs")
    effort_raw = reader.obj(data.get("effort_days", {}), where, "effort_days")
    effort: dict[str, float] = {}
    for stage, _ in effort_raw.items():
        if stage not in EFFORT_STAGES:
            reader.fail(where, f"effort_days.{stage}", f"stage must be one of {EFFORT_STAGES}")
            continue
        days = reader.number(effort_raw, where, stage, label=f"effort_days.{stage}")
        if days is not None:
            effort[stage] = days
    reprocured = data.get("reprocured_same_model", False)
    if not isinstance(reprocured, bool):
        reader.fail(where, "reprocured_same_model", "must be true or false")
    addresses = data.get("addresses", [])
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        reader.fail(where, "addresses", "must be a list of recommendation ids")
        addresses = []
    year = costs.get("year")
    if year is not None:
        reader.period(year, where, "transaction_costs.year")
    if start is None or not ident:
        return None
    return Cycle(
        id=ident,
        name=reader.text(data, where, "name", required=False) or ident,
        start=start,
        end=end,
        delivery_model=reader.text(data, where, "delivery_model", required=False),
        sourcing_route=reader.text(data, where, "sourcing_route", required=False),
        reprocured_same_model=bool(reprocured),
        staff_days=reader.number(costs, where, "staff_days", label="transaction_costs.staff_days"),
        external_costs=reader.number(
            costs, where, "external_costs", label="transaction_costs.external_costs"
        ),
        external_costs_year=None if year is None else str(year),
        effort_days=effort,
        spend=reader.amounts(data, where, "spend"),
        population=reader.number(data, where, "population", positive=True),
        service_users=reader.number(data, where, "service_users", positive=True),
        review=_review(reader, data.get("review"), where),
        addresses=tuple(addresses),
    )


def _deflator(reader: _Reader, raw: Any) -> Deflator | None:
    if raw is None:
        return None
    where = "deflator"
    data = reader.obj(raw, where, "deflator")
    base = reader.text(data, where, "base")
    index_raw = reader.obj(data.get("index", {}), where, "index")
    index: dict[str, float] = {}
    for key, _ in index_raw.items():
        if reader.period(key, where, f"index.{key}") is None:
            continue
        number = reader.number(index_raw, where, key, positive=True, label=f"index.{key}")
        if number is not None:
            index[str(key)] = number
    if base and base not in index:
        reader.fail(where, "base", f"{base!r} has no value in the index")
    return Deflator(reader.text(data, where, "name", required=False), base, index)


def _check_links(reader: _Reader, cycles: list[Cycle], deflator: Deflator | None) -> None:
    ordered = sorted(cycles, key=lambda c: c.start)
    ids = [c.id for c in ordered]
    for ident in {i for i in ids if ids.count(i) > 1}:
        reader.fail(f"cycle '{ident}'", "id", "repeats")
    for previous, cycle in zip([None, *ordered], ordered, strict=False):
        where = f"cycle '{cycle.id}'"
        known = (
            {r.id for r in previous.review.recommendations}
            if previous is not None and previous.review
            else set()
        )
        for ref in cycle.addresses:
            if ref not in known:
                owner = f"cycle '{previous.id}'" if previous else "no previous cycle"
                reader.fail(where, "addresses", f"{ref!r} is not a recommendation of {owner}")
        if previous is not None and previous.end is not None and cycle.start < previous.end:
            reader.fail(where, "start", f"{cycle.start} is before cycle '{previous.id}' ends")
        if deflator is not None:
            for year in cycle.spend:
                if year not in deflator.index:
                    reader.fail(where, f"spend.{year}", "has no deflator value for its year")
            cost_year = cycle.external_costs_year
            if cost_year is not None and cost_year not in deflator.index:
                reader.fail(where, "transaction_costs.year", f"{cost_year!r} has no deflator value")


def _comparators(reader: _Reader, raw: Any) -> list[tuple[str, str]]:
    comparators: list[tuple[str, str]] = []
    if not isinstance(raw, list):
        reader.fail("history", "comparators", "must be a list")
        return comparators
    for index, item in enumerate(raw, start=1):
        entry = reader.obj(item, f"comparator {index}", "comparators")
        code = reader.text(entry, f"comparator {index}", "code")
        if code:
            comparators.append((code, str(entry.get("name", code))))
    return comparators


def _arrangement(reader: _Reader, raw: Any, deflator: Deflator | None) -> Arrangement | None:
    if raw is None:
        return None
    where = "previous_arrangement"
    block = reader.obj(raw, where, "(block)")
    previous = Arrangement(
        spend=reader.amounts(block, where, "spend"),
        population=reader.number(block, where, "population", positive=True),
        service_users=reader.number(block, where, "service_users", positive=True),
    )
    if deflator is not None:
        for year in previous.spend:
            if year not in deflator.index:
                reader.fail(where, f"spend.{year}", "has no deflator value")
    return previous


def parse_history(data: Any) -> History:
    """Check a history given as plain JSON data and return it as typed records.

    Parameters
    ----------
    data : Mapping
        The decoded JSON object (see the module notes and ``docs/spiral-test.md``).

    Raises
    ------
    HistoryError
        Listing every problem, each naming the cycle or indicator and the field.

    Examples
    --------
    >>> history = parse_history({
    ...     "schema_version": 1,
    ...     "programme": {"id": "p", "name": "Home care", "area": {"code": "E06000099"}},
    ...     "as_of": "2024-03-31",
    ...     "indicators": [],
    ...     "cycles": [{"id": "c1", "start": "2021-04-01", "end": "2024-03-31"}],
    ... })
    >>> history.cycles[0].id, history.area_code
    ('c1', 'E06000099')
    >>> try:
    ...     parse_history({"schema_version": 1, "programme": {}, "cycles": [{"id": "c1"}]})
    ... except HistoryError as error:
    ...     print(error)
    programme: field 'id': is required
    programme: field 'area': must be an object
    history: field 'as_of': is required
    cycle 'c1': field 'start': is required
    """
    reader = _Reader()
    root = reader.obj(data, "history", "(top level)")
    version = root.get("schema_version")
    if version != SCHEMA_VERSION:
        reader.fail("history", "schema_version", f"must be {SCHEMA_VERSION}, not {version!r}")
    programme = reader.obj(root.get("programme"), "history", "programme")
    programme_id = reader.text(programme, "programme", "id")
    area_raw = programme.get("area")
    if not isinstance(area_raw, Mapping):
        reader.fail("programme", "area", "must be an object")
        area_raw = {}
    area_code = str(area_raw.get("code") or "").strip()
    if area_raw and not area_code:
        reader.fail("programme", "area.code", "is required")
    as_of = reader.day(root, "history", "as_of", required=True)
    comparators = _comparators(reader, root.get("comparators", []))
    areas = {area_code, *(c for c, _ in comparators)}
    raw_indicators = root.get("indicators", [])
    if not isinstance(raw_indicators, list):
        reader.fail("history", "indicators", "must be a list")
        raw_indicators = []
    indicators = [
        i
        for i in (_indicator(reader, raw, n, areas) for n, raw in enumerate(raw_indicators, 1))
        if i is not None
    ]
    raw_cycles = root.get("cycles")
    if not isinstance(raw_cycles, list) or not raw_cycles:
        reader.fail("history", "cycles", "must be a list of at least one cycle")
        raw_cycles = []
    cycles = [c for c in (_cycle(reader, raw, n) for n, raw in enumerate(raw_cycles, 1)) if c]
    deflator = _deflator(reader, root.get("deflator"))
    previous = _arrangement(reader, root.get("previous_arrangement"), deflator)
    staff_day_cost = reader.number(root, "history", "staff_day_cost")
    _check_links(reader, cycles, deflator)
    known = {c.id for c in cycles}
    for indicator in indicators:
        for plan in indicator.plans:
            if plan.cycle not in known:
                reader.fail(
                    f"indicator '{indicator.id}'", "plans", f"{plan.cycle!r} is not a cycle id"
                )
    if reader.problems:
        raise HistoryError(reader.problems)
    assert as_of is not None  # guaranteed when no problem was found
    return History(
        programme_id=programme_id,
        programme_name=reader.text(programme, "programme", "name", required=False) or programme_id,
        service=str(programme.get("service", "")),
        area_code=area_code,
        area_name=str(area_raw.get("name", area_code)),
        as_of=as_of,
        comparators=tuple(comparators),
        indicators=tuple(indicators),
        cycles=tuple(sorted(cycles, key=lambda c: c.start)),
        deflator=deflator,
        staff_day_cost=staff_day_cost,
        previous_arrangement=previous,
    )


def load_history(path: str | Path) -> History:
    """Read and check a history file (JSON).

    Raises
    ------
    HistoryError
        When the file cannot be read, is not JSON, or fails the checks of
        :func:`parse_history`.

    Examples
    --------
    >>> try:
    ...     load_history("no-such-file.json")
    ... except HistoryError as error:
    ...     print(error)
    cannot read no-such-file.json: file not found
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HistoryError([f"cannot read {path}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise HistoryError([f"cannot read {path}: {error}"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = (
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        )
        raise HistoryError([message]) from None
    return parse_history(data)
