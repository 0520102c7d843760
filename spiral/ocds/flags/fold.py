"""One pass over each compiled release: the per-process red flags and the running tallies.

:func:`fold_release` reads only the fields the enabled indicators need from one compiled
release (a parsed JSON object) and adds to a :class:`Partial`: the flags that depend on the
contracting process alone (R003, R018, R028, R030, R035, R036) are settled at once; the
outlier flags (R024, R025, R038, R048, R058) only keep the tallies they need, which
:mod:`spiral.ocds.flags.finalize` turns into flags once every release is read. Partials of
different parts of a file merge with :meth:`Partial.merge`.

Every rule follows Cardinal (open-contracting/cardinal-rs, ``src/lib.rs`` and
``src/indicators/*.rs``): a process is skipped when its ``ocid`` is not a string, its
``tender/status`` is ``cancelled``, or its ``tender/procurementMethodDetails`` is excluded.
A bid is *submitted* unless its status is ``invited`` or ``withdrawn``; an award is *final*
when active, cancelled or unsuccessful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeGuard

from spiral.ocds.flags.settings import FlagSettings

__all__ = ["BID_ROWS", "Partial", "bid_row", "fold_release"]

_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)\Z")
_SECONDS_PER_DAY = 86_400


@dataclass
class Partial:
    """What one part of a file contributes to the results.

    ``ocid`` and ``tenderer`` hold settled flags (``{id: {code: value}}``); ``currency`` is the
    main currency (from the settings, or the first one observed); ``first_currency`` is the
    currency this part adopted by itself, which :mod:`spiral.ocds.flags.runner` checks.
    """

    currency: str | None = None
    first_currency: str | None = None
    ocid: dict[str, dict[str, float]] = field(default_factory=dict)
    tenderer: dict[str, dict[str, float]] = field(default_factory=dict)
    #: ocid -> (difference, winner id, lowest other tenderer id), for R024 and R058.
    bid_ratios: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    #: tenderer -> [winning, valid] processes, for R025.
    r025: dict[str, list[int]] = field(default_factory=dict)
    #: id -> [disqualified, submitted] bids, for R038.
    r038_buyer: dict[str, list[int]] = field(default_factory=dict)
    r038_procuring_entity: dict[str, list[int]] = field(default_factory=dict)
    r038_tenderer: dict[str, list[int]] = field(default_factory=dict)
    #: supplier -> (processes, classification prefixes), for R048.
    r048: dict[str, tuple[list[int], set[str]]] = field(default_factory=dict)
    releases: int = 0

    def merge(self, other: Partial) -> None:
        """Add a later part's contribution to this one (in file order).

        Examples
        --------
        >>> a, b = Partial(), Partial()
        >>> a.r025["T"] = [1, 2]; b.r025["T"] = [0, 1]
        >>> a.merge(b); a.r025["T"]
        [1, 3]
        """
        for key, flags in other.ocid.items():
            self.ocid.setdefault(key, {}).update(flags)
        for key, flags in other.tenderer.items():
            self.tenderer.setdefault(key, {}).update(flags)
        self.bid_ratios.update(other.bid_ratios)
        for mine, theirs in (
            (self.r025, other.r025),
            (self.r038_buyer, other.r038_buyer),
            (self.r038_procuring_entity, other.r038_procuring_entity),
            (self.r038_tenderer, other.r038_tenderer),
        ):
            for key, (numerator, denominator) in theirs.items():
                tally = mine.get(key)
                if tally is None:
                    mine[key] = [numerator, denominator]
                else:
                    tally[0] += numerator
                    tally[1] += denominator
        for key, (count, codes) in other.r048.items():
            entry = self.r048.get(key)
            if entry is None:
                self.r048[key] = (count, codes)
            else:
                entry[0][0] += count[0]
                entry[1].update(codes)
        if self.currency is None:
            self.currency = other.currency
        if self.first_currency is None:
            self.first_currency = other.first_currency
        self.releases += other.releases


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_datetime(text: str) -> datetime | None:
    """Parse an RFC 3339 date-time, as chrono's ``parse_from_rfc3339`` accepts it."""
    if _RFC3339.match(text) is None:
        return None
    normal = text.replace("t", "T").replace("z", "Z").replace(" ", "T", 1)
    try:
        return datetime.fromisoformat(normal)
    except ValueError:
        return None


