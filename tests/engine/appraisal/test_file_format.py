"""The options file: parsing, validation naming option and field, all-or-nothing.

Reference: the documented format in ``docs/appraisal.md`` and the full example
``docs/examples/options.yaml``; optimism bias by project type from Mott MacDonald (2002)
Table 2 (``tests/reference/greenbook/optimism_bias_mott_macdonald_2002.csv``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.appraisal.file_format import OptionsFileError, parse_options, read_options_file
from spiral.appraisal.mcda import DEFAULT_CRITERIA
from spiral.appraisal.options import DeliveryModel

from .reference import rows

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "options.yaml"


def _minimal(**option: Any) -> dict[str, Any]:
    base = {"name": "A", "delivery_model": "in_house", "cash_flows": {"operating": [10, 10]}}
    return {"options": [{**base, **option}]}


def _problems(data: Any) -> list[str]:
    with pytest.raises(OptionsFileError) as caught:
        parse_options(data)
    return caught.value.problems


def test_the_documented_example_reads_cleanly() -> None:
    f = read_options_file(EXAMPLE)
    assert len(f.options) == 7
    assert {o.delivery_model for o in f.options} >= {
        DeliveryModel.IN_HOUSE,
        DeliveryModel.CO_PRODUCTION,
        DeliveryModel.DECOMMISSION,
    }
    assert f.settings.category_schedules == {"monetised_outcomes": "health"}
    assert f.seed == 2026
    assert len(f.inputs) == 6
    assert set(f.weights) == set(DEFAULT_CRITERIA)


def test_the_same_file_in_json_reads_the_same(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "options.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_options_file(path) == read_options_file(EXAMPLE)


def test_optimism_bias_by_project_type_takes_the_published_bound() -> None:
    """Mott MacDonald (2002): Standard Buildings capex upper bound."""
    table = {r["project_type"]: r for r in rows("optimism_bias_mott_macdonald_2002.csv")}
    f = parse_options(_minimal(optimism_bias={"capital": {"project_type": "Standard Buildings"}}))
    assert f.options[0].optimism_bias["capital"] == float(
        table["Standard Buildings"]["capex_upper_pct"]
    )


def test_mitigated_optimism_bias_falls_in_proportion() -> None:
    """Outsourcing operating bias 41%, 70% mitigated: 41 × 0.3 = 12.3%."""
    bias = {"operating": {"project_type": "Outsourcing", "mitigated": 70}, "reason": "tested spec"}
    f = parse_options(_minimal(optimism_bias=bias))
    assert f.options[0].optimism_bias["operating"] == pytest.approx(41 * 0.3, rel=1e-12)
    assert f.options[0].reason_for("optimism_bias") == "tested spec"


def test_social_value_quantities_become_monetised_outcomes() -> None:
    data = _minimal(social_value={"SV-VOL": [100, 200]})
    data["social_value_measures"] = [
        {"code": "SV-VOL", "name": "Volunteer hours", "unit": "hour", "proxy_value": 12}
    ]
    f = parse_options(data)
    assert f.options[0].cash_flows["monetised_outcomes"] == {0: 1200.0, 1: 2400.0}
    assert f.social_value == {"A": {0: 1200.0, 1: 2400.0}}


def test_every_problem_is_reported_at_once_naming_option_and_field() -> None:
    data = {
        "appraisal": {"prices": "nominal", "discounting": {"schedule": "fancy"}},
        "options": [
            {"name": "A", "delivery_model": "outsourced", "cash_flows": {}},
            {"name": "B", "delivery_model": "grant", "cash_flows": {"operating": [1, "x"]}},
            {
                "name": "C",
                "delivery_model": "grant",
                "cash_flows": {"operating": [1]},
                "optimism_bias": {"capital": {"project_type": "Bridges"}},
            },
        ],
        "uncertain_inputs": [
            {
                "name": "u",
                "category": "operating",
                "options": ["C"],
                "distribution": "pert",
                "min": 2,
                "mode": 1,
                "max": 3,
            },
        ],
        "mcda": {"criteria": {"quality": 60, "resilience": 30}, "scores": {}},
    }
    problems = _problems(data)
    expected = [
        "appraisal, field discounting.schedule: unknown schedule 'fancy'",
        "appraisal, field first_year: needed when prices are nominal",
        "appraisal, field price_base_year: needed when prices are nominal",
        "appraisal, field deflator: needed when prices are nominal",
        "option 'A', field delivery_model: 'outsourced' is not a delivery model",
        "option 'B', field cash_flows.operating, year 1: 'x' is not a number",
        "option 'C', field optimism_bias.capital.project_type: unknown optimism bias project type",
        "uncertain input 'u' (option 'C'), field min: min (2) is above mode (1)",
        "mcda, field weight: the weights add up to 90, not 1 or 100",
    ]
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), (problem, start)


def test_it_names_an_uncertain_input_for_a_missing_option() -> None:
    data = _minimal()
    data["uncertain_inputs"] = [
        {
            "name": "u",
            "category": "operating",
            "options": ["Z"],
            "distribution": "normal",
            "mean": 1,
            "sd": 0.1,
        }
    ]
    assert _problems(data) == ["uncertain input 'u', field options: no option is called 'Z'"]


def test_it_names_a_missing_score() -> None:
    data = _minimal()
    data["mcda"] = {"criteria": {"quality": 100}, "scores": {"A": {}}}
    assert _problems(data) == ["mcda, option 'A', field quality: no score given"]


def test_it_rejects_a_recommendation_that_is_not_an_option() -> None:
    data = _minimal()
    data["appraisal"] = {"recommended": "Z"}
    assert _problems(data) == ["appraisal, field recommended: no option is called 'Z'"]


def test_it_rejects_an_unknown_section() -> None:
    data = _minimal()
    data["extras"] = {}
    assert _problems(data)[0].startswith("extras: unknown section")


def test_it_rejects_two_options_with_one_name() -> None:
    data = _minimal()
    data["options"].append(dict(data["options"][0]))
    assert _problems(data) == ["option 'A', field name: two options have the same name"]


def test_it_reports_unreadable_yaml_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("options:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(OptionsFileError, match=r"bad\.yaml, line 3: not valid YAML"):
        read_options_file(path)


def test_nominal_prices_with_a_deflator_are_accepted() -> None:
    data = _minimal()
    data["appraisal"] = {
        "prices": "nominal",
        "first_year": 2026,
        "price_base_year": 2025,
        "deflator": {2025: 100, 2026: 102, 2027: 104},
    }
    f = parse_options(data)
    assert f.settings.deflator == {2025: 100.0, 2026: 102.0, 2027: 104.0}


def test_mitigated_optimism_bias_needs_a_reason() -> None:
    bias = {"operating": {"project_type": "Outsourcing", "mitigated": 70}}
    assert _problems(_minimal(optimism_bias=bias)) == [
        "option 'A', field optimism_bias.operating.reason: mitigation needs a stated reason"
    ]


def test_a_reason_may_be_given_with_the_mitigated_category() -> None:
    bias = {"operating": {"project_type": "Outsourcing", "mitigated": 0.5, "reason": "spec tested"}}
    f = parse_options(_minimal(optimism_bias=bias))
    assert f.options[0].optimism_bias["operating"] == pytest.approx(20.5, rel=1e-12)


def test_outsourcing_bounds_apply_to_operating_costs_only() -> None:
    """Table 1 note: the Outsourcing bounds are on operating expenditure."""
    bias = {"capital": {"project_type": "Outsourcing"}}
    assert _problems(_minimal(optimism_bias=bias)) == [
        "option 'A', field optimism_bias.capital.project_type: the bounds for Outsourcing "
        "apply to operating costs"
    ]


def test_optimism_bias_must_be_a_mapping() -> None:
    assert _problems(_minimal(optimism_bias=24)) == [
        "option 'A', field optimism_bias: must be a mapping of cost category to bias"
    ]


def test_social_value_measures_may_come_from_a_file_beside_the_options(tmp_path: Path) -> None:
    (tmp_path / "measures.yaml").write_text(
        "measures:\n  - {code: V, name: Volunteer hours, unit: hour, proxy_value: 10}\n",
        encoding="utf-8",
    )
    data = _minimal(social_value={"V": {1: 5}})
    data["social_value_measures"] = "measures.yaml"
    path = tmp_path / "options.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    f = read_options_file(path)
    assert f.options[0].cash_flows["monetised_outcomes"] == {1: 50.0}


def test_a_missing_measures_file_is_named(tmp_path: Path) -> None:
    data = _minimal()
    data["social_value_measures"] = "nowhere.yaml"
    path = tmp_path / "options.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(OptionsFileError, match=r"cannot read .*nowhere\.yaml"):
        read_options_file(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-10, 10) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
sections = st.fixed_dictionaries(
    {},
    optional={
        "appraisal": json_values,
        "options": st.lists(
            st.fixed_dictionaries(
                {"name": st.text(max_size=3), "delivery_model": st.sampled_from(["grant", "x"])},
                optional={
                    "cash_flows": json_values,
                    "optimism_bias": json_values,
                    "assumptions": json_values,
                    "social_value": json_values,
                },
            )
            | json_values,
            max_size=3,
        )
        | json_values,
        "uncertain_inputs": json_values,
        "correlations": json_values,
        "mcda": json_values,
        "social_value_measures": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(sections)
def test_any_malformed_file_gives_listed_problems_not_a_crash(data: dict[str, Any]) -> None:
    try:
        parse_options(data)
    except OptionsFileError as error:
        problems = error.problems
    else:
        return
    assert problems
    assert all(isinstance(p, str) and p for p in problems)
