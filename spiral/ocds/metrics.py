"""Contract performance as OCDS: KPIs and their ratings, period by period.

OCDS 1.1 core has no place for a contract's key performance indicators; its Metrics extension
(``ocds_metrics_extension``) adds ``contracts/agreedMetrics`` (what was agreed: a metric with its
target as an observation) and ``contracts/implementation/metrics`` (what was delivered: one
observation per period). Each metric has an ``id``, a ``title``, a ``description`` and
``observations``; an observation has an ``id``, a ``period`` (``startDate``, ``endDate``), a
``measure`` or a ``value``, a ``unit`` (``name``) and ``notes``.

Under the Procurement Act 2023 (s.71, assessing performance against the KPIs set under s.52;
the contract performance notice of the Procurement Regulations 2024, UK9 among the UK
notices) each KPI's assessment is one of *good*, *approaching target*, *requires
improvement*, *inadequate* or *other* (:mod:`spiral.spc.ratings`). Spiral publishes the
assessment only, never the figures a provider returned: each period's observation carries the
rating as its ``measure`` (the code in :data:`RATING_CODES`) and the rating's words as its
``notes``. The extension is declared in the package's ``extensions`` (:data:`EXTENSION`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EXTENSION",
    "RATING_CODES",
    "RatedKPI",
    "RatedPeriod",
    "agreed_metrics",
    "implementation_metrics",
]

EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_metrics_extension/master/extension.json"
)
"""The Metrics extension, declared in a package that uses ``agreedMetrics`` or ``metrics``."""

RATING_CODES = {
    "good": ("good", "Good"),
    "approaching_target": ("approachingTarget", "Approaching target"),
    "requires_improvement": ("requiresImprovement", "Requires improvement"),
    "inadequate": ("inadequate", "Inadequate"),
    "other": ("other", "Other"),
}
"""Spiral's rating (:mod:`spiral.spc.ratings`) → the code and words published."""


@dataclass(frozen=True)
class RatedPeriod:
    """One period's rating of a KPI."""

    start: dt.date
    end: dt.date
    rating: str


@dataclass(frozen=True)
class RatedKPI:
    """A KPI as published: what it measures, its target, and its ratings period by period."""

    id: str
    title: str
    unit: str
    target: float | None = None
    description: str = ""
    periods: tuple[RatedPeriod, ...] = field(default=())


def _start(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _end(day: dt.date) -> str:
    return f"{day.isoformat()}T23:59:59Z"


def _describe(kpi: RatedKPI) -> str:
    target = f" Target: {kpi.target:g} {kpi.unit}." if kpi.target is not None else ""
    text = kpi.description.strip()
    return f"{text + ' ' if text else ''}Measured in {kpi.unit}.{target}".strip()


def agreed_metrics(kpis: Iterable[RatedKPI]) -> list[dict[str, Any]]:
    """The KPIs as agreed: each with its target as an observation (``contracts/agreedMetrics``).

    Examples
    --------
    >>> agreed_metrics([RatedKPI(id="kpi-1", title="Visits on time", unit="%", target=95.0)])
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'kpi-1', 'title': 'Visits on time', 'description': 'Measured in %. Target: 95 %.',
      'observations': [{'id': 'kpi-1-target', 'measure': 95.0, 'unit': {'name': '%'},
                        'notes': 'Target'}]}]
    """
    out = []
    for kpi in kpis:
        metric: dict[str, Any] = {"id": kpi.id, "title": kpi.title, "description": _describe(kpi)}
        if kpi.target is not None:
            metric["observations"] = [
                {
                    "id": f"{kpi.id}-target",
                    "measure": kpi.target,
                    "unit": {"name": kpi.unit},
                    "notes": "Target",
                }
            ]
        out.append(metric)
    return out


def implementation_metrics(kpis: Iterable[RatedKPI]) -> list[dict[str, Any]]:
    """Each KPI's ratings, one observation per period (``contracts/implementation/metrics``).

    KPIs not yet rated in any period are left out.

    Raises
    ------
    ValueError
        On a rating that is not one of :data:`RATING_CODES`, naming the KPI and period.

    Examples
    --------
    >>> kpi = RatedKPI(id="kpi-1", title="Visits on time", unit="%", target=95.0,
    ...     periods=(RatedPeriod(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "approaching_target"),))
    >>> implementation_metrics([kpi])  # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'kpi-1', 'title': 'Visits on time', 'description': 'Measured in %. Target: 95 %.',
      'observations': [{'id': 'kpi-1-2024-01-01',
                        'period': {'startDate': '2024-01-01T00:00:00Z',
                                   'endDate': '2024-01-31T23:59:59Z'},
                        'measure': 'approachingTarget', 'notes': 'Approaching target'}]}]
    """
    out = []
    for kpi in kpis:
        observations = []
        for period in kpi.periods:
            if period.rating not in RATING_CODES:
                message = (
                    f"KPI {kpi.id!r}, period from {period.start}: {period.rating!r} "
                    f"is not a rating (one of {', '.join(RATING_CODES)})"
                )
                raise ValueError(message)
            code, words = RATING_CODES[period.rating]
            observations.append(
                {
                    "id": f"{kpi.id}-{period.start.isoformat()}",
                    "period": {"startDate": _start(period.start), "endDate": _end(period.end)},
                    "measure": code,
                    "notes": words,
                }
            )
        if observations:
            out.append(
                {
                    "id": kpi.id,
                    "title": kpi.title,
                    "description": _describe(kpi),
                    "observations": observations,
                }
            )
    return out
