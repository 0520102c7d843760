"""Neutrality checks, and the proof that delivery models never change a figure.

Reference: HM Treasury Green Book (2022) section 4 (a long list including do-minimum, every
option appraised on the same basis) and Bovaird, Briggs & Willis (2014) on externalisation by
default. The property test shows that relabelling the delivery models of the options leaves
every appraisal, risk, sensitivity and scoring figure unchanged.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.appraisal.appraisal import appraise
from spiral.appraisal.mcda import score, weight_perturbation, weight_switching
from spiral.appraisal.neutrality import neutrality_warnings
from spiral.appraisal.options import CATEGORIES, COST_CATEGORIES, Assumption, DeliveryModel, Option
from spiral.appraisal.risk import UncertainInput, simulate
from spiral.appraisal.sensitivity import switching_values, tornado


def _codes(options: list[Option], **kwargs: object) -> list[str]:
    return [w.code for w in neutrality_warnings(appraise(options), **kwargs)]  # type: ignore[arg-type]


FULL = [
    Option("Own", "in_house", {"operating": {0: 10.0}}),
    Option("Together", "co_production", {"operating": {0: 9.0}}),
    Option("Stop", "decommission", {"operating": {0: 1.0}}),
]


def test_a_balanced_option_set_raises_no_warning() -> None:
    assert _codes(FULL) == []


def test_it_warns_when_there_is_no_in_house_option() -> None:
    options = [Option("Contract", "external_contract", {}), *FULL[1:]]
    assert _codes(options) == ["no_in_house"]


def test_it_warns_when_there_is_no_co_production_option() -> None:
    assert _codes([FULL[0], FULL[2]]) == ["no_co_production"]


def test_do_minimum_counts_as_the_exit_alternative() -> None:
    options = [*FULL[:2], Option("Minimum", "do_minimum", {})]
    assert _codes(options) == []
    assert _codes(FULL[:2]) == ["no_exit_or_minimum"]


def test_it_warns_when_optimism_bias_is_applied_unevenly_without_a_reason() -> None:
    options = [Option("Own", "in_house", {"operating": {0: 10.0}}, {"operating": 41.0}), *FULL[1:]]
    warnings = neutrality_warnings(appraise(options))
    assert [w.code for w in warnings] == ["uneven_optimism_bias"]
    assert warnings[0].options == ("Own", "Together", "Stop")
    assert "in_house" in warnings[0].message


def test_a_recorded_reason_on_every_option_silences_it() -> None:
    why = (Assumption("optimism_bias", "as stated", "Mott MacDonald table"),)
    options = [
        Option(
            o.name,
            o.delivery_model,
            o.cash_flows,
            {"operating": 41.0} if i == 0 else {},
            assumptions=why,
        )
        for i, o in enumerate(FULL)
    ]
    assert _codes(options) == []


def test_it_warns_when_transaction_costs_are_counted_for_some_options_only() -> None:
    options = [Option("Own", "in_house", {"transaction": {0: 5.0}}), *FULL[1:]]
    assert _codes(options) == ["uneven_transaction"]


def test_it_warns_when_risk_is_analysed_for_some_options_only() -> None:
    u = UncertainInput("cost", "operating", "uniform", {"min": 0.9, "max": 1.2}, options=("Own",))
    assert _codes(FULL, inputs=[u]) == ["uneven_risk"]


def test_it_warns_when_the_recommendation_is_not_the_best_on_the_stated_criteria() -> None:
    result = appraise(FULL)
    mcda = score(
        result.names,
        {"quality": 100},
        {"Own": {"quality": 1}, "Together": {"quality": 2}, "Stop": {"quality": 3}},
    )
    codes = [w.code for w in neutrality_warnings(result, recommended="Own", mcda=mcda)]
    assert codes == ["recommendation_not_best_npsv", "recommendation_not_top_score"]
    assert [w.code for w in neutrality_warnings(result, recommended="Stop", mcda=mcda)] == []


models = st.sampled_from(list(DeliveryModel))
amounts = st.dictionaries(st.integers(0, 8), st.floats(0, 1e6), min_size=1, max_size=4)


@st.composite
def option_sets(draw: st.DrawFn) -> list[Option]:
    n = draw(st.integers(2, 6))
    out = []
    for i in range(n):
        flows = draw(st.dictionaries(st.sampled_from(CATEGORIES), amounts, min_size=1, max_size=4))
        bias = draw(st.dictionaries(st.sampled_from(COST_CATEGORIES), st.floats(0, 60), max_size=2))
        out.append(Option(f"Option {i}", draw(models), flows, bias))
    return out


def _figures(options: list[Option]) -> list[np.ndarray]:
    result = appraise(options)
    inputs = [
        UncertainInput("cost", "operating", "pert", {"min": 0.8, "mode": 1, "max": 1.5}),
        UncertainInput(
            "outcome",
            "monetised_outcomes",
            "lognormal",
            {"mean": 1, "sd": 0.2},
            options=(options[0].name,),
        ),
    ]
    risk = simulate(result, inputs, 500, seed=4, correlations={("cost", "outcome"): 0.3})
    svs = switching_values(result, inputs)
    mcda = score(
        result.names,
        {"quality": 60, "resilience": 40},
        {o.name: {"quality": i % 3, "resilience": (i * 7) % 5} for i, o in enumerate(options)},
    )
    table = [{k: v for k, v in row.items() if k != "delivery_model"} for row in result.table()]
    return [
        np.array(
            [
                [v if v is not None else np.nan for v in row.values() if not isinstance(v, str)]
                for row in table
            ],
            dtype=float,
        ),
        risk.npsv,
        np.array([[s.increase or np.nan, s.decrease or np.nan] for s in svs]),
        np.array([b.swing for b in tornado(result, inputs)]),
        mcda.totals,
        np.array([w.increase or np.nan for w in weight_switching(mcda)]),
        np.array(list(weight_perturbation(mcda, draws=200, seed=2).values())),
    ]


@settings(max_examples=40, deadline=None)
@given(option_sets(), st.randoms(use_true_random=False))
def test_relabelling_the_delivery_models_changes_no_figure(options: list[Option], rnd) -> None:  # type: ignore[no-untyped-def]
    relabelled_models = [rnd.choice(list(DeliveryModel)) for _ in options]
    relabelled = [
        Option(o.name, m, o.cash_flows, o.optimism_bias, assumptions=o.assumptions)
        for o, m in zip(options, relabelled_models, strict=True)
    ]
    for before, after in zip(_figures(options), _figures(relabelled), strict=True):
        assert np.array_equal(before, after, equal_nan=True)
