"""The economic appraisal of a set of options, all at once.

HM Treasury Green Book (2022), sections 5–6 and Annex A6: cash flows by year in real prices,
raised by optimism bias, discounted with the stepped STPR schedule, give for each option

* present value (PV) of costs and of benefits;
* net present social value, NPSV = PV benefits − PV costs;
* net present cost, NPC = PV costs − PV (income + cashable savings), the net cost to the
  public purse;
* benefit–cost ratio, BCR = PV benefits / PV costs (not computed when PV costs are zero);
* equivalent annual cost, EAC = PV costs / Σ\\ :sub:`t=1..T` factor(*t*), the level annual
  payment over years 1..*T* with the same present value (not computed when *T* = 0);
* payback year: the first year from which the cumulative discounted net benefit is above
  zero and stays there to the end of the appraisal period (none when it never does).

Every figure comes from one array computation over options × categories × years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from spiral.appraisal.discounting import Convention, RateSchedule, discount_factors
from spiral.appraisal.options import BENEFIT_CATEGORIES, CATEGORIES, LAST_YEAR, SIGNS, Option
from spiral.appraisal.prices import to_real
from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]

_CASH_BENEFITS = np.array([c in ("income", "cashable_savings") for c in CATEGORIES])
_BENEFITS = np.array([c in BENEFIT_CATEGORIES for c in CATEGORIES])


def ranks(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Rank values, 1 for the highest; equal values share the better rank.

    Used for NPSV and for multi-criteria totals.

    Examples
    --------
    >>> ranks([3.0, 5.0, 3.0]).tolist()
    [2, 1, 2]
    """
    t = np.asarray(values, dtype=np.float64)
    scale = max(1.0, float(np.abs(t).max())) if t.size else 1.0
    higher = t[None, :] > t[:, None] + 1e-12 * scale
    return np.asarray(1 + higher.sum(axis=1), dtype=np.int64)


@dataclass(frozen=True)
class AppraisalSettings:
    """How the options are appraised.

    Attributes
    ----------
    horizon : int or None
        The last year of the appraisal period (years 0..horizon); None = the last year with
        a cash flow in any option.
    schedule : str or RateSchedule
        Discount schedule for every category not named in ``category_schedules``.
    category_schedules : mapping of category to schedule name
        For example ``{"monetised_outcomes": "health"}`` to discount health effects at 1.5%.
    convention : Convention
        End-of-year (default) or mid-year discounting.
    prices : {"real", "nominal"}
        Whether the cash flows are in real prices already or in cash terms.
    first_year : int or None
        Calendar (or financial) year of year 0; needed for nominal prices.
    price_base_year : int or None
        The price base of the appraisal.
    deflator : mapping of year to index
        The price index (e.g. GDP deflator) for nominal prices.
    """

    horizon: int | None = None
    schedule: str | RateSchedule = "standard"
    category_schedules: Mapping[str, str | RateSchedule] = field(default_factory=dict)
    convention: Convention = Convention.END_OF_YEAR
    prices: Literal["real", "nominal"] = "real"
    first_year: int | None = None
    price_base_year: int | None = None
    deflator: Mapping[int, float] = field(default_factory=dict)

    def schedule_name(self) -> str:
        """Name of the main schedule.

        Examples
        --------
        >>> AppraisalSettings(schedule="health").schedule_name()
        'health'
        """
        return self.schedule if isinstance(self.schedule, str) else self.schedule.name


@dataclass(frozen=True)
class AppraisalResult:
    """Figures for every option; arrays are indexed like ``options``.

    ``pv`` holds the present value of each category (options × categories, costs and
    benefits both positive, after optimism bias); ``payback_year`` is −1 where the option
    does not pay back within the period; ``bcr`` and ``eac`` are NaN where not computed.
    """

    options: tuple[Option, ...]
    years: npt.NDArray[np.int64]
    settings: AppraisalSettings
    pv: FloatArray
    pv_costs: FloatArray
    pv_benefits: FloatArray
    npsv: FloatArray
    npc: FloatArray
    bcr: FloatArray
    eac: FloatArray
    payback_year: npt.NDArray[np.int64]

    @property
    def names(self) -> list[str]:
        """Option names, in order.

        Examples
        --------
        >>> appraise([Option("A", "grant", {}), Option("B", "in_house", {})]).names
        ['A', 'B']
        """
        return [o.name for o in self.options]

    @property
    def preferred(self) -> str:
        """The option with the highest NPSV (the first listed, on a tie).

        Examples
        --------
        >>> appraise([Option("A", "grant", {"income": {0: 1.0}}),
        ...           Option("B", "in_house", {"income": {0: 2.0}})]).preferred
        'B'
        """
        return self.names[int(np.argmax(self.npsv))]

    def table(self) -> list[dict[str, Any]]:
        """One plain row per option, ranked by NPSV (1 = highest; ties share a rank).

        Examples
        --------
        >>> a = Option("A", "in_house", {"operating": {1: 103.5}, "income": {1: 207.0}})
        >>> row = appraise([a]).table()[0]
        >>> round(row["npsv"], 6), row["bcr"], row["payback_year"], row["rank"]
        (100.0, 2.0, 1, 1)
        """
        rank = ranks(self.npsv)
        rows = []
        for i, option in enumerate(self.options):
            rows.append(
                {
                    "option": option.name,
                    "delivery_model": option.delivery_model.value,
                    "pv_costs": float(self.pv_costs[i]),
                    "pv_benefits": float(self.pv_benefits[i]),
                    "npc": float(self.npc[i]),
                    "npsv": float(self.npsv[i]),
                    "bcr": None if np.isnan(self.bcr[i]) else float(self.bcr[i]),
                    "eac": None if np.isnan(self.eac[i]) else float(self.eac[i]),
                    "payback_year": None if self.payback_year[i] < 0 else int(self.payback_year[i]),
                    "rank": int(rank[i]),
                }
            )
        return rows


