"""``spiral stats``: the command line for the indicator methods.

Reference: the PHEindicatormethods v2.1.0 known answers in ``tests/reference/phe`` (see its
README), read back from the command's CSV and Parquet output.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from spiral.cli import main
from spiral.cli import stats as stats_cli

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "phe"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def proportions(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    expected = pd.read_csv(REFERENCE / "proportion_wilson.csv")
    expected = expected[expected["multiplier"] == 100].reset_index(drop=True)
    path = tmp_path / "proportions.csv"
    expected[["Area", "Numerator", "Denominator"]].to_csv(path, index=False)
    return path, expected


def check_proportions(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert result.columns.tolist() == [
        "Area", "Numerator", "Denominator", "value", "lower_ci_95", "upper_ci_95",
        "lower_ci_99_8", "upper_ci_99_8", "statistic", "confidence", "method",
    ]  # fmt: skip
    assert result["Area"].tolist() == expected["Area"].tolist()
    pairs = {"value": "value", "lower_ci_95": "lower95_0cl", "upper_ci_95": "upper95_0cl",
             "lower_ci_99_8": "lower99_8cl", "upper_ci_99_8": "upper99_8cl"}  # fmt: skip
    for ours, theirs in pairs.items():
        assert_allclose(result[ours], expected[theirs], rtol=1e-9, equal_nan=True)
    assert result["method"].astype(str).tolist() == ["Wilson"] * len(expected)
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()


@pytest.mark.parametrize(
    "levels", [["95", "99.8"], ["95,99.8"], ["95", "--confidence", "99.8"], ["0.95", "0.998"]]
)
def test_proportions_go_to_standard_output_as_csv(
    runner: CliRunner, proportions: tuple[Path, pd.DataFrame], levels: list[str]
) -> None:
    path, expected = proportions
    args = ["stats", "proportion", str(path), "--numerator", "Numerator",
            "--denominator", "Denominator", "--multiplier", "100",
            "--confidence", *levels]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    check_proportions(pd.read_csv(io.StringIO(outcome.stdout)), expected)


def test_the_input_may_follow_the_confidence_levels(
    runner: CliRunner, proportions: tuple[Path, pd.DataFrame]
) -> None:
    path, expected = proportions
    args = ["stats", "proportion", "--confidence", "95", "99.8", str(path), "--numerator",
            "Numerator", "--denominator", "Denominator", "--multiplier", "100"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    check_proportions(pd.read_csv(io.StringIO(outcome.stdout)), expected)


def test_parquet_in_and_parquet_out_keep_the_columns_and_values(
    runner: CliRunner, proportions: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    _, expected = proportions
    source = tmp_path / "in.parquet"
    expected[["Area", "Numerator", "Denominator"]].to_parquet(source)
    target = tmp_path / "out.parquet"
    args = ["stats", "proportion", str(source), "--numerator", "Numerator", "--denominator",
            "Denominator", "--multiplier", "100", "--confidence", "95", "99.8",
            "-o", str(target)]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stdout == ""
    result = pd.read_parquet(target)
    check_proportions(result, expected)
    assert str(result["value"].dtype) == "float64"


def test_csv_in_and_csv_file_out(
    runner: CliRunner, proportions: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    path, expected = proportions
    target = tmp_path / "out.csv"
    args = ["stats", "proportion", str(path), "--numerator", "Numerator", "--denominator",
            "Denominator", "--multiplier", "100", "--confidence", "95,99.8",
            "-o", str(target)]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    check_proportions(pd.read_csv(target), expected)


def test_rates_grouped_by_a_column(runner: CliRunner, tmp_path: Path) -> None:
    expected = pd.read_csv(REFERENCE / "rate_byars_exact_grouped_sum.csv")
    halves = expected[["Area", "Numerator", "Denominator"]].copy()
    halves[["Numerator", "Denominator"]] = halves[["Numerator", "Denominator"]] / 2
    path = tmp_path / "rates.csv"
    pd.concat([halves, halves]).to_csv(path, index=False)
    args = ["stats", "rate", str(path), "--count", "Numerator", "--population", "Denominator",
            "--group-by", "Area"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    assert result["Area"].tolist() == expected["Area"].tolist()
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["lower_ci_95"], expected["lowercl"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["upper_ci_95"], expected["uppercl"], rtol=1e-9, equal_nan=True)
    assert result["method"].fillna("").tolist() == expected["method"].fillna("").tolist()


def test_dsr_with_the_shipped_standard_population(runner: CliRunner) -> None:
    expected = pd.read_csv(REFERENCE / "dsr_expected.csv").iloc[4:7].reset_index(drop=True)
    args = ["stats", "dsr", str(REFERENCE / "dsr_input_multiarea.csv"), "--count", "count",
            "--population", "pop", "--group-by", "area", "--standard", "esp2013",
            "--confidence", "95", "99.8"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["upper_ci_99_8"], expected["upper99_8cl"], rtol=1e-9, equal_nan=True)


@pytest.mark.parametrize(("statistic", "rows"), [("ratio", slice(9, 12)), ("rate", slice(0, 3))])
def test_isr_ratios_and_rates(runner: CliRunner, statistic: str, rows: slice) -> None:
    expected = pd.read_csv(REFERENCE / "isr_expected.csv").iloc[rows].reset_index(drop=True)
    args = ["stats", "isr", str(REFERENCE / "isr_input_multiarea.csv"), "--count", "count",
            "--population", "pop", "--ref-count", "refcount", "--ref-population", "refpop",
            "--group-by", "area", "--statistic", statistic, "--refvalue", "100",
            "--confidence", "95", "99.8"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    assert_allclose(result["value"], expected["value"], rtol=1e-9)
    assert_allclose(result["lower_ci_99_8"], expected["lower99_8cl"], rtol=1e-9)


def test_isr_with_observed_totals_from_another_file(runner: CliRunner) -> None:
    expected = pd.read_csv(REFERENCE / "isr_obs_totals_expected.csv")
    args = ["stats", "isr", str(REFERENCE / "isr_obs_totals_input.csv"), "--count", "obs",
            "--population", "pop", "--ref-count", "refcount", "--ref-population", "refpop",
            "--group-by", "indicatorid,year,sex", "--observed-totals",
            str(REFERENCE / "isr_obs_totals.csv"), "--observed", "observed"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    joined = expected.merge(result, on=["indicatorid", "year", "sex"], suffixes=("_ref", ""))
    assert len(joined) == 40
    assert_allclose(joined["value"], joined["Value"], rtol=1e-14)


def test_means_by_group(runner: CliRunner) -> None:
    expected = pd.read_csv(REFERENCE / "mean_expected.csv").iloc[:2]
    args = ["stats", "mean", str(REFERENCE / "mean_input.csv"), "--values", "values",
            "--group-by", "area", "--confidence", "95", "99.8"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    assert_allclose(result["value"], expected["value"], rtol=1e-9)
    assert_allclose(result["upper_ci_99_8"], expected["upper99_8cl"], rtol=1e-9)


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_text_in_a_number_column_names_the_row_and_column(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "area,x,n\nA,1,10\nB,three,10\n")
    outcome = runner.invoke(main, ["stats", "rate", path, "--count", "x", "--population", "n"])
    assert outcome.exit_code == 1
    assert outcome.output.strip() == (
        "Error: data.csv: column 'x', row 2: 'three' is not a number (line 3 of the file)"
    )
    assert "Traceback" not in outcome.output


def test_a_missing_column_is_named(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "area,x,n\nA,1,10\n")
    outcome = runner.invoke(
        main, ["stats", "proportion", path, "--numerator", "cases", "--denominator", "n"]
    )
    assert outcome.exit_code == 1
    assert "column 'cases': not in the table (it has: area, x, n)" in outcome.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("area,x,n\nA,1,10\nB,1,0\n", "column 'n', row 2: denominators must be greater than zero"),
        ("area,x,n\nA,1,-10\n", "column 'n', row 1: denominators must be greater than zero"),
        ("area,x,n\nA,-1,10\n", "column 'x', row 1: numerators must be greater than or equal"),
        ("area,x,n\nA,11,10\n", "column 'x', row 1: numerators must be less than or equal"),
    ],
)
def test_bad_denominators_and_numerators_are_named(
    runner: CliRunner, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    outcome = runner.invoke(
        main, ["stats", "proportion", path, "--numerator", "x", "--denominator", "n"]
    )
    assert outcome.exit_code == 1
    assert message in outcome.output
    assert "Traceback" not in outcome.output


def test_an_unknown_file_type_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "x,n\n1,10\n", name="data.txt")
    outcome = runner.invoke(
        main, ["stats", "proportion", path, "--numerator", "x", "--denominator", "n"]
    )
    assert outcome.exit_code == 2
    assert "data.txt: give a .csv or .parquet file" in outcome.output


def test_a_bad_confidence_level_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "x,n\n1,10\n")
    args = ["stats", "proportion", path, "--numerator", "x", "--denominator", "n",
            "--confidence", "20"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 2
    assert "confidence level must be like 95 or 0.95" in outcome.output


def test_a_dsr_group_that_does_not_fit_the_standard_population_is_explained(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "area,x,n\nA,10,100\nA,20,100\n")
    args = ["stats", "dsr", path, "--count", "x", "--population", "n", "--group-by", "area"]
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 1
    assert "each group must have 19 bands" in outcome.output


def test_parquet_is_worked_in_batches_with_the_same_answers(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_cli, "BATCH", 3)
    expected = pd.read_csv(REFERENCE / "rate_byars_exact.csv")
    expected = expected[expected["multiplier"] == 100_000].reset_index(drop=True)
    source = tmp_path / "rates.parquet"
    expected[["Area", "Numerator", "Denominator"]].to_parquet(source)
    target = tmp_path / "out.parquet"
    args = ["stats", "rate", str(source), "--count", "Numerator", "--population", "Denominator",
            "--confidence", "95", "99.8", "-o", str(target)]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_parquet(target)
    assert result["Area"].tolist() == expected["Area"].tolist()
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["lower_ci_99_8"], expected["lower99_8cl"], rtol=1e-9, equal_nan=True)
    methods = [None if pd.isna(item) else item for item in result["method"]]
    assert methods == [None if pd.isna(item) else item for item in expected["method"]]


def test_an_error_in_a_later_batch_names_the_row_of_the_file_and_leaves_no_output(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_cli, "BATCH", 2)
    source = tmp_path / "data.parquet"
    pd.DataFrame({"x": [1, 2, 3, 4, 5], "n": [10, 10, 10, 10, -10]}).to_parquet(source)
    target = tmp_path / "out.parquet"
    args = ["stats", "proportion", str(source), "--numerator", "x", "--denominator", "n",
            "-o", str(target)]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 1
    assert outcome.output.strip() == (
        "Error: data.parquet: column 'n', row 5: denominators must be greater than zero"
    )
    assert not target.exists()


def test_big_tables_show_progress_on_a_terminal(
    runner: CliRunner, proportions: tuple[Path, pd.DataFrame], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path, expected = proportions
    monkeypatch.setattr(stats_cli, "BIG_TABLE", 1)
    monkeypatch.setattr(stats_cli.sys.stderr, "isatty", lambda: True, raising=False)
    target = tmp_path / "out.csv"
    args = ["stats", "proportion", str(path), "--numerator", "Numerator",
            "--denominator", "Denominator", "--multiplier", "100", "-o", str(target)]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    assert pd.read_csv(target)["value"].tolist()[:8] == expected["value"].tolist()[:8]


def test_dsr_for_non_independent_events(runner: CliRunner, tmp_path: Path) -> None:
    wide = pd.read_csv(REFERENCE / "dsr_input_nonindependent_wide.csv")
    long = wide.melt(
        id_vars=["area", "ageband", "pop", "esp2013"], value_vars=["f1", "f2", "f3", "f4"],
        var_name="frequency", value_name="people",
    ).assign(events_each=lambda t: t["frequency"].str[1].astype(int))  # fmt: skip
    long = long.sort_values(["area", "ageband", "events_each"], kind="stable")
    path = tmp_path / "long.csv"
    long.to_csv(path, index=False)
    expected = pd.read_csv(REFERENCE / "dsr_expected.csv").iloc[8:12].reset_index(drop=True)
    args = ["stats", "dsr", str(path), "--count", "people", "--population", "pop",
            "--standard", "esp2013", "--group-by", "area", "--eventfreq", "events_each",
            "--ageband", "ageband", "--confidence", "95", "99.8"]  # fmt: skip
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    assert_allclose(result["value"], expected["value"], rtol=0, atol=5e-9, equal_nan=True)
    assert_allclose(result["lower_ci_95"], expected["lower95_0cl"], atol=5e-9, equal_nan=True)
    assert result["method"].tolist() == expected["method"].tolist()


def test_a_table_with_no_rows_gives_the_result_columns_and_no_rows(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "area,x,n\n")
    outcome = runner.invoke(
        main, ["stats", "proportion", path, "--numerator", "x", "--denominator", "n"]
    )
    assert outcome.exit_code == 0, outcome.output
    result = pd.read_csv(io.StringIO(outcome.stdout))
    assert len(result) == 0
    assert "upper_ci_95" in result.columns
