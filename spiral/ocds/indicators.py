"""Procurement indicators from compiled OCDS releases, for a buyer, a market or a whole country.

Two tables are read from compiled releases, one row per contracting process
(:func:`process_table`) and one row per supplier of an active award (:func:`award_table`);
:func:`procurement_indicators` aggregates them, vectorised, into a tidy table with one row per
group and indicator: ``by, group, indicator, value, numerator, denominator``.

How each field is read (OCDS 1.1 paths):

- **bidders**: ``tender/numberOfTenderers``; failing that, the distinct tenderers of submitted
  bids (``bids/details``, status not invited or withdrawn); failing that, the distinct parties
  with the role ``tenderer``; otherwise unknown.
- **open procedure**: ``tender/procurementMethod`` is ``open`` (unknown when absent).
- **tender period**: ``tender/tenderPeriod`` end minus start, in days.
- **time to award**: the earliest ``awards/date`` of an active award minus
  ``tender/tenderPeriod/endDate``, in days.
- **award value**: the sum of ``awards/value/amount`` of active awards in the chosen
  currency; a supplier's share of an award is the award value divided equally among its
  suppliers (OCDS gives no split).
- **market**: the first ``tender/items/classification/id`` (else of the awards' items), cut to
  ``market_digits`` characters (CPV divisions by default).
- **SME**: the supplier's party ``details/scale`` is ``sme`` (``large``, ``micro``... are
  read too); failing that, the Contracts Finder field ``sme`` (true/false) on the party.
- **VCSE** (voluntary, community and social enterprise): the Contracts Finder field ``vco``
  on the party; or an identifier in a charity register (``GB-CHC``, ``GB-SC``, ``GB-NIC``)
  or the Mutuals Public Register (``GB-MPR``). Unknown otherwise.
- **public body**: an identifier (``identifier/scheme`` or the prefix of the party ``id``) in
  a list of public bodies in org-id.guide: ``GB-GOR`` (the retired Government Organisation
  Register), ``GB-LAE``, ``GB-PLA``, ``GB-LAS``, ``GB-LANI`` (the registers of local authorities
  of England, Wales, Scotland and Northern Ireland, as in :mod:`spiral.ocds.identifiers`) and
  ``GB-NHS`` (ODS codes; ODS also codes some independent providers, so this may count a few
  as public). Not a public body otherwise. ``GB-LAC`` is in no register and ``GB-PPON`` is
  given to suppliers as well as buyers, so neither counts.
- **repeat award**: a supplier award whose buyer and supplier also meet in another
  contracting process of the data.
- **modified or extended**: an award or contract with ``amendments`` (or the deprecated
  ``amendment``), over the processes with an award or a contract.

Shares are given with their numerator and denominator; SME, VCSE and public shares count only
suppliers whose status is known in their denominators. Concentration is the
Herfindahl-Hirschman index of suppliers' value shares (0 to 10,000) and the top-N share.

References: OCDS 1.1 schema (release-schema.json); UK Contracts Finder OCDS publication;
org-id.guide list of identifier schemes; European Commission single market scoreboard
(single-bidder rate, no calls for bids) for the procurement indicators.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from spiral.exceptions import InputError
from spiral.ocds.identifiers import LOCAL_AUTHORITY_SCHEMES
from spiral.spend.names import name_key

__all__ = [
    "award_table",
    "process_table",
    "procurement_indicators",
    "procurement_tables",
    "read_compiled_releases",
]

PUBLIC_SCHEMES = frozenset({"GB-GOR", "GB-NHS", *LOCAL_AUTHORITY_SCHEMES.values()})
"""Organisation identifier lists of public bodies only (``docs/ocds.md``, *Organisation
identifiers*)."""
VCSE_SCHEMES = frozenset({"GB-CHC", "GB-SC", "GB-NIC", "GB-MPR"})
GROUPINGS = ("country", "buyer", "market")


def read_compiled_releases(path: str | Path) -> Iterator[Any]:
    """Yield the compiled releases of a JSON Lines file (one per line; blank lines skipped).

    Raises
    ------
    ValueError
        Naming the line that is not JSON.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as handle:
    ...     _ = handle.write(b'{"ocid": "a"}\\n\\n{"ocid": "b"}\\n')
    >>> [release["ocid"] for release in read_compiled_releases(handle.name)]
    ['a', 'b']
    >>> os.unlink(handle.name)
    """
    # Not OCDSReader: the indicators stop at the first line that is not JSON, where it skips.
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise InputError(f"line {number}: not JSON ({error})") from None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment


def _amount(value: Any) -> tuple[float | None, str | None]:
    money = _object(value)
    amount = money.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return None, _text(money.get("currency"))
    return float(amount), _text(money.get("currency"))


def _bidders(release: dict[str, Any], tender: dict[str, Any]) -> int | None:
    number = tender.get("numberOfTenderers")
    if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
        return number
    ids: set[str] = set()
    for bid in _list(_object(release.get("bids")).get("details")):
        bid_object = _object(bid)
        if bid_object.get("status") in {"invited", "withdrawn"}:
            continue
        for tenderer in _list(bid_object.get("tenderers")):
            identifier = _text(_object(tenderer).get("id")) or _text(_object(tenderer).get("name"))
            if identifier is not None:
                ids.add(identifier)
    if ids:
        return len(ids)
    parties = [
        party
        for party in _list(release.get("parties"))
        if "tenderer" in _list(_object(party).get("roles"))
    ]
    return len(parties) if parties else None


def _classification(tender: dict[str, Any], awards: list[Any]) -> str | None:
    for items in [_list(tender.get("items"))] + [
        _list(_object(award).get("items")) for award in awards
    ]:
        for item in items:
            code = _object(_object(item).get("classification")).get("id")
            if isinstance(code, int | float) and not isinstance(code, bool):
                code = str(int(code))
            if _text(code) is not None:
                return str(code)
    return None


def _amended(release: dict[str, Any]) -> bool:
    for stage in ("awards", "contracts"):
        for entry in _list(release.get(stage)):
            entry_object = _object(entry)
            if _list(entry_object.get("amendments")) or entry_object.get("amendment"):
                return True
    return False


def process_table(releases: Iterable[Any]) -> pd.DataFrame:
    """One row per contracting process (compiled release).

    Columns: ``ocid, buyer_id, buyer_name, classification, procurement_method, bidders,
    tender_start, tender_end, award_date, award_value, award_currency, has_award_or_contract,
    amended``. Dates are UTC timestamps; missing values are ``NA``/``NaT``/``NaN``.

    Examples
    --------
    >>> release = {"ocid": "a", "buyer": {"id": "B"}, "tender": {"numberOfTenderers": 2,
    ...     "procurementMethod": "open"}, "awards": [{"status": "active",
    ...     "value": {"amount": 10, "currency": "GBP"}}]}
    >>> table = process_table([release])
    >>> row = table.iloc[0]
    >>> row["ocid"], row["buyer_id"], int(row["bidders"]), float(row["award_value"])
    ('a', 'B', 2, 10.0)
    """
    return _process_frame(
        [row for release in releases if (row := _process_row(release)) is not None]
    )


def _process_row(release: Any) -> dict[str, Any] | None:
    if not isinstance(release, dict) or _text(release.get("ocid")) is None:
        return None
    tender = _object(release.get("tender"))
    buyer = _object(release.get("buyer"))
    awards = _list(release.get("awards"))
    active = [_object(a) for a in awards if _object(a).get("status") == "active"]
    period = _object(tender.get("tenderPeriod"))
    award_dates = [d for a in active if (d := _timestamp(a.get("date"))) is not None]
    total: float | None = None
    currencies: Counter[str] = Counter()
    for award in active:
        amount, currency = _amount(award.get("value"))
        if amount is not None and currency is not None:
            currencies[currency] += 1
    main = currencies.most_common(1)[0][0] if currencies else None
    for award in active:
        amount, currency = _amount(award.get("value"))
        if amount is not None and currency == main:
            total = amount if total is None else total + amount
    return {
        "ocid": release["ocid"],
        "buyer_id": _text(buyer.get("id")),
        "buyer_name": _text(buyer.get("name")),
        "classification": _classification(tender, awards),
        "procurement_method": _text(tender.get("procurementMethod")),
        "bidders": _bidders(release, tender),
        "tender_start": _timestamp(period.get("startDate")),
        "tender_end": _timestamp(period.get("endDate")),
        "award_date": min(award_dates) if award_dates else None,
        "award_value": total,
        "award_currency": main,
        "has_award_or_contract": bool(awards or _list(release.get("contracts"))),
        "amended": _amended(release),
    }


def _process_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=_PROCESS_COLUMNS)
    for column in ("tender_start", "tender_end", "award_date"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["bidders"] = frame["bidders"].astype("Int64")
    frame["award_value"] = frame["award_value"].astype("float64")
    return frame


_PROCESS_COLUMNS = [
    "ocid",
    "buyer_id",
    "buyer_name",
    "classification",
    "procurement_method",
    "bidders",
    "tender_start",
    "tender_end",
    "award_date",
    "award_value",
    "award_currency",
    "has_award_or_contract",
    "amended",
]
_AWARD_COLUMNS = [
    "ocid",
    "buyer_id",
    "award_id",
    "supplier_id",
    "supplier_name",
    "value",
    "currency",
    "sme",
    "vcse",
    "public",
]


def _scheme(party: dict[str, Any]) -> str | None:
    scheme = _text(_object(party.get("identifier")).get("scheme"))
    if scheme is not None:
        return scheme
    identifier = _text(party.get("id"))
    if identifier is not None and identifier.count("-") >= 2:
        return "-".join(identifier.split("-")[:2])
    return None


def _party_kind(party: dict[str, Any]) -> tuple[bool | None, bool | None, bool]:
    """(sme, vcse, public) for a party; ``None`` when unknown."""
    scale = _text(_object(party.get("details")).get("scale"))
    sme: bool | None
    if scale is not None:
        sme = scale in {"sme", "micro", "small", "medium"}
    elif isinstance(party.get("sme"), bool):
        sme = bool(party["sme"])
    else:
        sme = None
    scheme = _scheme(party)
    vcse: bool | None
    if isinstance(party.get("vco"), bool):
        vcse = bool(party["vco"]) or scheme in VCSE_SCHEMES
    elif scheme in VCSE_SCHEMES:
        vcse = True
    else:
        vcse = None
    return sme, vcse, scheme in PUBLIC_SCHEMES


def _organisation_key(
    ocid: str, identifier: str | None, party: dict[str, Any], name: str | None
) -> str | None:
    """A key for an organisation that holds across contracting processes.

    OCDS party ids are unique only within a contracting process (Contracts Finder numbers
    them 1, 2, 3...), so the key is the registered identifier (``scheme-id``), else the
    normalised name, else the party id qualified by the ocid.
    """
    registered = _object(party.get("identifier"))
    scheme, number = _text(registered.get("scheme")), registered.get("id")
    if isinstance(number, int | float) and not isinstance(number, bool):
        number = str(number)
    if scheme is not None and _text(number) is not None:
        return f"{scheme}-{number}"
    key = name_key(name)
    if key is not None:
        return key
    return f"{ocid}/{identifier}" if identifier is not None else None


def award_table(releases: Iterable[Any]) -> pd.DataFrame:
    """One row per supplier of each active award.

    Columns: ``ocid, buyer_id, award_id, supplier_id, supplier_name, value, currency, sme,
    vcse, public``. ``value`` is the award value divided equally among its suppliers.
    ``supplier_id`` is the supplier's registered identifier (``scheme-id``), else its
    normalised name (:func:`spiral.spend.names.name_key`), since party ids are only unique
    within a contracting process.

    Examples
    --------
    >>> release = {"ocid": "a", "buyer": {"id": "B"},
    ...     "parties": [{"id": "1", "name": "S Ltd", "details": {"scale": "sme"},
    ...                  "identifier": {"scheme": "GB-COH", "id": "01234567"}}],
    ...     "awards": [{"id": "1", "status": "active", "value": {"amount": 10, "currency": "GBP"},
    ...                 "suppliers": [{"id": "1", "name": "S Ltd"}, {"name": "T Limited"}]}]}
    >>> award_table([release])[["supplier_id", "value", "sme"]].values.tolist()
    [['GB-COH-01234567', 5.0, True], ['t ltd', 5.0, <NA>]]
    """
    return _award_frame([row for release in releases for row in _award_rows(release)])


def _award_rows(release: Any) -> list[dict[str, Any]]:
    if not isinstance(release, dict) or _text(release.get("ocid")) is None:
        return []
    rows = []
    parties = {
        identifier: _object(party)
        for party in _list(release.get("parties"))
        if (identifier := _text(_object(party).get("id"))) is not None
    }
    buyer_id = _text(_object(release.get("buyer")).get("id"))
    for award in _list(release.get("awards")):
        award_object = _object(award)
        if award_object.get("status") != "active":
            continue
        suppliers = [_object(s) for s in _list(award_object.get("suppliers"))]
        amount, currency = _amount(award_object.get("value"))
        share = amount / len(suppliers) if amount is not None and suppliers else None
        for supplier in suppliers:
            identifier = _text(supplier.get("id"))
            party = parties.get(identifier, {}) if identifier is not None else {}
            name = _text(supplier.get("name")) or _text(party.get("name"))
            sme, vcse, public = _party_kind(party) if party else (None, None, False)
            rows.append(
                {
                    "ocid": release["ocid"],
                    "buyer_id": buyer_id,
                    "award_id": _text(str(award_object.get("id", "")) or None),
                    "supplier_id": _organisation_key(release["ocid"], identifier, party, name),
                    "supplier_name": name,
                    "value": share,
                    "currency": currency,
                    "sme": sme,
                    "vcse": vcse,
                    "public": public,
                }
            )
    return rows


def _award_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=_AWARD_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    for column in ("sme", "vcse"):
        frame[column] = frame[column].astype("boolean")
    frame["public"] = frame["public"].astype(bool)
    return frame


def procurement_tables(releases: Iterable[Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables in one pass over the releases (for streams too big to hold in memory).

    Returns
    -------
    tuple of DataFrame
        ``(process_table(releases), award_table(releases))``, reading each release once.

    Examples
    --------
    >>> processes, awards = procurement_tables(iter([{"ocid": "a", "awards": [
    ...     {"status": "active", "suppliers": [{"name": "S Ltd"}]}]}]))
    >>> len(processes), awards["supplier_id"].tolist()
    (1, ['s ltd'])
    """
    process_rows: list[dict[str, Any]] = []
    award_rows: list[dict[str, Any]] = []
    for release in releases:
        row = _process_row(release)
        if row is not None:
            process_rows.append(row)
            award_rows.extend(_award_rows(release))
    return _process_frame(process_rows), _award_frame(award_rows)


