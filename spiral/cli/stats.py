"""``spiral stats``: public-health statistics on indicator tables (the official methods).

Each command reads a table (CSV or Parquet, by extension), calls one function of
:mod:`spiral.stats` and writes the input columns with the results added (CSV or Parquet by
the extension of ``-o``; CSV on standard output without it). Heavy libraries are imported
inside the commands so that ``spiral --help`` starts quickly.

``--confidence`` takes one level or several: ``--confidence 95 99.8``, ``--confidence 95,99.8``
or ``--confidence 95 --confidence 99.8`` all ask for both levels. ``--group-by`` may be
repeated or take a comma-separated list.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from spiral.cli.progress import row_progress
from spiral.cli.stats_engine import choose_engine, engine_option, warn_if_too_big
from spiral.cli.tables_io import table_format

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from spiral.stats.tables import StatisticsInputError

BIG_TABLE = 1_000_000
"""Tables with at least this many rows show a progress display on a terminal."""

BATCH = 1_000_000
"""Rows worked and written at a time (one Parquet row group, or one block of CSV)."""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class NumbersOption(click.Option):
    """An option that also takes the numbers following it: ``--confidence 95 99.8``.

    click options take a fixed number of values; this one, after its first value, takes
    every following argument that is a number (or a comma-separated list of numbers), so a
    file name after it is still read as the input. Repeating the option works as well.
    """

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            parsed = getattr(parser, "_long_opt", {}).get(name) or getattr(
                parser, "_short_opt", {}
            ).get(name)
            if parsed is None or not hasattr(parsed, "process"):
                continue
            take_one = parsed.process

            def take_numbers(value: Any, state: Any, take_one: Any = take_one) -> None:
                take_one(value, state)
                while state.rargs and all(_is_number(p) for p in state.rargs[0].split(",")):
                    take_one(state.rargs.pop(0), state)

            parsed.process = take_numbers


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _confidences(values: Sequence[str]) -> tuple[float, ...]:
    from spiral.stats.confidence import normalise_confidences

    try:
        return normalise_confidences([float(v) for v in _split(values)] or [95.0])
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--confidence'") from error


def _read(path: Path) -> pd.DataFrame:
    """Read CSV or Parquet into pandas through Arrow (multi-threaded)."""
    import pyarrow as pa

    kind = table_format(path)
    try:
        if kind == "csv":
            from pyarrow import csv

            table = csv.read_csv(path, convert_options=csv.ConvertOptions(strings_can_be_null=True))
        else:
            from pyarrow import parquet

            table = parquet.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise click.ClickException(f"{path.name}: {error}") from error
    frame: pd.DataFrame = table.to_pandas(split_blocks=True, self_destruct=True)
    return frame


def _stages(rows: int, writing_to_file: bool) -> AbstractContextManager[Callable[[str, int], None]]:
    """Report stages (and rows written) on a terminal for big tables; silent otherwise."""
    return row_progress(rows, show=rows >= BIG_TABLE and (writing_to_file or sys.stdout.isatty()))


class _Writer:
    """Writes Arrow tables one after another to CSV or Parquet (by extension), or stdout."""

    def __init__(self, output: Path | None) -> None:
        self.output = output
        self.parquet = output is not None and table_format(output) == "parquet"
        self.writer: Any = None
        self.schema: pa.Schema | None = None

    def write(self, table: pa.Table) -> None:
        if self.writer is None or self.schema is None:
            try:
                self.writer = self._open(table.schema)
            except OSError as error:
                reason = error.strerror or str(error).splitlines()[0]
                message = f"{self.output}: cannot write the table ({reason})"
                raise click.ClickException(message) from None
            self.schema = table.schema
        elif table.schema != self.schema:
            # Arrow's CSV writer does not keep its schema, so it is kept here
            table = table.cast(self.schema)
        self.writer.write_table(table)

    def _open(self, schema: pa.Schema) -> Any:
        import pyarrow as pa

        if self.parquet:
            from pyarrow import parquet

            # computed limits are unique floats: dictionary encoding and compression cost
            # time and save almost nothing on them, so they are stored plain
            floats = {field.name for field in schema if pa.types.is_floating(field.type)}
            others = [name for name in schema.names if name not in floats]
            codecs = {name: "none" if name in floats else "snappy" for name in schema.names}
            return parquet.ParquetWriter(
                self.output, schema, use_dictionary=others or False, compression=codecs
            )
        from pyarrow import csv

        sink: Any = self.output if self.output is not None else sys.stdout.buffer
        return csv.CSVWriter(sink, schema)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.output is None:
            sys.stdout.flush()


def _input_error(
    source: Path, error: StatisticsInputError, offset: int = 0
) -> click.ClickException:
    """A one-line message naming the file, column and row (and line of a CSV file)."""
    row = error.row + offset if error.row is not None else None
    message = str(type(error)(error.problem, column=error.column, row=row))
    if row is not None and table_format(source) == "csv":
        message += f" (line {row + 1} of the file)"
    return click.ClickException(f"{source.name}: {message}")


def _with_results(batch: pa.RecordBatch, result: pd.DataFrame) -> pa.Table:
    """The input batch as it was read, followed by the result columns from ``value`` on."""
    import pyarrow as pa

    first = list(result.columns).index("value")
    kept = [str(name) for name in result.columns[:first]]
    added = pa.Table.from_pandas(result.iloc[:, first:], preserve_index=False)
    table = pa.Table.from_batches([batch]).select(kept)
    for name, column in zip(added.column_names, added.columns, strict=True):
        table = table.append_column(name, column)
    return table


def _compute(
    source: Path, method: Callable[[pd.DataFrame], pd.DataFrame], data: pd.DataFrame, offset: int
) -> pd.DataFrame:
    """Call the engine; its complaints become one-line messages (rows counted from 1)."""
    from spiral.stats.tables import StatisticsInputError

    try:
        return method(data)
    except StatisticsInputError as error:
        raise _input_error(source, error, offset=offset) from error
    except ValueError as error:
        raise click.UsageError(str(error)) from error


def _stream(source: Path, method: Callable[[pd.DataFrame], pd.DataFrame], writer: _Writer) -> int:
    """Work a Parquet file through in batches; one is written while the next is computed.

    Returns the number of rows (nothing is written for an empty file).
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    import pyarrow as pa
    from pyarrow import parquet

    try:
        file = parquet.ParquetFile(source)
    except (pa.ArrowInvalid, OSError) as error:
        raise click.ClickException(f"{source.name}: {error}") from error
    rows: int = file.metadata.num_rows
    done = 0
    pending: Future[None] | None = None
    with (
        _stages(rows, writer.output is not None) as report,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        for batch in file.iter_batches(batch_size=BATCH):
            result = _compute(source, method, batch.to_pandas(split_blocks=True), done)
            table = _with_results(batch, result)
            if pending is not None:
                pending.result()
            # Arrow releases the GIL while it writes, so this overlaps the next batch
            pending = background.submit(writer.write, table)
            done += batch.num_rows
            report("Computing and writing", done)
        if pending is not None:
            pending.result()
    return rows


def _whole(source: Path, method: Callable[[pd.DataFrame], pd.DataFrame], writer: _Writer) -> None:
    """Read the whole table, compute, write in slices."""
    import pyarrow as pa

    warn_if_too_big(source, click.get_current_context().info_name or "stats")
    data = _read(source)
    with _stages(len(data), writer.output is not None) as report:
        report("Computing", 0)
        result = _compute(source, method, data, 0)
        del data
        table = pa.Table.from_pandas(result, preserve_index=False)
        for start in range(0, max(table.num_rows, 1), BATCH):
            writer.write(table.slice(start, BATCH))
            report("Writing", min(start + BATCH, table.num_rows))


def _run(
    source: Path,
    output: Path | None,
    method: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    row_by_row: bool = False,
) -> None:
    """Read, compute with one engine function, write; bad input becomes a one-line error.

    When each output row depends on its input row alone (``row_by_row``: proportions and
    rates without grouping) a Parquet input is worked through in batches of rows: memory
    stays bounded, the input columns are copied through as read, and progress is real.
    """
    if output is not None:
        table_format(output)
    writer = _Writer(output)
    try:
        streamed = (
            row_by_row and table_format(source) == "parquet" and _stream(source, method, writer)
        )
        if not streamed:
            _whole(source, method, writer)
    except MemoryError as error:
        writer.close()
        if output is not None:
            output.unlink(missing_ok=True)
        raise _out_of_memory(source) from error
    except BaseException:
        # leave no half-written output behind
        opened = writer.writer is not None
        writer.close()
        if opened and output is not None:
            output.unlink(missing_ok=True)
        raise
    writer.close()


def _out_of_memory(source: Path) -> click.ClickException:
    command = click.get_current_context().info_name or "stats"
    hint = (
        "--engine duckdb works through it in batches"
        if command in ("proportion", "rate", "dsr", "isr")
        else f"'{command}' needs whole groups in memory"
    )
    return click.ClickException(f"{source.name}: not enough memory for the whole table; {hint}")


def _run_duckdb(
    source: Path,
    output: Path | None,
    each_row: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    by: Sequence[str],
    numbers: tuple[str, str],
    suspect: Callable[[dict[str, Any]], Any],
) -> None:
    """Proportions or rates through DuckDB: batch by batch, or summed by group first."""
    from spiral.cli.stats_engine import run_grouped, run_rows

    if by:
        run_grouped(source, output, each_row, group_by=by, sums=numbers, suspect=suspect)
    else:
        run_rows(source, output, each_row, numbers=numbers)


def _table_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command: input, output, confidence."""
    function = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help="Write here (.csv or .parquet); CSV to standard output without it.",
    )(function)
    function = click.option(
        "--confidence",
        cls=NumbersOption,
        multiple=True,
        metavar="LEVEL...",
        help="Confidence level(s), e.g. 95 or '95 99.8' or 95,99.8 [default: 95].",
    )(function)
    return click.argument(
        "source",
        metavar="INPUT",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )(function)


def _group_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--group-by",
        multiple=True,
        metavar="COL",
        help="Column(s) to group by; repeat the option or give a comma-separated list.",
    )(function)


@click.group(name="stats")
def group() -> None:
    """Public-health statistics on indicator tables (the official methods)."""


@group.command()
@_table_options
@_group_option
@engine_option
@click.option("--numerator", required=True, metavar="COL", help="Column of cases.")
@click.option("--denominator", required=True, metavar="COL", help="Column of sample sizes.")
@click.option(
    "--multiplier", type=float, default=1.0, show_default=True, help="100 for a percentage."
)
def proportion(
    *,
    source: Path,
    output: Path | None,
    confidence: tuple[str, ...],
    group_by: tuple[str, ...],
    engine: str,
    numerator: str,
    denominator: str,
    multiplier: float,
) -> None:
    """Proportions with Wilson score intervals (PHEindicatormethods phe_proportion).

    \b
    Example:
      spiral stats proportion data.csv --numerator cases --denominator people \\
          --multiplier 100 --confidence 95 99.8 -o results.parquet
    """
    from spiral.stats.proportions import proportion as compute

    levels = _confidences(confidence)
    by = _split(group_by)

    def each_row(data: pd.DataFrame) -> pd.DataFrame:
        return compute(data, numerator, denominator, multiplier=multiplier, confidence=levels)

    if choose_engine(engine, source) == "duckdb":

        def suspect(values: dict[str, Any]) -> Any:
            cases, people = values[numerator], values[denominator]
            return (cases < 0) | (people <= 0) | (cases > people)

        _run_duckdb(
            source, output, each_row, by=by, numbers=(numerator, denominator), suspect=suspect
        )
        return
    _run(
        source,
        output,
        lambda data: compute(
            data, numerator, denominator, multiplier=multiplier, confidence=levels, group_by=by
        ),
        row_by_row=not by,
    )


@group.command()
@_table_options
@_group_option
@engine_option
@click.option("--count", required=True, metavar="COL", help="Column of events.")
@click.option("--population", required=True, metavar="COL", help="Column of populations.")
@click.option(
    "--multiplier", type=float, default=100_000.0, show_default=True, help="Rate per this many."
)
def rate(
    *,
    source: Path,
    output: Path | None,
    confidence: tuple[str, ...],
    group_by: tuple[str, ...],
    engine: str,
    count: str,
    population: str,
    multiplier: float,
) -> None:
    """Crude rates with Byar's or exact (count < 10) intervals (phe_rate).

    \b
    Example:
      spiral stats rate deaths.parquet --count deaths --population pop \\
          --confidence 95 99.8 -o rates.parquet
    """
    from spiral.stats.rates import rate as compute

    levels = _confidences(confidence)
    by = _split(group_by)

    def each_row(data: pd.DataFrame) -> pd.DataFrame:
        return compute(data, count, population, multiplier=multiplier, confidence=levels)

    if choose_engine(engine, source) == "duckdb":

        def suspect(values: dict[str, Any]) -> Any:
            return (values[count] < 0) | (values[population] <= 0)

        _run_duckdb(source, output, each_row, by=by, numbers=(count, population), suspect=suspect)
        return
    _run(
        source,
        output,
        lambda data: compute(
            data, count, population, multiplier=multiplier, confidence=levels, group_by=by
        ),
        row_by_row=not by,
    )


@group.command()
@_table_options
@_group_option
@engine_option
@click.option("--count", required=True, metavar="COL", help="Column of events per band.")
@click.option("--population", required=True, metavar="COL", help="Column of band populations.")
@click.option(
    "--standard",
    default="esp2013",
    show_default=True,
    metavar="NAME|COL",
    help="esp2013 or esp1976 (matched by position to the bands of every group, youngest "
    "first), or a column of standard-population weights.",
)
@click.option(
    "--multiplier", type=float, default=100_000.0, show_default=True, help="Rate per this many."
)
@click.option(
    "--eventfreq",
    metavar="COL",
    help="Non-independent events: column of events per person (COUNT then counts people).",
)
@click.option("--ageband", metavar="COL", help="With --eventfreq: the column naming the band.")
def dsr(
    *,
    source: Path,
    output: Path | None,
    confidence: tuple[str, ...],
    group_by: tuple[str, ...],
    count: str,
    population: str,
    standard: str,
    multiplier: float,
    eventfreq: str | None,
    ageband: str | None,
    engine: str,
) -> None:
    """Directly standardised rates, Dobson method (calculate_dsr).

    \b
    Example:
      spiral stats dsr deaths_by_age.csv --count deaths --population pop \\
          --group-by area --standard esp2013 --confidence 95 99.8
    """
    from spiral.stats.dsr import dsr as compute

    levels = _confidences(confidence)
    by = _split(group_by)
    if choose_engine(engine, source) == "duckdb":
        from spiral.cli.stats_engine import run_summed
        from spiral.stats.batches import Source
        from spiral.stats.standardised_batches import dsr_in_duckdb

        run_summed(
            source,
            output,
            lambda: dsr_in_duckdb(
                Source(source),
                count,
                population,
                standard=standard,
                group_by=by,
                multiplier=multiplier,
                confidence=levels,
                eventfreq=eventfreq,
                ageband=ageband,
            ),
        )
        return
    _run(
        source,
        output,
        lambda data: compute(
            data,
            count,
            population,
            standard=standard,
            group_by=by,
            multiplier=multiplier,
            confidence=levels,
            eventfreq=eventfreq,
            ageband=ageband,
        ),
    )


@group.command()
@_table_options
@_group_option
@engine_option
@click.option("--count", required=True, metavar="COL", help="Column of local events per band.")
@click.option("--population", required=True, metavar="COL", help="Column of local populations.")
@click.option("--ref-count", required=True, metavar="COL", help="Column of reference events.")
@click.option(
    "--ref-population", required=True, metavar="COL", help="Column of reference populations."
)
@click.option(
    "--statistic",
    type=click.Choice(["ratio", "rate"]),
    default="ratio",
    show_default=True,
    help="Standardised ratio (times --refvalue) or rate (per --multiplier).",
)
@click.option("--refvalue", type=float, default=1.0, show_default=True, help="For ratios.")
@click.option("--multiplier", type=float, default=100_000.0, show_default=True, help="For rates.")
@click.option(
    "--observed-totals",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A table of observed totals per group (the --group-by columns and a totals column).",
)
@click.option("--observed", metavar="COL", help="Totals column of --observed-totals.")
def isr(
    *,
    source: Path,
    output: Path | None,
    confidence: tuple[str, ...],
    group_by: tuple[str, ...],
    count: str,
    population: str,
    ref_count: str,
    ref_population: str,
    statistic: str,
    refvalue: float,
    multiplier: float,
    observed_totals: Path | None,
    observed: str | None,
    engine: str,
) -> None:
    """Indirectly standardised ratios or rates (calculate_ISRatio, calculate_ISRate).

    \b
    Example:
      spiral stats isr deaths_by_age.csv --count deaths --population pop \\
          --ref-count eng_deaths --ref-population eng_pop --group-by area --refvalue 100
    """
    from spiral.stats.isr import isr_rate, isr_ratio

    levels = _confidences(confidence)
    by = _split(group_by)
    totals = _read(observed_totals) if observed_totals is not None else None

    def compute(data: pd.DataFrame) -> pd.DataFrame:
        common: dict[str, Any] = {
            "group_by": by,
            "confidence": levels,
            "observed_totals": totals,
            "observed": observed,
        }
        if statistic == "rate":
            return isr_rate(
                data, count, population, ref_count, ref_population, multiplier=multiplier, **common
            )
        return isr_ratio(
            data, count, population, ref_count, ref_population, refvalue=refvalue, **common
        )

    if choose_engine(engine, source) == "duckdb":
        from spiral.cli.stats_engine import run_summed
        from spiral.stats.batches import Source
        from spiral.stats.standardised_batches import isr_in_duckdb

        run_summed(
            source,
            output,
            lambda: isr_in_duckdb(
                Source(source),
                count,
                population,
                ref_count,
                ref_population,
                statistic=statistic,
                group_by=by,
                refvalue=refvalue,
                multiplier=multiplier,
                confidence=levels,
                observed_totals=totals,
                observed=observed,
            ),
        )
        return
    _run(source, output, compute)


@group.command()
@_table_options
@_group_option
@click.option("--values", "values_column", required=True, metavar="COL", help="Column to average.")
def mean(
    *,
    source: Path,
    output: Path | None,
    confidence: tuple[str, ...],
    group_by: tuple[str, ...],
    values_column: str,
) -> None:
    """Means with Student's t intervals (phe_mean).

    \b
    Example:
      spiral stats mean scores.csv --values score --group-by area --confidence 95 99.8
    """
    from spiral.stats.means import mean as compute

    levels = _confidences(confidence)
    by = _split(group_by)
    _run(
        source,
        output,
        lambda data: compute(data, values_column, group_by=by, confidence=levels),
    )


def _register_more() -> None:
    from spiral.cli import stats_compare, stats_extra

    stats_extra.register(group)
    stats_compare.register(group)


_register_more()
