"""Does the next plan take up the previous review? A check of each recommendation.

A review ends with recommendations (continue, vary, re-procure, bring in-house, co-produce,
decommission) that are carried into the next cycle. This module reads what the next
cycle's Plan and Do stages actually hold — the options appraisal's long and short lists
and its preferred option, the sourcing routes chosen, the agreements let, changes to
agreements, co-production entries, decommissioning plans, the outcomes framework — and
says, for each recommendation, whether the plan

* **addressed** it: a record takes it up and none goes against it;
* **contradicted** it: a record goes against it (a plan that takes it up in one place and
  goes against it in another is flagged as contradicting, with both sides shown);
* **did not address** it: the plan is made (it has a preferred option, a sourcing route,
  an agreement or a decommissioning plan) but nothing in it takes the recommendation up;
* or that Spiral **cannot tell yet**: the next cycle has not started, or its plan holds
  none of those decisive records and nothing for or against.

The check works on *facts*: each record becomes one piece of evidence in plain English
with the fact kinds it shows (for example ``preferred:in_house``, ``sourcing:competitive``,
``change:extension``). A :class:`Rule` names, for one recommendation, the fact kinds that
take it up and those that go against it; :data:`DEFAULT_RULES` is the table written down
in ``docs/reviews.md`` and a council may pass its own. The rules read structure, not
prose: they cannot know that an appraisal is about an added service rather than the one
reviewed, which is why the commissioner's own statement is always shown beside the
finding (:func:`compare_with_commissioner`).

This is the Bovaird, Briggs and Willis (2014) test of "learning": whether a review
changes the next round, or the cycle goes round in circles.

Examples
--------
>>> plan = PlanRecords(
...     cycle="Cycle 2",
...     options=(Option("Re-let to external providers", "external_contract"),),
...     preferred="Re-let to external providers",
...     decided=True,
...     sourcing=(Sourcing("Day services", "pa23_open"),),
... )
>>> finding = follow_up(Recommendation("R1.1", "bring_in_house"), plan)
>>> finding.status
'contradicted'
>>> print(finding.summary)  # doctest: +NORMALIZE_WHITESPACE
Recommendation R1.1 'bring in-house': the plan's preferred option is 'Re-let to external
providers' (an external contract); the sourcing record 'Day services' uses the route
'Open procedure' (Procurement Act 2023), open to competing bids — the plan goes against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spiral.sourcing.routes import route as sourcing_route

__all__ = [
    "CHOICES",
    "DECISIVE_RECORDS",
    "DEFAULT_RULES",
    "PEOPLE",
    "STATUS_LABELS",
    "Agreement",
    "CoProduction",
    "ContractChange",
    "Decommissioning",
    "Fact",
    "FollowUp",
    "Option",
    "PlanRecords",
    "Recommendation",
    "Rule",
    "Sourcing",
    "compare_with_commissioner",
    "delivery_model",
    "facts",
    "follow_up",
    "follow_ups",
    "route_model",
]

CHOICES: dict[str, str] = {
    "continue": "continue",
    "vary": "vary",
    "re_procure": "re-procure",
    "bring_in_house": "bring in-house",
    "co_produce": "co-produce",
    "decommission": "decommission",
}
"""The review's recommendations, with the words a sentence uses for each."""

STATUS_LABELS: dict[str, str] = {
    "addressed": "Addressed",
    "not_addressed": "Not addressed",
    "contradicted": "Contradicted",
    "cannot_tell": "Cannot tell yet",
}
"""The four findings, in the words a page shows."""

MODELS: dict[str, str] = {
    "in_house": "in-house",
    "external_contract": "an external contract",
    "grant": "a grant to the voluntary sector",
    "partnership": "a partnership",
    "pooled_budget": "a pooled budget",
    "shared_service": "a shared service",
    "co_production": "co-production with users and communities",
    "personal_budgets": "personal budgets or direct payments",
    "decommission": "decommissioning",
    "do_minimum": "doing the minimum",
}
"""Delivery models (the options appraisal's vocabulary) as words in a sentence."""

