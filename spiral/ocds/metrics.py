"""Contract performance as OCDS: KPIs and their ratings, period by period.

OCDS 1.1 core has no place for a contract's key performance indicators; its Metrics extension
(``ocds_metrics_extension``) adds ``contracts/agreedMetrics`` (what was agreed: a metric with its
target as an observation) and ``contracts/implementation/metrics`` (what was delivered: one
observation per period). Each metric has an ``id``, a ``title``, a ``description`` and
``observations``; an observation has an ``id``, a ``period`` (``startDate``, ``endDate``), a
``measure`` or a ``value``, a ``unit`` (``name``) and ``notes``.

Under the Procurement Act 2023 (s.71, assessing performance against the KPIs set under s.52)
the contract performance notice (UK9) rates performance against the KPIs as one of *good*,
*approaching target*, *requires improvement*, *inadequate* or *other* (Procurement Regulations
2024, reg. 39(5); :mod:`spiral.spc.ratings`). Find a Tender publishes UK notices as OCDS with
the Cabinet Office's UK extension (``cabinetoffice/ocds_uk_extension``), which adds an
observation's ``measureClassification``: "whether the required standard has been met. In the
UK, possible id values are met, slightlyBelow, below, significantlyBelow and other". Spiral
follows it: each period's observation carries the rating as ``measureClassification`` (the id
of :data:`RATING_CODES`, the regulation's rating as its ``description``) and the rating's
words again as ``notes``; it publishes the assessment only, never the figures a provider
returned, so a rated observation has no ``measure`` or ``value``. The packages declare the
Metrics extension (:data:`EXTENSION`) and, once a period is rated, the UK extension
(:data:`UK_EXTENSION`): :func:`extensions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EXTENSION",
    "RATING_CODES",
    "UK_EXTENSION",
    "RatedKPI",
    "RatedPeriod",
    "agreed_metrics",
    "extensions",
    "implementation_metrics",
]

EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_metrics_extension/master/extension.json"
)
"""The Metrics extension, declared in a package that uses ``agreedMetrics`` or ``metrics``."""

UK_EXTENSION = (
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"
)
"""The Cabinet Office's UK extension, as Find a Tender declares it: ``measureClassification``."""

RATING_CODES = {
    "good": ("met", "Good"),
    "approaching_target": ("slightlyBelow", "Approaching target"),
    "requires_improvement": ("below", "Requires improvement"),
    "inadequate": ("significantlyBelow", "Inadequate"),
    "other": ("other", "Other"),
}
"""Spiral's rating (:mod:`spiral.spc.ratings`) → the UK extension's ``measureClassification``
id and the rating's name in the Procurement Regulations 2024, reg. 39(5). The pairs follow the
regulation's descriptions: good, "meeting or exceeding"; approaching target, "close to
meeting"; requires improvement, "below"; inadequate, "significantly below" the KPIs."""


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
                        'measureClassification': {'id': 'slightlyBelow',
                                                  'description': 'Approaching target'},
                        'notes': 'Approaching target'}]}]
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
                    "measureClassification": {"id": code, "description": words},
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


def extensions(kpis: Iterable[RatedKPI]) -> list[str]:
    """The extensions a package publishing these KPIs declares.

    The Metrics extension when there is a KPI; the UK extension too once a period is rated.

    Examples
    --------
    >>> kpi = RatedKPI(id="kpi-1", title="Visits on time", unit="%")
    >>> extensions([]), extensions([kpi]) == [EXTENSION]
    ([], True)
    >>> rated = RatedKPI(id="kpi-1", title="Visits on time", unit="%",
    ...     periods=(RatedPeriod(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "good"),))
    >>> extensions([rated]) == [EXTENSION, UK_EXTENSION]
    True
    """
    listed = list(kpis)
    if not listed:
        return []
    rated = any(kpi.periods for kpi in listed)
    return [EXTENSION, UK_EXTENSION] if rated else [EXTENSION]
