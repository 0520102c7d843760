"""Monte Carlo risk analysis.

References: HM Treasury Green Book (2022) Annex A5 (Monte Carlo analysis of uncertain
inputs); the inverse distribution functions are checked against scipy.stats (triang, beta
for PERT with shape 1 + 4(mode − min)/(max − min), norm, lognorm, uniform); means against
the textbook formulae (triangular (a + m + b)/3, PERT (a + 4m + b)/6). Simulated shares are
compared with their exact values within six standard errors of the stated number of draws.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from spiral.appraisal.appraisal import appraise
from spiral.appraisal.options import Option
from spiral.appraisal.risk import UncertainInput, draw_inputs, simulate

PROBS = np.array([0.001, 0.05, 0.3, 0.5, 0.8, 0.95, 0.999])


def _two_options() -> tuple[Option, Option]:
    a = Option("A", "in_house", {"operating": {0: 10.0}, "income": {0: 12.0}})
    b = Option("B", "grant", {"operating": {0: 9.0}, "income": {0: 10.0}})
    return a, b


def test_triangular_quantiles_are_scipys() -> None:
    u = UncertainInput("x", "operating", "triangular", {"min": 0.9, "mode": 1.0, "max": 1.4})
    expected = stats.triang(c=0.1 / 0.5, loc=0.9, scale=0.5).ppf(PROBS)
    assert u.quantile(PROBS) == pytest.approx(expected, rel=1e-12)


def test_pert_quantiles_are_the_scaled_beta() -> None:
    u = UncertainInput("x", "operating", "pert", {"min": 0.8, "mode": 1.0, "max": 1.6})
    a, b = 1 + 4 * 0.2 / 0.8, 1 + 4 * 0.6 / 0.8
    expected = stats.beta(a, b, loc=0.8, scale=0.8).ppf(PROBS)
    assert u.quantile(PROBS) == pytest.approx(expected, rel=1e-10)


def test_normal_lognormal_and_uniform_quantiles_are_scipys() -> None:
    normal = UncertainInput("n", "capital", "normal", {"mean": 1.0, "sd": 0.2})
    assert normal.quantile(PROBS) == pytest.approx(stats.norm(1, 0.2).ppf(PROBS), rel=1e-12)
    lognormal = UncertainInput("l", "capital", "lognormal", {"mean": 1.0, "sd": 0.3})
    sigma = math.sqrt(math.log1p(0.09))
    expected = stats.lognorm(s=sigma, scale=math.exp(-(sigma**2) / 2)).ppf(PROBS)
    assert lognormal.quantile(PROBS) == pytest.approx(expected, rel=1e-12)
    uniform = UncertainInput("u", "capital", "uniform", {"min": 0.5, "max": 2.0})
    assert uniform.quantile(PROBS) == pytest.approx(stats.uniform(0.5, 1.5).ppf(PROBS), rel=1e-12)


@pytest.mark.parametrize(
    ("distribution", "params", "mean"),
    [
        ("triangular", {"min": 0.9, "mode": 1.0, "max": 1.4}, (0.9 + 1.0 + 1.4) / 3),
        ("pert", {"min": 0.9, "mode": 1.0, "max": 1.4}, (0.9 + 4 * 1.0 + 1.4) / 6),
        ("normal", {"mean": 1.1, "sd": 0.1}, 1.1),
        ("lognormal", {"mean": 1.1, "sd": 0.2}, 1.1),
        ("uniform", {"min": 0.8, "max": 1.3}, 1.05),
    ],
)
def test_the_simulated_mean_npsv_follows_the_mean_factor(
    distribution: str, params: dict[str, float], mean: float
) -> None:
    """NPSV is linear in the factor: E[NPSV] = base − cost × (E[factor] − 1)."""
    result = appraise(list(_two_options()))
    u = UncertainInput("cost", "operating", distribution, params, options=("A",))
    risk = simulate(result, [u], draws=200_000, seed=11)
    draws = u.draw(np.random.default_rng(11), 200_000)
    se = 10 * draws.std() / math.sqrt(200_000)
    assert risk.npsv[:, 0].mean() == pytest.approx(2 - 10 * (mean - 1), abs=6 * se)
    assert np.all(risk.npsv[:, 1] == 1.0)


def test_the_probability_of_being_best_matches_the_exact_share() -> None:
    """A is best when its cost factor k < 1.1: P = 1 − 0.3² / (0.5 × 0.4) = 0.55."""
    result = appraise(list(_two_options()))
    u = UncertainInput(
        "cost", "operating", "triangular", {"min": 0.9, "mode": 1, "max": 1.4}, options=("A",)
    )
    risk = simulate(result, [u], draws=100_000, seed=5)
    se = math.sqrt(0.55 * 0.45 / 100_000)
    assert risk.probability_best[0] == pytest.approx(0.55, abs=6 * se)
    assert risk.probability_best.sum() == pytest.approx(1.0, abs=1e-12)


def test_percentiles_of_a_single_uniform_input_are_exact_in_the_limit() -> None:
    result = appraise(list(_two_options()))
    u = UncertainInput("cost", "operating", "uniform", {"min": 0.8, "max": 1.2}, options=("A",))
    row = simulate(result, [u], draws=400_000, seed=3).table()[0]
    assert row["p5"] == pytest.approx(12 - 10 * 1.18, abs=0.005)
    assert row["p50"] == pytest.approx(2.0, abs=0.005)
    assert row["p95"] == pytest.approx(12 - 10 * 0.82, abs=0.005)


def test_the_same_seed_gives_the_same_figures() -> None:
    result = appraise(list(_two_options()))
    inputs = [
        UncertainInput("a", "operating", "pert", {"min": 0.9, "mode": 1, "max": 1.3}),
        UncertainInput("b", "income", "lognormal", {"mean": 1, "sd": 0.1}),
    ]
    corr = {("a", "b"): 0.4}
    first = simulate(result, inputs, 1000, seed=42, correlations=corr)
    again = simulate(result, inputs, 1000, seed=42, correlations=corr)
    other = simulate(result, inputs, 1000, seed=43, correlations=corr)
    assert np.array_equal(first.npsv, again.npsv)
    assert not np.array_equal(first.npsv, other.npsv)


def test_correlated_inputs_follow_the_asked_rank_correlation() -> None:
    """Gaussian copula: Spearman's rho = (6/π) arcsin(ρ/2) for the underlying normals."""
    a = UncertainInput("a", "capital", "triangular", {"min": 0, "mode": 1, "max": 3})
    b = UncertainInput("b", "operating", "pert", {"min": 0, "mode": 1, "max": 2})
    x = draw_inputs([a, b], 100_000, seed=1, correlations={("a", "b"): 0.7})
    rho = stats.spearmanr(x[:, 0], x[:, 1]).statistic
    assert rho == pytest.approx(6 / math.pi * math.asin(0.35), abs=0.01)


