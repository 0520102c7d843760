"""Scoring bids on price, quality and social value with published weights.

The method is the one the Cabinet Office's *Guidance on the evaluation of tenders* (2024)
and the Social Value Model (PPN 06/20, a minimum 10% weight for social value) describe:

- **price score** by the lowest-price ratio: ``100 x lowest price / bid price``;
- **quality** and **social value** scored by the panel out of 100 (after moderation);
- **weighted score** = ``(w_price x price + w_quality x quality + w_social x social) / 100``,
  with weights in whole percentages summing to 100;
- bids ranked by weighted score, highest first (ties share a rank).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["check_weights", "score_bids"]


def check_weights(price: int, quality: int, social_value: int) -> None:
    """Refuse weights that are negative or do not sum to 100.

    Examples
    --------
    >>> check_weights(40, 50, 10)
    >>> check_weights(40, 50, 20)
    Traceback (most recent call last):
    ...
    ValueError: the weights must sum to 100, but sum to 110
    """
    for name, weight in (("price", price), ("quality", quality), ("social value", social_value)):
        if weight < 0 or weight > 100:
            raise ValueError(f"the {name} weight must be between 0 and 100, but is {weight}")
    total = price + quality + social_value
    if total != 100:
        raise ValueError(f"the weights must sum to 100, but sum to {total}")


def score_bids(
    bids: pd.DataFrame, *, price_weight: int, quality_weight: int, social_value_weight: int
) -> pd.DataFrame:
    """Score every bid and rank them.

    Parameters
    ----------
    bids : DataFrame
        Columns ``bidder``, ``price`` (positive), ``quality`` and ``social_value`` (0 to 100).
    price_weight, quality_weight, social_value_weight : int
        Weights in percent, summing to 100.

    Returns
    -------
    DataFrame
        The bids with ``price_score``, ``weighted_score`` and ``rank`` added.

    Raises
    ------
    ValueError
        On weights that do not sum to 100, a price that is not positive, or a score outside
        0 to 100, naming the bidder.

    Examples
    --------
    >>> bids = pd.DataFrame({"bidder": ["A", "B"], "price": [100_000.0, 80_000.0],
    ...                      "quality": [80.0, 60.0], "social_value": [50.0, 70.0]})
    >>> scored = score_bids(bids, price_weight=40, quality_weight=50, social_value_weight=10)
    >>> scored[["bidder", "price_score", "weighted_score", "rank"]].values.tolist()
    [['A', 80.0, 77.0, 1], ['B', 100.0, 77.0, 1]]
    """
    check_weights(price_weight, quality_weight, social_value_weight)
    frame = bids.copy()
    for column in ("price", "quality", "social_value"):
        frame[column] = frame[column].astype("float64")
    bad_price = frame["bidder"][~(frame["price"] > 0)]
    if len(bad_price):
        raise ValueError(f"bid from {bad_price.iloc[0]}: the price must be more than 0")
    for column in ("quality", "social_value"):
        outside = frame["bidder"][~frame[column].between(0, 100)]
        if len(outside):
            label = column.replace("_", " ")
            raise ValueError(f"bid from {outside.iloc[0]}: the {label} score must be 0 to 100")
    lowest = frame["price"].min() if len(frame) else np.nan
    frame["price_score"] = (100.0 * lowest / frame["price"]).round(2)
    frame["weighted_score"] = (
        (
            price_weight * frame["price_score"]
            + quality_weight * frame["quality"]
            + social_value_weight * frame["social_value"]
        )
        / 100.0
    ).round(2)
    frame["rank"] = frame["weighted_score"].rank(method="min", ascending=False).astype("int64")
    return frame