_ROUTE_MODELS = {
    "in_house_sla": "in_house",
    "grant": "grant",
    "partnership": "partnership",
    "pooled_budget": "pooled_budget",
}

PARTICIPANTS: dict[str, str] = {
    "users": "people who use services",
    "carers": "carers and families",
    "communities": "communities",
    "providers": "providers",
    "vcse": "voluntary and community groups",
    "staff": "front-line staff",
}

PEOPLE = frozenset({"users", "carers", "communities"})
"""Participants whose part in a co-production entry counts as co-producing with people."""

CHANGES = {"modification": "modified", "extension": "extended", "termination": "terminated"}

DECISIVE_RECORDS = frozenset({"appraisal", "sourcing", "agreement", "decommissioning"})
"""Records whose presence means the plan is made: without one, a plan with nothing for or
against a recommendation is *cannot tell yet* rather than *not addressed*."""


@dataclass(frozen=True)
class Rule:
    """What takes one recommendation up, and what goes against it, as fact kinds."""

    supports: frozenset[str]
    contradicts: frozenset[str] = frozenset()


_ENDS = frozenset({"preferred:decommission", "decommissioning", "change:termination"})

DEFAULT_RULES: Mapping[str, Rule] = {
    "continue": Rule(
        supports=frozenset({"preferred:same_model", "preferred:do_minimum", "change:extension"}),
        contradicts=_ENDS | {"preferred:new_model"},
    ),
    "vary": Rule(
        supports=frozenset({"change:modification", "preferred:same_model"}),
        contradicts=_ENDS,
    ),
    "re_procure": Rule(
        supports=frozenset(
            {
                "sourcing:external_contract",
                "sourcing:grant",
                "preferred:external_contract",
                "preferred:grant",
            }
        ),
        contradicts=_ENDS | {"preferred:in_house", "sourcing:in_house", "change:extension"},
    ),
    "bring_in_house": Rule(
        supports=frozenset({"preferred:in_house", "sourcing:in_house", "agreement:in_house"}),
        contradicts=_ENDS
        | {
            "preferred:external_contract",
            "preferred:grant",
            "sourcing:external_contract",
            "sourcing:grant",
            "discarded:in_house",
        },
    ),
    "co_produce": Rule(
        supports=frozenset({"coproduction:people", "preferred:co_production"}),
        contradicts=frozenset({"discarded:co_production"}),
    ),
    "decommission": Rule(
        supports=frozenset({"decommissioning", "preferred:decommission", "change:termination"}),
        contradicts=frozenset({"change:extension", "preferred:same_model"}),
    ),
}
"""The rules of ``docs/reviews.md``: recommendation → fact kinds for and against it."""


# --- the records a plan holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """An option on the appraisal's long list (on the short list unless discarded)."""

    name: str
    delivery_model: str
    shortlisted: bool = True
    discard_reason: str = ""


@dataclass(frozen=True)
class Sourcing:
    """A sourcing record of the Do stage: its title and route code (``spiral.sourcing.routes``)."""

    title: str
    route: str


@dataclass(frozen=True)
class Agreement:
    """An agreement let in the cycle; ``delivery_model`` in the appraisal's vocabulary."""

    title: str
    delivery_model: str


@dataclass(frozen=True)
class ContractChange:
    """A modification, extension or termination of an agreement, from a date (ISO)."""

    agreement: str
    kind: str
    effective: str
    reason: str = ""


@dataclass(frozen=True)
class CoProduction:
    """A co-production entry: the stage, who took part (codes) and what changed."""

    stage: str
    participants: tuple[str, ...]
    what_changed: str = ""


@dataclass(frozen=True)
class Decommissioning:
    """A decommissioning plan: the cycle it was started in and why."""

    cycle: str
    reason: str = ""


