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

from spiral.ocds.classifications import classification_table, cpv_prefixes, prefix_descriptions
from spiral.ocds.compile import compiled_releases
from spiral.ocds.indicators import award_table, process_table, procurement_indicators
from spiral.ocds.problems import ProblemReport
from spiral.ocds.reader import RELEASE_PACKAGE, OCDSReader, kind_of
from spiral.ocds.validation import validate_item
from spiral.sourcing.market import (
    concentration,
    concentration_band,
    market_position_statement,
    market_selection,
    supplier_shares,
)
from spiral.spend.links import supplier_table
from spiral.spend.payments import SpendValidationError, read_payments
from workspace.audit.services import snapshot
from workspace.cycles.models import Programme
from workspace.sourcing.common import _audit, _check_editor, _now
from workspace.sourcing.models import (
    ImportedProcess,
    MarketFilter,
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


def market_filter_save(
    *,
    actor: User,
    programme: Programme,
    cpv: str,
    buyer_id: str = "",
    awarded_from: dt.date | None = None,
    awarded_to: dt.date | None = None,
    at: dt.datetime | None = None,
) -> MarketFilter:
    """Save the part of the market relevant to the programme's service (all empty: all of it).

    ``cpv`` is the text people typed: CPV codes or prefixes, read by
    :func:`spiral.ocds.classifications.cpv_prefixes`.
    """
    _check_editor(actor, programme)
    errors: dict[str, str] = {}
    prefixes: tuple[str, ...] = ()
    try:
        prefixes = cpv_prefixes(cpv)
    except ValueError as error:
        errors["cpv"] = str(error)[0].upper() + str(error)[1:]
    if awarded_from and awarded_to and awarded_to < awarded_from:
        errors["awarded_to"] = "The end of the date range must be on or after its start"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = MarketFilter.objects.filter(programme=programme).first()
        before = snapshot(existing) if existing is not None else None
        market_filter = existing or MarketFilter(programme=programme)
        market_filter.cpv_prefixes = list(prefixes)
        market_filter.buyer_id = buyer_id.strip()
        market_filter.awarded_from = awarded_from
        market_filter.awarded_to = awarded_to
        market_filter.updated_by = actor
        market_filter.updated_at = _now(at)
        market_filter.save()
        _audit(
            actor,
            "set market filter",
            market_filter,
            programme,
            before=before,
            after=snapshot(market_filter),
        )
    return market_filter


def _cpv_codes(classes: pd.DataFrame, kept: list[str], top: int) -> list[dict[str, Any]]:
    """The CPV codes of the processes kept: code, description (if carried) and processes."""
    cpv = classes[(classes["scheme"] == "CPV") & classes["ocid"].isin(kept)]
    if cpv.empty:
        return []
    grouped = cpv.groupby("code", sort=True)
    table = pd.DataFrame(
        {"description": grouped["description"].first(), "processes": grouped["ocid"].nunique()}
    ).reset_index()
    table = table.sort_values(["processes", "code"], ascending=[False, True], kind="stable")
    return [
        {"code": row["code"], "description": row["description"], "processes": row["processes"]}
        for row in table.head(top).to_dict("records")
    ]


def _scope(
    market_filter: MarketFilter | None, described: dict[str, str | None], buyer_name: str
) -> str:
    """Plain words for the filter, for the page and the statement (empty: the whole market)."""
    if market_filter is None or not market_filter.is_set:
        return ""
    parts = []
    if described:
        parts.append(
            "contracts classified under CPV "
            + ", ".join(
                f"{prefix.ljust(8, '0')} ({text})" if text else f"{prefix}…"
                for prefix, text in described.items()
            )
        )
    if market_filter.buyer_id:
        parts.append(f"bought by {buyer_name or market_filter.buyer_id}")
    if market_filter.awarded_from or market_filter.awarded_to:
        start = market_filter.awarded_from.isoformat() if market_filter.awarded_from else ""
        end = market_filter.awarded_to.isoformat() if market_filter.awarded_to else ""
        parts.append(f"awarded {'from ' + start if start else ''}{' to ' + end if end else ''}")
    return "; ".join(parts) if parts else ""


def market_view(programme: Programme, *, top: int = 10, filtered: bool = True) -> dict[str, Any]:
    """The programme's market from its imports: providers, shares, concentration, diversity.

    With ``filtered`` (the default), the contracting processes are those of the programme's
    saved :class:`~workspace.sourcing.models.MarketFilter` (CPV prefixes, buyer, award dates;
    :func:`spiral.sourcing.market.market_selection`), and every contract figure is worked out
    on them. Payments are the council's own and carry no CPV code: the filter leaves them be.
    """
    every = list(
        ImportedProcess.objects.filter(market_import__programme=programme).values_list(
            "compiled_release", flat=True
        )
    )
    classes = classification_table(every)
    all_processes = process_table(every)
    market_filter = MarketFilter.objects.filter(programme=programme).first() if filtered else None
    buyers = (
        all_processes[["buyer_id", "buyer_name"]]
        .dropna(subset=["buyer_id"])
        .drop_duplicates("buyer_id")
        .fillna({"buyer_name": ""})
        .sort_values(["buyer_name", "buyer_id"], kind="stable")
    )
    buyer_names = dict(zip(buyers["buyer_id"], buyers["buyer_name"], strict=True))
    described: dict[str, str | None] = {}
    if market_filter is not None and market_filter.is_set:
        described = prefix_descriptions(classes, market_filter.cpv_prefixes)
        kept = market_selection(
            all_processes,
            classes,
            cpv=market_filter.cpv_prefixes,
            buyer=market_filter.buyer_id or None,
            awarded_from=market_filter.awarded_from,
            awarded_to=market_filter.awarded_to,
        )
        wanted = set(kept)
        releases = [release for release in every if str(release.get("ocid")) in wanted]
    else:
        releases = every
        kept = sorted(all_processes["ocid"].astype(str).unique().tolist())
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
    buyer_name = buyer_names.get(market_filter.buyer_id, "") if market_filter else ""
    return {
        "processes": len(processes),
        "processes_imported": len(all_processes),
        "filter": {
            "set": bool(market_filter is not None and market_filter.is_set),
            "cpv": [{"prefix": p, "description": d} for p, d in described.items()],
            "buyer_id": market_filter.buyer_id if market_filter else "",
            "buyer_name": buyer_name,
            "awarded_from": market_filter.awarded_from if market_filter else None,
            "awarded_to": market_filter.awarded_to if market_filter else None,
            "scope": _scope(market_filter, described, buyer_name),
        },
        "buyers": [{"id": k, "name": v} for k, v in buyer_names.items()],
        "cpv_codes": _cpv_codes(classes, kept, 20),
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
    """A market position statement drafted by the engine from the (filtered) market's figures."""
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
        scope=view["filter"]["scope"],
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
