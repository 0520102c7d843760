"""``spiral stats life-expectancy`` and ``spiral stats funnel``.

Both read a table (CSV or Parquet, by extension), keep its columns and add the results; the
output goes to ``-o OUTPUT`` (CSV or Parquet, by extension) or, without it, to standard
output as CSV. Bad input ends with a one-line message naming the row and column.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from spiral.cli.stats_engine import choose_engine, engine_option, warn_if_too_big
from spiral.cli.tables_io import (
    check_output,
    input_argument,
    output_option,
    read_table,
    write_table,
)


def register(group: click.Group) -> None:
    """Add the life-expectancy and funnel commands to the ``spiral stats`` group."""
    group.add_command(life_expectancy)
    group.add_command(funnel)


def _echo_warnings(caught: list[warnings.WarningMessage]) -> None:
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)


_INPUT = input_argument()
_OUTPUT = output_option()


@click.command(name="life-expectancy")
@_INPUT
@_OUTPUT
@click.option("--deaths", default="deaths", show_default=True, help="Column of deaths.")
@click.option("--population", default="pops", show_default=True, help="Column of population.")
@click.option("--startage", default="startage", show_default=True, help="Column of the age band.")
@click.option(
    "--group-by",
    "group_by",
    multiple=True,
    help="Column identifying each life table (area, sex, period); repeat for several.",
)
@click.option(
    "--confidence",
    type=float,
    multiple=True,
    default=(95.0,),
    show_default=True,
    help="Confidence level, as 95 or 0.95; repeat for several.",
)
@click.option(
    "--standard",
    is_flag=True,
    help="Add only the value and limits (not pops_used, dths_used and the labels).",
)
def life_expectancy(
    *,
    input_path: Path,
    output_path: Path | None,
    deaths: str,
    population: str,
    startage: str,
    group_by: tuple[str, ...],
    confidence: tuple[float, ...],
    standard: bool,
) -> None:
    """Life expectancy at every age band (Chiang II, Silcocks et al. limits).

    INPUT has one row per group and age band (0, 1-4, 5-9, ..., 85-89, 90+) with deaths and
    population. Adds value, lower_ci_<level> and upper_ci_<level>, and (unless --standard)
    pops_used, dths_used, confidence, statistic and method.
    """
    from spiral.stats.life_expectancy import phe_life_expectancy

    check_output(output_path, "-o")
    table = read_table(input_path)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            result = phe_life_expectancy(
                table,
                deaths,
                population,
                startage,
                group_by=list(group_by),
                confidence=confidence,
                output="standard" if standard else "full",
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _echo_warnings(caught)
    write_table(result, output_path)


@click.command(name="funnel")
@_INPUT
@_OUTPUT
@click.option(
    "--statistic",
    type=click.Choice(["proportion", "ratio", "rate"]),
    required=True,
    help="What the funnel plot shows.",
)
@click.option("--numerator", required=True, help="Column of observed counts.")
@click.option(
    "--denominator",
    help="Column of populations (proportions; rates with no events) or expected counts (ratios).",
)
@click.option("--rate", "rate", help="Column of rates (for --statistic rate).")
@click.option("--rate-type", type=click.Choice(["dsr", "crude"]), help="For rates.")
@click.option("--ratio-type", type=click.Choice(["count", "isr"]), help="For ratio limits.")
@click.option(
    "--multiplier",
    type=float,
    help="Scale of the values: 100 for percentages, 100000 per 100,000 (default 100, "
    "except rates, which need it).",
)
@click.option("--years-of-data", type=float, help="For rate limits: years the counts cover.")
@click.option(
    "--limits",
    "limits_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the 100-point 95% and 99.8% control limits here (.csv or .parquet).",
)
@click.option(
    "--no-significance",
    is_flag=True,
    help="Only write the limits (with --limits); do not add the significance column.",
)
@engine_option
def funnel(
    *,
    input_path: Path,
    output_path: Path | None,
    statistic: str,
    numerator: str,
    denominator: str | None,
    rate: str | None,
    rate_type: str | None,
    ratio_type: str | None,
    multiplier: float | None,
    years_of_data: float | None,
    limits_path: Path | None,
    no_significance: bool,
    engine: str,
) -> None:
    """Funnel-plot significance of each row, and the control limits for the chart.

    Adds a significance column to INPUT: High (0.001), High (0.025), Low (0.001),
    Low (0.025), Not significant, or (for DSRs from fewer than 10 events) Not applicable.
    With --limits, also writes the 95% (2s) and 99.8% (3s) limits at 100 points.
    With --engine duckdb (or auto, for a file larger than memory) the file is worked
    through in batches; --limits then needs --engine memory.
    """
    if no_significance and limits_path is None:
        raise click.UsageError("--no-significance leaves nothing to do without --limits")
    check_output(output_path, "-o")
    check_output(limits_path, "--limits")
    if multiplier is None and statistic != "rate":
        multiplier = 100.0
    chosen = choose_engine(engine, input_path)
    if chosen == "duckdb" and limits_path is None:
        _funnel_in_batches(
            input_path,
            output_path,
            numerator=numerator,
            denominator=denominator,
            rate=rate,
            statistic=statistic,
            rate_type=rate_type,
            multiplier=multiplier,
        )
        return
    if engine == "duckdb":
        raise click.UsageError("--limits needs the whole table: use --engine memory")
    warn_if_too_big(input_path, "funnel")
    try:
        _funnel_in_memory(
            input_path,
            output_path,
            limits_path=limits_path,
            no_significance=no_significance,
            numerator=numerator,
            denominator=denominator,
            rate=rate,
            statistic=statistic,
            rate_type=rate_type,
            ratio_type=ratio_type,
            multiplier=multiplier,
            years_of_data=years_of_data,
        )
    except MemoryError as error:
        raise click.ClickException(
            f"{input_path.name}: not enough memory for the whole table"
            + ("" if limits_path else "; --engine duckdb works through it in batches")
        ) from error


def _funnel_in_memory(
    input_path: Path,
    output_path: Path | None,
    *,
    limits_path: Path | None,
    no_significance: bool,
    numerator: str,
    denominator: str | None,
    rate: str | None,
    statistic: str,
    rate_type: str | None,
    ratio_type: str | None,
    multiplier: float | None,
    years_of_data: float | None,
) -> None:
    """The whole table in pandas: significance, and the limits when asked for."""
    from spiral.stats.funnel import assign_funnel_significance, calculate_funnel_limits

    table = read_table(input_path)
    try:
        if limits_path is not None:
            if multiplier is None:
                raise ValueError("rates need --multiplier")
            limits = calculate_funnel_limits(
                table,
                numerator,
                denominator,
                rate,
                statistic=statistic,
                multiplier=multiplier,
                ratio_type=ratio_type,
                rate_type=rate_type,
                years_of_data=years_of_data,
            )
        if not no_significance:
            result = assign_funnel_significance(
                table,
                numerator,
                denominator,
                rate,
                statistic=statistic,
                rate_type=rate_type,
                multiplier=multiplier,
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if limits_path is not None:
        write_table(limits, limits_path)
    if not no_significance:
        write_table(result, output_path)


def _funnel_in_batches(
    source: Path,
    output: Path | None,
    *,
    numerator: str,
    denominator: str | None,
    rate: str | None,
    statistic: str,
    rate_type: str | None,
    multiplier: float | None,
) -> None:
    """Funnel significance through DuckDB: the average first, then each batch of rows."""
    from spiral.cli.stats_engine import run_rows, use_lean_allocators

    use_lean_allocators()
    import pandas as pd

    from spiral.stats.batches import Source, funnel_average
    from spiral.stats.funnel import assign_funnel_significance

    numbers = tuple(name for name in (numerator, denominator, rate) if name is not None)

    def significance(data: pd.DataFrame, average: float | None = None) -> pd.DataFrame:
        return assign_funnel_significance(
            data,
            numerator,
            denominator,
            rate,
            statistic=statistic,
            rate_type=rate_type,
            multiplier=multiplier,
            average=average,
        )

    try:
        average = funnel_average(
            Source(source, numbers),
            numerator,
            denominator,
            rate,
            statistic=statistic,
            rate_type=rate_type,
            multiplier=multiplier,
            method=significance,
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    run_rows(
        source,
        output,
        lambda data: significance(data, average),
        numbers=numbers,
        first_result="significance",
        rows_named=False,
    )
