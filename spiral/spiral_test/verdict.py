"""The verdict on a cycle: explicit rules, checked in a fixed order, each with its evidence.

The four verdicts (``docs/spiral-test.md`` states every rule and default):

``declining``
    Outcomes worse with confidence (at least ``worse_share`` of the key indicators with
    data moved worse than the comparators and none better), or value worse: no better
    outcomes while the real cost rose by ``clear_rise`` or more.
``improving_spiral``
    Outcomes better with confidence (at least ``better_share`` of the key indicators
    better, none worse) at equal or lower real cost (a rise of at most
    ``cost_tolerance``); or no outcome distinguishable from the comparators' at a cost
    clearly lower (a fall of ``clear_saving`` or more).
``going_round_in_circles``
    A completed cycle with no outcome change distinguishable from the comparators and no
    clear change in real cost, whose review was not acted on (no review recorded, a review
    with no recommendations, or the next plan took up less than ``acted_on_threshold`` of
    its recommendations).
``too_early_to_tell``
    Not enough data (fewer than ``min_key_indicators`` key indicators with a baseline, a
    follow-up at least ``min_periods_after`` periods into the cycle, comparators and an
    uncertainty; or no cost to compare), or evidence that settles none of the patterns
    above (mixed outcomes; better outcomes at a higher cost; no change yet in a cycle still
    running or whose review was acted on). The verdict then lists what is missing.

Thresholds are compared inclusively ("at least", "at most") after rounding figures to ten
decimal places; an interval "wholly above 0" is strict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from spiral.exceptions import InputError
from spiral.spiral_test.outcomes import ROUNDING, IndicatorOutcome
from spiral.spiral_test.process import CycleLearning, CycleProcess

VerdictName = Literal[
    "improving_spiral", "going_round_in_circles", "declining", "too_early_to_tell"
]
VERDICT_LABELS: dict[str, str] = {
    "improving_spiral": "Improving spiral",
    "going_round_in_circles": "Going round in circles",
    "declining": "Declining",
    "too_early_to_tell": "Too early to tell",
}
Figure = float | int | str | None


@dataclass(frozen=True)
class VerdictRules:
    """Thresholds of the verdict rules, with their defaults.

    Parameters
    ----------
    confidence : float
        Level of the confidence intervals (95 or 0.95).
    min_key_indicators : int
        Key indicators with enough data needed for any verdict but "too early to tell".
    min_periods_after : int
        Periods of data after the start of a cycle needed for an indicator to count.
    better_share, worse_share : float
        Share of key indicators with data that must be better (or worse) with confidence.
    cost_tolerance : float
        Largest relative rise in real cost still counted as "equal or lower" (0.02 = 2%).
    clear_saving : float
        Relative fall in real cost counted as "clearly lower" (0.05 = 5%).
    clear_rise : float
        Relative rise in real cost that, without better outcomes, makes value worse.
    acted_on_threshold : float
        Share of a review's recommendations the next plan must take up for it to count as
        acted on.
    cost_measure : str
        ``"per_head"`` or ``"per_service_user"``: which real unit cost the rules compare.
    segmented_min_periods : int
        Periods either side of a cycle's start for the segmented regression (evidence only).

    Examples
    --------
    >>> VerdictRules().cost_tolerance, VerdictRules(cost_tolerance=0.0).cost_tolerance
    (0.02, 0.0)
    """

    confidence: float = 95.0
    min_key_indicators: int = 1
    min_periods_after: int = 1
    better_share: float = 0.5
    worse_share: float = 0.5
    cost_tolerance: float = 0.02
    clear_saving: float = 0.05
    clear_rise: float = 0.05
    acted_on_threshold: float = 0.5
    cost_measure: Literal["per_head", "per_service_user"] = "per_head"
    segmented_min_periods: int = 4

    def __post_init__(self) -> None:
        from spiral.stats.confidence import normalise_confidence

        normalise_confidence(self.confidence)
        for name in ("min_key_indicators", "min_periods_after", "segmented_min_periods"):
            if int(getattr(self, name)) < 1:
                raise InputError(f"{name} must be 1 or more")
        for name in ("better_share", "worse_share", "acted_on_threshold"):
            if not 0 < float(getattr(self, name)) <= 1:
                raise InputError(f"{name} must be above 0 and at most 1")
        for name in ("cost_tolerance", "clear_saving", "clear_rise"):
            if float(getattr(self, name)) < 0:
                raise InputError(f"{name} must not be negative")
        if self.cost_measure not in ("per_head", "per_service_user"):
            raise InputError("cost_measure must be per_head or per_service_user")


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: which rule it bears on, in words, and its figures."""

    rule: str
    text: str
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """The verdict on one cycle, the reasons that drive it, and what data is missing."""

    cycle_id: str
    verdict: VerdictName
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]

    @property
    def label(self) -> str:
        """The verdict in words."""
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class CycleFacts:
    """What the rules look at for one cycle."""

    cycle_id: str
    outcomes: tuple[IndicatorOutcome, ...]
    cost: float | None
    cost_before: float | None
    cost_change: float | None
    process: CycleProcess
    learning: CycleLearning
    end: str | None


