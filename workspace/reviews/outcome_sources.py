"""The outcome evidence of the Spiral test, assembled from the Analyse and Plan areas.

A programme's **key outcome indicators** are the indicators of its outcomes frameworks
(:mod:`workspace.plan`) that are linked to an indicator of the needs data
(:mod:`workspace.needs`). For each, the history gets:

- the series for the programme's area and for every area of its **comparator group**
  (:class:`~workspace.needs.models.ComparatorMember`), as counts (numerator and
  denominator), so that the engine computes each value and its standard error exactly as
  it does for an uploaded history (a proportion's or a rate's, times the multiplier);
- each cycle's **plan**: the baseline and targets of the outcomes framework of that cycle.

An outcomes framework names **the cycle it plans** (``OutcomesFramework.cycle``, chosen by
the commissioner): its baseline and targets are that cycle's. Only a framework written
before its programme had any cycle names none; for it alone the old inference stands in,
the cycle during which it was written (the latest cycle that had started when it was
created; one written before the first cycle belongs to the first). Where a cycle has
several frameworks, the newest that holds the indicator gives its baseline and targets.

The polarity is the framework's (higher or lower is better); an indicator the framework
marks as context (neither) is kept out of the verdict (``key`` false) and takes the needs
indicator's polarity, or is left out if that has none either. Values the engine could not
read (a period it does not recognise, a denominator of 0) are left out and said so.

When the needs data hold no value of any linked indicator for the programme's area, the
evidence falls back to the review's own figures (uploaded with a history file or entered),
so hand entry and upload keep working. Either way :class:`OutcomeEvidence` says where
every part came from (its ``notes`` and ``cycle_notes``), for the review page and report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from spiral.exceptions import InputError
from spiral.spiral_test.periods import parse_period
from workspace.cycles.models import Cycle, Programme
from workspace.needs.models import Area, ComparatorMember, Indicator, IndicatorValue
from workspace.plan.models import OutcomeIndicator, OutcomesFramework
from workspace.reviews.models import ProgrammeFigures

POLARITY: dict[str, str] = {
    OutcomeIndicator.Direction.HIGHER.value: "higher_is_better",
    OutcomeIndicator.Direction.LOWER.value: "lower_is_better",
}
NEEDS_POLARITY: dict[str, str] = {
    Indicator.Polarity.HIGH.value: "higher_is_better",
    Indicator.Polarity.LOW.value: "lower_is_better",
}
ENTERED = "entered in the review"


@dataclass(frozen=True)
class OutcomeEvidence:
    """The history's comparators and indicators, and where they came from."""

    comparators: list[dict[str, str]]
    indicators: list[dict[str, Any]]
    assembled: bool
    """True when assembled from the needs data and outcomes frameworks."""
    notes: tuple[str, ...]
    cycle_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Cycle id → where its baseline and targets came from."""

    @property
    def source(self) -> str:
        """In a few words: where the outcome evidence came from."""
        if self.assembled:
            return "the needs data and the outcomes frameworks"
        return ENTERED if self.indicators else "none recorded"

    def part(self) -> dict[str, Any]:
        """The history's ``comparators`` and ``indicators``."""
        return {"comparators": self.comparators, "indicators": self.indicators}


def recorded_figures(programme: Programme) -> ProgrammeFigures | None:
    """The review's own figures of the programme, if any."""
    try:
        return programme.spiral_figures
    except ProgrammeFigures.DoesNotExist:
        return None


def area_code(programme: Programme) -> str:
    """The programme's area: the code recorded in the review, else the lead organisation's."""
    figures = recorded_figures(programme)
    organisation = programme.organisation
    return (figures.area_code if figures else "") or organisation.ons_code or organisation.slug


def _readable(label: str) -> bool:
    try:
        parse_period(label)
    except InputError:
        return False
    return True


def framework_cycles(frameworks: list[OutcomesFramework], cycles: list[Cycle]) -> dict[int, Cycle]:
    """Framework primary key → the cycle it plans.

    The cycle the framework names; for a framework that names none (written before its
    programme had a cycle), the one running when it was written. ``cycles`` are the
    programme's, in order of number; a framework written before the first belongs to it.
    """
    by_pk = {c.pk: c for c in cycles}
    owner: dict[int, Cycle] = {}
    for framework in frameworks:
        if framework.cycle_id is not None:
            owner[framework.pk] = by_pk[framework.cycle_id]
            continue
        started = [c for c in cycles if c.started_at <= framework.created_at]
        owner[framework.pk] = started[-1] if started else cycles[0]
    return owner


