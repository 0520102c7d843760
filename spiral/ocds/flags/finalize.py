"""The outlier red flags, decided once every release is read, and the shape of the results.

Outlier flags compare a value with a fence computed over all processes or organisations
(Hyndman-Fan type 8 quartiles, :mod:`spiral.ocds.flags.quartiles`), unless the settings fix the
fence (``threshold``):

- **R024** price close to winning bid: the difference (second-lowest valid bid - winning bid)
  / winning bid is at or below :math:`Q_1 - 1.5\\,IQR`; skipped unless :math:`Q_1 > 0` and
  the fence is positive. The process gets the difference; its winner and second-lowest
  bidder get 0.0 in the Tenderer group.
- **R058** heavily discounted bid: the same difference is at or above
  :math:`Q_3 + 1.5\\,IQR` (skipped unless the fence is positive); the winner gets 0.0.
- **R025** excessive unsuccessful bids: a tenderer with at least the 75th percentile of valid
  bids whose ratio of winning to valid bids is at or below :math:`Q_1 - 1.5\\,IQR` (skipped
  unless :math:`Q_1 > 0` and the fence is positive).
- **R038** excessive disqualified bids: per buyer, procuring entity (with at least
  ``minimum_contracting_processes`` submitted bids, as Cardinal counts them) and tenderer
  (at least ``minimum_submitted_bids``), a ratio of disqualified to submitted bids at or
  above :math:`Q_3 + 1.5\\,IQR` (skipped unless the fence is positive).
- **R048** heterogeneous supplier: a supplier of at least ``minimum_contracting_processes``
  processes whose number of distinct classification prefixes (``digits`` long) is at or
  above :math:`Q_3 + 1.5\\,IQR`.

``Meta`` reports the quartiles and fences, rounded to 4 decimals, as Cardinal does.

Reference: open-contracting/cardinal-rs, ``src/indicators/{r024,r025,r038,r048,r058}.rs``
and ``docs/cli/indicators``.
"""

from __future__ import annotations

import math
from typing import Any

from spiral.ocds.flags.fold import Partial
from spiral.ocds.flags.quartiles import lower_fence, quantile_type8, quartiles, upper_fence
from spiral.ocds.flags.settings import FlagSettings

__all__ = ["GROUPS", "finalize"]

#: The groups of results, in the order they are written.
GROUPS: tuple[str, ...] = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")


def _round_meta(value: float) -> float | None:
    """Round to 4 decimals, half away from zero (Rust's ``round``); ``None`` for non-finite."""
    if not math.isfinite(value):
        return None
    scaled = value * 10_000.0
    rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return rounded / 10_000.0


def _set(
    results: dict[str, dict[str, dict[str, float]]], group: str, key: str, code: str, value: float
) -> None:
    results[group].setdefault(key, {})[code] = value


def _r024_r058(
    partial: Partial,
    settings: FlagSettings,
    results: dict[str, dict[str, dict[str, float]]],
    meta: dict[str, dict[str, float | None]],
) -> None:
    differences = [ratio for ratio, _, _ in partial.bid_ratios.values()]
    if "R024" in settings.enabled:
        info: dict[str, float | None] = {}
        if settings.r024_threshold is None:
            q1, q3 = quartiles(differences)
            info["q1"], info["q3"] = _round_meta(q1), _round_meta(q3)
            fence = lower_fence(q1, q3)
        else:
            q1, fence = 1.0, settings.r024_threshold
        info["lower_fence"] = _round_meta(fence)
        meta["R024"] = info
        if q1 > 0.0 and fence > 0.0:
            for ocid, (ratio, winner, other) in partial.bid_ratios.items():
                if ratio <= fence:
                    _set(results, "OCID", ocid, "R024", ratio)
                    _set(results, "Tenderer", winner, "R024", 0.0)
                    _set(results, "Tenderer", other, "R024", 0.0)
    if "R058" in settings.enabled:
        info = {}
        if settings.r058_threshold is None:
            q1, q3 = quartiles(differences)
            info["q1"], info["q3"] = _round_meta(q1), _round_meta(q3)
            fence = upper_fence(q1, q3)
        else:
            fence = settings.r058_threshold
        info["upper_fence"] = _round_meta(fence)
        meta["R058"] = info
        if fence > 0.0:
            for ocid, (ratio, winner, _) in partial.bid_ratios.items():
                if ratio >= fence:
                    _set(results, "OCID", ocid, "R058", ratio)
                    _set(results, "Tenderer", winner, "R058", 0.0)