def _r(value: float) -> float:
    return round(value, ROUNDING)


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value * 100:+.1f}%"


def _outcome_reason(outcome: IndicatorOutcome) -> Reason:
    words = {
        "better": "better than the comparators, with confidence",
        "worse": "worse than the comparators, with confidence",
        "no_change": "no change distinguishable from the comparators",
        "no_data": "not enough data",
    }[outcome.status]
    gain = outcome.improvement
    figures: dict[str, Figure] = dict(outcome.figures())
    text = f"{outcome.name}: {words}"
    unit = outcome.unit if outcome.unit in ("", "%") else f" {outcome.unit}"
    if gain is not None and gain.lower is not None and gain.upper is not None:
        text += (
            f" (improvement {gain.estimate:+.3g}{unit}, interval "
            f"{gain.lower:+.3g} to {gain.upper:+.3g}, {outcome.baseline_period} to "
            f"{outcome.follow_up_period})"
        )
    return Reason("outcomes", text, figures)


def _summary(counted: list[IndicatorOutcome], rules: VerdictRules) -> str:
    better = sum(o.status == "better" for o in counted)
    worse = sum(o.status == "worse" for o in counted)
    total = len(counted)
    if worse == 0 and better and _r(better / total) >= _r(rules.better_share):
        return "better"
    if better == 0 and worse and _r(worse / total) >= _r(rules.worse_share):
        return "worse"
    if better == 0 and worse == 0:
        return "unchanged"
    return "mixed"


def _supporting(facts: CycleFacts, rules: VerdictRules) -> list[Reason]:
    reasons = [_outcome_reason(o) for o in facts.outcomes if o.key]
    measure = "head" if rules.cost_measure == "per_head" else "service user"
    reasons.append(
        Reason(
            "cost",
            f"Real cost per {measure}: {_money(facts.cost)} against {_money(facts.cost_before)} "
            f"before ({_percent(facts.cost_change)})",
            {"cost": facts.cost, "cost_before": facts.cost_before, "change": facts.cost_change},
        )
    )
    learning = facts.learning
    if not learning.review_recorded:
        text = "No review of this cycle is recorded"
    elif learning.acted_on_share is None:
        text = f"Review made {learning.recommendations} recommendation(s); " + (
            "no next plan yet" if learning.acted_on is None else "none to act on"
        )
    else:
        text = (
            f"The next plan took up {learning.acted_on} of {learning.recommendations} "
            f"recommendation(s) of this cycle's review ({learning.acted_on_share:.0%})"
        )
    reasons.append(
        Reason(
            "learning",
            text,
            {
                "recommendations": learning.recommendations,
                "acted_on": learning.acted_on,
                "acted_on_share": learning.acted_on_share,
            },
        )
    )
    if learning.previous_recommendations:
        reasons.append(
            Reason(
                "learning",
                f"This cycle's plan took up {learning.previous_addressed} of "
                f"{learning.previous_recommendations} recommendation(s) of the previous review "
                f"({learning.learning_share or 0:.0%})",
                {
                    "previous_recommendations": learning.previous_recommendations,
                    "previous_addressed": learning.previous_addressed,
                    "learning_share": learning.learning_share,
                },
            )
        )
    reasons.append(_process_reason(facts.process))
    return reasons