def test_a_semi_definite_correlation_is_accepted() -> None:
    a = UncertainInput("a", "capital", "normal", {"mean": 1, "sd": 0.1})
    b = UncertainInput("b", "operating", "normal", {"mean": 1, "sd": 0.1})
    x = draw_inputs([a, b], 1000, seed=1, correlations={("a", "b"): 1.0})
    assert np.allclose(x[:, 0], x[:, 1])


def test_it_names_option_and_field_when_min_is_above_mode() -> None:
    with pytest.raises(ValueError, match=r"'staff' \(option 'In-house'\), field min"):
        UncertainInput(
            "staff", "operating", "pert", {"min": 1.2, "mode": 1, "max": 2}, options=("In-house",)
        )


def test_it_rejects_a_negative_standard_deviation() -> None:
    with pytest.raises(ValueError, match=r"'x' \(all options\), field sd: .* negative"):
        UncertainInput("x", "operating", "normal", {"mean": 1, "sd": -0.1})


def test_it_rejects_a_missing_parameter() -> None:
    with pytest.raises(ValueError, match="field mode: a number is needed"):
        UncertainInput("x", "operating", "triangular", {"min": 1, "max": 2})


def test_it_rejects_a_parameter_the_distribution_does_not_take() -> None:
    with pytest.raises(ValueError, match="field mode: uniform takes min, max only"):
        UncertainInput("x", "operating", "uniform", {"min": 1, "mode": 1.5, "max": 2})


def test_it_rejects_a_correlation_matrix_that_is_not_positive_semi_definite() -> None:
    inputs = [UncertainInput(n, "capital", "normal", {"mean": 1, "sd": 0.1}) for n in "abc"]
    corr = {("a", "b"): 0.9, ("a", "c"): 0.9, ("b", "c"): -0.9}
    with pytest.raises(ValueError, match="not positive semi-definite"):
        draw_inputs(inputs, 10, seed=1, correlations=corr)


def test_it_rejects_a_correlation_outside_minus_one_to_one() -> None:
    inputs = [UncertainInput(n, "capital", "normal", {"mean": 1, "sd": 0.1}) for n in "ab"]
    with pytest.raises(ValueError, match=r"'a' and 'b' have a correlation of 1\.5"):
        draw_inputs(inputs, 10, seed=1, correlations={("a", "b"): 1.5})


def test_it_rejects_a_correlation_with_an_unknown_input() -> None:
    inputs = [UncertainInput("a", "capital", "normal", {"mean": 1, "sd": 0.1})]
    with pytest.raises(ValueError, match="'z' is not an uncertain input"):
        draw_inputs(inputs, 10, seed=1, correlations={("a", "z"): 0.5})


def test_it_rejects_an_input_for_an_option_that_does_not_exist() -> None:
    result = appraise(list(_two_options()))
    u = UncertainInput("x", "operating", "uniform", {"min": 0.9, "max": 1.1}, options=("C",))
    with pytest.raises(ValueError, match="no option is called 'C'"):
        simulate(result, [u], 10, seed=1)


@pytest.mark.parametrize(
    "params",
    [
        {"min": 0.85, "mode": 1.0, "max": 1.4},
        {"min": 0.0, "mode": 0.0, "max": 1.0},
        {"min": 0.0, "mode": 1.0, "max": 1.0},
        {"min": -5.0, "mode": 3.0, "max": 10.0},
    ],
)
def test_correlated_pert_values_are_the_exact_beta_quantiles(params: dict[str, float]) -> None:
    """The copula's PERT spline agrees with scipy's beta ppf/isf to 1e-12 of the range."""
    u = UncertainInput("x", "capital", "pert", params)
    lo, hi = params["min"], params["max"]
    a = 1 + 4 * (params["mode"] - lo) / (hi - lo)
    b = 1 + 4 * (hi - params["mode"]) / (hi - lo)
    beta = stats.beta(a, b, loc=lo, scale=hi - lo)
    z = np.concatenate([np.linspace(-9.0, 9.0, 3001), [-0.123456, 0.987654]])
    expected = np.where(
        z <= 0,
        beta.ppf(stats.norm.cdf(np.minimum(z, 0))),
        beta.isf(stats.norm.cdf(-np.maximum(z, 0))),
    )
    assert np.abs(u.from_normal(z) - expected).max() <= 1e-12 * (hi - lo)


def test_it_rejects_two_inputs_with_one_name() -> None:
    inputs = [UncertainInput("a", "capital", "normal", {"mean": 1, "sd": 0.1})] * 2
    with pytest.raises(ValueError, match="uncertain input 'a', field name: used twice"):
        draw_inputs(inputs, 10, seed=1)
