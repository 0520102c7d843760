"""``spiral review HISTORY_FILE [-o OUT.json|OUT.html]``: the Spiral test from the command line."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spiral.cli import main

EXAMPLE = str(Path(__file__).parents[3] / "docs" / "examples" / "programme-history.json")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_it_prints_each_verdict_and_its_evidence(runner: CliRunner) -> None:
    result = runner.invoke(main, ["review", EXAMPLE])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("The Spiral test: Home care for adults, Fernvale (fictional)")
    assert "home-care-2014: Going round in circles" in out
    assert "home-care-2017: Improving spiral" in out
    assert "home-care-2021: Too early to tell" in out
    assert "[missing] the rest of the cycle" in out
    header = next(line for line in out.splitlines() if line.startswith("Cycle "))
    assert "Verdict" in header
    assert "Real cost a head" in header


def test_it_writes_the_report_as_json(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = runner.invoke(main, ["review", EXAMPLE, "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [c["verdict"]["verdict"] for c in data["cycles"]] == [
        "going_round_in_circles",
        "improving_spiral",
        "too_early_to_tell",
    ]
    assert data["evidence"][0]["cycle"] == "home-care-2014"
    assert data["cycle_table"][1]["verdict"] == "Improving spiral"


def test_it_writes_a_self_contained_html_page(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = runner.invoke(main, ["review", EXAMPLE, "--output", str(target)])
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
    assert "<link" not in page
    assert "<script" not in page
    assert "Going round in circles" in page


def test_a_rule_can_be_changed(runner: CliRunner) -> None:
    """Requiring every key indicator to be better (better_share=1), the 2017 cycle (2 of 3
    better) is no longer an improving spiral; a confidence of 99.8 is accepted."""
    result = runner.invoke(main, ["review", EXAMPLE, "--rule", "better_share=1"])
    assert result.exit_code == 0, result.output
    assert "home-care-2017: Improving spiral" not in result.output
    relaxed = runner.invoke(main, ["review", EXAMPLE, "--rule", "confidence=99.8"])
    assert relaxed.exit_code == 0, relaxed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "cost_tolerance=abc"], "'abc' is not a number"),
        (["--rule", "speed=1"], "give NAME=VALUE with a known NAME"),
        (["--rule", "better_share=2"], "better_share must be above 0 and at most 1"),
        (["-o", "report.pdf"], "--output must end in .json or .html"),
    ],
)
def test_it_rejects_bad_options_with_a_usage_error(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, ["review", EXAMPLE, *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_clear_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["review", "no-such-history.json"])
    assert result.exit_code == 1
    assert "cannot read no-such-history.json: file not found" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_bad_history_lists_its_problems(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    data = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    data["cycles"][1]["spend"]["2018/19"] = "a lot"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(main, ["review", str(bad)])
    assert result.exit_code == 1
    assert "cycle 'home-care-2017': field 'spend.2018/19': must be a number" in result.output
    assert "Traceback" not in result.output


def test_an_unwritable_output_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "report.json"
    result = runner.invoke(main, ["review", EXAMPLE, "-o", str(target)])
    assert result.exit_code == 1
    assert "cannot write" in result.output
