"""Demand forecasts: projected population × prevalence, with uncertainty.

References: the Wilson limits of PHEindicatormethods v2.1.0
(``tests/reference/phe/wilson_limits.csv``, every row); the delta-method variance
``Σ P² se²`` written out by hand in the tests below.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.exceptions import InputError
from spiral.forecast import forecast_demand, survey_prevalence

WILSON = Path(__file__).parents[2] / "reference" / "phe" / "wilson_limits.csv"


def test_survey_prevalence_intervals_are_the_official_wilson_limits() -> None:
    reference = pd.read_csv(WILSON)
    assert len(reference) == 6
    for level in ("95%", "99.8%"):
        rows = reference[reference["confidence"] == level]
        result = survey_prevalence(
            rows.rename(columns={"x": "cases", "n": "sample"}), confidence=float(level[:-1])
        )
        np.testing.assert_allclose(result["lower"], rows["lowercl"], rtol=1e-12)
        np.testing.assert_allclose(result["upper"], rows["uppercl"], rtol=1e-12)


def _projections() -> pd.DataFrame:
    rows = []
    for area, scale in (("E08000009", 1.0), ("E08000003", 1.6)):
        for year in ("2030", "2035"):
            growth = 1.0 if year == "2030" else 1.1
            for age, sex, people in (
                ("65-74", "Female", 12500),
                ("65-74", "Male", 11800),
                ("75+", "Female", 12100),
                ("75+", "Male", 9400),
            ):
                rows.append((area, year, age, sex, round(people * scale * growth)))
    return pd.DataFrame(rows, columns=["area_code", "period", "age", "sex", "population"])


def _prevalence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": ["65-74", "65-74", "75+", "75+"],
            "sex": ["Female", "Male", "Female", "Male"],
            "prevalence": [0.041, 0.036, 0.112, 0.094],
            "lower": [0.035, 0.030, 0.100, 0.082],
            "upper": [0.048, 0.043, 0.125, 0.107],
        }
    )


def test_the_delta_method_sums_each_strata_variance() -> None:
    result = forecast_demand(_projections(), _prevalence())
    assert len(result) == 4
    row = result[(result["area_code"] == "E08000009") & (result["period"] == "2030")].iloc[0]
    people = np.array([12500, 11800, 12100, 9400])
    prevalence = _prevalence()
    expected = float(people @ prevalence["prevalence"])
    se = (prevalence["upper"] - prevalence["lower"]) / (2 * 1.959963984540054)
    half = 1.959963984540054 * np.sqrt(np.sum(people**2 * se**2))
    assert row["demand"] == pytest.approx(expected, rel=1e-12)
    assert row["lower_ci_95"] == pytest.approx(expected - half, rel=1e-12)
    assert row["upper_ci_95"] == pytest.approx(expected + half, rel=1e-12)
    assert row["population"] == people.sum()


def test_monte_carlo_is_reproducible_with_a_seed_and_close_to_the_delta_method() -> None:
    delta = forecast_demand(_projections(), _prevalence())
    first = forecast_demand(
        _projections(), _prevalence(), method="monte-carlo", seed=2024, draws=20_000
    )
    second = forecast_demand(
        _projections(), _prevalence(), method="monte-carlo", seed=2024, draws=20_000
    )
    pd.testing.assert_frame_equal(first, second)
    other = forecast_demand(
        _projections(), _prevalence(), method="monte-carlo", seed=7, draws=20_000
    )
    assert not np.allclose(first["lower_ci_95"], other["lower_ci_95"], rtol=0, atol=0)
    np.testing.assert_allclose(first["demand"], delta["demand"])
    width_mc = first["upper_ci_95"] - first["lower_ci_95"]
    width_delta = delta["upper_ci_95"] - delta["lower_ci_95"]
    np.testing.assert_allclose(width_mc, width_delta, rtol=0.05)
    assert (first["lower_ci_95"] < first["demand"]).all()
    assert (first["demand"] < first["upper_ci_95"]).all()


def test_a_survey_sample_gives_the_prevalence_and_its_interval() -> None:
    survey = pd.DataFrame({"age": ["65-74", "75+"], "cases": [41, 112], "sample": [1000, 1000]})
    projections = pd.DataFrame(
        {
            "area_code": ["E08000009"] * 2,
            "period": ["2030"] * 2,
            "age": ["65-74", "75+"],
            "population": [24300, 21500],
        }
    )
    result = forecast_demand(projections, survey, on=["age"], confidence=99.8)
    assert result["demand"].iloc[0] == pytest.approx(24300 * 0.041 + 21500 * 0.112)
    assert {"lower_ci_99_8", "upper_ci_99_8"} <= set(result.columns)


def test_a_stratum_without_prevalence_is_named() -> None:
    projections = _projections().replace({"age": {"75+": "85+"}})
    with pytest.raises(InputError, match=r"no prevalence for \{'age': '85\+'"):
        forecast_demand(projections, _prevalence())


def test_a_prevalence_outside_its_interval_is_refused() -> None:
    prevalence = _prevalence()
    prevalence.loc[2, "prevalence"] = 11.2  # a percentage, not a fraction
    with pytest.raises(InputError, match="row 3: prevalence needs"):
        forecast_demand(_projections(), prevalence)


def test_a_negative_population_is_refused() -> None:
    projections = _projections()
    projections.loc[5, "population"] = -1
    with pytest.raises(InputError, match="row 6, population"):
        forecast_demand(projections, _prevalence())


@settings(max_examples=40, deadline=None)
@given(factor=st.floats(0.1, 10), method=st.sampled_from(["delta", "monte-carlo"]))
def test_demand_and_its_interval_scale_with_the_population(factor: float, method: str) -> None:
    base = forecast_demand(_projections(), _prevalence(), method=method, seed=1, draws=500)  # type: ignore[arg-type]
    scaled_input = _projections().assign(population=lambda t: t["population"] * factor)
    scaled = forecast_demand(scaled_input, _prevalence(), method=method, seed=1, draws=500)  # type: ignore[arg-type]
    for column in ("demand", "lower_ci_95", "upper_ci_95"):
        np.testing.assert_allclose(scaled[column], base[column] * factor, rtol=1e-9)


def test_one_prevalence_for_everybody_needs_no_strata() -> None:
    """With ``on=[]`` one prevalence applies to every projected person: demand is population x
    prevalence, so 1,000 people at 10% (8% to 12%) give 100 (80 to 120) by the delta method."""
    projections = pd.DataFrame(
        {
            "area_code": ["E06000001", "E06000001"],
            "period": [2030, 2031],
            "population": [1000.0, 1200.0],
        }
    )
    prevalence = pd.DataFrame({"prevalence": [0.1], "lower": [0.08], "upper": [0.12]})
    result = forecast_demand(projections, prevalence, on=[])
    assert result["demand"].tolist() == pytest.approx([100.0, 120.0])
    assert result["lower_ci_95"].tolist() == pytest.approx([80.0, 96.0])
    assert result["upper_ci_95"].tolist() == pytest.approx([120.0, 144.0])
    with pytest.raises(InputError, match="repeats a stratum"):
        forecast_demand(projections, pd.concat([prevalence, prevalence]), on=[])
