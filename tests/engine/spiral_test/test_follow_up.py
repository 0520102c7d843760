"""Does the next plan take up the previous review? Every rule of ``docs/reviews.md`` and its edges.

The rules are Spiral's own (the "learning" part of the Spiral test, after Bovaird, Briggs and
Willis, 2014): each scenario below is one row of the rules table, for and against, and the
boundaries between *not addressed* and *cannot tell yet*.
"""

from __future__ import annotations

import pytest

from spiral.spiral_test.follow_up import (
    DEFAULT_RULES,
    Agreement,
    ContractChange,
    CoProduction,
    Decommissioning,
    Option,
    PlanRecords,
    Recommendation,
    Rule,
    Sourcing,
    compare_with_commissioner,
    delivery_model,
    follow_up,
    follow_ups,
    route_model,
)


def plan(**records: object) -> PlanRecords:
    return PlanRecords(cycle="Cycle 2", **records)  # type: ignore[arg-type]


def preferring(model: str, *, decided: bool = True, name: str = "Chosen") -> PlanRecords:
    return plan(options=(Option(name, model),), preferred=name, decided=decided)


def status(choice: str, records: PlanRecords, previous_model: str | None = None) -> str:
    return follow_up(Recommendation("R1.1", choice), records, previous_model=previous_model).status


EXTENSION = ContractChange("Refuge", "extension", "2025-04-01", "two more years")
MODIFICATION = ContractChange("Refuge", "modification", "2025-04-01", "perpetrator work added")
TERMINATION = ContractChange("Refuge", "termination", "2025-04-01", "service ends")
OPEN = Sourcing("Re-let", "pa23_open")
DIRECT = Sourcing("Direct award", "psr_direct_c")
IN_HOUSE = Sourcing("Staff transfer", "in_house_sla")
GRANT = Sourcing("Grant round", "grant")
PARTNERSHIP = Sourcing("With the trust", "partnership")
WIND_DOWN = Decommissioning("Cycle 1", "night shelter")


# --- continue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "previous"),
    [
        (preferring("grant"), "grant"),
        (preferring("do_minimum"), "grant"),
        (preferring("do_minimum"), None),
        (plan(changes=(EXTENSION,)), None),
    ],
)
def test_continue_is_addressed_by_the_same_model_doing_the_minimum_or_an_extension(
    records: PlanRecords, previous: str | None
) -> None:
    assert status("continue", records, previous) == "addressed"


@pytest.mark.parametrize(
    ("records", "previous"),
    [
        (preferring("in_house"), "external_contract"),
        (preferring("decommission"), None),
        (plan(decommissioning=(WIND_DOWN,)), None),
        (plan(changes=(TERMINATION,)), None),
    ],
)
def test_continue_is_contradicted_by_a_new_model_or_an_end_to_the_service(
    records: PlanRecords, previous: str | None
) -> None:
    assert status("continue", records, previous) == "contradicted"


def test_continue_is_not_addressed_by_a_competitive_re_let_alone() -> None:
    assert status("continue", plan(sourcing=(OPEN,))) == "not_addressed"


def test_continue_without_the_reviewed_model_cannot_compare_the_preferred_option() -> None:
    finding = follow_up(Recommendation("R1.1", "continue"), preferring("in_house"))
    assert finding.status == "not_addressed"
    assert "a change from" not in finding.summary


# --- vary -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "previous"),
    [(plan(changes=(MODIFICATION,)), None), (preferring("grant"), "grant")],
)
def test_vary_is_addressed_by_a_modification_or_the_same_model(
    records: PlanRecords, previous: str | None
) -> None:
    assert status("vary", records, previous) == "addressed"


@pytest.mark.parametrize(
    "records",
    [
        plan(changes=(TERMINATION,)),
        plan(decommissioning=(WIND_DOWN,)),
        preferring("decommission"),
    ],
)
def test_vary_is_contradicted_by_an_end_to_the_service(records: PlanRecords) -> None:
    assert status("vary", records, "grant") == "contradicted"


def test_a_new_model_does_not_take_vary_up_but_does_not_contradict_it() -> None:
    assert status("vary", preferring("co_production"), "grant") == "not_addressed"


def test_an_extension_does_not_vary_the_agreement() -> None:
    assert status("vary", plan(changes=(EXTENSION,), sourcing=(GRANT,))) == "not_addressed"


# --- re-procure -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "records",
    [
        plan(sourcing=(OPEN,)),
        plan(sourcing=(DIRECT,)),
        plan(sourcing=(GRANT,)),
        preferring("external_contract"),
        preferring("grant"),
    ],
)
def test_re_procure_is_addressed_by_securing_an_external_provider_again(
    records: PlanRecords,
) -> None:
    assert status("re_procure", records) == "addressed"


@pytest.mark.parametrize(
    "records",
    [
        plan(sourcing=(IN_HOUSE,)),
        preferring("in_house"),
        plan(changes=(EXTENSION,)),
        plan(decommissioning=(WIND_DOWN,)),
    ],
)
def test_re_procure_is_contradicted_by_in_house_an_extension_or_an_end(
    records: PlanRecords,
) -> None:
    assert status("re_procure", records) == "contradicted"


