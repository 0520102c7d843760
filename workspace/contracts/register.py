"""The public register: what a council has chosen to publish, as rows, CSV and OCDS.

Only agreements marked *published* appear; a value marked commercially confidential is left
out; confidential notes, returns' narratives and anything about people never appear. Each
KPI shows its latest rating (overridden or derived, see ``performance.py``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from spiral.ocds.identifiers import make_ocid
from spiral.ocds.metrics import RatedKPI, agreed_metrics, extensions, implementation_metrics
from workspace.accounts.models import Organisation
from workspace.contracts.models import Agreement
from workspace.contracts.performance import kpi_performance, published_kpis

CSV_COLUMNS = [
    "reference",
    "title",
    "programme",
    "kind",
    "provider",
    "value_gbp",
    "start_date",
    "end_date",
    "payment_mechanism",
    "status",
    "kpi",
    "kpi_latest_period",
    "kpi_latest_rating",
]


def published_agreements(council: Organisation) -> list[Agreement]:
    """The council's published agreements that are in force or ended."""
    return list(
        Agreement.objects.filter(programme__organisation=council, published=True)
        .exclude(status=Agreement.Status.DRAFT)
        .select_related("programme", "provider")
        .order_by("programme__name", "reference")
    )


def public_row(agreement: Agreement) -> dict[str, Any]:
    """What may be published about one agreement, with each KPI's latest rating."""
    kpis = []
    for perf in kpi_performance(agreement):
        latest = perf.rows[-1] if perf.rows else None
        kpis.append(
            {
                "name": perf.kpi.name,
                "unit": perf.kpi.unit,
                "target": perf.kpi.target,
                "period": latest["period"] if latest else "",
                "rating": latest["rating"] if latest else "",
                "rating_label": latest["rating_label"] if latest else "Not yet rated",
            }
        )
    return {
        "agreement": agreement,
        "value": None if agreement.value_confidential else agreement.value,
        "kpis": kpis,
    }


def register_csv(council: Organisation) -> str:
    """The published register as CSV, one row per agreement and KPI."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for agreement in published_agreements(council):
        row = public_row(agreement)
        base = {
            "reference": agreement.reference,
            "title": agreement.title,
            "programme": agreement.programme.name,
            "kind": agreement.get_kind_display(),
            "provider": agreement.provider_name,
            "value_gbp": "" if row["value"] is None else f"{row['value']:.2f}",
            "start_date": agreement.start_date.isoformat(),
            "end_date": agreement.end_date.isoformat(),
            "payment_mechanism": agreement.get_payment_mechanism_display(),
            "status": agreement.get_status_display(),
        }
        for kpi in row["kpis"] or [{"name": "", "period": "", "rating_label": ""}]:
            writer.writerow(
                {
                    **base,
                    "kpi": kpi["name"],
                    "kpi_latest_period": kpi["period"],
                    "kpi_latest_rating": kpi["rating_label"] if kpi["name"] else "",
                }
            )
    return out.getvalue()


_OCDS_STATUS = {"active": "active", "terminated": "terminated", "expired": "terminated"}


def _party(
    organisation_id: str, name: str, role: str, identifier: dict[str, str] | None = None
) -> dict[str, Any]:
    party: dict[str, Any] = {"id": organisation_id, "name": name, "roles": [role]}
    if identifier is not None:
        party["identifier"] = identifier
    return party


def register_ocds(council: Organisation, *, published_date: str) -> dict[str, Any]:
    """The published register as an OCDS 1.1 release package, one release per agreement."""
    buyer = council.ocds_identifier
    buyer_id = buyer.party_id
    releases = []
    published: list[RatedKPI] = []
    for agreement in published_agreements(council):
        # "agreement" keeps these apart from the ocids of sourcing records, which share
        # the prefix and the organisation's slug.
        ocid = make_ocid(council.publishing_prefix, council.slug, "agreement", agreement.pk)
        supplier_id = (
            f"spiral-provider-{agreement.provider.slug}"
            if agreement.provider is not None
            else f"{buyer_id}-in-house"
        )
        award_id = f"{ocid}-award"
        period = {
            "startDate": f"{agreement.start_date.isoformat()}T00:00:00Z",
            "endDate": f"{agreement.end_date.isoformat()}T23:59:59Z",
        }
        contract: dict[str, Any] = {
            "id": f"{ocid}-contract",
            "awardID": award_id,
            "title": agreement.title,
            "status": _OCDS_STATUS.get(agreement.status, "active"),
            "period": period,
        }
        if not agreement.value_confidential:
            contract["value"] = {"amount": float(agreement.value), "currency": "GBP"}
        kpis = published_kpis(agreement)
        tag = ["contract"]
        if kpis:
            contract["agreedMetrics"] = agreed_metrics(kpis)
            published.extend(kpis)
        rated = implementation_metrics(kpis)
        if rated:
            # The contract performance notice's content: each KPI's rating per period.
            contract["implementation"] = {"metrics": rated}
            tag.append("implementation")
        releases.append(
            {
                "ocid": ocid,
                "id": f"{ocid}-contract-{published_date[:10]}",
                "date": published_date,
                "tag": tag,
                "initiationType": "tender",
                "language": "en",
                "buyer": {"id": buyer_id, "name": council.name},
                "parties": [
                    _party(buyer_id, council.name, "buyer", buyer.identifier(council.name)),
                    _party(supplier_id, agreement.provider_name, "supplier"),
                ],
                "awards": [
                    {
                        "id": award_id,
                        "title": agreement.title,
                        "status": "active",
                        "suppliers": [{"id": supplier_id, "name": agreement.provider_name}],
                        "contractPeriod": period,
                    }
                ],
                "contracts": [contract],
            }
        )
    return {
        "uri": f"https://example.org/public/{council.slug}/register-ocds.json",
        "version": "1.1",
        "publishedDate": published_date,
        "publisher": {"name": council.name},
        **({"extensions": extensions(published)} if published else {}),
        "releases": releases,
    }
