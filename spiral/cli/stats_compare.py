"""``spiral stats quantile`` and ``spiral stats compare``: quantiles and benchmark comparisons.

Input is a CSV or Parquet table; the result goes to ``-o FILE`` (CSV or Parquet, by its
extension) or to standard output as CSV.
"""

from __future__ import annotations

from pathlib import Path

import click

from spiral.cli.tables_io import (
    check_output,
    input_argument,
    output_option,
    read_table,
    write_table,
)

_input = input_argument("input_file")
_output = output_option("output")


@click.command(name="quantile")
@_input
@_output
@click.option("--value", default="value", show_default=True, help="Column to rank.")
@click.option(
    "-n",
    "--nquantiles",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Number of quantiles: 4 quartiles, 5 quintiles, 7 septiles, 10 deciles.",
)
@click.option(
    "--by", multiple=True, help="Assign quantiles within groups of this column (repeatable)."
)
@click.option(
    "--polarity",
    "polarity_column",
    help="Column of polarity labels or True/False; low-is-good puts the highest values first.",
)
@click.option(
    "--highest-first/--lowest-first",
    default=True,
    show_default=True,
    help="Without --polarity: whether the highest values go to quantile 1.",
)
def quantile(
    *,
    input_file: Path,
    output: Path | None,
    value: str,
    nquantiles: int,
    by: tuple[str, ...],
    polarity_column: str | None,
    highest_first: bool,
) -> None:
    """Assign each row to a quantile as Fingertips does (PHEindicatormethods phe_quantile).

    \b
    Example:
      spiral stats quantile deprivation.csv --value score -n 5 --by region -o quintiles.csv
    """
    import warnings

    from spiral.exceptions import InputError
    from spiral.stats.quantiles import phe_quantile

    check_output(output)
    table = read_table(input_file)
    invert: bool | str = polarity_column if polarity_column else highest_first
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            result = phe_quantile(
                table, value, nquantiles=nquantiles, invert=invert, by=list(by) or None
            )
    except InputError as error:
        raise click.ClickException(str(error)) from error
    for warning in caught:
        click.echo(f"Warning: {warning.message}", err=True)
    write_table(result, output)


@click.command(name="compare")
@_input
@_output
@click.option(
    "--benchmark-area",
    help="Compare with this area's value for the same indicator and period (E92000001 = England).",
)
@click.option("--benchmark-parent", help="Compare with the value of the area named in this column.")
@click.option("--benchmark-column", help="Compare with the value in this column.")
@click.option("--benchmark-value", type=float, help="Compare every row with this value.")
@click.option(
    "--confidence",
    type=click.Choice(["95", "99.8"]),
    default="95",
    show_default=True,
    help="Which confidence interval decides significance.",
)
@click.option(
    "--polarity",
    "polarity_column",
    default="polarity",
    show_default=True,
    help="Column of polarity labels ('RAG - Low is good' ...).",
)
@click.option("--no-polarity", is_flag=True, help="Say higher/lower instead of better/worse.")
def compare(
    *,
    input_file: Path,
    output: Path | None,
    benchmark_area: str | None,
    benchmark_parent: str | None,
    benchmark_column: str | None,
    benchmark_value: float | None,
    confidence: str,
    polarity_column: str,
    no_polarity: bool,
) -> None:
    """Label each area better, similar or worse than a benchmark, from its interval.

    The benchmark outside the area's confidence interval is a significant difference (the
    Fingertips rule); polarity turns higher/lower into better/worse.

    \b
    Example:
      spiral stats compare indicators.csv --benchmark-area E92000001 -o compared.csv
    """
    from spiral.exceptions import InputError
    from spiral.stats.comparison import compare_table

    given = [
        item is not None
        for item in (benchmark_area, benchmark_parent, benchmark_column, benchmark_value)
    ]
    if sum(given) != 1:
        raise click.UsageError(
            "give one of --benchmark-area, --benchmark-parent, --benchmark-column, "
            "--benchmark-value"
        )
    check_output(output)
    table = read_table(input_file)
    benchmark: str | float | None = (
        benchmark_column if benchmark_column is not None else benchmark_value
    )
    try:
        result = compare_table(
            table,
            benchmark_area=benchmark_area,
            benchmark_parent=benchmark_parent,
            benchmark=benchmark,
            confidence=float(confidence),
            polarity=None if no_polarity else polarity_column,
        )
    except InputError as error:
        raise click.ClickException(str(error)) from error
    write_table(result, output)


def register(group: click.Group) -> None:
    """Add ``quantile`` and ``compare`` to the ``spiral stats`` group."""
    group.add_command(quantile)
    group.add_command(compare)