def _fallback(programme: Programme) -> OutcomeEvidence:
    figures = recorded_figures(programme)
    if figures is None or not (figures.indicators or figures.comparators):
        return OutcomeEvidence(
            [],
            [],
            assembled=False,
            notes=(
                "No outcome indicators: link the outcomes framework's indicators to the needs "
                "data, or upload a history with indicator series.",
            ),
        )
    who = f" by {figures.updated_by.get_username()}" if figures.updated_by else ""
    names = ", ".join(str(i.get("name") or i.get("id")) for i in figures.indicators)
    return OutcomeEvidence(
        list(figures.comparators),
        list(figures.indicators),
        assembled=False,
        notes=(
            f"Indicator series and comparators {ENTERED} (uploaded or typed{who}, "
            f"{figures.updated_at:%d %B %Y}): {names or 'no indicators'}; "
            f"{len(figures.comparators)} comparator area(s).",
        ),
    )


def _series(
    indicator: Indicator, rows: list[tuple[str, str, float, float]], skipped: list[str]
) -> list[dict[str, Any]]:
    values = []
    for code, period, numerator, denominator in rows:
        proportion = indicator.statistic == Indicator.Statistic.PROPORTION
        if not _readable(period):
            skipped.append(f"{code} {period}: a period the Spiral test cannot read")
        elif denominator <= 0 or numerator < 0 or (proportion and numerator > denominator):
            skipped.append(f"{code} {period}: counts {numerator:g}/{denominator:g}")
        else:
            values.append(
                {"area": code, "period": period, "numerator": numerator, "denominator": denominator}
            )
    return values


def _plans(
    links: list[OutcomeIndicator], owner: dict[int, Cycle], cycle_ids: dict[int, str]
) -> list[dict[str, Any]]:
    """One plan per cycle: the newest framework of the cycle that holds the indicator."""
    newest: dict[int, OutcomeIndicator] = {}
    for link in sorted(links, key=lambda o: (o.outcome.framework.created_at, o.pk)):
        newest[owner[link.outcome.framework_id].number] = link
    plans = []
    for number, link in sorted(newest.items()):
        framework = link.outcome.framework
        cycle = owner[framework.pk]
        plan: dict[str, Any] = {
            "cycle": cycle_ids[cycle.pk],
            "source": f"outcomes framework '{framework.title}' of cycle {number}",
        }
        if link.baseline_value is not None and _readable(link.baseline_period):
            plan["baseline"] = {"period": link.baseline_period, "value": link.baseline_value}
        plan["targets"] = [
            {"period": t.period, "value": t.value}
            for t in link.targets.all()
            if _readable(t.period)
        ]
        plans.append(plan)
    return plans


def _polarity(link: OutcomeIndicator, needs: Indicator) -> tuple[str | None, bool]:
    if link.direction in POLARITY:
        return POLARITY[link.direction], True
    return NEEDS_POLARITY.get(needs.polarity), False