def _whole_days(start: datetime, end: datetime) -> int:
    """Whole days between two instants, truncated towards zero (chrono's ``num_days``)."""
    delta = end - start
    seconds = delta.days * _SECONDS_PER_DAY + delta.seconds
    if seconds < 0 and delta.microseconds:
        seconds += 1
    return seconds // _SECONDS_PER_DAY if seconds >= 0 else -((-seconds) // _SECONDS_PER_DAY)


def _matches_details(tender: Any, include: frozenset[str], exclude: frozenset[str]) -> bool:
    """Cardinal's allow list / deny list test on ``tender/procurementMethodDetails``."""
    details = tender.get("procurementMethodDetails") if isinstance(tender, dict) else None
    if isinstance(details, str):
        return details in include if include else details not in exclude
    return not include


def _matches_method(tender: dict[str, Any], methods: frozenset[str]) -> bool:
    if not methods:
        return True
    method = tender.get("procurementMethod")
    return isinstance(method, str) and method in methods


#: One bid, read once: (status, tenderer ids or None when ``tenderers`` is not an array,
#: the sole tenderer's id, amount, currency, date). Missing or mistyped members are None.
_BidRow = tuple[str | None, list[str] | None, str | None, float | None, str | None, str | None]
_SKIPPED = frozenset({"invited", "withdrawn"})


_NO_BID: _BidRow = (None, None, None, None, None, None)
#: Key under which a decoder may hand over the bid rows it has already read (see
#: :func:`bid_row`); not a string, so never a key of parsed JSON.
BID_ROWS: Any = object()


def bid_row(status: Any, tenderers: Any, value: Any, date: Any) -> _BidRow:
    """Read one bid's members, with the types Cardinal requires of them.

    Examples
    --------
    >>> bid_row("valid", [{"id": "W"}], {"amount": 1, "currency": "USD"}, None)
    ('valid', ['W'], 'W', 1.0, 'USD', None)
    """
    ids: list[str] | None = None
    sole: str | None = None
    if isinstance(tenderers, list):
        ids = [
            identifier
            for tenderer in tenderers
            if isinstance(tenderer, dict) and isinstance(identifier := tenderer.get("id"), str)
        ]
        if len(tenderers) == 1 and len(ids) == 1:
            sole = ids[0]
    amount: float | None = None
    currency: str | None = None
    if isinstance(value, dict):
        number = value.get("amount")
        if _is_number(number):
            amount = float(number)
        code = value.get("currency")
        if isinstance(code, str):
            currency = code
    return (
        status if isinstance(status, str) else None,
        ids,
        sole,
        amount,
        currency,
        date if isinstance(date, str) else None,
    )


def _bid_rows(details: list[Any]) -> list[_BidRow]:
    """Read each bid's members once."""
    return [
        bid_row(bid.get("status"), bid.get("tenderers"), bid.get("value"), bid.get("date"))
        if isinstance(bid, dict)
        else _NO_BID
        for bid in details
    ]


def _final_awards(awards: Any, rows: list[_BidRow] | None) -> list[dict[str, Any]] | None:
    """The active awards, or ``None`` if an award is not final or awards or bids are missing."""
    if not isinstance(awards, list) or rows is None:
        return None
    active: list[dict[str, Any]] = []
    for award in awards:
        status = award.get("status") if isinstance(award, dict) else None
        if isinstance(status, str):
            if status == "active":
                active.append(award)
            elif status not in {"cancelled", "unsuccessful"}:
                return None
    return active


def _single_supplier(active: list[dict[str, Any]]) -> str | None:
    """The supplier of the only active award, when it has exactly one supplier with an id."""
    if len(active) != 1:
        return None
    suppliers = active[0].get("suppliers")
    if not isinstance(suppliers, list) or len(suppliers) != 1:
        return None
    supplier = suppliers[0]
    identifier = supplier.get("id") if isinstance(supplier, dict) else None
    return identifier if isinstance(identifier, str) else None


