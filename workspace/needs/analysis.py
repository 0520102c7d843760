"""The figures of a needs assessment, computed by the engine from the stored values.

For each chosen indicator, in its latest period for the area:

- the area, its comparators and England with 95% intervals, each compared with England
  (:func:`spiral.stats.comparison.compare_table`), and the area compared with England and
  with its comparator group's pooled value (:func:`spiral.stats.comparison.benchmark_values`);
- a funnel plot of every local authority held (:func:`spiral.stats.funnel.calculate_funnel_limits`
  and :func:`spiral.stats.funnel.assign_funnel_significance`);
- the area's trend with the trend test (:func:`spiral.stats.trend.trend_proportion` for
  proportions, :func:`spiral.stats.trend.trend_slope` for rates, standardised rates and
  ratios and life expectancy);
- a demand forecast (:func:`spiral.forecast.forecast_demand`): the latest denominator grown
  at the area's average population growth, times the latest numerator over denominator
  (not for indicators standardised by age, nor life expectancy).

Age-banded indicators (DSR, ISR, life expectancy) are compared with their comparator group's
value computed by the same engine method from the group's pooled bands; their funnel plots
use the DSR and ISR funnels of :mod:`spiral.stats.funnel`.

Nothing here computes a statistic itself: it gathers rows, calls the engine and draws the
charts (:mod:`spiral.charts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spiral.charts.funnel import FunnelPoint, funnel_svg
from spiral.charts.spine import SpineRow, spine_svg
from spiral.charts.trend import TrendPoint, trend_svg
from spiral.forecast import forecast_demand
from spiral.stats.comparison import benchmark_values, compare_table, compare_to_benchmark
from spiral.stats.funnel import assign_funnel_significance, calculate_funnel_limits
from spiral.stats.trend import trend_proportion, trend_slope
from workspace.needs import services
from workspace.needs.models import (
    Area,
    ComparatorMember,
    Indicator,
    IndicatorValue,
    NeedsAssessment,
)

ENGLAND = "E92000001"
FORECAST_YEARS = 5
VALUE_FIELDS = (
    "area__code",
    "area__name",
    "period",
    "numerator",
    "denominator",
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_99_8",
    "upper_ci_99_8",
)


@dataclass
class IndicatorFigures:
    """Everything the needs assessment shows for one indicator."""

    indicator: Indicator
    period: str | None
    area_row: dict[str, Any] | None = None
    england_value: float | None = None
    comparator_value: float | None = None
    vs_england: str = "not compared"
    vs_comparators: str = "not compared"
    table: list[dict[str, Any]] = field(default_factory=list)
    funnel_svg: str = ""
    funnel_table: list[dict[str, Any]] = field(default_factory=list)
    funnel_note: str = ""
    trend_svg: str = ""
    trend_table: list[dict[str, Any]] = field(default_factory=list)
    trend_label: str = "could not be calculated"
    trend_test: str = ""
    forecast_table: list[dict[str, Any]] = field(default_factory=list)
    forecast_note: str = ""


@dataclass
class AssessmentFigures:
    """The figures for a whole needs assessment."""

    assessment: NeedsAssessment
    area: Area
    comparators: list[Area]
    comparator_method: str
    indicators: list[IndicatorFigures]
    spine_svg: str = ""
    spine_rows: list[SpineRow] = field(default_factory=list)


def _values(indicator: Indicator) -> pd.DataFrame:
    rows = list(IndicatorValue.objects.filter(indicator=indicator).values(*VALUE_FIELDS))
    frame = pd.DataFrame(rows, columns=list(VALUE_FIELDS)).rename(
        columns={"area__code": "area_code", "area__name": "area_name"}
    )
    for column in VALUE_FIELDS[3:]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["polarity"] = indicator.polarity
    frame["indicator_id"] = indicator.pk
    return frame


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else number


def _status(label: str) -> str:
    """Colour key of a comparison label (higher/lower have no judgement)."""
    return label if label in {"better", "similar", "worse"} else "none"


def _funnel(figures: IndicatorFigures, latest: pd.DataFrame, area: Area) -> None:
    indicator = figures.indicator
    if indicator.statistic == Indicator.Statistic.LIFE_EXPECTANCY:
        figures.funnel_note = "Funnel plots are not drawn for life expectancy."
        return
    if indicator.reference == Indicator.Reference.COMPARATORS:
        figures.funnel_note = (
            "No funnel plot: each area's ratio is against its own comparator group, so the "
            "areas share no common average."
        )
        return
    local = latest[(latest["area_code"] != ENGLAND) & latest["value"].notna()].reset_index(
        drop=True
    )
    if len(local) < 3 or not local["numerator"].sum() > 0:
        figures.funnel_note = "Too few areas with data for a funnel plot."
        return
    if indicator.statistic == Indicator.Statistic.PROPORTION:
        limits = calculate_funnel_limits(
            local,
            "numerator",
            "denominator",
            statistic="proportion",
            multiplier=indicator.multiplier,
        )
        marked = assign_funnel_significance(
            local, "numerator", "denominator", statistic="proportion"
        )
        axis = "Population"
    elif indicator.statistic == Indicator.Statistic.ISR:
        limits = calculate_funnel_limits(
            local,
            "numerator",
            "denominator",
            statistic="ratio",
            multiplier=indicator.multiplier,
            ratio_type="isr",
        )
        marked = assign_funnel_significance(local, "numerator", "denominator", statistic="ratio")
        axis = "Observed_events"
    else:
        rate_type = "dsr" if indicator.statistic == Indicator.Statistic.DSR else "crude"
        limits = calculate_funnel_limits(
            local,
            "numerator",
            "denominator",
            rate="value",
            statistic="rate",
            multiplier=indicator.multiplier,
            rate_type=rate_type,
            years_of_data=1,
        )
        marked = assign_funnel_significance(
            local,
            "numerator",
            "denominator",
            rate="value",
            statistic="rate",
            rate_type=rate_type,
            multiplier=indicator.multiplier,
        )
        axis = "Events"
    if "baseline" in limits.columns:
        baseline = float(limits["baseline"].iloc[0])
    elif axis == "Observed_events":
        baseline = indicator.multiplier
    else:
        baseline = float(
            local["numerator"].sum() / local["denominator"].sum() * indicator.multiplier
        )
    x_column = "denominator" if axis == "Population" else "numerator"
    points = []
    for record in marked.to_dict("records"):
        significance = str(record["significance"])
        high = significance.startswith("High")
        low = significance.startswith("Low")
        if indicator.polarity == Indicator.Polarity.NONE or not (high or low):
            status = "similar" if not (high or low) else "none"
        else:
            status = "worse" if high == indicator.low_is_good else "better"
        points.append(
            FunnelPoint(
                label=str(record["area_name"]),
                x=float(record[x_column]),
                y=float(record["value"]),
                status=status,
                highlight=record["area_code"] == area.code,
            )
        )
        figures.funnel_table.append(
            {
                "code": record["area_code"],
                "area": record["area_name"],
                "numerator": _float(record["numerator"]),
                "denominator": _float(record["denominator"]),
                "x": float(record[x_column]),
                "value": float(record["value"]),
                "significance": significance,
                "highlight": record["area_code"] == area.code,
            }
        )
    figures.funnel_svg = funnel_svg(
        points,
        {
            "x": limits[axis].tolist(),
            **{
                column: limits[column].tolist()
                for column in (
                    "lower_2s_limit",
                    "upper_2s_limit",
                    "lower_3s_limit",
                    "upper_3s_limit",
                )
            },
        },
        baseline=baseline,
        title=f"{indicator.name}, {figures.period}: funnel plot",
        x_label={"Population": "Denominator", "Observed_events": "Observed events"}.get(
            axis, "Events"
        ),
        y_label=indicator.unit,
    )
    centre = "Reference" if axis == "Observed_events" else f"Average of {len(local)} areas"
    figures.funnel_note = (
        f"{centre}: {baseline:,.1f}. Limits at 95% and 99.8% "
        f"({'Wilson' if axis == 'Population' else 'exact Poisson'} method)."
    )


def _trend(figures: IndicatorFigures, frame: pd.DataFrame, area: Area) -> None:
    indicator = figures.indicator
    series = frame[frame["area_code"] == area.code].sort_values("period").reset_index(drop=True)
    england = frame[frame["area_code"] == ENGLAND].sort_values("period")
    if series.empty:
        return
    england_by_period = dict(zip(england["period"], england["value"], strict=True))
    for record in series.to_dict("records"):
        figures.trend_table.append(
            {
                "period": record["period"],
                "value": _float(record["value"]),
                "lower": _float(record["lower_ci_95"]),
                "upper": _float(record["upper_ci_95"]),
                "england": _float(england_by_period.get(record["period"])),
            }
        )
    figures.trend_svg = trend_svg(
        [
            TrendPoint(row["period"], row["value"], row["lower"], row["upper"])
            for row in figures.trend_table
            if row["value"] is not None
        ],
        benchmark=[
            TrendPoint(str(p), float(v)) for p, v in england_by_period.items() if not np.isnan(v)
        ],
        title=f"{indicator.name}: {area.name} over time",
        y_label=indicator.unit,
        area_label=area.name,
    )
    if indicator.statistic == Indicator.Statistic.PROPORTION:
        result = trend_proportion(series, polarity="polarity", points=5, min_points=5)
        p_value = _float(result["p_value"].iloc[0])
        figures.trend_test = "Chi-square test for trend over the last 5 periods, 99.8% level" + (
            f": p = {p_value:.3g}" if p_value is not None else ""
        )
    else:
        usable = series[series["value"].notna()].reset_index(drop=True)
        result = trend_slope(usable, polarity="polarity", points=5, min_points=3)
        slope = _float(result["slope"].iloc[0])
        figures.trend_test = "Weighted regression slope over the last 5 periods, 95% level" + (
            f": {slope:+.2f} a period" if slope is not None else ""
        )
    figures.trend_label = str(result["trend"].iloc[0])


def _forecast(figures: IndicatorFigures, area: Area) -> None:
    row = figures.area_row
    if figures.indicator.age_banded:
        figures.forecast_note = (
            "No demand forecast: life expectancy is not a count of demand."
            if figures.indicator.statistic == Indicator.Statistic.LIFE_EXPECTANCY
            else "No demand forecast: it needs a crude prevalence, and this indicator is "
            "standardised by age."
        )
        return
    population = area.context.get("population_by_year") or {}
    if row is None or len(population) < 2 or not row["denominator"] > 0:
        figures.forecast_note = "No population series for this area, so no forecast."
        return
    years = sorted(population)
    first, last = float(population[years[0]]), float(population[years[-1]])
    growth = (last / first) ** (1 / (int(years[-1]) - int(years[0])))
    start = int(str(figures.period)[:4])
    projections = pd.DataFrame(
        {
            "area_code": area.code,
            "stratum": "all",
            "period": [str(start + step) for step in range(1, FORECAST_YEARS + 1)],
            "population": [
                row["denominator"] * growth**step for step in range(1, FORECAST_YEARS + 1)
            ],
        }
    )
    prevalence = pd.DataFrame(
        {"stratum": ["all"], "cases": [row["numerator"]], "sample": [row["denominator"]]}
    )
    # one stratum for everybody (the engine's on=[] path fails on an empty key)
    result = forecast_demand(projections, prevalence, on=["stratum"])
    figures.forecast_table = [
        {
            "period": record["period"],
            "denominator": float(record["population"]),
            "demand": float(record["demand"]),
            "lower": float(record["lower_ci_95"]),
            "upper": float(record["upper_ci_95"]),
        }
        for record in result.to_dict("records")
    ]
    figures.forecast_note = (
        f"The {figures.period} denominator ({row['denominator']:,.0f}) grown by {area.name}'s "
        f"average population growth {years[0]}–{years[-1]} ({(growth - 1) * 100:+.2f}% a year), "
        f"times the {figures.period} rate of {row['numerator']:,.0f} in {row['denominator']:,.0f} "
        "(Wilson interval carried by the delta method)."
    )


def _pooled_bands_value(indicator: Indicator, period: str, comparators: list[Area]) -> float | None:
    """The comparator group's DSR or life expectancy from its pooled age bands (engine)."""
    bands = services.age_bands_frame(indicator)
    members = bands[
        (bands["period"] == period) & bands["area_code"].isin([c.code for c in comparators])
    ]
    if members.empty:
        return None
    pooled = (
        members.groupby(["period", "age_band", "band_order"], as_index=False)[
            ["count", "population"]
        ]
        .sum()
        .assign(area_code="comparators")
    )
    value = services.banded_values_compute(indicator, pooled)["value"]
    return _float(value.iloc[0]) if len(value) else None


