"""Neutrality checks: is the option set and its treatment fair to every delivery model?

Strategic commissioning should not assume externalisation (or its opposite) by default
(Bovaird, Briggs & Willis 2014); the Green Book (2022, section 4) asks for a long list that
includes doing the minimum, and for options appraised on the same basis. These checks warn —
they never change a figure — when:

* the option set lacks an in-house option, a co-production option, or a decommission or
  do-minimum option;
* a cost category or assumption (optimism bias on a category, transaction costs, risk
  analysis) is applied to some options and not others, or at different levels, and an
  option so treated records no reason for it (an assumption with that topic and a reason);
* the recommended option is not the best on a stated criterion (highest NPSV, top
  multi-criteria score, most often best under risk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spiral.appraisal.appraisal import AppraisalResult
from spiral.appraisal.mcda import MCDAResult
from spiral.appraisal.options import COST_CATEGORIES, DeliveryModel, Option
from spiral.appraisal.risk import RiskResult, UncertainInput


@dataclass(frozen=True)
class NeutralityWarning:
    """One warning: a short code, the message, and the options concerned."""

    code: str
    message: str
    options: tuple[str, ...] = ()


def _missing_alternatives(options: Sequence[Option]) -> list[NeutralityWarning]:
    models = {o.delivery_model for o in options}
    wanted = [
        ("no_in_house", {DeliveryModel.IN_HOUSE}, "an in-house option"),
        ("no_co_production", {DeliveryModel.CO_PRODUCTION}, "a co-production option"),
        (
            "no_exit_or_minimum",
            {DeliveryModel.DECOMMISSION, DeliveryModel.DO_MINIMUM},
            "a decommission or do-minimum option",
        ),
    ]
    return [
        NeutralityWarning(code, f"the option set lacks {what}")
        for code, kinds, what in wanted
        if not models & kinds
    ]


def _uneven(
    options: Sequence[Option], topic: str, label: str, levels: Sequence[float]
) -> list[NeutralityWarning]:
    if len(set(levels)) <= 1:
        return []
    unexplained = tuple(o.name for o in options if not o.reason_for(topic))
    if not unexplained:
        return []
    shown = ", ".join(
        f"{o.name} ({o.delivery_model.value}): {level:g}"
        for o, level in zip(options, levels, strict=True)
    )
    return [
        NeutralityWarning(
            f"uneven_{topic}",
            f"{label} differs between options ({shown}) and no reason is recorded for "
            f"{', '.join(unexplained)} (add an assumption with topic {topic!r} and a reason)",
            unexplained,
        )
    ]


def _uneven_treatment(
    options: Sequence[Option], inputs: Sequence[UncertainInput]
) -> list[NeutralityWarning]:
    out: list[NeutralityWarning] = []
    for category in COST_CATEGORIES:
        levels = [o.optimism_bias.get(category, 0.0) for o in options]
        out += _uneven(options, "optimism_bias", f"optimism bias on {category} (%)", levels)
    has_transaction = [1.0 if o.cash_flows.get("transaction") else 0.0 for o in options]
    out += _uneven(
        options, "transaction", "transaction costs (1 = counted, 0 = none)", has_transaction
    )
    covered = [
        1.0 if any(not u.options or o.name in u.options for u in inputs) else 0.0 for o in options
    ]
    if inputs:
        out += _uneven(options, "risk", "risk analysis (1 = uncertain inputs, 0 = none)", covered)
    return out


def _recommendation(
    recommended: str,
    result: AppraisalResult,
    mcda: MCDAResult | None,
    risk: RiskResult | None,
) -> list[NeutralityWarning]:
    names = result.names
    if recommended not in names:
        return [NeutralityWarning("unknown_recommendation", f"no option is called {recommended!r}")]
    out = []
    if recommended != result.preferred:
        out.append(
            NeutralityWarning(
                "recommendation_not_best_npsv",
                f"the recommended option {recommended!r} does not have the highest NPSV "
                f"({result.preferred!r} has)",
                (recommended, result.preferred),
            )
        )
    if mcda is not None and recommended != mcda.top:
        out.append(
            NeutralityWarning(
                "recommendation_not_top_score",
                f"the recommended option {recommended!r} is not top of the multi-criteria "
                f"scoring ({mcda.top!r} is)",
                (recommended, mcda.top),
            )
        )
    if risk is not None:
        most = risk.names[int(risk.probability_best.argmax())]
        if recommended != most:
            out.append(
                NeutralityWarning(
                    "recommendation_not_most_often_best",
                    f"the recommended option {recommended!r} is not the one most often best "
                    f"under risk ({most!r} is)",
                    (recommended, most),
                )
            )
    return out


def neutrality_warnings(
    result: AppraisalResult,
    inputs: Sequence[UncertainInput] = (),
    recommended: str | None = None,
    mcda: MCDAResult | None = None,
    risk: RiskResult | None = None,
) -> list[NeutralityWarning]:
    """Every neutrality warning for an appraised option set.

    Examples
    --------
    >>> from spiral.appraisal.appraisal import appraise
    >>> ext = Option("Contract", "external_contract", {"operating": {0: 9.0}},
    ...              {"operating": 41.0})
    >>> own = Option("In-house", "in_house", {"operating": {0: 10.0}})
    >>> for w in neutrality_warnings(appraise([ext, own]), recommended="Contract"):
    ...     print(w.code)
    no_co_production
    no_exit_or_minimum
    uneven_optimism_bias
    recommendation_not_best_npsv
    """
    options = result.options
    out = _missing_alternatives(options)
    out += _uneven_treatment(options, inputs)
    if recommended is not None:
        out += _recommendation(recommended, result, mcda, risk)
    return out