def test_re_procure_is_not_addressed_by_a_partnership() -> None:
    assert status("re_procure", plan(sourcing=(PARTNERSHIP,))) == "not_addressed"


# --- bring in-house -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "records",
    [
        plan(sourcing=(IN_HOUSE,)),
        preferring("in_house"),
        plan(agreements=(Agreement("Nursing SLA", "in_house"),)),
    ],
)
def test_bring_in_house_is_addressed_by_an_in_house_option_route_or_agreement(
    records: PlanRecords,
) -> None:
    assert status("bring_in_house", records) == "addressed"


@pytest.mark.parametrize(
    "records",
    [
        plan(sourcing=(OPEN,)),
        plan(sourcing=(GRANT,)),
        preferring("external_contract"),
        preferring("grant"),
        plan(
            options=(
                Option("Council team", "in_house", shortlisted=False, discard_reason="no staff"),
                Option("Charity", "grant"),
            )
        ),
    ],
)
def test_bring_in_house_is_contradicted_by_external_provision_or_dropping_in_house(
    records: PlanRecords,
) -> None:
    assert status("bring_in_house", records) == "contradicted"


def test_one_in_house_option_kept_on_the_short_list_is_not_a_rejection_of_in_house() -> None:
    records = plan(
        options=(
            Option("Council team", "in_house", shortlisted=False),
            Option("Council and school team", "in_house"),
        )
    )
    assert status("bring_in_house", records) == "cannot_tell"


def test_re_letting_to_external_providers_goes_against_bringing_in_house_in_plain_english() -> None:
    records = plan(
        options=(Option("Re-let to external providers", "external_contract"),),
        preferred="Re-let to external providers",
        decided=True,
        sourcing=(Sourcing("Day opportunities", "pa23_open"),),
    )
    finding = follow_up(Recommendation("R2.1", "bring_in_house"), records)
    assert finding.summary == (
        "Recommendation R2.1 'bring in-house': the plan's preferred option is 'Re-let to "
        "external providers' (an external contract); the sourcing record 'Day opportunities' "
        "uses the route 'Open procedure' (Procurement Act 2023), open to competing bids — the "
        "plan goes against it."
    )
    assert finding.label == "Contradicted"


# --- co-produce -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["users", "carers", "communities"])
def test_co_produce_is_addressed_by_co_production_with_people(who: str) -> None:
    entry = CoProduction("Plan", (who, "staff"), "a carers' outcome added")
    finding = follow_up(Recommendation("R1.1", "co_produce"), plan(coproduction=(entry,)))
    assert finding.status == "addressed"
    assert "what changed: a carers' outcome added" in finding.summary


def test_co_produce_is_addressed_by_a_co_production_preferred_option() -> None:
    assert status("co_produce", preferring("co_production")) == "addressed"


def test_co_production_with_providers_and_staff_alone_is_not_co_producing_with_people() -> None:
    entry = CoProduction("Plan", ("providers", "staff"))
    assert status("co_produce", plan(coproduction=(entry,))) == "cannot_tell"
    assert status("co_produce", plan(coproduction=(entry,), sourcing=(OPEN,))) == "not_addressed"


def test_dropping_every_co_production_option_contradicts_even_with_a_workshop() -> None:
    records = plan(
        options=(Option("Peer network", "co_production", shortlisted=False), Option("A", "grant")),
        coproduction=(CoProduction("Plan", ("users",)),),
    )
    finding = follow_up(Recommendation("R1.1", "co_produce"), records)
    assert finding.status == "contradicted"
    assert len(finding.supporting) == 1
    assert len(finding.contradicting) == 1
    assert finding.summary == (
        "Recommendation R1.1 'co-produce': the appraisal dropped 'Peer network' from its long "
        "list, leaving no option of that delivery model (co-production with users and "
        "communities), although co-production at the Plan stage with people who use services "
        "— the plan goes against it."
    )


# --- decommission ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "records",
    [
        plan(decommissioning=(WIND_DOWN,)),
        plan(changes=(TERMINATION,)),
        preferring("decommission"),
    ],
)
def test_decommission_is_addressed_by_a_plan_to_end_the_service(records: PlanRecords) -> None:
    assert status("decommission", records, "external_contract") == "addressed"


def test_a_decommissioning_plan_started_at_the_review_counts_before_the_next_cycle() -> None:
    records = PlanRecords("", started=False, decommissioning=(WIND_DOWN,))
    assert status("decommission", records) == "addressed"


@pytest.mark.parametrize(
    ("records", "previous"),
    [(plan(changes=(EXTENSION,)), None), (preferring("grant"), "grant")],
)
def test_decommission_is_contradicted_by_keeping_the_service(
    records: PlanRecords, previous: str | None
) -> None:
    assert status("decommission", records, previous) == "contradicted"


# --- cannot tell yet, and the boundaries of a plan being made -------------------------------


@pytest.mark.parametrize("choice", sorted(DEFAULT_RULES))
def test_nothing_can_be_told_before_the_next_cycle_starts(choice: str) -> None:
    finding = follow_up(Recommendation("R3.1", choice), PlanRecords("", started=False))
    assert finding.status == "cannot_tell"
    assert finding.summary.endswith("cannot tell yet — the next cycle has not started.")