def _comparator_benchmark(
    figures: IndicatorFigures, latest: pd.DataFrame, area: Area, comparators: list[Area]
) -> None:
    """The area against its comparator group's pooled value.

    Proportions, crude rates and ISRs against England: ``multiplier x sum(numerator) /
    sum(denominator)`` of the group (for an ISR, observed over expected events). DSRs and
    life expectancy: the same method applied to the group's age bands summed. An ISR
    against each area's comparator group is compared with 100, its group's own value.
    """
    indicator = figures.indicator
    own = latest[latest["area_code"] == area.code]
    if own.empty or not comparators:
        return
    if indicator.reference == Indicator.Reference.COMPARATORS:
        benchmark: float | None = indicator.multiplier
    elif indicator.statistic in (Indicator.Statistic.DSR, Indicator.Statistic.LIFE_EXPECTANCY):
        benchmark = _pooled_bands_value(indicator, str(figures.period), comparators)
    else:
        groups = pd.DataFrame(
            {"area_code": area.code, "comparator_code": [c.code for c in comparators]}
        )
        pooled = benchmark_values(
            latest,
            groups=groups,
            multiplier=indicator.multiplier,
            keys=["indicator_id", "period"],
            output="comparator_value",
        )
        benchmark = _float(pooled.loc[pooled["area_code"] == area.code, "comparator_value"].iloc[0])
    if benchmark is None:
        return
    figures.comparator_value = benchmark
    compared = compare_to_benchmark(own, benchmark=benchmark, output="vs_comparators")
    figures.vs_comparators = str(compared["vs_comparators"].iloc[0])


