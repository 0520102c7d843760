"""Weighted multi-criteria scoring of options, and how robust its ranking is to the weights.

HM Treasury Green Book (2022), section 5 and Annex A2 (non-monetisable effects), and the
MHCLG *Multi-criteria analysis: a manual* (2009), chapter 6 (linear additive model and
sensitivity of the weights): each option scores on each criterion; the weighted total is
Σ weight × score; options rank by total (1 = best, ties share the better rank).

Robustness to the weights:

* the smallest change in one criterion's weight — the others rescaled in proportion so the
  weights still add up to 1 — that changes the top-ranked option (a closed form: every
  total is linear in that change);
* random perturbation: each weight multiplied by an independent uniform factor in
  [1 − spread, 1 + spread], renormalised, repeated with a seed; the share of draws in which
  each option ranks first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from spiral.appraisal.appraisal import ranks
from spiral.appraisal.sensitivity import first_crossings
from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]

#: The criteria Spiral suggests for what is not monetised.
DEFAULT_CRITERIA: tuple[str, ...] = (
    "quality",
    "outcomes_for_users",
    "social_value",
    "resilience",
    "what_users_said",
    "deliverability",
)


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Return weights as fractions of 1, accepting weights that add up to 1 or to 100.

    Examples
    --------
    >>> normalise_weights({"quality": 60, "deliverability": 40})
    {'quality': 0.6, 'deliverability': 0.4}
    >>> normalise_weights({"quality": 0.5, "deliverability": 0.4})
    Traceback (most recent call last):
    ...
    spiral.exceptions.InputError: mcda, field weight: the weights add up to 0.9, not 1 or 100
    """
    if not weights:
        raise InputError("mcda, field criteria: give at least one criterion")
    for name, weight in weights.items():
        if not np.isfinite(weight) or weight < 0:
            raise InputError(f"mcda, criterion {name!r}, field weight: must be a number ≥ 0")
    total = float(sum(weights.values()))
    if np.isclose(total, 1.0, rtol=0, atol=1e-9):
        return {k: float(v) for k, v in weights.items()}
    if np.isclose(total, 100.0, rtol=0, atol=1e-7):
        return {k: float(v) / 100 for k, v in weights.items()}
    raise InputError(f"mcda, field weight: the weights add up to {total:g}, not 1 or 100")


@dataclass(frozen=True)
class MCDAResult:
    """Weighted scores of each option (options × criteria)."""

    options: tuple[str, ...]
    criteria: tuple[str, ...]
    weights: FloatArray
    scores: FloatArray

    @property
    def totals(self) -> FloatArray:
        """Weighted total of each option.

        Examples
        --------
        >>> score(["A"], {"quality": 75, "resilience": 25},
        ...       {"A": {"quality": 4, "resilience": 8}}).totals.tolist()
        [5.0]
        """
        return np.asarray(self.scores @ self.weights, dtype=np.float64)

    @property
    def top(self) -> str:
        """The top-ranked option (the first listed, on a tie).

        Examples
        --------
        >>> score(["A", "B"], {"quality": 1}, {"A": {"quality": 4}, "B": {"quality": 6}}).top
        'B'
        """
        return self.options[int(np.argmax(self.totals))]

    def table(self) -> list[dict[str, Any]]:
        """One row per option: scores, weighted total and rank.

        Examples
        --------
        >>> r = score(["A", "B"], {"quality": 50, "resilience": 50},
        ...           {"A": {"quality": 8, "resilience": 4}, "B": {"quality": 5, "resilience": 6}})
        >>> [(row["option"], row["total"], row["rank"]) for row in r.table()]
        [('A', 6.0, 1), ('B', 5.5, 2)]
        """
        rank = ranks(self.totals)
        return [
            {
                "option": name,
                **{c: float(self.scores[i, j]) for j, c in enumerate(self.criteria)},
                "total": float(self.totals[i]),
                "rank": int(rank[i]),
            }
            for i, name in enumerate(self.options)
        ]