def category_factors(years: npt.ArrayLike, settings: AppraisalSettings) -> FloatArray:
    """Discount factors for each category and year (categories × years).

    Examples
    --------
    >>> f = category_factors([0, 1], AppraisalSettings(
    ...     category_schedules={"monetised_outcomes": "health"}))
    >>> f[CATEGORIES.index("monetised_outcomes"), 1].round(6), f[0, 1].round(6)
    (np.float64(0.985222), np.float64(0.966184))
    """
    unknown = set(settings.category_schedules) - set(CATEGORIES)
    if unknown:
        raise InputError(f"category_schedules: unknown category {sorted(unknown)[0]!r}")
    base = discount_factors(years, settings.schedule, settings.convention)
    rows = [
        base
        if category not in settings.category_schedules
        else discount_factors(years, settings.category_schedules[category], settings.convention)
        for category in CATEGORIES
    ]
    return np.vstack(rows)


def cash_flow_cube(
    options: Sequence[Option], years: npt.ArrayLike, settings: AppraisalSettings
) -> FloatArray:
    """Real cash flows after optimism bias, as options × categories × years.

    Nominal flows are first converted to the price base year with the deflator.

    Examples
    --------
    >>> o = Option("A", "grant", {"capital": {0: 100.0}}, {"capital": 4.0})
    >>> cash_flow_cube([o], [0], AppraisalSettings())[0, 0].tolist()
    [104.0]
    """
    ys = np.asarray(years, dtype=np.int64)
    cube = np.stack([option.flows(ys) for option in options]) if options else np.zeros((0,))
    if settings.prices == "nominal":
        if settings.first_year is None or settings.price_base_year is None:
            raise InputError("nominal prices need first_year and price_base_year")
        cube = to_real(cube, ys + settings.first_year, settings.deflator, settings.price_base_year)
    bias = np.stack([option.bias_vector() for option in options])
    return np.asarray(cube * (1 + bias[:, :, None] / 100), dtype=np.float64)


def appraise(
    options: Sequence[Option], settings: AppraisalSettings | None = None
) -> AppraisalResult:
    """Appraise every option at once in Green Book terms.

    Parameters
    ----------
    options : sequence of Option
        Options with distinct names.
    settings : AppraisalSettings, optional

    Returns
    -------
    AppraisalResult

    Examples
    --------
    Green Book Annex A6: £103.50 of benefit a year from now is worth £100 today at 3.5%.

    >>> a = Option("A", "in_house", {"capital": {0: 50.0}, "income": {1: 103.5}})
    >>> b = Option("B", "co_production", {"operating": {1: 10.35}})
    >>> r = appraise([a, b])
    >>> r.npsv.round(6).tolist(), r.preferred
    ([50.0, -10.0], 'A')
    """
    settings = settings or AppraisalSettings()
    if not options:
        raise InputError("appraisal: give at least one option")
    names = [o.name for o in options]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputError(f"option {duplicated[0]!r}: two options have the same name")
    last = max(o.last_year for o in options)
    horizon = last if settings.horizon is None else settings.horizon
    if not 0 <= horizon <= LAST_YEAR:
        raise InputError(f"appraisal, field horizon: must be from 0 to {LAST_YEAR}")
    if horizon < last:
        first_late = next(o.name for o in options if o.last_year > horizon)
        raise InputError(
            f"option {first_late!r}, field cash_flows: a cash flow falls after the last year "
            f"of the appraisal period ({horizon})"
        )
    years = np.arange(horizon + 1, dtype=np.int64)
    factors = category_factors(years, settings)
    cube = cash_flow_cube(options, years, settings)
    discounted = cube * factors[None, :, :]
    pv = discounted.sum(axis=2)
    pv_costs = pv[:, ~_BENEFITS].sum(axis=1)
    pv_benefits = pv[:, _BENEFITS].sum(axis=1)
    npsv = pv_benefits - pv_costs
    npc = pv_costs - pv[:, _CASH_BENEFITS].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        bcr = np.where(pv_costs > 0, pv_benefits / np.where(pv_costs > 0, pv_costs, 1.0), np.nan)
    annuity = float(factors[0, 1:].sum())
    eac = pv_costs / annuity if annuity > 0 else np.full(len(options), np.nan)
    net_by_year = (discounted * SIGNS[None, :, None]).sum(axis=1)
    cumulative = np.cumsum(net_by_year, axis=1)
    stays = np.flip(np.logical_and.accumulate(np.flip(cumulative > 0, axis=1), axis=1), axis=1)
    payback = np.where(stays.any(axis=1), np.argmax(stays, axis=1), -1).astype(np.int64)
    return AppraisalResult(
        options=tuple(options),
        years=years,
        settings=settings,
        pv=pv,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npsv=npsv,
        npc=npc,
        bcr=bcr,
        eac=np.asarray(eac, dtype=np.float64),
        payback_year=payback,
    )