def _supplier_ids(awards: list[Any]) -> set[str]:
    """The supplier ids of the active awards among ``awards``."""
    suppliers: set[str] = set()
    for award in awards:
        if isinstance(award, dict) and award.get("status") == "active":
            listed = award.get("suppliers")
            if isinstance(listed, list):
                suppliers.update(
                    identifier
                    for supplier in listed
                    if isinstance(supplier, dict)
                    and isinstance(identifier := supplier.get("id"), str)
                )
    return suppliers


def _main_currency(partial: Partial, currency: str) -> str:
    """The main currency, adopting ``currency`` when none is set yet (Cardinal's rule)."""
    if partial.currency is None:
        partial.currency = currency
        partial.first_currency = currency
    return partial.currency


def _bid_ratio(
    partial: Partial, active: list[dict[str, Any]], rows: list[_BidRow], ocid: str
) -> None:
    """The difference between the winning bid and the lowest other valid bid (R024, R058)."""
    supplier = _single_supplier(active)
    if supplier is None:
        return
    winner_amount: float | None = None
    other: str | None = None
    other_amount: float | None = None
    for status, _, tenderer, amount, currency, _ in rows:
        if status != "valid" or amount is None or currency is None or tenderer is None:
            continue
        if currency != _main_currency(partial, currency):
            continue
        if tenderer == supplier:
            if winner_amount is None or amount < winner_amount:
                winner_amount = amount
        elif other_amount is None or amount < other_amount:
            other, other_amount = tenderer, amount
    if (
        winner_amount is not None
        and other is not None
        and other_amount is not None
        and other_amount >= winner_amount
    ):
        difference = (
            (other_amount - winner_amount) / winner_amount
            if winner_amount
            else (float("nan") if other_amount == winner_amount else float("inf"))
        )
        partial.bid_ratios[ocid] = (difference, supplier, other)


def _r003(partial: Partial, settings: FlagSettings, tender: dict[str, Any], ocid: str) -> None:
    if not _matches_method(tender, settings.r003_procurement_methods):
        return
    period = tender.get("tenderPeriod")
    if not isinstance(period, dict):
        return
    start, end = period.get("startDate"), period.get("endDate")
    if not isinstance(start, str) or not isinstance(end, str):
        return
    start_at, end_at = _parse_datetime(start), _parse_datetime(end)
    if start_at is None or end_at is None:
        return
    details = tender.get("procurementMethodDetails")
    threshold = settings.r003_threshold
    if isinstance(details, str) and details in settings.r003_procurement_method_details:
        threshold = settings.r003_procurement_method_details[details]
    if _whole_days(start_at, end_at) < threshold:
        partial.ocid.setdefault(ocid, {})["R003"] = 1.0


def _r018(partial: Partial, settings: FlagSettings, tender: dict[str, Any], ocid: str) -> None:
    if not _matches_method(tender, settings.r018_procurement_methods):
        return
    number = tender.get("numberOfTenderers")
    if isinstance(number, int) and not isinstance(number, bool) and number == 1:
        partial.ocid.setdefault(ocid, {})["R018"] = 1.0


def _r025(partial: Partial, active: list[dict[str, Any]], rows: list[_BidRow]) -> None:
    supplier = _single_supplier(active)
    if supplier is None:
        return
    valid = {sole for status, _, sole, _, _, _ in rows if status == "valid" and sole is not None}
    for tenderer in valid:
        tally = partial.r025.get(tenderer)
        won = 1 if tenderer == supplier else 0
        if tally is None:
            partial.r025[tenderer] = [won, 1]
        else:
            tally[0] += won
            tally[1] += 1


