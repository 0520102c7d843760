"""Transaction costs of securing a service, set against the contract's value.

A procurement costs the commissioner staff time and outside help before the award (market
engagement, specification, evaluation, legal) and after it (contract monitoring, disputes),
and costs every bidder the preparation of a bid. Following Williamson's transaction cost
economics as applied to public services (Bovaird, Briggs & Willis 2014; Domberger & Jensen
1997), Spiral counts:

- staff cost = staff days x day rate, before and after award;
- the commissioner's cost = staff cost + external costs, before and after award;
- bidders' cost = bids x a per-bid cost (a documented assumption, for example the Cabinet
  Office estimate of a typical bid's cost, stated with its source);
- the whole transaction cost = the commissioner's cost + bidders' cost;
- the expected saving = contract value x the expected saving rate (what competition or a
  change of route is expected to save, another documented assumption).

The procurement **costs more than it can save** when the whole transaction cost exceeds the
expected saving.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CostInputs", "CostSummary", "transaction_costs"]

BEFORE = ("market_engagement", "specification", "evaluation", "legal")
AFTER = ("monitoring", "disputes")


@dataclass(frozen=True)
class CostInputs:
    """Staff days and external costs by activity, the day rate and the assumptions."""

    day_rate: float
    staff_days: dict[str, float] = field(default_factory=dict)
    external: dict[str, float] = field(default_factory=dict)
    bids: int = 0
    per_bid_cost: float = 0.0
    contract_value: float = 0.0
    expected_saving_rate: float = 0.0


@dataclass(frozen=True)
class CostSummary:
    """The costs worked out from :class:`CostInputs` (pounds)."""

    staff_before: float
    external_before: float
    staff_after: float
    external_after: float
    commissioner_before: float
    commissioner_after: float
    commissioner_total: float
    bidders: float
    total: float
    contract_value: float
    share_of_value: float | None
    expected_saving: float
    net_saving: float
    costs_more_than_it_saves: bool


def _check(inputs: CostInputs) -> None:
    unknown = (set(inputs.staff_days) | set(inputs.external)) - set(BEFORE) - set(AFTER)
    if unknown:
        raise ValueError(f"unknown activity: {', '.join(sorted(unknown))}")
    numbers = {
        "day_rate": inputs.day_rate,
        "bids": inputs.bids,
        "per_bid_cost": inputs.per_bid_cost,
        "contract_value": inputs.contract_value,
        "expected_saving_rate": inputs.expected_saving_rate,
        **{f"staff_days.{k}": v for k, v in inputs.staff_days.items()},
        **{f"external.{k}": v for k, v in inputs.external.items()},
    }
    for name, value in numbers.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, but is {value}")
    if inputs.expected_saving_rate > 1:
        raise ValueError("expected_saving_rate is a fraction between 0 and 1")


def transaction_costs(inputs: CostInputs) -> CostSummary:
    """Work out the transaction costs of one sourcing route and set them against its value.

    Parameters
    ----------
    inputs : CostInputs
        Staff days and external costs by activity (``market_engagement``, ``specification``,
        ``evaluation``, ``legal`` before award; ``monitoring``, ``disputes`` after), the day
        rate, the number of bids, the per-bid cost, the contract value and the expected
        saving rate.

    Returns
    -------
    CostSummary
        ``share_of_value`` is the commissioner's total cost over the contract value (``None``
        for a contract of no value).

    Raises
    ------
    ValueError
        On a negative figure, an unknown activity or a saving rate above 1.

    Examples
    --------
    >>> summary = transaction_costs(CostInputs(
    ...     day_rate=350.0,
    ...     staff_days={"specification": 10, "evaluation": 8, "monitoring": 12},
    ...     external={"legal": 4_000.0},
    ...     bids=5, per_bid_cost=3_000.0,
    ...     contract_value=400_000.0, expected_saving_rate=0.05))
    >>> summary.commissioner_before, summary.commissioner_after, summary.bidders
    (10300.0, 4200.0, 15000.0)
    >>> summary.total, summary.expected_saving, summary.costs_more_than_it_saves
    (29500.0, 20000.0, True)
    >>> round(summary.share_of_value, 4)
    0.0362
    """
    _check(inputs)
    days = inputs.staff_days
    external = inputs.external
    staff_before = sum(float(days.get(k, 0.0)) for k in BEFORE) * inputs.day_rate
    staff_after = sum(float(days.get(k, 0.0)) for k in AFTER) * inputs.day_rate
    external_before = sum(float(external.get(k, 0.0)) for k in BEFORE)
    external_after = sum(float(external.get(k, 0.0)) for k in AFTER)
    before = staff_before + external_before
    after = staff_after + external_after
    commissioner = before + after
    bidders = inputs.bids * inputs.per_bid_cost
    total = commissioner + bidders
    saving = inputs.contract_value * inputs.expected_saving_rate
    return CostSummary(
        staff_before=staff_before,
        external_before=external_before,
        staff_after=staff_after,
        external_after=external_after,
        commissioner_before=before,
        commissioner_after=after,
        commissioner_total=commissioner,
        bidders=bidders,
        total=total,
        contract_value=inputs.contract_value,
        share_of_value=commissioner / inputs.contract_value if inputs.contract_value else None,
        expected_saving=saving,
        net_saving=saving - total,
        costs_more_than_it_saves=total > saving,
    )
