"""The appraisal report: plain data, JSON and the self-contained HTML page.

Reference: HM Treasury Green Book (2022) business case guidance (the five cases: strategic,
economic, commercial, financial, management); GOV.UK accessibility practice of a table of the
same figures beside every chart. Run on ``docs/examples/options.yaml``.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import orjson
import pytest

from spiral.appraisal.file_format import read_options_file
from spiral.appraisal.report import appraise_options

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "options.yaml"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return appraise_options(read_options_file(EXAMPLE), simulations=2000, seed=1)


def test_the_plain_data_round_trips_through_json(report) -> None:  # type: ignore[no-untyped-def]
    data = report.to_dict()
    again = json.loads(orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY))
    assert again["results"] == data["results"]
    assert data["risk"]["simulations"] == 2000
    assert data["risk"]["seed"] == 1
    assert "not_yet_offered" not in data
    histogram = data["risk"]["histogram"]
    assert all(sum(c) == 2000 for c in histogram["counts"].values())
    assert len(histogram["edges"]) == 21


def test_the_report_agrees_with_the_appraisal(report) -> None:  # type: ignore[no-untyped-def]
    data = report.to_dict()
    assert data["preferred_by_npsv"] == report.result.preferred
    by_name = {row["option"]: row for row in data["results"]}
    for i, name in enumerate(report.result.names):
        assert by_name[name]["npsv"] == float(report.result.npsv[i])


def test_the_same_seed_gives_the_same_report(report) -> None:  # type: ignore[no-untyped-def]
    again = appraise_options(read_options_file(EXAMPLE), simulations=2000, seed=1)
    assert again.to_dict() == report.to_dict()


def test_the_html_uses_the_five_cases(report) -> None:  # type: ignore[no-untyped-def]
    page = report.to_html()
    for case in ("strategic", "economic", "commercial", "financial", "management"):
        assert f"<h2 id='{case}'>" in page


def test_every_chart_is_followed_by_a_table_of_its_figures(report) -> None:  # type: ignore[no-untyped-def]
    page = report.to_html()
    charts = [m.end() for m in re.finditer("</svg>", page)]
    assert len(charts) == 4  # summary, NPSV percentiles, NPSV histogram, tornado
    for end in charts:
        assert page[end:].lstrip().startswith("<table>")


def test_the_html_is_self_contained(report) -> None:  # type: ignore[no-untyped-def]
    page = report.to_html()
    assert "<script" not in page
    assert not re.search(r"(src|href)=['\"]https?:", page)


def test_every_assumption_is_listed(report) -> None:  # type: ignore[no-untyped-def]
    page = report.to_html()
    for option in report.file.options:
        reason = option.reason_for("optimism_bias")
        assert reason
        assert escape(reason) in page
        for assumption in option.assumptions:
            assert escape(assumption.reason) in page
    for uncertain in report.file.inputs:
        assert escape(uncertain.reason) in page
    for measure in report.file.measures:
        assert measure.code in page
    assert "weights: quality 20.0%, outcomes_for_users 25.0%" in page
    assert "Monte Carlo with 2,000 draws, seed 1" in page


def test_without_uncertain_inputs_there_is_no_risk_section() -> None:
    from spiral.appraisal.file_format import parse_options

    f = parse_options(
        {
            "options": [
                {"name": "A", "delivery_model": "in_house", "cash_flows": {"operating": [1, 1]}},
                {
                    "name": "B",
                    "delivery_model": "co_production",
                    "cash_flows": {"operating": [1, 2]},
                },
            ]
        }
    )
    report = appraise_options(f)
    assert report.to_dict()["risk"] is None
    assert report.to_html().count("<svg") == 1
