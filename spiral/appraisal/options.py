"""Options for appraisal: delivery model, cash flows by year and category, assumptions.

Every option is described in the same terms whatever its delivery model (the Green Book's
requirement that options are appraised on a common basis, section 4 and 5): costs (capital,
operating, transition, and the transaction costs of its sourcing route) and benefits (income,
cashable savings, monetised outcomes), each by year from year 0, in real prices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]


class DeliveryModel(StrEnum):
    """How the service would be delivered under an option."""

    IN_HOUSE = "in_house"
    EXTERNAL_CONTRACT = "external_contract"
    GRANT = "grant"
    PARTNERSHIP = "partnership"
    POOLED_BUDGET = "pooled_budget"
    SHARED_SERVICE = "shared_service"
    CO_PRODUCTION = "co_production"
    PERSONAL_BUDGETS = "personal_budgets"
    DECOMMISSION = "decommission"
    DO_MINIMUM = "do_minimum"


#: The latest year an appraisal may reach (the schedules' last band starts at year 301).
LAST_YEAR = 1000

#: Cost categories, in the order used in every array.
COST_CATEGORIES: tuple[str, ...] = ("capital", "operating", "transition", "transaction")
#: Benefit categories, after the costs.
BENEFIT_CATEGORIES: tuple[str, ...] = ("income", "cashable_savings", "monetised_outcomes")
CATEGORIES: tuple[str, ...] = COST_CATEGORIES + BENEFIT_CATEGORIES
#: +1 for a benefit, −1 for a cost, by category.
SIGNS: FloatArray = np.array([-1.0] * len(COST_CATEGORIES) + [1.0] * len(BENEFIT_CATEGORIES))


@dataclass(frozen=True)
class Assumption:
    """An assumption of the appraisal with the reason for it.

    ``topic`` names what it is about; the topics ``optimism_bias``, ``transaction`` and
    ``risk`` are read by the neutrality checks as the recorded reason for treating an
    option differently.
    """

    topic: str
    text: str
    reason: str = ""


@dataclass(frozen=True, init=False)
class Option:
    """One option: a delivery model and its cash flows.

    Parameters
    ----------
    name : str
    delivery_model : DeliveryModel or str
    cash_flows : mapping of category to mapping of year to amount
        Non-negative real amounts; costs and benefits are both entered as positive numbers.
    optimism_bias : mapping of category to per cent
        Uplift applied to that cost category (Green Book optimism bias).
    optimism_bias_reason : str
        Why these optimism-bias figures (the source, or the mitigation).
    assumptions : tuple of Assumption

    Examples
    --------
    >>> o = Option("Run it ourselves", "in_house", {"operating": {0: 10.0, 1: 10.0}})
    >>> o.flows([0, 1, 2])[CATEGORIES.index("operating")].tolist()
    [10.0, 10.0, 0.0]
    >>> try:
    ...     Option("X", "outsourced", {})
    ... except InputError as error:
    ...     print(error)
    option 'X', field delivery_model: 'outsourced' is not a delivery model ...
    """

    name: str
    delivery_model: DeliveryModel
    cash_flows: Mapping[str, Mapping[int, float]]
    optimism_bias: Mapping[str, float] = field(default_factory=dict)
    assumptions: tuple[Assumption, ...] = ()
    description: str = ""
    optimism_bias_reason: str = ""

    def __init__(
        self,
        name: str,
        delivery_model: DeliveryModel | str,
        cash_flows: Mapping[str, Mapping[int, float]],
        optimism_bias: Mapping[str, float] | None = None,
        *,
        assumptions: tuple[Assumption, ...] = (),
        description: str = "",
        optimism_bias_reason: str = "",
    ) -> None:
        if not str(name).strip():
            raise InputError("option: every option needs a name")
        try:
            model = DeliveryModel(delivery_model)
        except ValueError:
            known = ", ".join(m.value for m in DeliveryModel)
            raise InputError(
                f"option {name!r}, field delivery_model: {delivery_model!r} is not a delivery "
                f"model (use one of {known})"
            ) from None
        flows: dict[str, dict[int, float]] = {}
        for category, by_year in cash_flows.items():
            where = f"option {name!r}, field cash_flows.{category}"
            if category not in CATEGORIES:
                raise InputError(f"{where}: unknown category (use one of {', '.join(CATEGORIES)})")
            flows[category] = {}
            for year, amount in by_year.items():
                if int(year) != year or not 0 <= year <= LAST_YEAR:
                    raise InputError(
                        f"{where}: year {year!r} must be a whole number from 0 to {LAST_YEAR}"
                    )
                value = float(amount)
                if not np.isfinite(value) or value < 0:
                    raise InputError(
                        f"{where}, year {year}: amount must be a number ≥ 0 (enter savings "
                        f"and income as benefits), not {amount!r}"
                    )
                flows[category][int(year)] = value
        bias: dict[str, float] = {}
        for category, pct in (optimism_bias or {}).items():
            where = f"option {name!r}, field optimism_bias.{category}"
            if category not in COST_CATEGORIES:
                raise InputError(f"{where}: optimism bias applies to cost categories only")
            if not np.isfinite(pct) or pct < 0:
                raise InputError(f"{where}: must be a percentage ≥ 0, not {pct!r}")
            bias[category] = float(pct)
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "delivery_model", model)
        object.__setattr__(self, "cash_flows", flows)
        object.__setattr__(self, "optimism_bias", bias)
        object.__setattr__(self, "assumptions", tuple(assumptions))
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "optimism_bias_reason", optimism_bias_reason.strip())

    @property
    def last_year(self) -> int:
        """The last year with a cash flow (0 when there is none).

        Examples
        --------
        >>> Option("A", "grant", {"operating": {3: 1.0}}).last_year
        3
        """
        years = [y for by_year in self.cash_flows.values() for y in by_year]
        return max(years, default=0)

    def flows(self, years: npt.ArrayLike) -> FloatArray:
        """Cash flows as an array of shape (categories, years), zero where none is given.

        Examples
        --------
        >>> Option("A", "grant", {"income": {1: 5.0}}).flows([0, 1]).sum(axis=1).tolist()
        [0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0]
        """
        ys = np.asarray(years, dtype=np.int64)
        out = np.zeros((len(CATEGORIES), ys.size), dtype=np.float64)
        position = {int(y): i for i, y in enumerate(ys.tolist())}
        for c, category in enumerate(CATEGORIES):
            for year, amount in self.cash_flows.get(category, {}).items():
                if year in position:
                    out[c, position[year]] = amount
        return out

    def bias_vector(self) -> FloatArray:
        """Optimism-bias uplift (per cent) by category, zero for benefits.

        Examples
        --------
        >>> Option("A", "grant", {}, {"capital": 24.0}).bias_vector().tolist()[:2]
        [24.0, 0.0]
        """
        return np.array([self.optimism_bias.get(c, 0.0) for c in CATEGORIES], dtype=np.float64)

    def reason_for(self, topic: str) -> str:
        """The recorded reason for an assumption on ``topic`` (empty when none).

        For ``optimism_bias`` the option's ``optimism_bias_reason`` comes first.

        Examples
        --------
        >>> Option("A", "grant", {}, assumptions=(Assumption("risk", "none", "small"),)
        ...        ).reason_for("risk")
        'small'
        >>> Option("A", "grant", {}, {"operating": 41.0}, optimism_bias_reason="outsourcing"
        ...        ).reason_for("optimism_bias")
        'outsourcing'
        """
        if topic == "optimism_bias" and self.optimism_bias_reason:
            return self.optimism_bias_reason
        return next((a.reason for a in self.assumptions if a.topic == topic and a.reason), "")