def score(
    options: Sequence[str],
    weights: Mapping[str, float],
    scores: Mapping[str, Mapping[str, float]],
) -> MCDAResult:
    """Weighted scoring of options on criteria (linear additive model).

    Parameters
    ----------
    options : sequence of str
        Option names, in the order wanted.
    weights : mapping of criterion to weight
        Adding up to 1 or 100.
    scores : mapping of option to mapping of criterion to score
        Every option needs a score on every criterion.

    Examples
    --------
    >>> score(["A"], {"quality": 1.0}, {"A": {}})
    Traceback (most recent call last):
    ...
    spiral.exceptions.InputError: mcda, option 'A', field quality: no score given
    """
    w = normalise_weights(weights)
    criteria = tuple(w)
    matrix = np.zeros((len(options), len(criteria)))
    for name in scores:
        if name not in options:
            raise InputError(f"mcda, option {name!r}: there is no such option")
    for i, name in enumerate(options):
        given = scores.get(name, {})
        for extra in given:
            if extra not in w:
                raise InputError(f"mcda, option {name!r}, field {extra}: not a weighted criterion")
        for j, criterion in enumerate(criteria):
            value = given.get(criterion)
            if value is None:
                raise InputError(f"mcda, option {name!r}, field {criterion}: no score given")
            if not np.isfinite(float(value)):
                raise InputError(f"mcda, option {name!r}, field {criterion}: not a number")
            matrix[i, j] = float(value)
    return MCDAResult(tuple(options), criteria, np.array(list(w.values())), matrix)


@dataclass(frozen=True)
class WeightSwitch:
    """Smallest change in one weight (others rescaled) that changes the top option."""

    criterion: str
    weight: float
    increase: float | None
    top_after_increase: str | None
    decrease: float | None
    top_after_decrease: str | None


def weight_switching(result: MCDAResult) -> list[WeightSwitch]:
    """For each criterion, the weight change that alters the top rank (closed form).

    Raising weight *j* by δ and scaling the others by (1 − w\\ :sub:`j` − δ)/(1 − w\\ :sub:`j`)
    changes option *o*'s total by δ·(x\\ :sub:`oj` − (T\\ :sub:`o` − w\\ :sub:`j`
    x\\ :sub:`oj`)/(1 − w\\ :sub:`j`)); δ runs from −w\\ :sub:`j` to 1 − w\\ :sub:`j`.

    Examples
    --------
    >>> r = score(["A", "B"], {"quality": 50, "resilience": 50},
    ...           {"A": {"quality": 8, "resilience": 4}, "B": {"quality": 5, "resilience": 6}})
    >>> s = weight_switching(r)[0]
    >>> s.criterion, round(s.decrease, 6), s.top_after_decrease
    ('quality', -0.1, 'B')
    """
    totals = result.totals
    leader = int(np.argmax(totals))
    out = []
    for j, criterion in enumerate(result.criteria):
        wj = float(result.weights[j])
        x = result.scores[:, j]
        # with a single criterion weighted 1, no change of weight can move any total
        slopes = np.zeros_like(x) if wj >= 1 else x - (totals - wj * x) / (1 - wj)
        cross = first_crossings(totals, slopes, leader, lowest=-wj, highest=1 - wj)
        out.append(
            WeightSwitch(
                criterion=criterion,
                weight=wj,
                increase=cross.up,
                top_after_increase=None if cross.up_to is None else result.options[cross.up_to],
                decrease=cross.down,
                top_after_decrease=None if cross.down_to is None else result.options[cross.down_to],
            )
        )
    return out


def weight_perturbation(
    result: MCDAResult, draws: int = 10_000, spread: float = 0.2, seed: int | None = None
) -> dict[str, float]:
    """Share of randomly perturbed weightings under which each option ranks first.

    Examples
    --------
    >>> r = score(["A", "B"], {"quality": 50, "resilience": 50},
    ...           {"A": {"quality": 8, "resilience": 4}, "B": {"quality": 5, "resilience": 6}})
    >>> shares = weight_perturbation(r, draws=2000, spread=0.5, seed=3)
    >>> shares["A"] > shares["B"], round(sum(shares.values()), 9)
    (True, 1.0)
    """
    if not 0 <= spread < 1:
        raise InputError("mcda, field spread: must be at least 0 and below 1")
    if draws < 1:
        raise InputError("mcda, field draws: must be at least 1")
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(draws, result.weights.size))
    weights = factors * result.weights[None, :]
    sums = weights.sum(axis=1, keepdims=True)
    weights = weights / np.where(sums > 0, sums, 1.0)
    totals = weights @ result.scores.T
    first = np.bincount(np.argmax(totals, axis=1), minlength=len(result.options)) / draws
    return {name: float(first[i]) for i, name in enumerate(result.options)}
