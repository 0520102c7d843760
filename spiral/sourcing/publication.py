"""A commissioning record published as OCDS 1.1 releases and as the UK notices they make.

One contracting process gives up to six releases, one per event of the process, each tagged
with the closed OCDS ``releaseTag`` codelist:

=====================  =====================  ==================================================
release tag            UK notice              what it carries
=====================  =====================  ==================================================
``planning``           UK1 pipeline notice    the budget, the route and its planned milestones
``tender``             UK4 tender notice      the procedure, tender period, award criteria
``award``              UK6 contract award     the bids received, the supplier and the value
``contract``           UK7 contract details   the contract's period, value and signing date
``implementation``     UK9 contract           the delivery milestones, met or not, and each
                       performance            KPI's rating per period (Metrics extension)
``contractTermination`` UK11 contract         the contract ended early
                       termination
=====================  =====================  ==================================================

Releases follow the OCDS 1.1 release schema (https://standard.open-contracting.org/1.1/);
notices follow the Procurement Act 2023 notice numbering (Cabinet Office, *Guidance: notices*,
2024). Routes that are not procurement (grant, in-house agreement, partnership, pooled budget)
publish OCDS for transparency but give no UK notices. A record with KPIs carries them as the
OCDS Metrics extension's ``agreedMetrics`` on its contract and ``metrics`` in its
implementation, each rating as the UK extension's ``measureClassification``
(:mod:`spiral.ocds.metrics`), and its package declares the extensions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from spiral.ocds.metrics import RatedKPI, agreed_metrics, extensions, implementation_metrics
from spiral.sourcing.routes import NOTICE_TYPES, route

__all__ = [
    "BidderEntry",
    "CommissioningRecord",
    "MilestoneEntry",
    "ocds_release_package",
    "ocds_releases",
    "uk_notices",
]

NOTICE_OF_TAG = {
    "planning": "UK1",
    "tender": "UK4",
    "award": "UK6",
    "contract": "UK7",
    "implementation": "UK9",
    "contractTermination": "UK11",
}


@dataclass(frozen=True)
class MilestoneEntry:
    """A milestone of the route's timeline; ``after_award`` ones are delivery milestones."""

    id: str
    title: str
    due: dt.date
    met: dt.date | None = None
    type: str = "preProcurement"
    after_award: bool = False


@dataclass(frozen=True)
class BidderEntry:
    """A bid: who made it (with an organisation identifier if known), at what price."""

    id: str
    name: str
    price: float
    sme: bool | None = None
    vcse: bool | None = None
    public: bool = False
    identifier_scheme: str = ""
    identifier_id: str = ""
    submitted: dt.date | None = None


