"""Use cases for indicator data and needs assessments: each in one transaction, audited.

Values and intervals always come from the engine (:mod:`spiral.stats.proportions`,
:mod:`spiral.stats.rates`); imports go through the engine's validated readers, so a file
lands whole or not at all. Rule breaches raise :class:`ValidationError` naming the field.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from spiral.exceptions import ImportErrors, Problem
from spiral.indicators.local_csv import read_local_file
from spiral.stats.proportions import proportion
from spiral.stats.rates import rate
from workspace.accounts.models import Organisation
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.models import Artefact, Cycle
from workspace.needs.access import require_edit
from workspace.needs.models import Area, Indicator, IndicatorValue, NeedsAssessment

Actor = AbstractBaseUser | AnonymousUser | None
LEVELS = (95, 99.8)
UPLOAD_COLUMNS = ("area_code", "period", "numerator", "denominator")


def indicator_values_compute(
    counts: pd.DataFrame, *, statistic: str, multiplier: float
) -> pd.DataFrame:
    """Values and 95%/99.8% intervals for rows of ``numerator`` and ``denominator``.

    Proportions: Wilson score (``phe_proportion``); crude rates: Byar's method, exact below
    10 events (``phe_rate``) — both from the engine.
    """
    if statistic == Indicator.Statistic.PROPORTION:
        return proportion(
            counts, "numerator", "denominator", multiplier=multiplier, confidence=LEVELS
        )
    return rate(counts, "numerator", "denominator", multiplier=multiplier, confidence=LEVELS)


def _nan_to_none(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number


def indicator_values_store(
    *, indicator: Indicator, counts: pd.DataFrame, areas: dict[str, Area]
) -> int:
    """Compute and save values for ``counts`` (``area_code``, ``period``, counts), replacing
    what the indicator held for those areas and periods. Returns the number of rows."""
    computed = indicator_values_compute(
        counts.reset_index(drop=True),
        statistic=indicator.statistic,
        multiplier=indicator.multiplier,
    )
    IndicatorValue.objects.filter(
        indicator=indicator, area__code__in=set(computed["area_code"])
    ).delete()
    rows = [
        IndicatorValue(
            indicator=indicator,
            area=areas[str(record["area_code"])],
            period=str(record["period"]),
            numerator=float(record["numerator"]),
            denominator=float(record["denominator"]),
            value=_nan_to_none(record["value"]),
            lower_ci_95=_nan_to_none(record["lower_ci_95"]),
            upper_ci_95=_nan_to_none(record["upper_ci_95"]),
            lower_ci_99_8=_nan_to_none(record["lower_ci_99_8"]),
            upper_ci_99_8=_nan_to_none(record["upper_ci_99_8"]),
            method=str(record["method"]),
        )
        for record in computed.to_dict("records")
    ]
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _read_upload(
    upload: UploadedFile, *, proportion_rows: bool
) -> tuple[pd.DataFrame | None, list[Problem], pd.Series]:
    """The engine's validated table (or its problems), and the file's area codes as text."""
    suffix = Path(upload.name or "upload.csv").suffix.lower()
    if suffix not in {".csv", ".xlsx", ".xlsm"}:
        problem = Problem(None, "file", "The file must be a CSV or an Excel workbook")
        return None, [problem], pd.Series([], dtype=str)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as stream:
            for chunk in upload.chunks():
                stream.write(chunk)
        try:
            table = read_local_file(
                path, defaults={"indicator_id": "upload"}, proportion=proportion_rows
            )
        except ImportErrors as error:
            problems = list(error.problems)
            try:
                raw = (
                    pd.read_excel(path, dtype=str, keep_default_na=False)
                    if suffix != ".csv"
                    else pd.read_csv(path, dtype=str, keep_default_na=False)
                )
            except (ValueError, OSError):
                return None, problems, pd.Series([], dtype=str)
            codes = raw["area_code"].str.strip() if "area_code" in raw.columns else None
            return None, problems, codes if codes is not None else pd.Series([], dtype=str)
    return table, [], table["area_code"]


def indicator_import(
    *,
    actor: Actor,
    cycle: Cycle,
    key: str,
    name: str,
    statistic: str,
    multiplier: float,
    polarity: str,
    unit: str,
    upload: UploadedFile,
) -> Indicator:
    """Import a council's own indicator from a CSV or Excel file, all or nothing.

    The file has the columns ``area_code``, ``period``, ``numerator`` and ``denominator``
    (one row per area and period). Every problem, named by row and field, is raised
    together as :class:`ImportErrors`; nothing is saved then.
    """
    require_edit(actor or AnonymousUser(), cycle)
    organisation: Organisation = cycle.programme.organisation
    if Indicator.objects.filter(organisation=organisation, key=key).exists():
        raise ValidationError({"key": "Your council already has an indicator with this id"})
    table, problems, codes = _read_upload(
        upload, proportion_rows=statistic == Indicator.Statistic.PROPORTION
    )
    known = {area.code: area for area in Area.objects.all()}
    already = {(p.row, p.field) for p in problems}
    well_formed = codes.str.fullmatch(r"[EWSNK]\d{8}").fillna(False).astype(bool)
    unknown = well_formed & ~codes.isin(list(known))
    problems += [
        Problem(int(row) + 1, "area_code", f"{codes.iloc[row]} is not an area Spiral holds")
        for row in np.flatnonzero(unknown.to_numpy())
        if (int(row) + 1, "area_code") not in already
    ]
    if table is not None:
        missing = table["numerator"].isna() | table["denominator"].isna()
        problems += [
            Problem(int(row) + 1, "numerator", "a numerator and a denominator are needed")
            for row in np.flatnonzero(missing.to_numpy())
        ]
        zero = table["denominator"].fillna(1) <= 0
        problems += [
            Problem(int(row) + 1, "denominator", "must be greater than zero")
            for row in np.flatnonzero(zero.to_numpy())
        ]
    if problems or table is None:
        raise ImportErrors(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    with transaction.atomic():
        indicator = Indicator.objects.create(
            organisation=organisation,
            key=key,
            name=name,
            statistic=statistic,
            multiplier=multiplier,
            polarity=polarity,
            unit=unit,
            ci_method="Wilson" if statistic == Indicator.Statistic.PROPORTION else "Byar",
            source=f"Uploaded by {organisation.name}: {upload.name}",
        )
        count = indicator_values_store(
            indicator=indicator, counts=table[list(UPLOAD_COLUMNS)], areas=known
        )
        audit_record(
            actor=actor,
            action="indicator.import",
            target=indicator,
            organisation=organisation,
            after={**snapshot(indicator), "rows": count, "file": upload.name},
        )
    return indicator


def indicators_available(organisation: Organisation) -> Sequence[Indicator]:
    """Shared indicators and the organisation's own, by name."""
    return list(
        Indicator.objects.filter(organisation__isnull=True)
        | Indicator.objects.filter(organisation=organisation)
    )


