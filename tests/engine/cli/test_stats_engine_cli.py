"""``spiral stats ... --engine``: DuckDB batches give the output of the whole-table path.

Reference: the PHEindicatormethods v2.1.0 known answers in ``tests/reference/phe`` (see its
README): ``proportion_wilson.csv``, ``rate_byars_exact.csv`` and
``funnel_prop_input_significance.csv``, worked by both engines; the outputs must be the
same file (CSV) or the same table (Parquet).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from spiral.cli import main
from spiral.stats import batches, memory

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "phe"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def proportions(tmp_path: Path) -> Path:
    table = pd.read_csv(REFERENCE / "proportion_wilson.csv")
    table = table[table["multiplier"] == 100][["Area", "Numerator", "Denominator"]]
    path = tmp_path / "proportions.csv"
    # the same areas again under other names, so that groups have several rows
    again = table.assign(Area=table["Area"].str.replace("Area", "Zone"))
    pd.concat([table, again, table]).to_csv(path, index=False)
    return path


@pytest.fixture
def rates(tmp_path: Path) -> Path:
    table = pd.read_csv(REFERENCE / "rate_byars_exact.csv")
    table = table[table["multiplier"] == 100_000][["Area", "Numerator", "Denominator"]]
    path = tmp_path / "rates.csv"
    table.to_csv(path, index=False)
    return path


def run(runner: CliRunner, args: list[str]) -> Any:
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    return outcome


def both_engines(runner: CliRunner, args: list[str], tmp_path: Path, suffix: str) -> list[Path]:
    outputs = []
    for engine in ("memory", "duckdb"):
        target = tmp_path / f"{engine}{suffix}"
        run(runner, [*args, "--engine", engine, "-o", str(target)])
        outputs.append(target)
    return outputs


PROPORTION = ["--numerator", "Numerator", "--denominator", "Denominator", "--multiplier", "100",
              "--confidence", "95", "99.8"]  # fmt: skip
RATE = ["--count", "Numerator", "--population", "Denominator", "--confidence", "95", "99.8"]


@pytest.mark.parametrize("group_by", [[], ["--group-by", "Area"]])
def test_proportions_are_the_same_file_from_either_engine(
    runner: CliRunner, proportions: Path, tmp_path: Path, group_by: list[str]
) -> None:
    memory, duckdb = both_engines(
        runner, ["stats", "proportion", str(proportions), *PROPORTION, *group_by], tmp_path, ".csv"
    )
    assert duckdb.read_bytes() == memory.read_bytes()
    source = pd.read_csv(proportions)
    assert len(pd.read_csv(duckdb)) == (source["Area"].nunique() if group_by else len(source))


@pytest.mark.parametrize("group_by", [[], ["--group-by", "Area"]])
def test_rates_are_the_same_file_from_either_engine(
    runner: CliRunner, rates: Path, tmp_path: Path, group_by: list[str]
) -> None:
    memory, duckdb = both_engines(
        runner, ["stats", "rate", str(rates), *RATE, *group_by], tmp_path, ".csv"
    )
    assert duckdb.read_bytes() == memory.read_bytes()


def test_parquet_in_and_out_is_the_same_table_from_either_engine(
    runner: CliRunner, rates: Path, tmp_path: Path
) -> None:
    source = tmp_path / "rates.parquet"
    pd.read_csv(rates).to_parquet(source)
    memory, duckdb = both_engines(
        runner, ["stats", "rate", str(source), *RATE], tmp_path, ".parquet"
    )
    pd.testing.assert_frame_equal(pd.read_parquet(duckdb), pd.read_parquet(memory))


def test_funnel_significance_is_the_same_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    expected = pd.read_csv(REFERENCE / "funnel_prop_input_significance.csv")
    source = tmp_path / "areas.parquet"
    expected.drop(columns="significance").to_parquet(source)
    args = ["stats", "funnel", str(source), "--statistic", "proportion",
            "--numerator", "numerator", "--denominator", "denominator"]  # fmt: skip
    memory, duckdb = both_engines(runner, args, tmp_path, ".parquet")
    ours = pd.read_parquet(duckdb)
    pd.testing.assert_frame_equal(ours, pd.read_parquet(memory), check_categorical=False)
    assert ours["significance"].astype(str).tolist() == expected["significance"].tolist()


def test_funnel_from_csv_gives_the_same_values_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    expected = pd.read_csv(REFERENCE / "funnel_prop_input_significance.csv")
    source = tmp_path / "areas.csv"
    expected.drop(columns="significance").to_csv(source, index=False)
    args = ["stats", "funnel", str(source), "--statistic", "proportion",
            "--numerator", "numerator", "--denominator", "denominator"]  # fmt: skip
    memory, duckdb = both_engines(runner, args, tmp_path, ".csv")
    pd.testing.assert_frame_equal(pd.read_csv(duckdb), pd.read_csv(memory))


def test_funnel_limits_need_the_memory_engine(runner: CliRunner, tmp_path: Path) -> None:
    outcome = runner.invoke(
        main,
        ["stats", "funnel", str(REFERENCE / "funnel_ratio_input_significance.csv"),
         "--statistic", "ratio", "--numerator", "obs", "--denominator", "expected",
         "--ratio-type", "count", "--limits", str(tmp_path / "l.csv"), "--engine", "duckdb"],
    )  # fmt: skip
    assert outcome.exit_code == 2
    assert "--limits needs the whole table: use --engine memory" in outcome.output


# ---------------------------------------------------------------------------------------
# Bad rows: the same message from either engine, and no output left behind
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("A,-1,10", "column 'x', row 40: numerators must be greater than or equal to zero"),
        ("A,1,0", "column 'n', row 40: denominators must be greater than zero"),
        ("A,11,10", "column 'x', row 40: numerators must be less than or equal to the "
         "denominator"),
        ("A,1,ten", "column 'n', row 40: 'ten' is not a number"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("group_by", [[], ["--group-by", "area"]])
def test_a_bad_row_gets_the_same_message_from_either_engine(
    runner: CliRunner, tmp_path: Path, line: str, message: str, group_by: list[str]
) -> None:
    source = tmp_path / "data.csv"
    rows = ["A,1,10"] * 39 + [line] + ["B,2,10"] * 5
    source.write_text("area,x,n\n" + "\n".join(rows) + "\n")
    expected = f"Error: data.csv: {message} (line 41 of the file)"
    for engine in ("memory", "duckdb"):
        target = tmp_path / f"{engine}.csv"
        outcome = runner.invoke(
            main,
            ["stats", "proportion", str(source), "--numerator", "x", "--denominator", "n",
             *group_by, "--engine", engine, "-o", str(target)],
        )  # fmt: skip
        assert outcome.exit_code == 1, engine
        assert outcome.output.strip() == expected, engine
        assert not target.exists()


def test_a_bad_funnel_row_gets_the_same_message_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "areas.csv"
    pd.DataFrame({"obs": [65, 80, 30], "pop": [100, 100, 0]}).to_csv(source, index=False)
    for engine in ("memory", "duckdb"):
        outcome = runner.invoke(
            main,
            ["stats", "funnel", str(source), "--statistic", "proportion",
             "--numerator", "obs", "--denominator", "pop", "--engine", engine],
        )  # fmt: skip
        assert outcome.exit_code == 1
        assert outcome.output.strip() == (
            "Error: row 3, column 'pop': denominators must be greater than zero"
        )


# ---------------------------------------------------------------------------------------
# Choosing the engine
# ---------------------------------------------------------------------------------------


def test_auto_takes_duckdb_for_a_table_larger_than_the_memory_available(
    runner: CliRunner, rates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked: list[int] = []
    real = batches.rows_in_batches

    def spy(*args: Any, **kwargs: Any) -> Any:
        worked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(batches, "rows_in_batches", spy)
    run(runner, ["stats", "rate", str(rates), *RATE])
    assert worked == []
    monkeypatch.setattr(memory, "available_memory", lambda: 10)
    outcome = run(runner, ["stats", "rate", str(rates), *RATE])
    assert worked == [1]
    assert len(pd.read_csv(io.StringIO(outcome.stdout))) == len(pd.read_csv(rates))


def test_memory_is_refused_for_a_table_that_cannot_fit(
    runner: CliRunner, rates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 10)
    target = tmp_path / "out.csv"
    outcome = runner.invoke(
        main, ["stats", "rate", str(rates), *RATE, "--engine", "memory", "-o", str(target)]
    )
    assert outcome.exit_code == 1
    assert outcome.output.startswith("Error: rates.csv needs about ")
    assert "--engine duckdb (or auto) gives the same result a batch at a time" in outcome.output
    assert not target.exists()


def test_a_method_that_needs_whole_groups_says_so_when_the_table_is_too_big(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 10)
    outcome = run(
        runner,
        ["stats", "mean", str(REFERENCE / "mean_input.csv"), "--values", "values",
         "--group-by", "area"],
    )  # fmt: skip
    assert "'mean' needs whole groups in memory (it has no --engine duckdb)" in outcome.stderr


def test_duckdb_shows_progress_on_a_terminal(
    runner: CliRunner, rates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.cli import progress

    shown: list[str] = []
    real = progress.stage_progress

    def watched(labels: dict[str, str] | None = None) -> Any:
        shown.extend((labels or {}).values())
        return real(labels)

    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    monkeypatch.setattr(progress, "stage_progress", watched)
    target = tmp_path / "out.parquet"
    run(runner, ["stats", "rate", str(rates), *RATE, "--engine", "duckdb", "-o", str(target)])
    assert shown == ["Computing and writing (DuckDB)"]
    assert len(pd.read_parquet(target)) == len(pd.read_csv(rates))


def test_running_out_of_memory_on_the_whole_table_is_one_line_with_a_way_out(
    runner: CliRunner, rates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.cli import stats as stats_cli

    def too_big(_path: Path) -> None:
        raise MemoryError

    monkeypatch.setattr(stats_cli, "_read", too_big)
    outcome = runner.invoke(main, ["stats", "rate", str(rates), *RATE, "--engine", "memory"])
    assert outcome.exit_code == 1
    assert outcome.output.strip() == (
        "Error: rates.csv: not enough memory for the whole table; "
        "--engine duckdb works through it in batches"
    )


def test_duckdb_running_out_of_memory_is_one_line(
    runner: CliRunner, rates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def too_big(*_args: Any, **_kwargs: Any) -> Any:
        raise MemoryError("DuckDB ran out of memory (Out of Memory Error: failed)")
        yield

    monkeypatch.setattr(batches, "rows_in_batches", too_big)
    outcome = runner.invoke(main, ["stats", "rate", str(rates), *RATE, "--engine", "duckdb"])
    assert outcome.exit_code == 1
    assert outcome.output.strip() == (
        "Error: rates.csv: DuckDB ran out of memory (Out of Memory Error: failed); "
        "free some memory and run it again"
    )


def test_the_memory_engine_writes_a_csv_file_in_several_slices(
    runner: CliRunner, rates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.cli import stats as stats_cli

    target = tmp_path / "out.csv"
    run(runner, ["stats", "rate", str(rates), *RATE, "--engine", "memory", "-o", str(target)])
    whole = target.read_bytes()
    monkeypatch.setattr(stats_cli, "BATCH", 3)
    run(runner, ["stats", "rate", str(rates), *RATE, "--engine", "memory", "-o", str(target)])
    assert target.read_bytes() == whole


def test_a_file_duckdb_cannot_read_is_named(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "broken.parquet"
    source.write_bytes(b"not parquet")
    outcome = runner.invoke(main, ["stats", "rate", str(source), *RATE, "--engine", "duckdb"])
    assert outcome.exit_code == 1
    assert outcome.output.startswith("Error: broken.parquet: cannot read the table (")
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_an_output_that_cannot_be_written_is_one_line(
    runner: CliRunner, rates: Path, tmp_path: Path, engine: str
) -> None:
    target = tmp_path / "no such folder" / "out.csv"
    outcome = runner.invoke(
        main, ["stats", "rate", str(rates), *RATE, "--engine", engine, "-o", str(target)]
    )
    assert outcome.exit_code == 1
    assert outcome.output.startswith("Error: ")
    assert "cannot write the table" in outcome.output
    assert "Traceback" not in outcome.output


# ---------------------------------------------------------------------------------------
# Directly standardised rates: the sums of each group in DuckDB
# ---------------------------------------------------------------------------------------

DSR = ["--count", "count", "--population", "pop", "--group-by", "area",
       "--confidence", "95", "99.8"]  # fmt: skip


def numbers_within(ours: pd.DataFrame, whole: pd.DataFrame) -> None:
    """The same table; the limits within 1e-9 relative (DuckDB adds fractions in its order)."""
    pd.testing.assert_frame_equal(ours, whole, check_exact=False, rtol=1e-9, atol=0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_dsr_is_the_same_table_from_either_engine(
    runner: CliRunner, tmp_path: Path, suffix: str
) -> None:
    source = tmp_path / f"dsr{suffix}"
    data = pd.read_csv(REFERENCE / "dsr_input_multiarea.csv")
    if suffix == ".csv":
        data.to_csv(source, index=False)
    else:
        data.to_parquet(source)
    memory, duckdb = both_engines(runner, ["stats", "dsr", str(source), *DSR], tmp_path, suffix)
    read = pd.read_csv if suffix == ".csv" else pd.read_parquet
    ours = read(duckdb)
    numbers_within(ours, read(memory))
    expected = pd.read_csv(REFERENCE / "dsr_expected.csv").iloc[4:7]
    assert ours["area"].tolist() == expected["area"].tolist()


def test_dsr_with_non_independent_events_is_the_same_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    wide = pd.read_csv(REFERENCE / "dsr_input_nonindependent_wide.csv")
    long = wide.melt(
        id_vars=["area", "ageband", "pop"], value_vars=["f1", "f2", "f3", "f4"],
        var_name="frequency", value_name="people",
    )  # fmt: skip
    long["eventfreq"] = long["frequency"].str[1].astype(int)
    source = tmp_path / "nonind.csv"
    long.drop(columns="frequency").to_csv(source, index=False)
    args = ["stats", "dsr", str(source), "--count", "people", "--population", "pop",
            "--group-by", "area", "--eventfreq", "eventfreq", "--ageband", "ageband"]  # fmt: skip
    memory, duckdb = both_engines(runner, args, tmp_path, ".csv")
    numbers_within(pd.read_csv(duckdb), pd.read_csv(memory))


def test_a_bad_dsr_row_gets_the_same_message_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = pd.read_csv(REFERENCE / "dsr_input_multiarea.csv")
    data.loc[44, "count"] = -3
    source = tmp_path / "bad.csv"
    data.to_csv(source, index=False)
    expected = (
        "Error: bad.csv: column 'count', row 45: counts must be greater than or equal to zero "
        "(line 46 of the file)"
    )
    for engine in ("memory", "duckdb"):
        target = tmp_path / f"{engine}.csv"
        outcome = runner.invoke(
            main, ["stats", "dsr", str(source), *DSR, "--engine", engine, "-o", str(target)]
        )
        assert outcome.exit_code == 1, engine
        assert outcome.output.strip() == expected, engine
        assert not target.exists()


def test_a_dsr_group_with_too_few_bands_gets_the_same_message_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "short.csv"
    table = pd.read_csv(REFERENCE / "dsr_input_multiarea.csv").drop(columns="esp2013")
    table.iloc[:-1].to_csv(source, index=False)
    outputs = []
    for engine in ("memory", "duckdb"):
        outcome = runner.invoke(main, ["stats", "dsr", str(source), *DSR, "--engine", engine])
        assert outcome.exit_code == 1, engine
        outputs.append(outcome.output)
    assert outputs[0] == outputs[1]
    assert "each group must have 19 bands" in outputs[0]


def test_auto_takes_duckdb_for_a_dsr_table_larger_than_the_memory_available(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.stats import standardised_batches

    worked: list[int] = []
    real = standardised_batches.dsr_in_duckdb

    def spy(*args: Any, **kwargs: Any) -> Any:
        worked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(standardised_batches, "dsr_in_duckdb", spy)
    source = str(REFERENCE / "dsr_input_multiarea.csv")
    whole = run(runner, ["stats", "dsr", source, *DSR])
    assert worked == []
    monkeypatch.setattr(memory, "available_memory", lambda: 10)
    summed = run(runner, ["stats", "dsr", source, *DSR])
    assert worked == [1]
    assert "needs whole groups" not in summed.stderr
    numbers_within(pd.read_csv(io.StringIO(summed.stdout)), pd.read_csv(io.StringIO(whole.stdout)))


def test_dsr_in_duckdb_shows_progress_on_a_terminal(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.cli import progress

    shown: list[str] = []
    real = progress.busy

    def watched(message: str) -> Any:
        shown.append(message)
        return real(message)

    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    monkeypatch.setattr(progress, "busy", watched)
    target = tmp_path / "out.parquet"
    source = str(REFERENCE / "dsr_input_multiarea.csv")
    run(runner, ["stats", "dsr", source, *DSR, "--engine", "duckdb", "-o", str(target)])
    assert shown == ["Summing by group (DuckDB)"]
    assert len(pd.read_parquet(target)) == 3


# ---------------------------------------------------------------------------------------
# Indirectly standardised ratios and rates: observed and expected summed in DuckDB
# ---------------------------------------------------------------------------------------

ISR = ["--count", "count", "--population", "pop", "--ref-count", "refcount",
       "--ref-population", "refpop", "--group-by", "area",
       "--confidence", "95", "99.8"]  # fmt: skip


@pytest.mark.parametrize("statistic", [["--statistic", "ratio", "--refvalue", "100"],
                                       ["--statistic", "rate"]])  # fmt: skip
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_isr_is_the_same_table_from_either_engine(
    runner: CliRunner, tmp_path: Path, suffix: str, statistic: list[str]
) -> None:
    source = tmp_path / f"isr{suffix}"
    data = pd.read_csv(REFERENCE / "isr_input_multiarea.csv")
    if suffix == ".csv":
        data.to_csv(source, index=False)
    else:
        data.to_parquet(source)
    args = ["stats", "isr", str(source), *ISR, *statistic]
    memory, duckdb = both_engines(runner, args, tmp_path, suffix)
    read = pd.read_csv if suffix == ".csv" else pd.read_parquet
    numbers_within(read(duckdb), read(memory))


def test_isr_with_observed_totals_is_the_same_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = ["stats", "isr", str(REFERENCE / "isr_input_multiarea.csv"), *ISR,
            "--observed-totals", str(REFERENCE / "isr_observed_totals.csv"),
            "--observed", "total_count"]  # fmt: skip
    memory, duckdb = both_engines(runner, args, tmp_path, ".csv")
    numbers_within(pd.read_csv(duckdb), pd.read_csv(memory))
    expected = pd.read_csv(REFERENCE / "isr_expected.csv").iloc[6:9]
    assert pd.read_csv(duckdb)["value"].tolist() == pytest.approx(
        expected["value"].tolist(), rel=1e-9
    )


def test_a_bad_isr_row_gets_the_same_message_from_either_engine(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = pd.read_csv(REFERENCE / "isr_input_multiarea.csv")
    data.loc[30, "refpop"] = 0
    source = tmp_path / "bad.csv"
    data.to_csv(source, index=False)
    expected = (
        "Error: bad.csv: column 'refpop', row 31: reference populations must be greater "
        "than zero (line 32 of the file)"
    )
    for engine in ("memory", "duckdb"):
        target = tmp_path / f"{engine}.csv"
        outcome = runner.invoke(
            main, ["stats", "isr", str(source), *ISR, "--engine", engine, "-o", str(target)]
        )
        assert outcome.exit_code == 1, engine
        assert outcome.output.strip() == expected, engine
        assert not target.exists()


def test_auto_takes_duckdb_for_an_isr_table_larger_than_the_memory_available(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.stats import standardised_batches

    worked: list[int] = []
    real = standardised_batches.isr_in_duckdb

    def spy(*args: Any, **kwargs: Any) -> Any:
        worked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(standardised_batches, "isr_in_duckdb", spy)
    source = str(REFERENCE / "isr_input_multiarea.csv")
    whole = run(runner, ["stats", "isr", source, *ISR])
    assert worked == []
    monkeypatch.setattr(memory, "available_memory", lambda: 10)
    summed = run(runner, ["stats", "isr", source, *ISR])
    assert worked == [1]
    numbers_within(pd.read_csv(io.StringIO(summed.stdout)), pd.read_csv(io.StringIO(whole.stdout)))
