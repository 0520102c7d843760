"""Reading an agreement's performance: SPC charts and ratings per KPI, spend against value.

Each KPI's figures come from the latest submitted version of every return (accepted or
awaiting review). Measures and counts get an XmR chart, proportions a p chart, rates a u
chart (``spiral.spc``); each period is rated by ``spiral.spc.ratings`` and a commissioner's
latest override replaces the derived rating. Nothing here computes a formula itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from spiral.charts.lines import line_svg
from spiral.charts.spc import spc_svg
from spiral.ocds.metrics import RatedKPI, RatedPeriod
from spiral.spc import p_chart, u_chart, variation_icon, xmr_chart
from spiral.spc.ratings import RATING_LABELS, rate_chart
from workspace.contracts.models import (
    KPI,
    Agreement,
    KPIValue,
    RatingOverride,
    Return,
    ReturnVersion,
)

WARN_SHARE_SPENT = Decimal("0.9")
WARN_DAYS_LEFT = 180


@dataclass
class KPIPerformance:
    kpi: KPI
    rows: list[dict[str, Any]] = field(default_factory=list)
    spc: str = ""
    versus_target: str = ""
    variation: str = ""
    message: str = ""


def _figures(agreement: Agreement) -> tuple[list[Return], dict[tuple[int, int], KPIValue]]:
    returns = list(
        agreement.returns.filter(first_submitted_at__isnull=False).order_by("period_start")
    )
    latest: dict[int, int] = {}  # each return's latest submitted version, in one query
    for ret_id, version_id in (
        ReturnVersion.objects.filter(ret__in=returns, submitted=True)
        .order_by("ret_id", "-number")
        .values_list("ret_id", "id")
    ):
        latest.setdefault(ret_id, version_id)
    values = {
        (v.kpi_id, v.version.ret_id): v
        for v in KPIValue.objects.filter(version_id__in=latest.values()).select_related("version")
    }
    return returns, values


BASELINE_PERIODS = 12
"""Limits come from the first 12 periods once there are that many (Making Data Count
suggests at least 12 to 20 points for a baseline); before that, from every period."""


def _chart(kpi: KPI, points: list[tuple[Return, KPIValue]]) -> pd.DataFrame:
    periods = [r.period_label for r, _ in points]
    baseline = BASELINE_PERIODS if len(points) >= BASELINE_PERIODS else None
    if kpi.kind == KPI.Kind.PROPORTION:
        return p_chart(
            [float(v.numerator or 0) for _, v in points],
            [float(v.denominator or 1) for _, v in points],
            periods=periods,
            baseline=baseline,
            polarity=kpi.polarity,
            multiplier=kpi.multiplier,
        )
    if kpi.kind == KPI.Kind.RATE:
        return u_chart(
            [float(v.numerator or 0) for _, v in points],
            [float(v.denominator or 1) for _, v in points],
            periods=periods,
            baseline=baseline,
            polarity=kpi.polarity,
            multiplier=kpi.multiplier,
        )
    return xmr_chart(
        [float(v.value) for _, v in points],
        periods=periods,
        baseline=baseline,
        polarity=kpi.polarity,
    )


def kpi_performance(agreement: Agreement) -> list[KPIPerformance]:
    """The SPC chart, ratings and tables of every KPI of ``agreement``."""
    returns, values = _figures(agreement)
    overrides: dict[tuple[int, int], RatingOverride] = {}
    for o in RatingOverride.objects.filter(kpi__agreement=agreement).order_by("made_at", "id"):
        overrides[(o.kpi_id, o.ret_id)] = o
    found = []
    for kpi in agreement.kpis.all():
        perf = KPIPerformance(kpi=kpi)
        points = [(r, values[(kpi.pk, r.pk)]) for r in returns if (kpi.pk, r.pk) in values]
        if len(points) < 2:
            perf.message = "A chart needs returns for at least two periods."
            found.append(perf)
            continue
        chart = _chart(kpi, points)
        target = float(kpi.target) if kpi.target is not None else float("nan")
        ratings = rate_chart(chart, target, kpi.polarity)
        for (ret, value), row, derived in zip(
            points, chart.to_dict("records"), ratings, strict=True
        ):
            override = overrides.get((kpi.pk, ret.pk))
            perf.rows.append(
                {
                    "ret": ret,
                    "period": ret.period_label,
                    "value": float(row["value"]),
                    "numerator": value.numerator,
                    "denominator": value.denominator,
                    "centre": float(row["centre"]),
                    "lower": float(row["lower"]),
                    "upper": float(row["upper"]),
                    "signals": [str(s).replace("_", " ") for s in row["signals"]],
                    "variation": str(row["variation"]),
                    "derived": derived,
                    "rating": override.rating if override else derived,
                    "rating_label": RATING_LABELS[override.rating if override else derived],
                    "override": override,
                }
            )
        t = float(kpi.target) if kpi.target is not None else None
        perf.spc = spc_svg(
            chart, title=f"{kpi.name} ({kpi.unit}): SPC chart", target=t, ident=f"spc-{kpi.pk}"
        )
        labels = [r["period"] for r in perf.rows]
        series: list[tuple[str, list[float]]] = [("Value", [r["value"] for r in perf.rows])]
        if t is not None:
            series.append(("Target", [t] * len(labels)))
        perf.versus_target = line_svg(
            labels, series, title=f"{kpi.name} against target", ident=f"target-{kpi.pk}"
        )
        perf.variation = variation_icon(chart).label
        found.append(perf)
    return found


@dataclass
class SpendPosition:
    spent: Decimal
    value: Decimal
    share: Decimal
    days_left: int
    warnings: list[str]
    labels: list[str]
    cumulative: list[float]
    profile: list[float]
    svg: str


def spend_position(agreement: Agreement, *, today: dt.date) -> SpendPosition:
    """Spend against the agreement's value, by month, with a straight-line profile.

    Warns when 90% or more of the value is spent, or fewer than 180 days of the term are
    left (and no extension is available).
    """
    payments = list(agreement.payments.order_by("paid_on"))
    spent = sum((p.amount for p in payments), Decimal(0))
    share = spent / agreement.value if agreement.value else Decimal(0)
    days_left = (agreement.end_date - today).days
    warnings = []
    if share >= 1:
        warnings.append(f"Spend has reached the contract value ({share:.0%}).")
    elif share >= WARN_SHARE_SPENT:
        warnings.append(f"{share:.0%} of the contract value is spent.")
    if agreement.status == Agreement.Status.ACTIVE and 0 <= days_left <= WARN_DAYS_LEFT:
        extra = (
            f" {agreement.extension_months_available} months of extension are available."
            if agreement.extension_months_available
            else " No extension is available."
        )
        warnings.append(f"The agreement ends in {days_left} days.{extra}")
    labels: list[str] = []
    cumulative: list[float] = []
    profile: list[float] = []
    total_days = (agreement.end_date - agreement.start_date).days + 1  # the term, inclusive
    month = agreement.start_date.replace(day=1)
    last = min(today, agreement.end_date)
    running = Decimal(0)
    index = 0
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        while index < len(payments) and payments[index].paid_on < following:
            running += payments[index].amount
            index += 1
        elapsed = min(max((following - agreement.start_date).days, 0), total_days)
        labels.append(f"{month:%b %Y}")
        cumulative.append(float(running))
        profile.append(float(agreement.value) * elapsed / total_days)
        month = following
    svg = (
        line_svg(
            labels,
            [("Spend to date", cumulative), ("Profile (straight line)", profile)],
            title=f"{agreement.reference}: spend against profile",
            ident=f"spend-{agreement.pk}",
        )
        if labels
        else ""
    )
    return SpendPosition(
        spent=spent,
        value=agreement.value,
        share=share,
        days_left=days_left,
        warnings=warnings,
        labels=labels,
        cumulative=cumulative,
        profile=profile,
        svg=svg,
    )


def published_kpis(agreement: Agreement) -> tuple[RatedKPI, ...]:
    """The agreement's KPIs as published in OCDS: each period's rating, accepted returns only.

    A return still submitted or queried is not yet the agreed record of that period, so its
    rating waits until the commissioner accepts it. The rating is the commissioner's override
    where there is one, else the derived rating (:func:`kpi_performance`). Only ratings are
    published, never the figures returned.
    """
    out = []
    by_kpi = {perf.kpi.pk: perf for perf in kpi_performance(agreement)}
    for kpi in agreement.kpis.all():
        perf = by_kpi.get(kpi.pk)
        rows = perf.rows if perf is not None else []
        out.append(
            RatedKPI(
                id=f"kpi-{kpi.pk}",
                title=kpi.name,
                unit=kpi.unit,
                target=float(kpi.target) if kpi.target is not None else None,
                periods=tuple(
                    RatedPeriod(
                        start=row["ret"].period_start,
                        end=row["ret"].period_end,
                        rating=row["rating"],
                    )
                    for row in rows
                    if row["ret"].status == Return.Status.ACCEPTED
                ),
            )
        )
    return tuple(out)