def needs_assessment_save(
    *,
    actor: Actor,
    cycle: Cycle,
    area: Area,
    indicators: Iterable[Indicator],
    summary: str,
    include_spine: bool = True,
    include_funnel: bool = True,
    include_trends: bool = True,
    include_forecast: bool = True,
) -> NeedsAssessment:
    """Create or change the cycle's needs assessment: its area, indicators and contents."""
    require_edit(actor or AnonymousUser(), cycle)
    chosen = list(indicators)
    if not chosen:
        raise ValidationError({"indicators": "Choose at least one indicator"})
    allowed = {indicator.pk for indicator in indicators_available(cycle.programme.organisation)}
    if any(indicator.pk not in allowed for indicator in chosen):
        raise ValidationError({"indicators": "Choose indicators your council may use"})
    with transaction.atomic():
        assessment = NeedsAssessment.objects.filter(cycle=cycle).first()
        before = None
        if assessment is None:
            assessment = NeedsAssessment(cycle=cycle, area=area)
        else:
            before = {
                **snapshot(assessment),
                "indicators": sorted(assessment.indicators.values_list("pk", flat=True)),
            }
        assessment.artefact = (
            cycle.artefacts.filter(kind="needs_assessment").order_by("id").first()
            or assessment.artefact
        )
        assessment.area = area
        assessment.summary = summary
        assessment.include_spine = include_spine
        assessment.include_funnel = include_funnel
        assessment.include_trends = include_trends
        assessment.include_forecast = include_forecast
        assessment.updated_at = timezone.now()
        assessment.updated_by = actor if isinstance(actor, User) else None
        assessment.save()
        assessment.indicators.set(chosen)
        audit_record(
            actor=actor,
            action="needs_assessment.save" if before else "needs_assessment.create",
            target=assessment,
            organisation=cycle.programme.organisation,
            before=before,
            after={**snapshot(assessment), "indicators": sorted(i.pk for i in chosen)},
        )
    return assessment


def artefact_for(cycle: Cycle) -> Artefact | None:
    """The cycle's needs-assessment artefact, if its framework asks for one."""
    return cycle.artefacts.filter(kind="needs_assessment").order_by("id").first()