def indicator_figures(
    indicator: Indicator,
    area: Area,
    comparators: list[Area],
    *,
    include_funnel: bool = True,
    details: bool = True,
) -> IndicatorFigures:
    """The comparison table, funnel, trend and forecast of one indicator for one area.

    With ``details=False`` only the comparison (table, England, comparator group) is
    computed: what the assessment's summary page shows.
    """
    frame = _values(indicator)
    own = frame[(frame["area_code"] == area.code) & frame["value"].notna()]
    if own.empty:
        return IndicatorFigures(indicator=indicator, period=None)
    period = str(own["period"].max())
    figures = IndicatorFigures(indicator=indicator, period=period)
    latest = frame[frame["period"] == period].reset_index(drop=True)
    compared = compare_table(latest, benchmark_area=ENGLAND, keys=["indicator_id", "period"])
    wanted = {area.code, ENGLAND, *(c.code for c in comparators)}
    rank = {c.code: position for position, c in enumerate(comparators, start=1)}
    for record in compared.to_dict("records"):
        if record["area_code"] not in wanted:
            continue
        figures.table.append(
            {
                "code": record["area_code"],
                "area": record["area_name"],
                "numerator": _float(record["numerator"]),
                "denominator": _float(record["denominator"]),
                "value": _float(record["value"]),
                "lower": _float(record["lower_ci_95"]),
                "upper": _float(record["upper_ci_95"]),
                "vs_england": record["comparison"],
                "role": "area"
                if record["area_code"] == area.code
                else ("England" if record["area_code"] == ENGLAND else "comparator"),
                "order": 0
                if record["area_code"] == area.code
                else rank.get(record["area_code"], 99),
            }
        )
        if record["area_code"] == area.code:
            figures.area_row = figures.table[-1]
            figures.vs_england = str(record["comparison"])
        if record["area_code"] == ENGLAND:
            figures.england_value = _float(record["value"])
    figures.table.sort(key=lambda row: row["order"])
    _comparator_benchmark(figures, latest, area, comparators)
    if not details:
        return figures
    if include_funnel:
        _funnel(figures, latest, area)
    _trend(figures, frame, area)
    _forecast(figures, area)
    return figures