def _process_reason(process: CycleProcess) -> Reason:
    parts = []
    if process.reprocured_same_model:
        parts.append(f"re-procured the same model ({process.delivery_model or 'unstated'})")
    if process.procurement_share is not None:
        parts.append(
            f"procurement took {process.procurement_share:.0%} of {process.effort_days:g} "
            f"recorded days of effort, analysis and review "
            f"{process.analysis_and_review_share or 0:.0%}"
        )
    if process.transaction_cost is not None:
        parts.append(f"transaction cost {_money(process.transaction_cost)}")
    parts.append(f"{process.elapsed_days} days elapsed")
    text = "; ".join(parts)
    return Reason(
        "process",
        text[0].upper() + text[1:],
        {
            "reprocured_same_model": str(process.reprocured_same_model).lower(),
            "procurement_share": process.procurement_share,
            "analysis_and_review_share": process.analysis_and_review_share,
            "transaction_cost": process.transaction_cost,
            "elapsed_days": process.elapsed_days,
        },
    )


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"£{value:,.2f}"


Decision = tuple[VerdictName, Reason, tuple[str, ...]]


@dataclass(frozen=True)
class _Tally:
    better: int
    worse: int
    counted: int

    @property
    def figures(self) -> dict[str, Figure]:
        return {"better": self.better, "worse": self.worse, "counted": self.counted}


def _declining(
    summary: str, tally: _Tally, change: float | None, rules: VerdictRules
) -> Decision | None:
    if summary == "worse":
        text = (
            f"{tally.worse} of {tally.counted} key indicator(s) worse with confidence, none better"
        )
        return "declining", Reason("rule", text, tally.figures), ()
    if summary != "better" and change is not None and _r(change) >= _r(rules.clear_rise):
        text = (
            f"Value worse: real cost up {_percent(change)} (at least {rules.clear_rise:.0%}) "
            "with no key indicator better"
        )
        return "declining", Reason("rule", text, {"cost_change": change, **tally.figures}), ()
    return None


def _improving(
    summary: str, tally: _Tally, change: float | None, rules: VerdictRules
) -> Decision | None:
    figures = {"cost_change": change, **tally.figures}
    if summary == "better":
        if change is None:
            text = "Outcomes better with confidence, but the real cost cannot be compared"
            return "too_early_to_tell", Reason("rule", text, figures), ()
        if _r(change) <= _r(rules.cost_tolerance):
            text = (
                f"Outcomes better with confidence ({tally.better} of {tally.counted}) at "
                f"equal or lower real cost ({_percent(change)}, tolerance "
                f"{rules.cost_tolerance:.0%})"
            )
            return "improving_spiral", Reason("rule", text, figures), ()
        text = (
            f"Outcomes better with confidence, but the real cost rose {_percent(change)}, beyond "
            f"the {rules.cost_tolerance:.0%} tolerance: whether it is worth it is a judgement"
        )
        wanted = ("a judgement of whether the better outcomes are worth the higher cost",)
        return "too_early_to_tell", Reason("rule", text, figures), wanted
    if summary == "unchanged" and change is not None and _r(change) <= _r(-rules.clear_saving):
        text = (
            f"Outcomes no different from the comparators' at clearly lower real cost "
            f"({_percent(change)}, at least {rules.clear_saving:.0%} lower)"
        )
        return "improving_spiral", Reason("rule", text, figures), ()
    return None


def _not_acted_on(learning: CycleLearning, rules: VerdictRules) -> str | None:
    """Why a review counts as not acted on, or None when it was (or cannot be known yet)."""
    if not learning.review_recorded:
        return "no review is recorded"
    if learning.recommendations == 0:
        return "its review made no recommendations"
    share = learning.acted_on_share
    if share is not None and _r(share) < _r(rules.acted_on_threshold):
        return (
            f"the next plan took up {share:.0%} of its review's recommendations "
            f"(below {rules.acted_on_threshold:.0%})"
        )
    return None


