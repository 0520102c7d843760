"""Invariants of the check of a plan against the previous review, on random plans.

- The finding follows the evidence: *contradicted* exactly when some record goes against
  the recommendation, *addressed* exactly when some record takes it up and none goes
  against it.
- Every piece of evidence is shown: each fact is for, against or context, never lost, and
  context never also counts for or against.
- The order in which records are listed changes nothing.
- Before the next cycle starts, a plan is never *not addressed*.
- Adding an end to the service (a termination) to any plan makes *continue*, *vary*,
  *re-procure* and *bring in-house* contradicted.
- Spiral and the commissioner disagree exactly when both have spoken and say opposite
  things.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spiral.sourcing.routes import ROUTES
from spiral.spiral_test.follow_up import (
    DEFAULT_RULES,
    MODELS,
    PARTICIPANTS,
    STATUS_LABELS,
    Agreement,
    ContractChange,
    CoProduction,
    Decommissioning,
    Option,
    PlanRecords,
    Recommendation,
    Sourcing,
    compare_with_commissioner,
    facts,
    follow_up,
)

models = st.sampled_from(sorted(MODELS))
choices = st.sampled_from(sorted(DEFAULT_RULES))
routes = st.sampled_from([r.code for r in ROUTES])


@st.composite
def plans(draw: st.DrawFn) -> PlanRecords:
    options = tuple(
        Option(f"Option {n}", draw(models), shortlisted=draw(st.booleans()))
        for n in range(draw(st.integers(0, 4)))
    )
    short = [o.name for o in options if o.shortlisted]
    preferred = draw(st.sampled_from([None, *short])) if short else None
    return PlanRecords(
        cycle="Cycle 2",
        started=draw(st.booleans()),
        options=options,
        preferred=preferred,
        decided=draw(st.booleans()),
        sourcing=tuple(
            draw(st.lists(st.builds(Sourcing, st.just("Sourcing"), routes), max_size=2))
        ),
        agreements=tuple(
            draw(st.lists(st.builds(Agreement, st.just("Agreement"), models), max_size=2))
        ),
        changes=tuple(
            draw(
                st.lists(
                    st.builds(
                        ContractChange,
                        st.just("Agreement"),
                        st.sampled_from(["modification", "extension", "termination"]),
                        st.just("2025-04-01"),
                    ),
                    max_size=2,
                )
            )
        ),
        coproduction=tuple(
            draw(
                st.lists(
                    st.builds(
                        CoProduction,
                        st.just("Plan"),
                        st.lists(st.sampled_from(sorted(PARTICIPANTS)), max_size=3).map(tuple),
                    ),
                    max_size=2,
                )
            )
        ),
        decommissioning=tuple(
            draw(st.lists(st.builds(Decommissioning, st.just("Cycle 1")), max_size=1))
        ),
        outcomes=tuple(draw(st.lists(st.just("outcomes framework 'Safety'"), max_size=1))),
    )


previous = st.one_of(st.none(), models)

# Timing only: on a loaded machine the first draws can be slow; correctness is unaffected.
timing = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@timing
@given(plans(), choices, previous)
def test_the_finding_follows_the_evidence(
    plan: PlanRecords, choice: str, model: str | None
) -> None:
    finding = follow_up(Recommendation("R1.1", choice), plan, previous_model=model)
    assert finding.status in STATUS_LABELS
    assert (finding.status == "contradicted") == bool(finding.contradicting)
    assert (finding.status == "addressed") == (
        bool(finding.supporting) and not finding.contradicting
    )


@timing
@given(plans(), choices, previous)
def test_every_fact_is_shown_once_as_for_against_or_context(
    plan: PlanRecords, choice: str, model: str | None
) -> None:
    finding = follow_up(Recommendation("R1.1", choice), plan, previous_model=model)
    texts = [f.text for f in facts(plan, previous_model=model)]
    shown = set(finding.supporting) | set(finding.contradicting) | set(finding.context)
    assert shown == set(texts)
    assert not set(finding.context) & (set(finding.supporting) | set(finding.contradicting))


@timing
@given(plans(), choices, previous)
def test_the_order_of_the_records_changes_nothing(
    plan: PlanRecords, choice: str, model: str | None
) -> None:
    reordered = replace(
        plan,
        options=plan.options[::-1],
        sourcing=plan.sourcing[::-1],
        agreements=plan.agreements[::-1],
        changes=plan.changes[::-1],
        coproduction=plan.coproduction[::-1],
    )
    recommendation = Recommendation("R1.1", choice)
    assert (
        follow_up(recommendation, plan, previous_model=model).status
        == follow_up(recommendation, reordered, previous_model=model).status
    )


@timing
@given(plans(), choices, previous)
def test_before_the_next_cycle_starts_a_plan_is_never_not_addressed(
    plan: PlanRecords, choice: str, model: str | None
) -> None:
    finding = follow_up(
        Recommendation("R1.1", choice), replace(plan, started=False), previous_model=model
    )
    assert finding.status != "not_addressed"


@timing
@given(plans(), st.sampled_from(["continue", "vary", "re_procure", "bring_in_house"]), previous)
def test_an_end_to_the_service_contradicts_keeping_it_in_any_form(
    plan: PlanRecords, choice: str, model: str | None
) -> None:
    ended = replace(plan, changes=(*plan.changes, ContractChange("A", "termination", "2025-01-01")))
    assert follow_up(Recommendation("R1.1", choice), ended, previous_model=model).status == (
        "contradicted"
    )


@timing
@given(st.sampled_from(sorted(STATUS_LABELS)), st.one_of(st.none(), st.booleans()))
def test_disagreement_means_both_spoke_and_said_opposite_things(
    status: str, addressed: bool | None
) -> None:
    found = compare_with_commissioner(status, addressed)
    spoke = addressed is not None and status != "cannot_tell"
    assert (found == "disagrees") == (spoke and (status == "addressed") != addressed)