def _comparator_group(area: Area) -> tuple[list[Area], str]:
    members = list(ComparatorMember.objects.filter(area=area).select_related("comparator"))
    return [member.comparator for member in members], members[0].method if members else ""


def assessment_indicators(assessment: NeedsAssessment) -> list[Indicator]:
    """The assessment's indicators in the order every page and export shows them (by name)."""
    return list(assessment.indicators.order_by("name", "pk"))


def assessment_indicator_figures(
    assessment: NeedsAssessment, indicator: Indicator
) -> AssessmentFigures:
    """One indicator of a needs assessment in full (its comparison, funnel, trend, forecast).

    The result holds that indicator alone and no spine chart: what its own page shows.
    """
    area = assessment.area
    comparators, method = _comparator_group(area)
    item = indicator_figures(indicator, area, comparators, include_funnel=assessment.include_funnel)
    return AssessmentFigures(
        assessment=assessment,
        area=area,
        comparators=comparators,
        comparator_method=method,
        indicators=[item],
    )


def assessment_figures(assessment: NeedsAssessment, *, details: bool = True) -> AssessmentFigures:
    """All figures of a needs assessment, in the order of the indicators' names.

    With ``details=False`` each indicator carries its comparison only (no funnel, trend or
    forecast): enough for the spine chart and the comparison table of the summary page.
    """
    area = assessment.area
    comparators, method = _comparator_group(area)
    indicators = [
        indicator_figures(
            indicator,
            area,
            comparators,
            include_funnel=assessment.include_funnel,
            details=details,
        )
        for indicator in assessment_indicators(assessment)
    ]
    spine_rows = []
    for figures in indicators:
        values = [
            row["value"]
            for row in figures.table
            if row["role"] == "comparator" and row["value"] is not None
        ]
        if figures.area_row is None or figures.england_value is None or not values:
            continue
        spine_rows.append(
            SpineRow(
                label=figures.indicator.name,
                value=float(figures.area_row["value"]),
                england=figures.england_value,
                minimum=min(values),
                maximum=max(values),
                status=_status(figures.vs_england),
                low_is_good=figures.indicator.low_is_good,
            )
        )
    return AssessmentFigures(
        assessment=assessment,
        area=area,
        comparators=comparators,
        comparator_method=method,
        indicators=indicators,
        spine_rows=spine_rows,
        spine_svg=spine_svg(
            spine_rows,
            title=f"{area.name} against England and its comparators",
            area_label=area.name,
        )
        if spine_rows
        else "",
    )