def _group_keys(frame: pd.DataFrame, by: str, market_digits: int) -> pd.Series:
    if by == "country":
        return pd.Series("all", index=frame.index, dtype=object)
    if by == "buyer":
        return frame["buyer_id"].fillna("(unknown buyer)").astype(object)
    return frame["classification"].str.slice(0, market_digits).fillna("(unclassified)")


def _ratio_rows(
    by: str, indicator: str, numerator: pd.Series, denominator: pd.Series
) -> pd.DataFrame:
    denominator = denominator.astype("float64")
    numerator = numerator.reindex(denominator.index, fill_value=0).astype("float64")
    value = numerator / denominator.where(denominator > 0)
    return pd.DataFrame(
        {
            "by": by,
            "group": denominator.index.astype(str),
            "indicator": indicator,
            "value": value.to_numpy(),
            "numerator": numerator.to_numpy(),
            "denominator": denominator.to_numpy(),
        }
    )


def _value_rows(by: str, indicator: str, values: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "by": by,
            "group": values.index.astype(str),
            "indicator": indicator,
            "value": values.astype("float64").to_numpy(),
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )


def procurement_indicators(
    processes: pd.DataFrame,
    awards: pd.DataFrame,
    *,
    by: str = "country",
    currency: str = "GBP",
    market_digits: int = 2,
    top: tuple[int, ...] = (1, 3, 5),
) -> pd.DataFrame:
    """Procurement indicators per buyer, market or for the whole country, as a tidy table.

    Parameters
    ----------
    processes : DataFrame
        From :func:`process_table`.
    awards : DataFrame
        From :func:`award_table`.
    by : {"country", "buyer", "market"}
        The grouping. A market is a classification prefix (``market_digits`` characters).
    currency : str
        Only award values in this currency are summed, compared and shared.
    market_digits : int
        Length of the classification prefix that defines a market (2: CPV division).
    top : tuple of int
        The N of the top-N supplier shares.

    Returns
    -------
    DataFrame
        Columns ``by, group, indicator, value, numerator, denominator`` (numerator and
        denominator are given for ratios, ``NaN`` otherwise). Indicators: ``processes``,
        ``bidders_mean``, ``bidders_median``, ``single_bid_rate``, ``open_procedure_share``,
        ``tender_period_days_median``, ``days_tender_to_award_median``,
        ``award_value_count``, ``award_value_total``, ``award_value_mean``,
        ``award_value_p25``, ``award_value_median``, ``award_value_p75``,
        ``supplier_hhi``, ``top{N}_supplier_share``, ``sme_value_share``,
        ``sme_award_share``, ``vcse_value_share``, ``public_body_value_share``,
        ``repeat_award_share``, ``modified_share``.

    Raises
    ------
    ValueError
        On an unknown grouping.

    Examples
    --------
    >>> releases = [
    ...     {"ocid": "a", "buyer": {"id": "B"}, "tender": {"numberOfTenderers": 1,
    ...      "procurementMethod": "open"}, "awards": [{"status": "active",
    ...      "value": {"amount": 30, "currency": "GBP"}, "suppliers": [{"id": "S"}]}]},
    ...     {"ocid": "b", "buyer": {"id": "B"}, "tender": {"numberOfTenderers": 3,
    ...      "procurementMethod": "limited"}, "awards": [{"status": "active",
    ...      "value": {"amount": 10, "currency": "GBP"}, "suppliers": [{"id": "T"}]}]}]
    >>> table = procurement_indicators(process_table(releases), award_table(releases))
    >>> table.set_index("indicator").loc[["single_bid_rate", "supplier_hhi"], "value"].tolist()
    [0.5, 6250.0]
    """
    if by not in GROUPINGS:
        raise InputError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    if processes.empty:
        return pd.DataFrame(
            {
                "by": pd.Series(dtype=object),
                "group": pd.Series(dtype=object),
                "indicator": pd.Series(dtype=object),
                "value": pd.Series(dtype="float64"),
                "numerator": pd.Series(dtype="float64"),
                "denominator": pd.Series(dtype="float64"),
            }
        )
    frame = processes.copy()
    frame["_group"] = _group_keys(frame, by, market_digits)
    group_of = frame.set_index("ocid")["_group"]
    grouped = frame.groupby("_group", sort=True)
    parts: list[pd.DataFrame] = []
    count = grouped.size()
    parts.append(_value_rows(by, "processes", count))

    known = frame[frame["bidders"].notna()]
    bidders = known.groupby("_group")["bidders"]
    parts.append(_value_rows(by, "bidders_mean", bidders.mean().reindex(count.index)))
    parts.append(_value_rows(by, "bidders_median", bidders.median().reindex(count.index)))
    parts.append(
        _ratio_rows(
            by,
            "single_bid_rate",
            (known["bidders"] == 1).groupby(known["_group"]).sum(),
            bidders.size().reindex(count.index, fill_value=0),
        )
    )
    method = frame[frame["procurement_method"].notna()]
    parts.append(
        _ratio_rows(
            by,
            "open_procedure_share",
            (method["procurement_method"] == "open").groupby(method["_group"]).sum(),
            method.groupby("_group").size().reindex(count.index, fill_value=0),
        )
    )
    seconds_per_day = 86_400.0
    frame["_period"] = (
        frame["tender_end"] - frame["tender_start"]
    ).dt.total_seconds() / seconds_per_day
    frame["_to_award"] = (
        frame["award_date"] - frame["tender_end"]
    ).dt.total_seconds() / seconds_per_day
    parts.append(
        _value_rows(
            by,
            "tender_period_days_median",
            frame.groupby("_group")["_period"].median().reindex(count.index),
        )
    )
    parts.append(
        _value_rows(
            by,
            "days_tender_to_award_median",
            frame.groupby("_group")["_to_award"].median().reindex(count.index),
        )
    )
    valued = frame[frame["award_value"].notna() & (frame["award_currency"] == currency)]
    values = valued.groupby("_group")["award_value"]
    parts.append(
        _value_rows(by, "award_value_count", values.size().reindex(count.index, fill_value=0))
    )
    for name, series in (
        ("award_value_total", values.sum()),
        ("award_value_mean", values.mean()),
        ("award_value_p25", values.quantile(0.25)),
        ("award_value_median", values.median()),
        ("award_value_p75", values.quantile(0.75)),
    ):
        parts.append(_value_rows(by, name, series.reindex(count.index)))
    parts.extend(_supplier_parts(awards, group_of, count.index, by=by, currency=currency, top=top))
    contracted = frame[frame["has_award_or_contract"]]
    parts.append(
        _ratio_rows(
            by,
            "modified_share",
            contracted.groupby("_group")["amended"].sum(),
            contracted.groupby("_group").size().reindex(count.index, fill_value=0),
        )
    )
    table = pd.concat(parts, ignore_index=True)
    order = {name: index for index, name in enumerate(dict.fromkeys(table["indicator"]))}
    return (
        table.assign(_order=table["indicator"].map(order))
        .sort_values(["group", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _supplier_parts(
    awards: pd.DataFrame,
    group_of: pd.Series,
    index: pd.Index,
    *,
    by: str,
    currency: str,
    top: tuple[int, ...],
) -> list[pd.DataFrame]:
    parts: list[pd.DataFrame] = []
    rows = awards[awards["ocid"].isin(group_of.index)].copy()
    rows["_group"] = rows["ocid"].map(group_of)
    money = rows[rows["value"].notna() & (rows["currency"] == currency)]
    per_supplier = money.groupby(["_group", "supplier_id"])["value"].sum()
    group_total = per_supplier.groupby(level=0).sum()
    shares = per_supplier / group_total.reindex(per_supplier.index.get_level_values(0)).to_numpy()
    hhi = (shares**2).groupby(level=0).sum() * 10_000
    parts.append(_value_rows(by, "supplier_hhi", hhi.reindex(index)))
    ranked = shares.sort_values(ascending=False).groupby(level=0)
    for n in top:
        parts.append(
            _value_rows(
                by, f"top{n}_supplier_share", ranked.head(n).groupby(level=0).sum().reindex(index)
            )
        )
    for name, column in (("sme", "sme"), ("vcse", "vcse"), ("public_body", "public")):
        known = money[money[column].notna()]
        parts.append(
            _ratio_rows(
                by,
                f"{name}_value_share",
                known["value"]
                .where(known[column].astype(bool), 0.0)
                .groupby(known["_group"])
                .sum(),
                known.groupby("_group")["value"].sum().reindex(index, fill_value=0.0),
            )
        )
        if name == "sme":
            known_rows = rows[rows["sme"].notna()]
            parts.append(
                _ratio_rows(
                    by,
                    "sme_award_share",
                    known_rows["sme"].astype(bool).groupby(known_rows["_group"]).sum(),
                    known_rows.groupby("_group").size().reindex(index, fill_value=0),
                )
            )
    pairs = awards.dropna(subset=["buyer_id", "supplier_id"])
    meetings = pairs.groupby(["buyer_id", "supplier_id"])["ocid"].nunique()
    repeat_pairs = meetings[meetings > 1].index
    keyed = rows.dropna(subset=["buyer_id", "supplier_id"])
    is_repeat = pd.MultiIndex.from_frame(keyed[["buyer_id", "supplier_id"]]).isin(repeat_pairs)
    parts.append(
        _ratio_rows(
            by,
            "repeat_award_share",
            pd.Series(is_repeat, index=keyed.index).groupby(keyed["_group"]).sum(),
            keyed.groupby("_group").size().reindex(index, fill_value=0),
        )
    )
    return parts