@dataclass(frozen=True)
class CommissioningRecord:
    """What Spiral knows of one sourcing of a service, as plain data.

    ``buyer_id`` is the buyer's party id and ``buyer_scheme``/``buyer_scheme_id`` its identifier
    when it has one, both from :func:`spiral.ocds.identifiers.organisation_identifier`.
    """

    ocid: str
    title: str
    description: str
    route: str
    buyer_id: str
    buyer_name: str
    value: float
    planned: dt.date
    currency: str = "GBP"
    rationale: str = ""
    milestones: tuple[MilestoneEntry, ...] = ()
    tender_start: dt.date | None = None
    tender_end: dt.date | None = None
    award_criteria_details: str = ""
    bids: tuple[BidderEntry, ...] = ()
    awarded_bid: str | None = None
    awarded: dt.date | None = None
    award_value: float | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    contract_signed: dt.date | None = None
    terminated: dt.date | None = None
    kpis: tuple[RatedKPI, ...] = ()
    buyer_scheme: str = ""
    buyer_scheme_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _when(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": round(float(amount), 2), "currency": currency}


def _milestones(entries: tuple[MilestoneEntry, ...], *, after_award: bool) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        if entry.after_award != after_award:
            continue
        milestone: dict[str, Any] = {
            "id": entry.id,
            "title": entry.title,
            "type": entry.type,
            "dueDate": _when(entry.due),
            "status": "met" if entry.met is not None else "scheduled",
        }
        if entry.met is not None:
            milestone["dateMet"] = _when(entry.met)
        out.append(milestone)
    return out


def _party(bid: BidderEntry, roles: list[str]) -> dict[str, Any]:
    party: dict[str, Any] = {"id": bid.id, "name": bid.name, "roles": roles}
    if bid.identifier_scheme and bid.identifier_id:
        party["identifier"] = {
            "scheme": bid.identifier_scheme,
            "id": bid.identifier_id,
            "legalName": bid.name,
        }
    details: dict[str, Any] = {}
    if bid.sme is not None:
        details["scale"] = "sme" if bid.sme else "large"
    if bid.vcse is not None:
        details["vcse"] = bid.vcse
    if bid.public:
        details["publicBody"] = True
    if details:
        party["details"] = details
    return party


def _buyer_party(record: CommissioningRecord) -> dict[str, Any]:
    party: dict[str, Any] = {
        "id": record.buyer_id,
        "name": record.buyer_name,
        "roles": ["buyer", "procuringEntity"],
    }
    if record.buyer_scheme and record.buyer_scheme_id:
        party["identifier"] = {
            "scheme": record.buyer_scheme,
            "id": record.buyer_scheme_id,
            "legalName": record.buyer_name,
        }
    return party


def _implementation(
    record: CommissioningRecord, started: dt.date
) -> tuple[dt.date, dict[str, Any]] | None:
    """The implementation's date and content: delivery milestones and KPI ratings, if any."""
    delivery = _milestones(record.milestones, after_award=True)
    rated = implementation_metrics(record.kpis)
    if not delivery and not rated:
        return None
    dates = [m.met or m.due for m in record.milestones if m.after_award]
    dates += [p.end for kpi in record.kpis for p in kpi.periods]
    implementation: dict[str, Any] = {}
    if delivery:
        implementation["milestones"] = delivery
    if rated:
        implementation["metrics"] = rated
    return max([*dates, started]), implementation


def ocds_releases(record: CommissioningRecord) -> list[dict[str, Any]]:
    """The OCDS 1.1 releases of one commissioning record, oldest first.

    A release is made for each stage the record has reached: planning always; a tender once
    the tender period is known (or bids are recorded); an award once a bid is awarded; a
    contract once its period is known; an implementation once a delivery milestone is
    recorded; a contract termination when the contract ended early.

    Raises
    ------
    ValueError
        When the awarded bid is not one of the bids.

    Examples
    --------
    >>> record = CommissioningRecord(
    ...     ocid="ocds-example-1", title="Home care", description="Help at home.",
    ...     route="pa23_open", buyer_id="spiral-kingsmere", buyer_name="Kingsmere",
    ...     value=1_000_000, planned=dt.date(2025, 1, 6),
    ...     tender_start=dt.date(2025, 3, 3), tender_end=dt.date(2025, 4, 4),
    ...     bids=(BidderEntry("b1", "Care Co", 950_000, sme=True),),
    ...     awarded_bid="b1", awarded=dt.date(2025, 5, 1))
    >>> [r["tag"] for r in ocds_releases(record)]
    [['planning'], ['tender'], ['award']]
    """
    spec = route(record.route)
    buyer = {"id": record.buyer_id, "name": record.buyer_name}
    buyer_party = _buyer_party(record)
    bids = {bid.id: bid for bid in record.bids}
    if record.awarded_bid is not None and record.awarded_bid not in bids:
        raise ValueError(f"the awarded bid {record.awarded_bid!r} is not among the bids")
    tender: dict[str, Any] = {
        "id": f"{record.ocid}-tender",
        "title": record.title,
        "description": record.description,
        "value": _money(record.value, record.currency),
        "procurementMethod": spec.procurement_method,
        "procurementMethodDetails": f"{spec.label} ({spec.regime})",
        "mainProcurementCategory": "services",
    }
    if record.rationale:
        tender["procurementMethodRationale"] = record.rationale

    def release(tag: str, date: dt.date, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "ocid": record.ocid,
            "id": f"{record.ocid}-{tag}",
            "date": _when(date),
            "tag": [tag],
            "initiationType": "tender",
            "language": "en",
            "buyer": buyer,
            **body,
        }

    releases = [
        release(
            "planning",
            record.planned,
            {
                "parties": [buyer_party],
                "planning": {
                    "rationale": record.rationale or spec.label,
                    "budget": {"amount": _money(record.value, record.currency)},
                    "milestones": _milestones(record.milestones, after_award=False),
                },
                "tender": {**tender, "status": "planning"},
            },
        )
    ]
    tenderers = [{"id": bid.id, "name": bid.name} for bid in record.bids]
    bidder_parties = [
        _party(bid, ["tenderer", "supplier"] if bid.id == record.awarded_bid else ["tenderer"])
        for bid in record.bids
    ]
    if record.tender_start is not None or record.bids:
        tender_body = {**tender, "status": "active"}
        if record.tender_start is not None and record.tender_end is not None:
            tender_body["tenderPeriod"] = {
                "startDate": _when(record.tender_start),
                "endDate": _when(record.tender_end),
            }
        if record.award_criteria_details:
            tender_body["awardCriteria"] = "ratedCriteria"
            tender_body["awardCriteriaDetails"] = record.award_criteria_details
        releases.append(
            release(
                "tender",
                record.tender_start or record.planned,
                {"parties": [buyer_party], "tender": tender_body},
            )
        )
    if record.awarded_bid is not None and record.awarded is not None:
        winner = bids[record.awarded_bid]
        value = record.award_value if record.award_value is not None else winner.price
        releases.append(
            release(
                "award",
                record.awarded,
                {
                    "parties": [buyer_party, *bidder_parties],
                    "tender": {
                        **tender,
                        "status": "complete",
                        "numberOfTenderers": len(record.bids),
                        "tenderers": tenderers,
                    },
                    "awards": [
                        {
                            "id": f"{record.ocid}-award-1",
                            "title": record.title,
                            "status": "active",
                            "date": _when(record.awarded),
                            "value": _money(value, record.currency),
                            "suppliers": [{"id": winner.id, "name": winner.name}],
                        }
                    ],
                },
            )
        )
        contract: dict[str, Any] = {
            "id": f"{record.ocid}-contract-1",
            "awardID": f"{record.ocid}-award-1",
            "title": record.title,
            "status": "active",
            "value": _money(value, record.currency),
        }
        if record.kpis:
            contract["agreedMetrics"] = agreed_metrics(record.kpis)
        if record.contract_start is not None:
            period: dict[str, str] = {"startDate": _when(record.contract_start)}
            if record.contract_end is not None:
                period["endDate"] = _when(record.contract_end)
            contract["period"] = period
            if record.contract_signed is not None:
                contract["dateSigned"] = _when(record.contract_signed)
            releases.append(
                release(
                    "contract",
                    record.contract_signed or record.contract_start,
                    {"contracts": [contract]},
                )
            )
            implemented = _implementation(record, record.contract_start)
            if implemented is not None:
                day, implementation = implemented
                releases.append(
                    release(
                        "implementation",
                        day,
                        {"contracts": [{**contract, "implementation": implementation}]},
                    )
                )
            if record.terminated is not None:
                ended = {**contract, "status": "terminated"}
                ended["period"] = {**period, "endDate": _when(record.terminated)}
                releases.append(
                    release("contractTermination", record.terminated, {"contracts": [ended]})
                )
    return releases


def ocds_release_package(
    record: CommissioningRecord, *, uri: str, publisher: str, published: dt.datetime
) -> dict[str, Any]:
    """The releases of :func:`ocds_releases` in an OCDS 1.1 release package.

    Examples
    --------
    >>> record = CommissioningRecord(
    ...     ocid="ocds-example-2", title="Grant", description="A grant.", route="grant",
    ...     buyer_id="spiral-kingsmere", buyer_name="Kingsmere", value=50_000,
    ...     planned=dt.date(2025, 1, 6))
    >>> package = ocds_release_package(record, uri="https://example.org/p.json",
    ...     publisher="Kingsmere", published=dt.datetime(2025, 2, 1, tzinfo=dt.timezone.utc))
    >>> package["version"], package["publishedDate"], len(package["releases"])
    ('1.1', '2025-02-01T00:00:00Z', 1)
    """
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": published.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": {"name": publisher},
        "license": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        **({"extensions": extensions(record.kpis)} if record.kpis else {}),
        "releases": ocds_releases(record),
    }


def uk_notices(record: CommissioningRecord) -> list[dict[str, Any]]:
    """The UK notices the record corresponds to, each with the OCDS release that carries it.

    Routes that are not procurement give none.

    Examples
    --------
    >>> record = CommissioningRecord(
    ...     ocid="ocds-example-3", title="Care", description="Care.", route="psr_direct_c",
    ...     buyer_id="GB-NHS-QYG", buyer_name="ICB", value=200_000,
    ...     planned=dt.date(2025, 1, 6), buyer_scheme="GB-NHS", buyer_scheme_id="QYG")
    >>> [(n["noticeType"], n["name"]) for n in uk_notices(record)]
    [('UK1', 'Pipeline notice')]
    >>> uk_notices(record)[0]["release"]["parties"][0]["identifier"]
    {'scheme': 'GB-NHS', 'id': 'QYG', 'legalName': 'ICB'}
    """
    if not route(record.route).published:
        return []
    notices = []
    for item in ocds_releases(record):
        code = NOTICE_OF_TAG[item["tag"][0]]
        notices.append(
            {"noticeType": code, "name": NOTICE_TYPES[code], "date": item["date"], "release": item}
        )
    return notices