def test_a_short_list_without_a_preferred_option_is_not_yet_a_plan() -> None:
    records = plan(options=(Option("A", "in_house"), Option("B", "grant")))
    finding = follow_up(Recommendation("R1.1", "vary"), records)
    assert finding.status == "cannot_tell"
    assert "no preferred option, sourcing route, agreement" in finding.summary
    assert finding.context == (
        "the appraisal's short list: 'A' (in-house); 'B' (a grant to the voluntary sector)",
    )


def test_an_outcomes_framework_is_context_not_a_plan() -> None:
    records = plan(outcomes=("the outcomes framework 'Safety' sets 2 targets",))
    assert status("continue", records) == "cannot_tell"


def test_a_recommended_option_awaiting_the_gate_counts_and_says_so() -> None:
    finding = follow_up(
        Recommendation("R1.1", "bring_in_house"), preferring("in_house", decided=False)
    )
    assert finding.status == "addressed"
    assert "(recommended, awaiting the Plan gate)" in finding.summary


def test_not_addressed_says_what_the_plan_holds_instead() -> None:
    finding = follow_up(
        Recommendation("R2.1", "vary"),
        preferring("co_production", name="Survivor-led network", decided=False),
        previous_model="grant",
    )
    assert finding.summary == (
        "Recommendation R2.1 'vary': the plan's preferred option is 'Survivor-led network' "
        "(co-production with users and communities), a change from a grant to the voluntary "
        "sector in the reviewed cycle (recommended, awaiting the Plan gate) — the plan does not "
        "take it up."
    )


# --- configuration and errors ---------------------------------------------------------------


def test_a_council_may_write_its_own_rule() -> None:
    rules = {**DEFAULT_RULES, "vary": Rule(supports=frozenset({"preferred:new_model"}))}
    finding = follow_up(
        Recommendation("R1.1", "vary"),
        preferring("co_production"),
        previous_model="grant",
        rules=rules,
    )
    assert finding.status == "addressed"


def test_an_unknown_choice_is_refused_naming_the_recommendation_and_field() -> None:
    with pytest.raises(ValueError, match=r"recommendation 'R1.1': field 'choice': no rule"):
        follow_up(Recommendation("R1.1", "outsource"), plan())


def test_an_unknown_route_is_refused_naming_it() -> None:
    with pytest.raises(KeyError, match="unknown sourcing route 'tender'"):
        follow_up(Recommendation("R1.1", "vary"), plan(sourcing=(Sourcing("X", "tender"),)))


def test_follow_ups_keep_the_review_s_order() -> None:
    found = follow_ups(
        [Recommendation("R1.2", "re_procure"), Recommendation("R1.1", "bring_in_house")],
        plan(sourcing=(IN_HOUSE,)),
    )
    assert [(f.recommendation.id, f.status) for f in found] == [
        ("R1.2", "contradicted"),
        ("R1.1", "addressed"),
    ]


# --- the reviewed cycle's delivery model ----------------------------------------------------


def test_the_delivery_model_is_the_preferred_option_s_then_the_route_s_then_the_agreements() -> (
    None
):
    both = plan(
        options=(Option("A", "in_house"),),
        preferred="A",
        sourcing=(OPEN,),
        agreements=(Agreement("G", "grant"),),
    )
    assert delivery_model(both) == "in_house"
    assert delivery_model(plan(sourcing=(IN_HOUSE, OPEN))) == "external_contract"
    assert delivery_model(plan(agreements=(Agreement("G", "grant"),))) == "grant"
    mixed = plan(agreements=(Agreement("G", "grant"), Agreement("C", "external_contract")))
    assert delivery_model(mixed) is None


@pytest.mark.parametrize(
    ("code", "model"),
    [
        ("pa23_open", "external_contract"),
        ("pa23_framework", "external_contract"),
        ("psr_most_suitable", "external_contract"),
        ("in_house_sla", "in_house"),
        ("grant", "grant"),
        ("partnership", "partnership"),
        ("pooled_budget", "pooled_budget"),
    ],
)
def test_each_route_secures_its_delivery_model(code: str, model: str) -> None:
    assert route_model(code) == model


# --- the commissioner's own statement -------------------------------------------------------


@pytest.mark.parametrize(
    ("finding", "addressed", "expected"),
    [
        ("addressed", True, "agrees"),
        ("addressed", False, "disagrees"),
        ("not_addressed", True, "disagrees"),
        ("not_addressed", False, "agrees"),
        ("contradicted", True, "disagrees"),
        ("contradicted", False, "agrees"),
        ("cannot_tell", True, "cannot compare"),
        ("cannot_tell", False, "cannot compare"),
        ("addressed", None, "not recorded"),
        ("cannot_tell", None, "not recorded"),
    ],
)
def test_spiral_s_finding_against_the_commissioner_s_statement(
    finding: str, addressed: bool | None, expected: str
) -> None:
    assert compare_with_commissioner(finding, addressed) == expected
