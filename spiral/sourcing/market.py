"""A market seen from its contracts and its payments: providers, shares and concentration.

Two sources describe who a commissioner buys from:

- **contracts**, from OCDS: each active award's value, split equally among its suppliers
  (:func:`spiral.ocds.indicators.award_table`); the concentration and diversity indicators
  come from :func:`spiral.ocds.indicators.procurement_indicators`;
- **payments**, from the council's spend file (:func:`spiral.spend.links.supplier_table`).

:func:`supplier_shares` turns either into one row per provider with its share of the
total; :func:`concentration` gives the Herfindahl-Hirschman index (HHI, the sum of squared
percentage shares, 0 to 10,000; the US Department of Justice and Federal Trade Commission
*Merger Guidelines* (2023) call a market above 1,800 highly concentrated and 1,000 to 1,800
moderately concentrated) and the top-N shares. :func:`market_position_statement` drafts a
market position statement (the Care Act 2014 s.5 duty to shape the market; Department of
Health and Social Care, *Care and support statutory guidance*, ch. 4) for the commissioner
to edit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd

from spiral.ocds.classifications import matching_ocids

__all__ = [
    "concentration",
    "concentration_band",
    "market_position_statement",
    "market_selection",
    "supplier_shares",
]

HIGH = 1_800.0
MODERATE = 1_000.0


def supplier_shares(
    table: pd.DataFrame, *, key: str, name: str, value: str, top: int | None = None
) -> pd.DataFrame:
    """One row per provider: its name, value, count of rows and share of the total.

    Parameters
    ----------
    table : DataFrame
        An award table (``key="supplier_id", name="supplier_name", value="value"``) or a
        supplier table of payments (``key="supplier_key", name="names", value="net_total"``).
    top : int, optional
        Keep the largest ``top`` providers only (shares stay shares of the whole market).

    Returns
    -------
    DataFrame
        Columns ``key, name, value, count, share``, largest first; rows without a value or
        with a value of 0 or less are left out.

    Examples
    --------
    >>> awards = pd.DataFrame({"supplier_id": ["a", "b", "a"], "supplier_name": ["A", "B", "A"],
    ...                        "value": [30.0, 40.0, 30.0]})
    >>> supplier_shares(awards, key="supplier_id", name="supplier_name",
    ...                 value="value").values.tolist()
    [['a', 'A', 60.0, 2, 0.6], ['b', 'B', 40.0, 1, 0.4]]
    """
    kept = table[table[value].notna() & (table[value] > 0)]
    grouped = kept.groupby(key, sort=True)
    frame = pd.DataFrame(
        {
            "name": grouped[name].first(),
            "value": grouped[value].sum().astype("float64"),
            "count": grouped.size(),
        }
    ).reset_index(names="key")
    total = frame["value"].sum()
    frame["share"] = frame["value"] / total if total > 0 else 0.0
    frame = frame.sort_values(["value", "key"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    return frame.head(top) if top is not None else frame


def market_selection(
    processes: pd.DataFrame,
    classifications: pd.DataFrame,
    *,
    cpv: Iterable[str] = (),
    buyer: str | None = None,
    awarded_from: dt.date | None = None,
    awarded_to: dt.date | None = None,
) -> list[str]:
    """The contracting processes of the market relevant to a service.

    A process is kept when any of its items is classified under one of the CPV prefixes
    (:func:`spiral.ocds.classifications.matching_ocids`; no prefix keeps every process), its
    buyer is ``buyer`` (if given) and its earliest active award falls on or between
    ``awarded_from`` and ``awarded_to`` (UTC days; an open end is not checked, and a process
    without an award is left out once either end is given).

    Parameters
    ----------
    processes : DataFrame
        From :func:`spiral.ocds.indicators.process_table` (``ocid``, ``buyer_id``,
        ``award_date``).
    classifications : DataFrame
        From :func:`spiral.ocds.classifications.classification_table`.

    Returns
    -------
    list of str
        The ocids kept, sorted.

    Examples
    --------
    >>> processes = pd.DataFrame({"ocid": ["a", "b", "c"], "buyer_id": ["B1", "B2", "B1"],
    ...     "award_date": pd.to_datetime(["2024-01-10", "2024-06-01", None], utc=True)})
    >>> classes = pd.DataFrame({"ocid": ["a", "b", "c"], "scheme": ["CPV"] * 3,
    ...     "code": ["85310000", "85311000", "45000000"], "description": [None] * 3})
    >>> market_selection(processes, classes, cpv=("8531",))
    ['a', 'b']
    >>> market_selection(processes, classes, buyer="B1")
    ['a', 'c']
    >>> market_selection(processes, classes, awarded_to=dt.date(2024, 1, 10))
    ['a']
    """
    keep = pd.Series(True, index=processes.index)
    prefixes = tuple(cpv)
    if prefixes:
        keep &= processes["ocid"].isin(matching_ocids(classifications, prefixes))
    if buyer:
        keep &= processes["buyer_id"] == buyer
    awarded = processes["award_date"]
    if awarded_from is not None:
        keep &= awarded >= pd.Timestamp(awarded_from, tz="UTC")
    if awarded_to is not None:
        keep &= awarded < pd.Timestamp(awarded_to, tz="UTC") + pd.Timedelta(days=1)
    return sorted(processes.loc[keep, "ocid"].astype(str).unique().tolist())


def concentration(shares: pd.Series, *, top: tuple[int, ...] = (1, 3, 5)) -> dict[str, float]:
    """The HHI (0 to 10,000) and top-N shares of a market, from providers' shares (fractions).

    Examples
    --------
    >>> concentration(pd.Series([0.5, 0.3, 0.2]))
    {'hhi': 3800.0, 'top1': 0.5, 'top3': 1.0, 'top5': 1.0}
    >>> concentration(pd.Series([], dtype=float))
    {'hhi': nan, 'top1': nan, 'top3': nan, 'top5': nan}
    """
    if shares.empty:
        return {"hhi": float("nan"), **{f"top{n}": float("nan") for n in top}}
    ordered = shares.sort_values(ascending=False)
    result = {"hhi": round(float((ordered**2).sum() * 10_000), 6)}
    for n in top:
        result[f"top{n}"] = round(float(ordered.head(n).sum()), 6)
    return result


def concentration_band(hhi: float) -> str:
    """The band of an HHI under the 2023 Merger Guidelines.

    Examples
    --------
    >>> concentration_band(2500.0), concentration_band(1200.0), concentration_band(400.0)
    ('highly concentrated', 'moderately concentrated', 'unconcentrated')
    >>> concentration_band(float("nan"))
    'not known'
    """
    if math.isnan(hhi):
        return "not known"
    if hhi > HIGH:
        return "highly concentrated"
    if hhi >= MODERATE:
        return "moderately concentrated"
    return "unconcentrated"


def _percent(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "not known"
    return f"{value * 100:.0f}%"


def market_position_statement(
    *,
    service: str,
    commissioner: str,
    providers: pd.DataFrame,
    hhi: float,
    sme_share: float | None,
    vcse_share: float | None,
    public_share: float | None,
    spend_total: float | None = None,
    scope: str = "",
) -> str:
    """A first draft of a market position statement, for the commissioner to edit.

    Parameters
    ----------
    providers : DataFrame
        From :func:`supplier_shares` (``name``, ``share``), largest first.
    hhi, sme_share, vcse_share, public_share : float
        From the procurement indicators (shares as fractions; ``None`` or NaN when unknown).
    scope : str, optional
        What part of the market the contract figures cover (for example the CPV codes
        chosen), said after the opening sentence.

    Examples
    --------
    >>> providers = pd.DataFrame({"name": ["Care Co", "Help Ltd"], "share": [0.7, 0.3]})
    >>> text = market_position_statement(service="Home care", commissioner="Kingsmere",
    ...     providers=providers, hhi=5800.0, sme_share=0.3, vcse_share=None, public_share=0.0)
    >>> print(text.splitlines()[0])
    Market position statement: Home care
    >>> "highly concentrated" in text and "Care Co (70%)" in text
    True
    """
    lines = [f"Market position statement: {service}", ""]
    count = len(providers)
    lines.append(
        f"{commissioner} buys this service from {count} provider"
        f"{'' if count == 1 else 's'} in the contracts and payments on record."
    )
    if scope:
        lines.append(f"The contract figures cover {scope}.")
    if count:
        head = providers.head(3)
        leading = ", ".join(
            f"{name} ({_percent(float(share))})"
            for name, share in zip(head["name"].tolist(), head["share"].tolist(), strict=True)
        )
        lines.append(f"The largest are {leading}.")
    band = concentration_band(hhi)
    shown = "not known" if math.isnan(hhi) else f"{hhi:,.0f}"
    lines.append(f"The market is {band} (Herfindahl-Hirschman index {shown}).")
    lines.append(
        f"Small and medium-sized enterprises hold {_percent(sme_share)} of contract value, "
        f"voluntary, community and social enterprise organisations {_percent(vcse_share)}, "
        f"and public bodies {_percent(public_share)}."
    )
    if spend_total is not None:
        lines.append(f"Payments to providers on record total £{spend_total:,.0f}.")
    lines += [
        "",
        "What we will do: [how the council will shape the market, what it expects of "
        "providers, and how it will keep the market sustainable under the Care Act 2014 s.5.]",
        "",
        "What we want from providers: [the gaps in supply, the outcomes sought, and how "
        "providers can talk to us.]",
    ]
    return "\n".join(lines)
