"""Market data for a programme: OCDS and spend imports (whole or nothing) and the market view.

Figures come from the engine (:mod:`spiral.ocds`, :mod:`spiral.spend`, :mod:`spiral.sourcing`);
each change is made in one transaction and audited.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from spiral.ocds.compile import compiled_releases
from spiral.ocds.indicators import award_table, process_table, procurement_indicators
from spiral.ocds.problems import ProblemReport
from spiral.ocds.reader import RELEASE_PACKAGE, OCDSReader, kind_of
from spiral.ocds.validation import validate_item
from spiral.sourcing.market import (
    concentration,
    concentration_band,
    market_position_statement,
    supplier_shares,
)
from spiral.spend.links import supplier_table
from spiral.spend.payments import SpendValidationError, read_payments
from workspace.audit.services import snapshot
from workspace.cycles.models import Programme
from workspace.sourcing.common import _audit, _check_editor, _now
from workspace.sourcing.models import (
    ImportedProcess,
    MarketImport,
    MarketStatement,
    SpendSupplier,
)

# --- imports --------------------------------------------------------------------------------


@dataclass
class ImportRefused(Exception):  # noqa: N818 - it is an outcome, named for what happened
    """An import refused whole, with the grouped problems to show."""

    report: ProblemReport


PACKAGE_PLACEHOLDERS = {
    "uri": "placeholder:",
    "publisher": {"name": ""},
    "publishedDate": "2000-01-01T00:00:00Z",
}


def ocds_check(paths: list[Path]) -> tuple[ProblemReport, ProblemReport]:
    """Validate OCDS files: the problems that refuse an import, and warnings.

    Every release (and record) is validated against the shipped OCDS schema, and any error in
    one, or any JSON that cannot be read, refuses the import. A release package's own fields
    (``uri``, ``publishedDate``, ``publisher``...) are validated too, but Spiral keeps only the
    releases, so an error there is a warning.
    """
    reader = OCDSReader()
    warnings = ProblemReport()
    for path in paths:
        for item, where in reader.items(path):
            if kind_of(item) == RELEASE_PACKAGE and item.get("version") is not None:
                own = {k: v for k, v in item.items() if k != "releases"}
                validate_item({**own, "releases": []}, where, warnings)
                kept = {**PACKAGE_PLACEHOLDERS, "version": item["version"]}
                validate_item({**kept, "releases": item.get("releases")}, where, reader.report)
            else:
                validate_item(item, where, reader.report)
            reader.finish(item, where)
    return reader.report, warnings


def _read_ocds(paths: list[Path], name: str) -> tuple[list[dict[str, Any]], ProblemReport]:
    report, warnings = ocds_check(paths)
    if report:
        raise ImportRefused(report)
    reader = OCDSReader()
    releases = list(compiled_releases(paths, reader))
    if reader.report:
        raise ImportRefused(reader.report)
    if not releases:
        empty = ProblemReport()
        empty.add("no data", name, "the file holds no OCDS release or record")
        raise ImportRefused(empty)
    return releases, warnings


def ocds_import(
    *,
    actor: User,
    programme: Programme,
    file_name: str,
    data: bytes,
    description: str = "",
    at: dt.datetime | None = None,
) -> MarketImport:
    """Validate an OCDS file (release packages, JSON Lines...) and, if valid, import it whole.

    Raises
    ------
    ImportRefused
        With the validation report, when a release or record has any error: nothing is
        imported.
    """
    _check_editor(actor, programme)
    with tempfile.TemporaryDirectory() as folder:
        # The file keeps its own name, so that problems name the file people chose.
        path = Path(folder) / (Path(file_name).name or "upload.json")
        path.write_bytes(data)
        releases, warnings = _read_ocds([path], file_name)
    return _store_ocds(
        actor=actor,
        programme=programme,
        file_name=file_name,
        releases=releases,
        warnings=warnings,
        description=description,
        at=at,
    )


def _store_ocds(
    *,
    actor: User | None,
    programme: Programme,
    file_name: str,
    releases: list[dict[str, Any]],
    warnings: ProblemReport,
    description: str,
    at: dt.datetime | None,
) -> MarketImport:
    with transaction.atomic():
        record = MarketImport.objects.create(
            programme=programme,
            kind=MarketImport.Kind.OCDS,
            file_name=file_name,
            description=description,
            summary={"processes": len(releases), "warnings": warnings.as_dict()},
            imported_by=actor,
            imported_at=_now(at),
        )
        ImportedProcess.objects.bulk_create(
            ImportedProcess(market_import=record, ocid=str(r["ocid"]), compiled_release=r)
            for r in releases
        )
        _audit(actor, "imported OCDS data", record, programme, after=snapshot(record))
    return record


def ocds_import_paths(
    *, actor: User | None, programmes: list[Programme], paths: list[Path], file_name: str
) -> list[MarketImport]:
    """Import OCDS files from disk (the demo's shipped packages) into each programme, whole.

    Raises
    ------
    ImportRefused
        When any file holds an error: nothing is imported.
    """
    releases, warnings = _read_ocds(paths, file_name)
    return [
        _store_ocds(
            actor=actor,
            programme=programme,
            file_name=file_name,
            releases=releases,
            warnings=warnings,
            description="",
            at=None,
        )
        for programme in programmes
    ]


def spend_import(
    *,
    actor: User,
    programme: Programme,
    file_name: str,
    data: bytes,
    at: dt.datetime | None = None,
) -> MarketImport:
    """Read a payments-over-£500 file and, if every row is good, import its supplier totals.

    Raises
    ------
    django.core.exceptions.ValidationError
        Listing every bad row and field; nothing is imported.
    """
    _check_editor(actor, programme)
    try:
        payments = read_payments(data, name=file_name)
    except SpendValidationError as error:
        raise ValidationError({"file": [str(problem) for problem in error.problems]}) from None
    suppliers = supplier_table(payments)
    with transaction.atomic():
        record = MarketImport.objects.create(
            programme=programme,
            kind=MarketImport.Kind.SPEND,
            file_name=file_name,
            summary={
                "payments": len(payments),
                "suppliers": len(suppliers),
                "net_total": round(float(payments["net_amount"].sum()), 2),
                "redacted": int(payments["redacted"].sum()),
                "encoding": str(payments.attrs.get("encoding", "")),
            },
            imported_by=actor,
            imported_at=_now(at),
        )
        SpendSupplier.objects.bulk_create(
            SpendSupplier(
                market_import=record,
                supplier_key=row["supplier_key"],
                names=row["names"],
                supplier_numbers=row["supplier_numbers"] or "",
                payments=int(row["payments"]),
                net_total=Decimal(str(round(float(row["net_total"]), 2))),
            )
            for row in suppliers.to_dict("records")
        )
        _audit(actor, "imported spend file", record, programme, after=snapshot(record))
    return record


# --- the market view ------------------------------------------------------------------------


def _nan_to_none(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def market_view(programme: Programme, *, top: int = 10) -> dict[str, Any]:
    """The programme's market from its imports: providers, shares, concentration, diversity."""
    releases = list(
        ImportedProcess.objects.filter(market_import__programme=programme).values_list(
            "compiled_release", flat=True
        )
    )
    processes = process_table(releases)
    awards = award_table(releases)
    indicators: dict[str, float | None] = {}
    if len(processes):
        table = procurement_indicators(processes, awards, by="country")
        indicators = {
            str(row["indicator"]): _nan_to_none(row["value"]) for row in table.to_dict("records")
        }
    contract_shares = supplier_shares(
        awards[awards["currency"] == "GBP"], key="supplier_id", name="supplier_name", value="value"
    )
    spend_rows = pd.DataFrame(
        list(
            SpendSupplier.objects.filter(market_import__programme=programme).values(
                "supplier_key", "names", "net_total"
            )
        ),
        columns=["supplier_key", "names", "net_total"],
    )
    spend_rows["net_total"] = spend_rows["net_total"].astype("float64")
    spend_shares = supplier_shares(spend_rows, key="supplier_key", name="names", value="net_total")
    spend_concentration = concentration(spend_shares["share"])
    hhi = indicators.get("supplier_hhi")
    return {
        "processes": len(processes),
        "indicators": indicators,
        "contract_shares": contract_shares.head(top).to_dict("records"),
        "contract_providers": len(contract_shares),
        "contract_band": concentration_band(hhi if hhi is not None else math.nan),
        "spend_shares": spend_shares.head(top).to_dict("records"),
        "spend_providers": len(spend_shares),
        "spend_concentration": {k: _nan_to_none(v) for k, v in spend_concentration.items()},
        "spend_band": concentration_band(spend_concentration["hhi"]),
        "spend_total": float(spend_rows["net_total"].sum()) if len(spend_rows) else None,
        "all_contract_shares": contract_shares,
    }


def statement_draft(programme: Programme) -> str:
    """A market position statement drafted by the engine from the market view's figures."""
    view = market_view(programme)
    indicators = view["indicators"]
    hhi = indicators.get("supplier_hhi")
    return market_position_statement(
        service=programme.name,
        commissioner=programme.organisation.name,
        providers=view["all_contract_shares"],
        hhi=hhi if hhi is not None else math.nan,
        sme_share=indicators.get("sme_value_share"),
        vcse_share=indicators.get("vcse_value_share"),
        public_share=indicators.get("public_body_value_share"),
        spend_total=view["spend_total"],
    )


def statement_save(
    *, actor: User, programme: Programme, text: str, at: dt.datetime | None = None
) -> MarketStatement:
    """Save the programme's market position statement as the commissioner edited it."""
    _check_editor(actor, programme)
    if not text.strip():
        raise ValidationError({"text": "Enter the market position statement"})
    with transaction.atomic():
        existing = MarketStatement.objects.filter(programme=programme).first()
        before = snapshot(existing) if existing is not None else None
        statement = existing or MarketStatement(programme=programme)
        statement.text = text.strip()
        statement.updated_by = actor
        statement.updated_at = _now(at)
        statement.save()
        _audit(
            actor,
            "saved market position statement",
            statement,
            programme,
            before=before,
            after=snapshot(statement),
        )
    return statement