def _unchanged(facts: CycleFacts, tally: _Tally, rules: VerdictRules) -> Decision:
    change = facts.cost_change
    learning = facts.learning
    figures = {"cost_change": change, "acted_on_share": learning.acted_on_share, **tally.figures}
    if change is None:
        text = "No outcome change distinguishable, and the real cost cannot be compared"
        return "too_early_to_tell", Reason("rule", text, figures), ()
    if not facts.process.complete:
        text = (
            f"No change distinguishable yet, and the cycle runs until {facts.end or 'an open date'}"
        )
        return "too_early_to_tell", Reason("rule", text, figures), ("the rest of the cycle",)
    why = _not_acted_on(learning, rules)
    if why is not None:
        extra = " after re-procuring the same model" if facts.process.reprocured_same_model else ""
        text = (
            f"Cycle completed{extra} with no outcome or value change distinguishable from the "
            f"comparators (real cost {_percent(change)}), and {why}"
        )
        return "going_round_in_circles", Reason("rule", text, figures), ()
    if learning.acted_on is None:
        text = "No change distinguishable, and no next plan yet to show whether the review is used"
        wanted = ("the next cycle's plan, to see whether it takes up this review",)
        return "too_early_to_tell", Reason("rule", text, figures), wanted
    text = (
        f"No change distinguishable, but the next plan took up {learning.acted_on_share:.0%} of "
        "the review: the next cycle will show whether that helps"
    )
    return "too_early_to_tell", Reason("rule", text, figures), ("outcomes of the next cycle",)


def _mixed(tally: _Tally) -> Decision:
    text = (
        f"Mixed outcomes: {tally.better} better and {tally.worse} worse of "
        f"{tally.counted} key indicator(s)"
    )
    wanted = ("further periods to settle the mixed outcomes",)
    return "too_early_to_tell", Reason("rule", text, tally.figures), wanted


def _missing(facts: CycleFacts, key: list[IndicatorOutcome], rules: VerdictRules) -> list[str]:
    missing = [m for o in key for m in o.missing]
    if not key:
        missing.append("key outcome indicators for the programme")
    for o in key:
        if o.status != "no_data" and o.periods_after < rules.min_periods_after:
            missing.append(
                f"{o.name}: {o.periods_after} period(s) of data since the start; "
                f"{rules.min_periods_after} needed"
            )
    if facts.cost is None:
        missing.append("this cycle's spend, or the population or service users it served")
    elif facts.cost_before is None:
        missing.append("the real cost of the previous cycle or arrangement")
    return missing


def decide(facts: CycleFacts, rules: VerdictRules | None = None) -> Verdict:
    """Apply the verdict rules, in order, to one cycle's facts.

    The order: not enough outcome data → too early; outcomes worse or value worse →
    declining; outcomes better at equal or lower cost, or equal outcomes at clearly lower
    cost → improving; unchanged, completed, review not acted on → circles; otherwise too
    early to tell, with what would settle it.

    Examples
    --------
    See ``tests/engine/spiral_test/test_spiral_verdicts.py`` for every verdict and boundary, and
    :func:`spiral.spiral_test.assessment.run_spiral_test` for a whole history.
    """
    rules = rules or VerdictRules()
    key = [o for o in facts.outcomes if o.key]
    counted = [
        o for o in key if o.status != "no_data" and o.periods_after >= rules.min_periods_after
    ]
    tally = _Tally(
        better=sum(o.status == "better" for o in counted),
        worse=sum(o.status == "worse" for o in counted),
        counted=len(counted),
    )
    decision: Decision
    if tally.counted < rules.min_key_indicators:
        text = (
            f"{tally.counted} key indicator(s) with enough data; {rules.min_key_indicators} needed"
        )
        decision = "too_early_to_tell", Reason("data", text, tally.figures), ()
    else:
        summary = _summary(counted, rules)
        found = _declining(summary, tally, facts.cost_change, rules) or _improving(
            summary, tally, facts.cost_change, rules
        )
        if found is not None:
            decision = found
        elif summary == "unchanged":
            decision = _unchanged(facts, tally, rules)
        else:
            decision = _mixed(tally)
    name, reason, wanted = decision
    return Verdict(
        facts.cycle_id,
        name,
        (reason, *_supporting(facts, rules)),
        (*_missing(facts, key, rules), *wanted),
    )