def _r028(partial: Partial, rows: list[_BidRow], ocid: str) -> None:
    prices: dict[tuple[float, str], frozenset[str]] = {}
    for status, ids, _, amount, currency, _ in rows:
        if status is None or status in _SKIPPED or ids is None:
            continue
        if amount is None or currency is None or not ids:
            continue
        tenderers = frozenset(ids)
        price = (amount, currency)
        seen = prices.get(price)
        if seen is not None and seen != tenderers:
            partial.ocid.setdefault(ocid, {})["R028"] = 1.0
            for identifier in tenderers | seen:
                partial.tenderer.setdefault(identifier, {})["R028"] = 1.0
        prices[price] = tenderers


def _r030(
    partial: Partial, awards: Any, tender: Any, rows: list[_BidRow] | None, ocid: str
) -> None:
    period = tender.get("tenderPeriod") if isinstance(tender, dict) else None
    end = period.get("endDate") if isinstance(period, dict) else None
    if not isinstance(end, str) or not isinstance(awards, list) or rows is None:
        return
    suppliers = _supplier_ids(awards)
    for status, ids, _, _, _, date in rows:
        # Cardinal compares the date strings, not the instants.
        if status != "valid" or date is None or ids is None or date <= end:
            continue
        for identifier in ids:
            if identifier in suppliers:
                partial.ocid.setdefault(ocid, {})["R030"] = 1.0
                partial.tenderer.setdefault(identifier, {})["R030"] = 1.0


def _r035(
    partial: Partial,
    settings: FlagSettings,
    active: list[dict[str, Any]],
    rows: list[_BidRow],
    ocid: str,
) -> None:
    suppliers = _supplier_ids(active)
    valid: set[str] = set()
    disqualified: set[str] = set()
    for status, ids, _, _, _, _ in rows:
        if ids is None:
            continue
        if status == "valid":
            valid.update(ids)
        elif status == "disqualified":
            disqualified.update(ids)
    if len(valid) == 1 and valid == suppliers:
        others = len(disqualified - valid)
        if others >= settings.r035_threshold:
            partial.ocid.setdefault(ocid, {})["R035"] = float(others)
            partial.tenderer.setdefault(next(iter(valid)), {})["R035"] = 0.0


def _r036(partial: Partial, awards: Any, rows: list[_BidRow], ocid: str) -> None:
    if not isinstance(awards, list) or not any(
        isinstance(award, dict) and award.get("status") == "active" for award in awards
    ):
        return
    lowest: float | None = None
    lowest_disqualified = False
    valid_with_amount = False
    for status, _, _, amount, currency, _ in rows:
        if status is None or status in _SKIPPED or amount is None or currency is None:
            continue
        if currency != _main_currency(partial, currency):
            continue
        if lowest is None or amount < lowest:
            lowest = amount
            lowest_disqualified = status == "disqualified"
        if status == "valid":
            valid_with_amount = True
    if valid_with_amount and lowest_disqualified:
        partial.ocid.setdefault(ocid, {})["R036"] = 1.0


def _r038(partial: Partial, release: dict[str, Any], rows: list[_BidRow]) -> None:
    count = 0
    disqualified = 0
    tallies = partial.r038_tenderer
    for status, ids, _, _, _, _ in rows:
        if status is None or status in _SKIPPED:
            continue
        count += 1
        increment = 1 if status == "disqualified" else 0
        disqualified += increment
        for identifier in ids or ():
            tally = tallies.get(identifier)
            if tally is None:
                tallies[identifier] = [increment, 1]
            else:
                tally[0] += increment
                tally[1] += 1
    if count == 0:
        return
    buyer = release.get("buyer")
    buyer_id = buyer.get("id") if isinstance(buyer, dict) else None
    if isinstance(buyer_id, str):
        tally = partial.r038_buyer.setdefault(buyer_id, [0, 0])
        tally[0] += disqualified
        tally[1] += count
    tender = release.get("tender")
    entity = tender.get("procuringEntity") if isinstance(tender, dict) else None
    entity_id = entity.get("id") if isinstance(entity, dict) else None
    if isinstance(entity_id, str):
        tally = partial.r038_procuring_entity.setdefault(entity_id, [0, 0])
        tally[0] += disqualified
        tally[1] += count