def needs_outcome_evidence(programme: Programme) -> OutcomeEvidence | None:
    """The evidence from the needs data and outcomes frameworks, or None if they hold none.

    Indicators come in the order the frameworks first took them up (oldest framework first).
    """
    from workspace.reviews.history import cycle_id

    area = Area.objects.filter(code=area_code(programme)).first()
    cycles = list(programme.cycles.order_by("number"))
    if area is None or not cycles:
        return None
    links = list(
        OutcomeIndicator.objects.filter(
            outcome__framework__programme=programme, needs_indicator__isnull=False
        )
        .select_related("needs_indicator", "outcome__framework")
        .prefetch_related("targets")
    )
    if not links:
        return None
    links.sort(key=lambda o: (o.outcome.framework.created_at, o.outcome.position, o.pk))
    frameworks = list(
        {link.outcome.framework_id: link.outcome.framework for link in links}.values()
    )
    owner = framework_cycles(frameworks, cycles)
    cycle_ids = {c.pk: cycle_id(c) for c in cycles}
    by_needs: dict[int, list[OutcomeIndicator]] = defaultdict(list)
    for link in links:
        by_needs[link.needs_indicator_id].append(link)  # type: ignore[index]
    members = list(
        ComparatorMember.objects.filter(area=area).select_related("comparator").order_by("rank")
    )
    codes = [area.code, *(m.comparator.code for m in members)]
    rows: dict[int, list[tuple[str, str, float, float]]] = defaultdict(list)
    for indicator_pk, code, period, numerator, denominator in (
        IndicatorValue.objects.filter(indicator__in=list(by_needs), area__code__in=codes)
        .order_by("indicator", "area__code", "period")
        .values_list("indicator", "area__code", "period", "numerator", "denominator")
    ):
        rows[indicator_pk].append((code, period, numerator, denominator))
    indicators: list[dict[str, Any]] = []
    notes: list[str] = []
    seen_ids: set[str] = set()
    for needs_pk, linked in by_needs.items():
        needs = linked[0].needs_indicator
        assert needs is not None  # filtered above
        latest = max(linked, key=lambda o: (o.outcome.framework.created_at, o.pk))
        polarity, key = _polarity(latest, needs)
        name = latest.name or needs.name
        skipped: list[str] = []
        values = _series(needs, rows.get(needs_pk, []), skipped)
        own = [v for v in values if v["area"] == area.code]
        if polarity is None:
            notes.append(
                f"Left out '{name}': neither the framework nor the needs data say "
                "which direction is better."
            )
            continue
        if not own:
            notes.append(
                f"Left out '{name}': the needs data hold no value of {needs.name} for {area.name}."
            )
            continue
        ident = needs.key if needs.key not in seen_ids else f"{needs.key}-{needs.pk}"
        seen_ids.add(ident)
        indicators.append(
            {
                "id": ident,
                "name": name,
                "unit": needs.unit or latest.unit,
                "polarity": polarity,
                "key": key,
                "measure": "proportion"
                if needs.statistic == Indicator.Statistic.PROPORTION
                else "rate",
                "multiplier": needs.multiplier,
                "values": values,
                "plans": _plans(linked, owner, cycle_ids),
            }
        )
        with_values = {v["area"] for v in values} - {area.code}
        whose = (
            f"Fingertips indicator {needs.key}"
            if needs.organisation_id is None
            else f"{needs.organisation}'s own indicator '{needs.key}'"
        )
        called = "" if needs.name == name else f", '{needs.name}'"
        notes.append(
            f"'{name}'{'' if key else ' (context, not counted)'}: from the needs data "
            f"({whose}{called}): {len(own)} period(s) for {area.name}; values for "
            f"{len(with_values)} of the {len(members)} areas in its comparator group."
            + (f" Left out: {'; '.join(skipped)}." if skipped else "")
        )
    if not indicators:
        return None
    methods = sorted({m.method for m in members})
    fictional = [m.comparator.name for m in members if m.comparator.fictional]
    notes.insert(
        0,
        f"Comparators: {area.name}'s comparator group in the needs data, {len(members)} "
        f"area(s) ({'; '.join(methods) or 'no method recorded'})"
        + (f"; fictional: {', '.join(fictional)}" if fictional else "")
        + ".",
    )
    return OutcomeEvidence(
        comparators=[{"code": m.comparator.code, "name": m.comparator.name} for m in members],
        indicators=indicators,
        assembled=True,
        notes=tuple(notes),
        cycle_notes=_cycle_notes(cycles, cycle_ids, indicators),
    )


def _cycle_notes(
    cycles: list[Cycle], cycle_ids: dict[int, str], indicators: list[dict[str, Any]]
) -> dict[str, tuple[str, ...]]:
    notes: dict[str, tuple[str, ...]] = {}
    for cycle in cycles:
        ident = cycle_ids[cycle.pk]
        lines = []
        for indicator in indicators:
            plan = next((p for p in indicator["plans"] if p["cycle"] == ident), None)
            if plan is None:
                lines.append(
                    f"'{indicator['name']}': no outcomes framework of this cycle sets a "
                    "baseline or target."
                )
            else:
                lines.append(
                    f"'{indicator['name']}': baseline and targets from the {plan['source']}."
                )
        notes[ident] = tuple(lines)
    return notes


def outcome_evidence(programme: Programme) -> OutcomeEvidence:
    """The outcome evidence: from the needs data and frameworks, else from the review."""
    return needs_outcome_evidence(programme) or _fallback(programme)
