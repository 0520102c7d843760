"""``spiral stats quantile`` and ``spiral stats compare`` on the command line.

Reference: ``tests/reference/phe/quantiles_fingertips_real.csv`` (PHEindicatormethods v2.1.0
quantile test data; see its README) for the quantile command.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from spiral.cli import main

QUANTILES = Path(__file__).parents[2] / "reference" / "phe" / "quantiles_fingertips_real.csv"


def _septile_input(tmp_path: Path) -> Path:
    data = pd.read_csv(QUANTILES, keep_default_na=False, na_values=[""])
    rows = data[(data["GroupSet"] == "IndSex") & (data["Test"] == "Gooddata")]
    path = tmp_path / "septiles.csv"
    rows.to_csv(path, index=False)
    return path


def test_quantile_writes_csv_to_standard_output(tmp_path: Path) -> None:
    path = _septile_input(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "stats",
            "quantile",
            str(path),
            "--value",
            "Value",
            "-n",
            "7",
            "--polarity",
            "Polarity",
            "--by",
            "IndSexRef",
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    expected = table["QuantileInGrp"]
    assert table["quantile"].isna().equals(expected.isna())
    assert (table["quantile"].dropna() == expected.dropna()).all()


def test_quantile_writes_parquet_when_asked(tmp_path: Path) -> None:
    path = _septile_input(tmp_path)
    parquet = tmp_path / "in.parquet"
    pd.read_csv(path).to_parquet(parquet)
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(
        main,
        [
            "stats",
            "quantile",
            str(parquet),
            "--value",
            "Value",
            "-n",
            "7",
            "--polarity",
            "Polarity",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    assert table["quantile"].isna().equals(table["QuantileInGrp"].isna())
    assert (table["quantile"].dropna() == table["QuantileInGrp"].dropna()).all()


def test_quantile_warns_on_stderr_when_a_group_is_too_small(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    pd.DataFrame({"value": [1.0, 2.0, 3.0]}).to_csv(path, index=False)
    result = CliRunner().invoke(main, ["stats", "quantile", str(path), "-n", "5"])
    assert result.exit_code == 0
    assert "too few areas" in result.stderr


def test_quantile_reports_a_bad_polarity_in_one_line(tmp_path: Path) -> None:
    data = pd.read_csv(QUANTILES, keep_default_na=False, na_values=[""])
    path = tmp_path / "bad.csv"
    data[data["Test"] == "BadPolarity"].to_csv(path, index=False)
    result = CliRunner().invoke(
        main,
        [
            "stats",
            "quantile",
            str(path),
            "--value",
            "Value",
            "--polarity",
            "Polarity",
            "--by",
            "IndSexRef",
        ],
    )
    assert result.exit_code == 1
    assert "Error: Polarity: the polarity must be the same for every row of a group" in (
        result.output
    )
    assert "Traceback" not in result.output


def _indicators(tmp_path: Path) -> Path:
    path = tmp_path / "indicators.csv"
    pd.DataFrame(
        {
            "indicator_id": [93085] * 4,
            "period": ["2023/24"] * 4,
            "area_code": ["E92000001", "E06000008", "E06000009", "E08000003"],
            "parent_code": [None, "E92000001", "E92000001", "E92000001"],
            "value": [7.42, 7.56, 17.55, 7.90],
            "lower_ci_95": [7.35, 6.47, 15.77, 7.27],
            "upper_ci_95": [7.50, 8.82, 19.48, 8.58],
            "lower_ci_99_8": [7.31, 5.99, 14.99, 7.01],
            "upper_ci_99_8": [7.53, 9.49, 20.42, 8.93],
            "polarity": ["RAG - Low is good"] * 4,
        }
    ).to_csv(path, index=False)
    return path


def test_compare_with_england_labels_each_area(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["stats", "compare", str(_indicators(tmp_path)), "--benchmark-area", "E92000001"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["comparison"].tolist() == ["similar", "similar", "worse", "similar"]
    assert table["benchmark_value"].tolist() == [7.42] * 4


def test_compare_at_99_8_and_without_polarity(tmp_path: Path) -> None:
    out = tmp_path / "compared.csv"
    result = CliRunner().invoke(
        main,
        [
            "stats",
            "compare",
            str(_indicators(tmp_path)),
            "--benchmark-parent",
            "parent_code",
            "--confidence",
            "99.8",
            "--no-polarity",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table["comparison"].tolist() == ["not compared", "similar", "higher", "similar"]


def test_compare_needs_exactly_one_benchmark(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "compare", str(_indicators(tmp_path))])
    assert result.exit_code == 2
    assert "give one of --benchmark-area" in result.output


def test_compare_names_a_missing_column(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["stats", "compare", str(_indicators(tmp_path)), "--benchmark-column", "target"],
    )
    assert result.exit_code == 1
    assert "Error: target: not a column of the data" in result.output


def test_an_unknown_file_type_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "table.json"
    path.write_text("{}")
    result = CliRunner().invoke(main, ["stats", "compare", str(path), "--benchmark-value", "3"])
    assert result.exit_code == 2
    assert ".csv or .parquet" in result.output
