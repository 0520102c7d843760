"""Optimism bias: the published bounds, combined projects and mitigation.

Mott MacDonald (2002) *Review of Large Public Procurement in the UK*, Table 2, reproduced as
Table 1 of HM Treasury *Supplementary Green Book Guidance: Optimism Bias*: upper and lower
bounds (%) on works duration and capital expenditure by project type; for outsourcing the
bounds apply to operating expenditure. A project made of several types takes the
share-weighted bound; mitigation reduces the bias by the share of its causes that have been
managed, never below the lower bound (the guidance's worked examples).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import numpy.typing as npt

from spiral.exceptions import InputError

Measure = Literal["capex", "duration"]
Bound = Literal["upper", "lower"]


@dataclass(frozen=True)
class OptimismBiasBounds:
    """Published bounds for one project type, in per cent.

    ``applies_to`` is ``capital`` for works projects and ``operating`` for outsourcing (the
    table's capex columns hold the operating-cost bias there). Duration bounds are None
    where the table gives none.
    """

    project_type: str
    capex_upper: float
    capex_lower: float
    duration_upper: float | None
    duration_lower: float | None
    applies_to: Literal["capital", "operating"]

    def value(self, measure: Measure, bound: Bound) -> float:
        """Return one bound, with a clear error where the table gives none.

        Examples
        --------
        >>> bounds("Standard Buildings").value("capex", "upper")
        24.0
        >>> try:
        ...     bounds("Outsourcing").value("duration", "upper")
        ... except InputError as error:
        ...     print(error)
        optimism bias: the table gives no duration bound for 'Outsourcing'
        """
        if measure == "capex":
            return self.capex_upper if bound == "upper" else self.capex_lower
        found = self.duration_upper if bound == "upper" else self.duration_lower
        if found is None:
            raise InputError(
                f"optimism bias: the table gives no duration bound for {self.project_type!r}"
            )
        return found


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def bounds_table() -> tuple[OptimismBiasBounds, ...]:
    """The Mott MacDonald (2002) table, one entry per project type.

    Examples
    --------
    >>> [b.project_type for b in bounds_table()][:2]
    ['Standard Buildings', 'Non-standard Buildings']
    """
    text = (
        resources.files("spiral.appraisal")
        .joinpath("data/optimism_bias_mott_macdonald_2002.csv")
        .read_text(encoding="utf-8")
    )
    rows = []
    for row in csv.DictReader(text.splitlines()):
        capex_upper = _number(row["capex_upper_pct"])
        capex_lower = _number(row["capex_lower_pct"])
        if capex_upper is None or capex_lower is None:  # pragma: no cover - shipped data
            raise InputError(f"optimism bias table: {row['project_type']} lacks capex bounds")
        rows.append(
            OptimismBiasBounds(
                project_type=row["project_type"],
                capex_upper=capex_upper,
                capex_lower=capex_lower,
                duration_upper=_number(row["works_duration_upper_pct"]),
                duration_lower=_number(row["works_duration_lower_pct"]),
                applies_to="operating" if row["project_type"] == "Outsourcing" else "capital",
            )
        )
    return tuple(rows)


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def bounds(project_type: str) -> OptimismBiasBounds:
    """Look up a project type (case, spaces, hyphens and slashes ignored).

    Examples
    --------
    >>> bounds("non-standard buildings").capex_upper
    51.0
    >>> bounds("outsourcing").applies_to
    'operating'
    """
    wanted = _key(project_type)
    for entry in bounds_table():
        if _key(entry.project_type) == wanted:
            return entry
    known = ", ".join(b.project_type for b in bounds_table())
    raise InputError(f"unknown optimism bias project type {project_type!r}: use one of {known}")


def _fractions(shares: Mapping[str, float]) -> dict[str, float]:
    total = float(sum(shares.values()))
    if any(v < 0 for v in shares.values()):
        raise InputError("optimism bias shares must not be negative")
    if np.isclose(total, 1.0):
        return {k: float(v) for k, v in shares.items()}
    if np.isclose(total, 100.0):
        return {k: float(v) / 100 for k, v in shares.items()}
    raise InputError(f"optimism bias shares must add up to 1 or 100, not {total:g}")


def combined_bias(
    shares: Mapping[str, float], measure: Measure = "capex", bound: Bound = "upper"
) -> float:
    """Optimism bias of a project combining several types: the share-weighted bound.

    Supplementary Green Book Guidance: Optimism Bias, "combined projects" worked example.

    Parameters
    ----------
    shares : mapping of project type to share
        Shares adding up to 1 or to 100.
    measure : {"capex", "duration"}
    bound : {"upper", "lower"}

    Returns
    -------
    float
        The combined bias in per cent.

    Examples
    --------
    >>> round(combined_bias({"Non-standard Buildings": 30, "Standard Buildings": 70}), 1)
    32.1
    >>> round(combined_bias({"Non-standard Buildings": 0.3, "Standard Buildings": 0.7},
    ...                     measure="duration"), 1)
    14.5
    """
    fractions = _fractions(shares)
    return float(
        sum(share * bounds(kind).value(measure, bound) for kind, share in fractions.items())
    )


def mitigated_bias(upper: float, mitigated: float, lower: float = 0.0, *, reason: str) -> float:
    """Optimism bias left once a share of its causes has been mitigated.

    Supplementary Green Book Guidance: Optimism Bias: the bias falls in proportion to the
    mitigated share of its contributory factors, from the upper bound towards (never
    below) the lower bound: ``max(lower, upper × (1 − mitigated))``. Mitigation must be
    justified, so a reason is required.

    Parameters
    ----------
    upper : float
        Starting (upper-bound) bias, per cent.
    mitigated : float
        Share mitigated: a fraction up to 1 (0.92), or a percentage above 1 (92).
    lower : float
        The published lower bound, per cent.
    reason : str
        Why the bias is mitigated (the evidence of risk management).

    Examples
    --------
    >>> round(mitigated_bias(51, 92, lower=4, reason="design fixed, contractor engaged"), 2)
    4.08
    >>> mitigated_bias(51, 1.0, lower=4, reason="all contributory factors managed")
    4.0
    >>> mitigated_bias(51, 0.5, lower=4, reason=" ")
    Traceback (most recent call last):
    ...
    spiral.exceptions.InputError: optimism bias mitigation needs a stated reason
    """
    if not reason.strip():
        raise InputError("optimism bias mitigation needs a stated reason")
    share = mitigated / 100 if mitigated > 1 else mitigated
    if not 0 <= share <= 1:
        raise InputError(f"mitigated share must be between 0 and 1 (or 0 and 100), not {mitigated}")
    if upper < 0 or lower < 0 or lower > upper:
        raise InputError(f"optimism bias bounds must satisfy 0 ≤ lower ≤ upper ({lower}, {upper})")
    return max(float(lower), float(upper) * (1 - share))


def apply_bias(amounts: npt.ArrayLike, bias_pct: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Raise amounts by an optimism-bias percentage (vectorised).

    Examples
    --------
    >>> apply_bias([100.0], 4).tolist()
    [104.0]
    """
    pct = np.asarray(bias_pct, dtype=np.float64)
    if np.any(pct < 0):
        raise InputError("optimism bias must not be negative")
    return np.asarray(amounts, dtype=np.float64) * (1 + pct / 100)