def _r048(partial: Partial, settings: FlagSettings, release: dict[str, Any]) -> None:
    awards = release.get("awards")
    if not isinstance(awards, list):
        return
    observed: set[str] = set()
    digits = settings.r048_digits
    for award in awards:
        if not isinstance(award, dict) or award.get("status") != "active":
            continue
        items, suppliers = award.get("items"), award.get("suppliers")
        if not isinstance(items, list) or not isinstance(suppliers, list) or len(suppliers) != 1:
            continue
        supplier = suppliers[0].get("id") if isinstance(suppliers[0], dict) else None
        if not isinstance(supplier, str):
            continue
        for item in items:
            classification = item.get("classification") if isinstance(item, dict) else None
            code = classification.get("id") if isinstance(classification, dict) else None
            if not isinstance(code, str):
                continue
            entry = partial.r048.get(supplier)
            if entry is None:
                entry = partial.r048[supplier] = ([0], set())
            if supplier not in observed:
                observed.add(supplier)
                entry[0][0] += 1
            entry[1].add(code[:digits])


def fold_release(partial: Partial, release: Any, settings: FlagSettings) -> None:
    """Add one compiled release to a partial result.

    Parameters
    ----------
    partial : Partial
        Updated in place.
    release : object
        One parsed compiled release; anything that is not an object with a string ``ocid`` is
        skipped, as Cardinal does.
    settings : FlagSettings
        Which indicators run, and how.

    Examples
    --------
    >>> from spiral.ocds.flags.settings import FlagSettings
    >>> partial = Partial()
    >>> fold_release(partial, {"ocid": "F", "tender": {"numberOfTenderers": 1,
    ...     "procurementMethod": "open"}}, FlagSettings(enabled=frozenset({"R018"})))
    >>> partial.ocid
    {'F': {'R018': 1.0}}
    """
    if not isinstance(release, dict):
        return
    ocid = release.get("ocid")
    if not isinstance(ocid, str):
        return
    tender = release.get("tender")
    if isinstance(tender, dict) and tender.get("status") == "cancelled":
        return
    if not _matches_details(tender, frozenset(), settings.exclude_procurement_method_details):
        return
    partial.releases += 1
    enabled = settings.enabled
    if isinstance(tender, dict):
        if "R003" in enabled:
            _r003(partial, settings, tender, ocid)
        if "R018" in enabled:
            _r018(partial, settings, tender, ocid)
    price_comparison = _matches_details(
        tender,
        settings.price_comparison_procurement_methods,
        settings.no_price_comparison_procurement_methods,
    )
    _fold_bids_and_awards(partial, release, settings, ocid, price_comparison=price_comparison)
    if "R048" in enabled:
        _r048(partial, settings, release)


def _fold_bids_and_awards(
    partial: Partial,
    release: dict[str, Any],
    settings: FlagSettings,
    ocid: str,
    *,
    price_comparison: bool,
) -> None:
    """The indicators that read bids (R024, R025, R028, R030, R035, R036, R038, R058)."""
    enabled = settings.enabled
    if BID_ROWS in release:
        rows = release[BID_ROWS]
    else:
        bids = release.get("bids")
        details = bids.get("details") if isinstance(bids, dict) else None
        rows = _bid_rows(details) if isinstance(details, list) else None
    awards = release.get("awards")
    active = _final_awards(awards, rows)
    if active is not None and rows is not None:
        if price_comparison and ("R024" in enabled or "R058" in enabled):
            _bid_ratio(partial, active, rows, ocid)
        if "R025" in enabled:
            _r025(partial, active, rows)
        if "R035" in enabled:
            _r035(partial, settings, active, rows, ocid)
    if "R030" in enabled:
        _r030(partial, awards, release.get("tender"), rows, ocid)
    if rows:
        if "R028" in enabled and price_comparison:
            _r028(partial, rows, ocid)
        if "R036" in enabled and price_comparison:
            _r036(partial, awards, rows, ocid)
        if "R038" in enabled:
            _r038(partial, release, rows)