def _r025(
    partial: Partial,
    settings: FlagSettings,
    results: dict[str, dict[str, dict[str, float]]],
    meta: dict[str, dict[str, float | None]],
) -> None:
    tallies = partial.r025
    top = quantile_type8(
        (float(valid) for _, valid in tallies.values()), settings.r025_percentile / 100
    )
    ratios = {key: won / valid for key, (won, valid) in tallies.items()}
    info: dict[str, float | None] = {}
    if settings.r025_threshold is None:
        q1, q3 = quartiles(ratios.values())
        info["q1"], info["q3"] = _round_meta(q1), _round_meta(q3)
        fence = lower_fence(q1, q3)
    else:
        q1, fence = 1.0, settings.r025_threshold
    info["upper_fence"] = _round_meta(top)
    info["lower_fence"] = _round_meta(fence)
    meta["R025"] = info
    if q1 > 0.0 and fence > 0.0:
        for key, ratio in ratios.items():
            if tallies[key][1] >= top and ratio <= fence:
                _set(results, "Tenderer", key, "R025", ratio)


def _r038(
    partial: Partial,
    settings: FlagSettings,
    results: dict[str, dict[str, dict[str, float]]],
    meta: dict[str, dict[str, float | None]],
) -> None:
    info: dict[str, float | None] = {}
    for group, tallies, minimum in (
        ("Buyer", partial.r038_buyer, settings.r038_minimum_contracting_processes),
        (
            "ProcuringEntity",
            partial.r038_procuring_entity,
            settings.r038_minimum_contracting_processes,
        ),
        ("Tenderer", partial.r038_tenderer, settings.r038_minimum_submitted_bids),
    ):
        ratios = {
            key: disqualified / submitted
            for key, (disqualified, submitted) in tallies.items()
            if submitted >= minimum
        }
        if not ratios:
            continue
        if settings.r038_threshold is None:
            q1, q3 = quartiles(ratios.values())
            info[f"{group}_q1"], info[f"{group}_q3"] = _round_meta(q1), _round_meta(q3)
            fence = upper_fence(q1, q3)
        else:
            fence = settings.r038_threshold
        info[f"{group}_upper_fence"] = _round_meta(fence)
        if fence > 0.0:
            for key, ratio in ratios.items():
                if ratio >= fence:
                    _set(results, group, key, "R038", ratio)
    if info:
        meta["R038"] = info


def _r048(
    partial: Partial,
    settings: FlagSettings,
    results: dict[str, dict[str, dict[str, float]]],
    meta: dict[str, dict[str, float | None]],
) -> None:
    lengths = {
        key: float(len(codes))
        for key, (count, codes) in partial.r048.items()
        if count[0] >= settings.r048_minimum_contracting_processes
    }
    info: dict[str, float | None] = {}
    if settings.r048_threshold is None:
        q1, q3 = quartiles(lengths.values())
        info["q1"], info["q3"] = _round_meta(q1), _round_meta(q3)
        fence = upper_fence(q1, q3)
    else:
        fence = float(settings.r048_threshold)
    info["upper_fence"] = _round_meta(fence)
    meta["R048"] = info
    if fence > 0.0:
        for key, length in lengths.items():
            if length >= fence:
                _set(results, "Tenderer", key, "R048", length)


def finalize(partial: Partial, settings: FlagSettings, *, meta: bool = True) -> dict[str, Any]:
    """Turn the merged tallies into Cardinal's results object.

    Parameters
    ----------
    partial : Partial
        Everything read, merged in file order.
    settings : FlagSettings
        The same settings the releases were folded with.
    meta : bool
        Include the ``Meta`` key (quartiles and fences).

    Returns
    -------
    dict
        ``{group: {identifier: {code: value}}}`` for the non-empty groups among ``OCID``,
        ``Buyer``, ``ProcuringEntity`` and ``Tenderer``, then ``Meta`` unless left out.

    Examples
    --------
    >>> from spiral.ocds.flags.settings import FlagSettings
    >>> partial = Partial()
    >>> partial.r048 = {"F": ([1], {"10", "11"}), **{str(i): ([1], {"10"}) for i in range(4)}}
    >>> settings = FlagSettings(enabled=frozenset({"R048"}), r048_minimum_contracting_processes=1)
    >>> results = finalize(partial, settings)
    >>> results["Tenderer"]
    {'F': {'R048': 2.0}}
    >>> results["Meta"]
    {'R048': {'q1': 1.0, 'q3': 1.3333, 'upper_fence': 1.8333}}
    """
    results: dict[str, dict[str, dict[str, float]]] = {group: {} for group in GROUPS}
    for key, flags in partial.ocid.items():
        results["OCID"][key] = dict(flags)
    for key, flags in partial.tenderer.items():
        results["Tenderer"][key] = dict(flags)
    information: dict[str, dict[str, float | None]] = {}
    if "R024" in settings.enabled or "R058" in settings.enabled:
        _r024_r058(partial, settings, results, information)
    if "R025" in settings.enabled:
        _r025(partial, settings, results, information)
    if "R038" in settings.enabled:
        _r038(partial, settings, results, information)
    if "R048" in settings.enabled:
        _r048(partial, settings, results, information)
    output: dict[str, Any] = {group: results[group] for group in GROUPS if results[group]}
    if meta:
        output["Meta"] = {code: information[code] for code in sorted(information)}
    return output
