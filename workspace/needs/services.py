"""Use cases for indicator data and needs assessments: each in one transaction, audited.

Values and intervals always come from the engine (:mod:`spiral.stats.proportions`,
:mod:`spiral.stats.rates`; for indicators stored by age band — DSRs, ISRs, life
expectancy — :func:`spiral.indicators.age_bands.standardised_values`, which calls
:mod:`spiral.stats.dsr`, :mod:`spiral.stats.isr` and :mod:`spiral.stats.life_expectancy`);
imports go through the engine's validated readers, so a file lands whole or not at all.
Rule breaches raise :class:`ValidationError` naming the field.
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
from spiral.indicators.age_bands import ENGLAND, read_age_band_file, standardised_values
from spiral.indicators.local_csv import read_local_file
from spiral.stats.proportions import proportion
from spiral.stats.rates import rate
from workspace.accounts.models import Organisation
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.models import Artefact, Cycle
from workspace.needs.access import require_edit
from workspace.needs.models import (
    BANDED,
    AgeBandCount,
    Area,
    ComparatorMember,
    Indicator,
    IndicatorValue,
    NeedsAssessment,
)

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


def _value_rows(
    indicator: Indicator, computed: pd.DataFrame, areas: dict[str, Area]
) -> list[IndicatorValue]:
    return [
        IndicatorValue(
            indicator=indicator,
            area=areas[str(record["area_code"])],
            period=str(record["period"]),
            numerator=_nan_to_zero(record["numerator"]),
            denominator=_nan_to_zero(record["denominator"]),
            value=_nan_to_none(record["value"]),
            lower_ci_95=_nan_to_none(record["lower_ci_95"]),
            upper_ci_95=_nan_to_none(record["upper_ci_95"]),
            lower_ci_99_8=_nan_to_none(record["lower_ci_99_8"]),
            upper_ci_99_8=_nan_to_none(record["upper_ci_99_8"]),
            method=str(record["method"]),
        )
        for record in computed.to_dict("records")
    ]


def _nan_to_zero(value: Any) -> float:
    number = _nan_to_none(value)
    return 0.0 if number is None else number


BAND_FIELDS = ("area__code", "period", "sex", "age_band", "band_order", "count", "population")


def age_bands_frame(indicator: Indicator) -> pd.DataFrame:
    """The indicator's stored age bands as a table (``area_code``, ``period``, ``age_band``…)."""
    rows = list(AgeBandCount.objects.filter(indicator=indicator).values(*BAND_FIELDS))
    frame = pd.DataFrame(rows, columns=list(BAND_FIELDS)).rename(
        columns={"area__code": "area_code"}
    )
    for column in ("count", "population"):
        frame[column] = frame[column].astype(float)
    return frame.sort_values(["area_code", "period", "band_order"]).reset_index(drop=True)


def comparator_groups() -> pd.DataFrame:
    """Every area's comparator group: ``area_code`` and ``comparator_code``."""
    rows = ComparatorMember.objects.values_list("area__code", "comparator__code")
    return pd.DataFrame(list(rows), columns=["area_code", "comparator_code"])


def banded_values_compute(indicator: Indicator, bands: pd.DataFrame) -> pd.DataFrame:
    """Values and intervals per area and period from age bands, by the engine's method.

    DSR (Dobson, the indicator's standard population), ISR against England's or each
    area's comparator group's age-specific rates, or life expectancy at birth (Chiang II,
    Silcocks) — :func:`spiral.indicators.age_bands.standardised_values`.
    """
    comparators = indicator.reference == Indicator.Reference.COMPARATORS
    return standardised_values(
        bands,
        statistic=indicator.statistic,
        multiplier=indicator.multiplier,
        standard=indicator.standard_population or "esp2013",
        reference_area=ENGLAND,
        groups=comparator_groups() if comparators else None,
        confidence=LEVELS,
    )


def age_bands_store(*, indicator: Indicator, bands: pd.DataFrame, areas: dict[str, Area]) -> int:
    """Save ``bands`` (as :func:`~spiral.indicators.age_bands.age_band_table` returns),
    replacing what the indicator held for those areas and periods, then recompute every
    value of the indicator from its stored bands. Returns the number of values."""
    held = AgeBandCount.objects.filter(indicator=indicator)
    for period, codes in bands.groupby("period")["area_code"]:
        held.filter(period=str(period), area__code__in=set(codes)).delete()
    AgeBandCount.objects.bulk_create(
        (
            AgeBandCount(
                indicator=indicator,
                area=areas[str(record["area_code"])],
                period=str(record["period"]),
                sex=str(record["sex"]),
                age_band=str(record["age_band"]),
                band_order=int(record["band_order"]),
                count=float(record["count"]),
                population=float(record["population"]),
            )
            for record in bands.to_dict("records")
        ),
        batch_size=2000,
    )
    return banded_values_refresh(indicator=indicator, areas=areas)