@dataclass(frozen=True)
class PlanRecords:
    """What one cycle's Plan and Do stages hold, as plain data.

    ``started`` is false when the cycle has not begun (there is no plan yet; a
    decommissioning plan started at the review may still be given). ``preferred`` names
    the option the appraisal recommends; ``decided`` says whether the Plan gate made it a
    decision. ``outcomes`` are short descriptions of the outcomes framework, shown as
    context.
    """

    cycle: str
    started: bool = True
    appraisal: str = ""
    options: tuple[Option, ...] = ()
    preferred: str | None = None
    decided: bool = False
    sourcing: tuple[Sourcing, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    changes: tuple[ContractChange, ...] = ()
    coproduction: tuple[CoProduction, ...] = ()
    decommissioning: tuple[Decommissioning, ...] = ()
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """A review's recommendation: its id (``R1.2``), choice and text."""

    id: str
    choice: str
    text: str = ""


@dataclass(frozen=True)
class Fact:
    """One piece of evidence: the record it comes from, what it shows, and its words."""

    record: str
    kinds: frozenset[str]
    text: str


@dataclass(frozen=True)
class FollowUp:
    """Spiral's finding on one recommendation, with the evidence for and against."""

    recommendation: Recommendation
    status: str
    summary: str
    supporting: tuple[str, ...]
    contradicting: tuple[str, ...]
    context: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


# --- from records to facts ------------------------------------------------------------------


def route_model(code: str) -> str:
    """The delivery model a sourcing route secures (procurement secures an external contract).

    Examples
    --------
    >>> route_model("in_house_sla"), route_model("psr_direct_c"), route_model("grant")
    ('in_house', 'external_contract', 'grant')
    """
    sourcing_route(code)  # raises KeyError naming an unknown code
    return _ROUTE_MODELS.get(code, "external_contract")


def _preferred(records: PlanRecords) -> Option | None:
    if records.preferred is None:
        return None
    return next((o for o in records.options if o.name == records.preferred), None)


def delivery_model(records: PlanRecords) -> str | None:
    """The delivery model a cycle chose: its preferred option's, else its sourcing route's,
    else its agreements' when they agree; ``None`` when the records do not say.

    Examples
    --------
    >>> delivery_model(PlanRecords("Cycle 1", sourcing=(Sourcing("Nursing", "in_house_sla"),)))
    'in_house'
    >>> delivery_model(PlanRecords("Cycle 1")) is None
    True
    """
    chosen = _preferred(records)
    if chosen is not None:
        return chosen.delivery_model
    if records.sourcing:
        return route_model(records.sourcing[-1].route)
    models = {a.delivery_model for a in records.agreements}
    return models.pop() if len(models) == 1 else None


def _model(code: str) -> str:
    return MODELS.get(code, code.replace("_", " "))


def _clause(text: str) -> str:
    """Free text set inside a sentence: trimmed, without its closing full stop."""
    return text.strip().rstrip(".")


def _people(codes: Iterable[str]) -> str:
    return ", ".join(PARTICIPANTS.get(c, c) for c in codes) or "nobody named"


def _appraisal_facts(records: PlanRecords, previous_model: str | None) -> list[Fact]:
    found = []
    chosen = _preferred(records)
    if chosen is not None:
        kinds = {f"preferred:{chosen.delivery_model}"}
        text = f"the plan's preferred option is '{chosen.name}' ({_model(chosen.delivery_model)})"
        if chosen.delivery_model != "do_minimum" and previous_model is not None:
            same = chosen.delivery_model == previous_model
            kinds.add("preferred:same_model" if same else "preferred:new_model")
            text += (
                ", the delivery model of the reviewed cycle"
                if same
                else f", a change from {_model(previous_model)} in the reviewed cycle"
            )
        if not records.decided:
            text += " (recommended, awaiting the Plan gate)"
        found.append(Fact("appraisal", frozenset(kinds), text))
    short = [o for o in records.options if o.shortlisted]
    if short and chosen is None:
        names = "; ".join(f"'{o.name}' ({_model(o.delivery_model)})" for o in short)
        found.append(
            Fact("shortlist", frozenset({"shortlist"}), f"the appraisal's short list: {names}")
        )
    kept = {o.delivery_model for o in short}
    for model in sorted({o.delivery_model for o in records.options if not o.shortlisted} - kept):
        dropped = [o for o in records.options if o.delivery_model == model]
        names = ", ".join(
            f"'{o.name}'" + (f" ({_clause(o.discard_reason)})" if o.discard_reason else "")
            for o in dropped
        )
        found.append(
            Fact(
                "shortlist",
                frozenset({f"discarded:{model}"}),
                f"the appraisal dropped {names} from its long list, leaving no option of "
                f"that delivery model ({_model(model)})",
            )
        )
    return found


def facts(records: PlanRecords, *, previous_model: str | None = None) -> tuple[Fact, ...]:
    """Each record of a plan as a piece of evidence with the fact kinds it shows.

    ``previous_model`` is the reviewed cycle's delivery model (:func:`delivery_model`), to
    say whether the preferred option keeps it (``preferred:same_model``) or changes it
    (``preferred:new_model``).

    Examples
    --------
    >>> change = ContractChange("Refuge", "extension", "2025-04-01")
    >>> plan = PlanRecords("Cycle 2", changes=(change,))
    >>> [sorted(f.kinds) for f in facts(plan)]
    [['change:extension']]
    """
    found = _appraisal_facts(records, previous_model)
    for item in records.sourcing:
        details = sourcing_route(item.route)
        kinds = {f"sourcing:{route_model(item.route)}"}
        if details.competitive:
            kinds.add("sourcing:competitive")
        found.append(
            Fact(
                "sourcing",
                frozenset(kinds),
                f"the sourcing record '{item.title}' uses the route '{details.label}' "
                f"({details.regime})" + (", open to competing bids" if details.competitive else ""),
            )
        )
    for agreement in records.agreements:
        found.append(
            Fact(
                "agreement",
                frozenset({f"agreement:{agreement.delivery_model}"}),
                f"the agreement '{agreement.title}' is {_model(agreement.delivery_model)}",
            )
        )
    for change in records.changes:
        found.append(
            Fact(
                "contract_change",
                frozenset({f"change:{change.kind}"}),
                f"the agreement '{change.agreement}' was {CHANGES.get(change.kind, change.kind)} "
                f"from {change.effective}"
                + (f" ({_clause(change.reason)})" if change.reason else ""),
            )
        )
    for entry in records.coproduction:
        people = PEOPLE.intersection(entry.participants)
        found.append(
            Fact(
                "coproduction",
                frozenset({"coproduction:people" if people else "coproduction:others"}),
                f"co-production at the {entry.stage} stage with {_people(entry.participants)}"
                + (f"; what changed: {_clause(entry.what_changed)}" if entry.what_changed else ""),
            )
        )
    for plan in records.decommissioning:
        found.append(
            Fact(
                "decommissioning",
                frozenset({"decommissioning"}),
                f"a decommissioning plan was started in {plan.cycle}"
                + (f" ({_clause(plan.reason)})" if plan.reason else ""),
            )
        )
    for text in records.outcomes:
        found.append(Fact("outcomes", frozenset({"outcomes"}), text))
    return tuple(found)


# --- from facts to a finding ----------------------------------------------------------------

_ENDINGS = {
    "addressed": "the plan takes it up",
    "not_addressed": "the plan does not take it up",
    "contradicted": "the plan goes against it",
}


def follow_up(
    recommendation: Recommendation,
    plan: PlanRecords,
    *,
    previous_model: str | None = None,
    rules: Mapping[str, Rule] = DEFAULT_RULES,
    decisive: frozenset[str] = DECISIVE_RECORDS,
) -> FollowUp:
    """Spiral's finding on whether ``plan`` (the next cycle's) takes ``recommendation`` up.

    Contradicted when any fact goes against the recommendation; else addressed when any
    takes it up; else not addressed when the plan holds a decisive record (a preferred
    option, a sourcing route, an agreement or a decommissioning plan); else cannot tell yet.

    Raises
    ------
    ValueError
        When the recommendation's choice has no rule.

    Examples
    --------
    >>> plan = PlanRecords("Cycle 3", coproduction=(CoProduction("Analyse", ("users",)),))
    >>> follow_up(Recommendation("R2.1", "co_produce"), plan).status
    'addressed'
    >>> follow_up(Recommendation("R2.1", "vary"), plan).status
    'cannot_tell'
    >>> follow_up(Recommendation("R2.1", "vary"), PlanRecords("", started=False)).summary
    "Recommendation R2.1 'vary': cannot tell yet — the next cycle has not started."
    """
    if recommendation.choice not in rules:
        raise ValueError(
            f"recommendation {recommendation.id!r}: field 'choice': no rule for "
            f"{recommendation.choice!r} (rules exist for {', '.join(sorted(rules))})"
        )
    rule = rules[recommendation.choice]
    evidence = facts(plan, previous_model=previous_model)
    supporting = tuple(f.text for f in evidence if f.kinds & rule.supports)
    contradicting = tuple(f.text for f in evidence if f.kinds & rule.contradicts)
    context = tuple(f.text for f in evidence if not f.kinds & (rule.supports | rule.contradicts))
    made = plan.started and any(f.record in decisive for f in evidence)
    if contradicting:
        status = "contradicted"
    elif supporting:
        status = "addressed"
    elif made:
        status = "not_addressed"
    else:
        status = "cannot_tell"
    head = f"Recommendation {recommendation.id} '{CHOICES.get(recommendation.choice)}': "
    if status == "cannot_tell":
        why = (
            "the next cycle has not started"
            if not plan.started
            else "the plan has no preferred option, sourcing route, agreement or "
            "decommissioning plan yet"
        )
        summary = f"{head}cannot tell yet — {why}."
    else:
        if status == "not_addressed":
            shown = "; ".join(f.text for f in evidence if f.record in decisive)
        else:
            shown = "; ".join(contradicting or supporting)
            if contradicting and supporting:
                shown += f", although {'; '.join(supporting)}"
        summary = f"{head}{shown} — {_ENDINGS[status]}."
    return FollowUp(
        recommendation=recommendation,
        status=status,
        summary=summary,
        supporting=supporting,
        contradicting=contradicting,
        context=context,
    )


def follow_ups(
    recommendations: Iterable[Recommendation],
    plan: PlanRecords,
    *,
    previous_model: str | None = None,
    rules: Mapping[str, Rule] = DEFAULT_RULES,
) -> tuple[FollowUp, ...]:
    """:func:`follow_up` for each recommendation of a review, in order.

    Examples
    --------
    >>> plan = PlanRecords("Cycle 2", sourcing=(Sourcing("Nursing", "in_house_sla"),))
    >>> [f.status for f in follow_ups(
    ...     [Recommendation("R1.1", "bring_in_house"), Recommendation("R1.2", "re_procure")], plan
    ... )]
    ['addressed', 'contradicted']
    """
    return tuple(
        follow_up(r, plan, previous_model=previous_model, rules=rules) for r in recommendations
    )


def compare_with_commissioner(status: str, addressed: bool | None) -> str:
    """How Spiral's finding stands against the commissioner's own statement.

    ``agrees`` or ``disagrees``; ``not recorded`` when the commissioner has said nothing;
    ``cannot compare`` when Spiral cannot tell yet. A disagreement is a commissioner who
    says the plan takes it up where Spiral finds it not addressed or contradicted, or who
    says it does not where Spiral finds it addressed.

    Examples
    --------
    >>> compare_with_commissioner("contradicted", True)
    'disagrees'
    >>> compare_with_commissioner("contradicted", False)
    'agrees'
    >>> compare_with_commissioner("cannot_tell", True), compare_with_commissioner("addressed", None)
    ('cannot compare', 'not recorded')
    """
    if addressed is None:
        return "not recorded"
    if status == "cannot_tell":
        return "cannot compare"
    return "agrees" if (status == "addressed") == addressed else "disagrees"
