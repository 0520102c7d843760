"""``spiral appraise``: the options-file form and ``discount-factors``.

Reference: ``tests/reference/greenbook/discount_rate_schedule.csv`` (Green Book Annex A6) for
the printed factors; ``docs/examples/options.yaml`` for the options-file form.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from spiral.cli import main

from .reference import rows

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "options.yaml"


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["appraise", *args])


def test_discount_factors_print_year_factor_csv() -> None:
    result = _run("discount-factors", "--schedule", "standard", "--years", "0", "1", "30", "31")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "year,factor"
    standard = {
        int(r["year_from"]): float(r["standard_stpr"]) for r in rows("discount_rate_schedule.csv")
    }
    assert standard[0] == 0.035
    assert standard[31] == 0.03
    expected = {0: 1.0, 1: 1 / 1.035, 30: 1.035**-30, 31: 1.035**-30 / 1.03}
    for line in lines[1:]:
        year, factor = line.split(",")
        assert float(factor) == pytest.approx(expected[int(year)], abs=5e-11)


def test_discount_factors_follow_the_health_schedule() -> None:
    result = _run("discount-factors", "--schedule", "health", "--years", "1")
    assert result.output.splitlines()[1] == f"1,{1 / 1.015:.10f}"


def test_discount_factors_reject_a_year_beyond_the_published_schedule() -> None:
    result = _run("discount-factors", "--schedule", "health_reduced", "--years", "200")
    assert result.exit_code == 1
    assert "not published beyond year 125" in result.output
    assert "Traceback" not in result.output


def test_discount_factors_need_years() -> None:
    result = _run("discount-factors")
    assert result.exit_code == 2
    assert "--years" in result.output


def test_an_options_file_prints_the_results_table() -> None:
    result = _run(str(EXAMPLE), "--simulations", "500", "--seed", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rank,option,delivery_model,pv_costs")
    assert lines[0].endswith("probability_best")
    assert len(lines) == 1 + 7
    assert lines[1].startswith("1,")
    assert result.stderr.splitlines()[0].startswith("Community support for older people")


def test_the_run_command_is_the_same_as_the_short_form() -> None:
    short = _run(str(EXAMPLE), "--simulations", "200", "--seed", "3")
    long = _run("run", str(EXAMPLE), "--simulations", "200", "--seed", "3")
    assert short.output == long.output


def test_options_may_come_before_the_file() -> None:
    result = _run("--simulations", "200", "--seed", "3", str(EXAMPLE))
    assert result.exit_code == 0, result.output


def test_it_writes_json_and_html_reports(tmp_path: Path) -> None:
    json_path = tmp_path / "report.json"
    html_path = tmp_path / "report.html"
    assert _run(str(EXAMPLE), "--simulations", "200", "-o", str(json_path)).exit_code == 0
    assert _run(str(EXAMPLE), "--simulations", "200", "-o", str(html_path)).exit_code == 0
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["risk"]["simulations"] == 200
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_it_writes_a_pdf_report_in_the_five_cases(tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf_path = tmp_path / "report.pdf"
    assert _run(str(EXAMPLE), "--simulations", "200", "-o", str(pdf_path)).exit_code == 0
    text = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    for heading in ("Strategic case", "Economic case", "Management case", "Assumptions"):
        assert heading in text


def test_it_refuses_another_report_suffix(tmp_path: Path) -> None:
    result = _run(str(EXAMPLE), "-o", str(tmp_path / "report.txt"))
    assert result.exit_code == 2
    assert ".html, .pdf or .json" in result.output


def test_a_bad_options_file_gives_every_problem_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "options:\n  - name: A\n    delivery_model: outsourced\n"
        "  - name: B\n    delivery_model: grant\n    cash_flows: {operating: [1, x]}\n",
        encoding="utf-8",
    )
    result = _run(str(path))
    assert result.exit_code == 1
    assert "option 'A', field delivery_model" in result.output
    assert "option 'B', field cash_flows.operating, year 1" in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nothing.yaml"))
    assert result.exit_code == 1
    assert "cannot read the file" in result.output


def test_the_help_shows_both_forms() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "OPTIONS_FILE" in result.output
    assert "discount-factors" in result.output


def test_every_appraise_command_is_documented() -> None:
    from spiral.cli.appraise import group

    docs = (Path(__file__).resolve().parents[3] / "docs" / "appraisal.md").read_text(
        encoding="utf-8"
    )
    for name in group.commands:
        assert f"spiral appraise {name}" in docs, name
    for option in ("--simulations", "--seed", "-o", "--schedule", "--convention", "--years"):
        assert option in docs, option


def test_option_names_with_commas_are_quoted(tmp_path: Path) -> None:
    path = tmp_path / "options.yaml"
    path.write_text(
        "options:\n"
        "  - name: Grant, voluntary sector\n    delivery_model: grant\n"
        "    cash_flows: {income: [0, 103.5]}\n",
        encoding="utf-8",
    )
    result = _run(str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith('1,"Grant, voluntary sector",grant,0.00,100.00')