def banded_values_refresh(*, indicator: Indicator, areas: dict[str, Area] | None = None) -> int:
    """Recompute and replace every value of an age-banded indicator from its stored bands."""
    known = areas or {area.code: area for area in Area.objects.all()}
    computed = banded_values_compute(indicator, age_bands_frame(indicator))
    IndicatorValue.objects.filter(indicator=indicator).delete()
    rows = _value_rows(indicator, computed, known)
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


class _SavedUpload:
    """The upload written to a temporary file (CSV or Excel), for the engine's readers."""

    def __init__(self, upload: UploadedFile) -> None:
        self.upload = upload
        self.suffix = Path(upload.name or "upload.csv").suffix.lower()
        self.folder = tempfile.TemporaryDirectory()

    def __enter__(self) -> Path:
        path = Path(self.folder.name) / f"upload{self.suffix}"
        with path.open("wb") as stream:
            for chunk in self.upload.chunks():
                stream.write(chunk)
        return path

    def __exit__(self, *_: object) -> None:
        self.folder.cleanup()


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


BANDED_MULTIPLIERS: dict[str, float] = {
    Indicator.Statistic.ISR: 100.0,
    Indicator.Statistic.LIFE_EXPECTANCY: 1.0,
}
BANDED_METHODS: dict[str, str] = {
    Indicator.Statistic.DSR: "Dobson",
    Indicator.Statistic.ISR: "Byar (exact if count<10)",
    Indicator.Statistic.LIFE_EXPECTANCY: "Chiang II, Silcocks",
}


def _banded_problems(
    table: pd.DataFrame, *, known: dict[str, Area], statistic: str, reference: str
) -> list[Problem]:
    """Checks the engine's reader cannot make: areas Spiral holds, England's reference rows."""
    codes = table["area_code"]
    problems = [
        Problem(int(row) + 1, "area_code", f"{codes.iloc[row]} is not an area Spiral holds")
        for row in np.flatnonzero(~codes.isin(list(known)).to_numpy())
    ]
    if statistic == Indicator.Statistic.ISR and reference == Indicator.Reference.ENGLAND:
        england = set(table.loc[codes == ENGLAND, "period"])
        lacking = ~table["period"].isin(england) & ~table["period"].duplicated()
        problems += [
            Problem(
                int(row) + 1,
                "period",
                f"no England ({ENGLAND}) rows for {table['period'].iloc[row]}: an indirectly "
                "standardised ratio against England needs England's counts by age band",
            )
            for row in np.flatnonzero(lacking.to_numpy())
        ]
    return problems


def age_band_import(
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
    standard_population: str = Indicator.Standard.ESP2013,
    reference: str = Indicator.Reference.ENGLAND,
) -> Indicator:
    """Import a council's own age-banded indicator (DSR, ISR or life expectancy), all or nothing.

    The file (CSV or Excel) has the columns ``area_code``, ``period``, ``age_band``,
    ``count`` and ``population`` (and optionally ``sex``), one row per area, period and age
    band, checked by :func:`spiral.indicators.age_bands.read_age_band_file`; then each area
    must be one Spiral holds and, for an ISR against England, England's rows must be there
    for every period. Every problem, named by row and field, is raised together as
    :class:`ImportErrors`; nothing is saved then. The values are computed by the engine.
    """
    require_edit(actor or AnonymousUser(), cycle)
    organisation: Organisation = cycle.programme.organisation
    if statistic not in BANDED:
        raise ValidationError({"statistic": "Choose a DSR, an ISR or life expectancy"})
    if Indicator.objects.filter(organisation=organisation, key=key).exists():
        raise ValidationError({"key": "Your council already has an indicator with this id"})
    if Path(upload.name or "").suffix.lower() not in {".csv", ".xlsx", ".xlsm"}:
        raise ImportErrors([Problem(None, "file", "The file must be a CSV or an Excel workbook")])
    with _SavedUpload(upload) as path:
        table = read_age_band_file(path, statistic=statistic, standard=standard_population)
    known = {area.code: area for area in Area.objects.all()}
    problems = _banded_problems(table, known=known, statistic=statistic, reference=reference)
    if problems:
        raise ImportErrors(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    with transaction.atomic():
        indicator = Indicator.objects.create(
            organisation=organisation,
            key=key,
            name=name,
            statistic=statistic,
            multiplier=BANDED_MULTIPLIERS.get(statistic, multiplier),
            polarity=polarity,
            unit=unit,
            sex=str(table["sex"].iloc[0]),
            age="All ages" if statistic != "life_expectancy" else "At birth",
            ci_method=BANDED_METHODS[statistic],
            source=f"Uploaded by {organisation.name}: {upload.name}",
            standard_population=standard_population if statistic == "dsr" else "",
            reference=reference if statistic == "isr" else "",
        )
        count = age_bands_store(indicator=indicator, bands=table, areas=known)
        audit_record(
            actor=actor,
            action="indicator.import",
            target=indicator,
            organisation=organisation,
            after={
                **snapshot(indicator),
                "rows": len(table),
                "values": count,
                "file": upload.name,
            },
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