def figures_csv_rows(figures: AssessmentFigures) -> list[list[Any]]:
    """Every figure of the needs assessment as rows for a CSV file (header first)."""
    rows: list[list[Any]] = [
        [
            "section",
            "indicator",
            "area_code",
            "area",
            "period",
            "numerator",
            "denominator",
            "value",
            "lower_ci_95",
            "upper_ci_95",
            "compared_with_england",
            "note",
        ]
    ]
    for item in figures.indicators:
        name = item.indicator.name
        for row in item.table:
            rows.append(
                [
                    "comparison",
                    name,
                    row["code"],
                    row["area"],
                    item.period,
                    row["numerator"],
                    row["denominator"],
                    row["value"],
                    row["lower"],
                    row["upper"],
                    row["vs_england"],
                    row["role"],
                ]
            )
        if item.area_row is not None:
            rows.append(
                [
                    "comparator group",
                    name,
                    figures.area.code,
                    figures.area.name,
                    item.period,
                    "",
                    "",
                    item.comparator_value,
                    "",
                    "",
                    "",
                    f"{figures.area.name} is "
                    f"{item.vs_comparators} than its comparators' pooled value",
                ]
            )
        for row in item.funnel_table:
            rows.append(
                [
                    "funnel",
                    name,
                    row["code"],
                    row["area"],
                    item.period,
                    row["numerator"],
                    row["denominator"],
                    row["value"],
                    "",
                    "",
                    "",
                    f"funnel plot: {row['significance']}",
                ]
            )
        for row in item.trend_table:
            rows.append(
                [
                    "trend",
                    name,
                    figures.area.code,
                    figures.area.name,
                    row["period"],
                    "",
                    "",
                    row["value"],
                    row["lower"],
                    row["upper"],
                    "",
                    item.trend_label,
                ]
            )
        for row in item.forecast_table:
            rows.append(
                [
                    "forecast",
                    name,
                    figures.area.code,
                    figures.area.name,
                    row["period"],
                    "",
                    row["denominator"],
                    row["demand"],
                    row["lower"],
                    row["upper"],
                    "",
                    "forecast demand",
                ]
            )
    return rows
