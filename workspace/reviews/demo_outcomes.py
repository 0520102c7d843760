"""The demo council's outcome evidence, put where it belongs: needs data and outcomes frameworks.

The Spiral test's demo indicators are Kingsmere's **own** service indicators (reablement,
treatment completions, new birth visits...): the shipped Fingertips extract has none of them.
They are loaded as the council's own indicators of the needs data
(:func:`workspace.needs.services.indicator_import`, as an analyst's upload would be), for
Kingsmere and four comparator councils that, like Kingsmere, **do not exist**: Ashcombe,
Brindleford, Corrow and Dunsley. The four join Kingsmere's comparator group after its ten
real nearest neighbours, which hold Fingertips data but none of these local indicators (no
figure is ever invented for a real council). Each cycle of each programme gets an outcomes
framework (:mod:`workspace.plan`) that names the cycle it plans, written at the start of
the cycle, whose indicators link to these series with the baseline of the year before the
cycle and a target. The review then assembles its outcome evidence from them
(:mod:`workspace.reviews.outcome_sources`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max

from workspace.audit.services import audit_record
from workspace.cycles.models import Cycle, Programme
from workspace.needs import services as needs_services
from workspace.needs.models import Area, ComparatorMember, Indicator
from workspace.plan import services as plan_services
from workspace.plan.models import OutcomeIndicator

if TYPE_CHECKING:
    from workspace.reviews.demo import IndicatorStory

KINGSMERE = "E06099901"
DERIVATION = (
    "Fictional comparator of the fictional Kingsmere, invented for the Spiral test "
    "demonstration: for each of Kingsmere's own service indicators, its percentage each "
    "year is the comparators' illustrative mean {offset:+.1f} points, less a quarter of "
    "Kingsmere's small yearly wiggle, times a fixed denominator, rounded. No real data."
)
FICTIONAL_AREAS: tuple[tuple[str, str, float], ...] = (
    ("E06099902", "Ashcombe", -1.6),
    ("E06099903", "Brindleford", 0.7),
    ("E06099904", "Corrow", 1.9),
    ("E06099905", "Dunsley", -1.0),
)
"""Code, name and offset from the comparators' mean (points) of each fictional comparator."""
COMPARATOR_METHOD = (
    "Fictional comparators for Kingsmere's own service indicators (invented for the "
    "demonstration; they hold no Fingertips data)"
)
SOURCE_NOTE = "illustrative fictional figures for the Spiral test demonstration"


def fictional_comparators(kingsmere: Area) -> list[Area]:
    """Create the four fictional comparators and add them to Kingsmere's group (once)."""
    areas = []
    with transaction.atomic():
        for code, name, offset in FICTIONAL_AREAS:
            area, _ = Area.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "area_type": "Unitary authority",
                    "parent_code": kingsmere.parent_code,
                    "fictional": True,
                    "derivation": DERIVATION.format(offset=offset),
                },
            )
            areas.append(area)
        held = set(
            ComparatorMember.objects.filter(area=kingsmere).values_list("comparator", flat=True)
        )
        last = ComparatorMember.objects.filter(area=kingsmere).aggregate(last=Max("rank"))["last"]
        added = [a for a in areas if a.pk not in held]
        ComparatorMember.objects.bulk_create(
            ComparatorMember(
                area=kingsmere,
                comparator=area,
                rank=(last or 0) + position,
                distance=None,
                method=COMPARATOR_METHOD,
            )
            for position, area in enumerate(added, start=1)
        )
        if added:
            audit_record(
                actor=None,
                action="area.demo_load",
                object_type="needs.area",
                object_label=f"{len(added)} fictional comparators of Kingsmere",
                after={"areas": [a.code for a in added], "method": COMPARATOR_METHOD},
            )
    return areas


def _csv(story: IndicatorStory) -> bytes:
    out = io.StringIO()
    out.write("area_code,period,numerator,denominator\n")
    for row in story.values():
        out.write(f"{row['area']},{row['period']},{row['numerator']},{row['denominator']}\n")
    return out.getvalue().encode()


def local_indicator(story: IndicatorStory, *, cycle: Cycle, analyst: User) -> Indicator:
    """The council's own indicator for ``story``, uploaded through the needs area (once)."""
    organisation = cycle.programme.organisation
    found = Indicator.objects.filter(organisation=organisation, key=story.id).first()
    if found is not None:
        return found
    return needs_services.indicator_import(
        actor=analyst,
        cycle=cycle,
        key=story.id,
        name=story.name,
        statistic=Indicator.Statistic.PROPORTION,
        multiplier=100,
        polarity=Indicator.Polarity.HIGH
        if story.polarity == "higher_is_better"
        else Indicator.Polarity.LOW,
        unit="%",
        upload=SimpleUploadedFile(
            f"{story.id} ({SOURCE_NOTE}).csv", _csv(story), content_type="text/csv"
        ),
    )


def _financial_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def _kingsmere_percent(story: IndicatorStory, period: str) -> float | None:
    for row in story.values():
        if row["area"] == KINGSMERE and row["period"] == period:
            return round(100 * float(row["numerator"]) / float(row["denominator"]), 1)
    return None


def cycle_frameworks(
    programme: Programme,
    stories: Sequence[IndicatorStory],
    indicators: Sequence[Indicator],
    *,
    users: dict[str, User],
) -> None:
    """One outcomes framework per cycle, planning it, written a month and a half into it (once).

    Each links the programme's indicators to their needs-data series, with the baseline of
    the last financial year before the cycle and a target for the cycle's third year.
    """
    if OutcomeIndicator.objects.filter(
        outcome__framework__programme=programme, needs_indicator__in=list(indicators)
    ).exists():
        return
    analyst, commissioner = users["analyst"], users["commissioner"]
    for cycle in programme.cycles.order_by("number"):
        first = _financial_year(cycle.started_at.date())
        written = cycle.started_at + dt.timedelta(days=45)
        framework = plan_services.outcomes_framework_create(
            actor=analyst,
            programme=programme,
            title=f"{programme.name}: outcomes for cycle {cycle.number} (from {_label(first)})",
            purpose="Written at the start of the cycle; figures are illustrative and fictional.",
            cycle=cycle,
            at=written,
        )
        for story, indicator in zip(stories, indicators, strict=True):
            outcome = plan_services.outcome_add(
                actor=analyst, framework=framework, statement=story.outcome
            )
            baseline_period = _label(first - 1)
            linked = plan_services.indicator_add(
                actor=analyst,
                outcome=outcome,
                name=story.name,
                code=story.id,
                unit="%",
                direction=(
                    OutcomeIndicator.Direction.NEITHER
                    if not story.key
                    else OutcomeIndicator.Direction.HIGHER
                    if story.polarity == "higher_is_better"
                    else OutcomeIndicator.Direction.LOWER
                ),
                baseline_value=_kingsmere_percent(story, baseline_period),
                baseline_period=baseline_period,
                baseline_source="Kingsmere's own returns, in the needs data (fictional)",
                needs_indicator=indicator,
            )
            baseline = _kingsmere_percent(story, baseline_period)
            if baseline is None or not story.key:
                continue
            sign = 1 if story.polarity == "higher_is_better" else -1
            plan_services.target_set(
                actor=commissioner,
                indicator=linked,
                period=_label(first + 2),
                value=round(baseline + sign * story.target_gain, 1),
                set_by="Joint commissioning board",
                rationale=(
                    f"{story.target_gain:g} points better than the baseline by the cycle's "
                    "third year (illustrative)."
                ),
                at=written,
            )
