"""``spiral stats life-expectancy`` and ``spiral stats funnel`` from the command line.

Reference: the PHEindicatormethods v2.1.0 test tables in tests/reference/phe/ (see the
README there); the engine functions are tested on every row in tests/engine/stats/.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from spiral.cli import main

REFERENCE = Path(__file__).parents[2] / "reference" / "phe"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def life_table(tmp_path: Path) -> Path:
    table = pd.read_csv(REFERENCE / "life_expectancy_wide_ci.csv")
    path = tmp_path / "deaths.csv"
    table[["area", "startage", "pops", "deaths"]].to_csv(path, index=False)
    return path


def test_life_expectancy_adds_results_to_the_input_columns(
    runner: CliRunner, life_table: Path
) -> None:
    result = runner.invoke(
        main, ["stats", "life-expectancy", str(life_table), "--group-by", "area"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    expected = pd.read_csv(REFERENCE / "life_expectancy_wide_ci.csv")
    assert list(table.columns[:4]) == ["area", "startage", "pops", "deaths"]
    np.testing.assert_array_equal(table["value"].round(4), expected["value"].round(4))
    np.testing.assert_array_equal(table["lower_ci_95"].round(4), expected["lower95_0cl"].round(4))
    assert "more deaths than population" in result.stderr
    assert "wider than 20 years" in result.stderr


def test_life_expectancy_writes_parquet_with_several_levels(
    runner: CliRunner, life_table: Path, tmp_path: Path
) -> None:
    target = tmp_path / "le.parquet"
    result = runner.invoke(
        main,
        [
            "stats", "life-expectancy", str(life_table), "--group-by", "area",
            "--confidence", "95", "--confidence", "99.8", "--standard", "-o", str(target),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(target)
    assert list(table.columns) == [
        "area", "startage", "pops", "deaths", "value",
        "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8",
    ]  # fmt: skip
    assert len(table) == 40


def test_life_expectancy_reads_parquet(runner: CliRunner, life_table: Path, tmp_path: Path) -> None:
    source = tmp_path / "deaths.parquet"
    pd.read_csv(life_table).to_parquet(source)
    result = runner.invoke(main, ["stats", "life-expectancy", str(source), "--group-by", "area"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(io.StringIO(result.stdout))) == 40


def test_life_expectancy_names_the_row_of_an_unknown_age_band(
    runner: CliRunner, life_table: Path
) -> None:
    table = pd.read_csv(life_table)
    table.loc[4, "startage"] = 17
    table.to_csv(life_table, index=False)
    result = runner.invoke(main, ["stats", "life-expectancy", str(life_table)])
    assert result.exit_code == 1
    assert "row 5, column 'startage'" in result.stderr
    assert "Traceback" not in result.output


def test_life_expectancy_names_a_missing_column(runner: CliRunner, life_table: Path) -> None:
    result = runner.invoke(main, ["stats", "life-expectancy", str(life_table), "--deaths", "dead"])
    assert result.exit_code == 1
    assert "column 'dead' is not in the table" in result.stderr


def test_funnel_adds_the_significance_of_every_row(runner: CliRunner, tmp_path: Path) -> None:
    expected = pd.read_csv(REFERENCE / "funnel_prop_input_significance.csv")
    source = tmp_path / "areas.csv"
    expected.drop(columns="significance").to_csv(source, index=False)
    result = runner.invoke(
        main,
        [
            "stats", "funnel", str(source), "--statistic", "proportion",
            "--numerator", "numerator", "--denominator", "denominator",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == list(expected.columns)
    assert table["significance"].tolist() == expected["significance"].tolist()


def test_funnel_will_not_overwrite_a_significance_column(runner: CliRunner) -> None:
    source = REFERENCE / "funnel_prop_input_significance.csv"
    result = runner.invoke(
        main,
        ["stats", "funnel", str(source), "--statistic", "proportion",
         "--numerator", "numerator", "--denominator", "denominator"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "already has a column 'significance'" in result.stderr


def test_funnel_writes_rate_limits_and_significance(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "rates.csv"
    pd.read_csv(REFERENCE / "funnel_rate_input_limits.csv")[["ev", "rate"]].to_csv(
        source, index=False
    )
    limits = tmp_path / "limits.parquet"
    output = tmp_path / "out.csv"
    result = runner.invoke(
        main,
        [
            "stats", "funnel", str(source), "--statistic", "rate", "--numerator", "ev",
            "--rate", "rate", "--rate-type", "dsr", "--multiplier", "100000",
            "--years-of-data", "3", "--limits", str(limits), "-o", str(output),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = pd.read_csv(REFERENCE / "funnel_rate_limits.csv")
    got = pd.read_parquet(limits)
    assert list(got.columns) == list(expected.columns)
    np.testing.assert_allclose(got["upper_3s_limit"], expected["upper_3s_limit"], rtol=1e-9)
    assert "significance" in pd.read_csv(output).columns


def test_funnel_limits_only(runner: CliRunner, tmp_path: Path) -> None:
    limits = tmp_path / "limits.csv"
    result = runner.invoke(
        main,
        [
            "stats", "funnel", str(REFERENCE / "funnel_ratio_input_significance.csv"),
            "--statistic", "ratio", "--numerator", "obs", "--denominator", "expected",
            "--ratio-type", "count", "--limits", str(limits), "--no-significance",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert len(pd.read_csv(limits)) == 100


def test_funnel_names_the_row_and_column_of_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "areas.csv"
    pd.DataFrame({"obs": [65, 80, 30], "pop": [100, 100, 0]}).to_csv(source, index=False)
    result = runner.invoke(
        main,
        ["stats", "funnel", str(source), "--statistic", "proportion",
         "--numerator", "obs", "--denominator", "pop"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "row 3, column 'pop': denominators must be greater than zero" in result.stderr
    assert "Traceback" not in result.output


def test_funnel_rates_need_a_multiplier(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "areas.csv"
    pd.DataFrame({"n": [65, 80], "rate": [10.0, 12.0]}).to_csv(source, index=False)
    result = runner.invoke(
        main,
        ["stats", "funnel", str(source), "--statistic", "rate", "--numerator", "n",
         "--rate", "rate", "--rate-type", "crude"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "multiplier" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["--no-significance"],
        ["-o", "out.txt"],
        ["--limits", "limits.json"],
    ],
)
def test_funnel_rejects_unusable_options(
    runner: CliRunner, arguments: list[str], tmp_path: Path
) -> None:
    source = REFERENCE / "funnel_ratio_input_significance.csv"
    result = runner.invoke(
        main,
        ["stats", "funnel", str(source), "--statistic", "ratio", "--numerator", "obs",
         "--denominator", "expected", *arguments],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_an_input_that_is_not_a_table_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "areas.txt"
    source.write_text("obs,pop\n1,2\n")
    result = runner.invoke(main, ["stats", "life-expectancy", str(source)])
    assert result.exit_code == 2
    assert ".csv or .parquet" in result.stderr
