"""``spiral ocds indicators`` and ``spiral ocds flags``: analyses of compiled OCDS releases."""

from __future__ import annotations

import sys
from typing import Any

import click

from spiral.cli.progress import byte_progress


def register(group: click.Group) -> None:
    """Add the analysis commands to the ``spiral ocds`` group."""
    group.add_command(indicators)
    group.add_command(flags)


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None


@click.command(name="indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--by",
    type=click.Choice(["country", "buyer", "market"]),
    default="country",
    show_default=True,
    help="Group by buyer, by market (classification prefix) or not at all.",
)
@click.option("--currency", default="GBP", show_default=True, help="Currency of values.")
@click.option(
    "--market-digits",
    type=click.IntRange(1, 8),
    default=2,
    show_default=True,
    help="Classification prefix length that defines a market (2 = CPV division).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="CSV file to write.")
def indicators(file: str, by: str, currency: str, market_digits: int, output: str | None) -> None:
    """Procurement indicators from compiled releases (JSON Lines) as a tidy CSV table.

    One row per group and indicator: bidders, single-bid rate, share of open procedures,
    tender period, time to award, award values, supplier concentration (HHI, top-N), SME,
    VCSE and public-body shares, repeat awards, modified contracts.
    """
    from spiral.ocds.indicators import (
        procurement_indicators,
        procurement_tables,
        read_compiled_releases,
    )

    try:
        processes, awards = procurement_tables(read_compiled_releases(file))
    except ValueError as error:
        raise click.ClickException(f"{file}: {error}") from None
    table = procurement_indicators(
        processes,
        awards,
        by=by,
        currency=currency,
        market_digits=market_digits,
    )
    _write(table.to_csv(index=False, lineterminator="\n"), output)


@click.command(name="flags")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "-s",
    "--settings",
    type=click.Path(exists=True, dir_okay=False),
    help="Cardinal settings file (INI); without it every indicator runs with its defaults.",
)
@click.option("--no-meta", is_flag=True, help='Leave out the "Meta" key (quartiles, fences).')
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="JSON file to write.")
def flags(file: str, settings: str | None, no_meta: bool, output: str | None) -> None:
    """Cardinal-compatible red flags on compiled releases (JSON Lines; "-" for stdin).

    Writes Cardinal's results object: {"OCID": {...}, "Buyer": {...},
    "ProcuringEntity": {...}, "Tenderer": {...}, "Meta": {...}}.
    """
    import orjson

    from spiral.ocds.flags import FlagSettings, SettingsError, flag_file, flag_lines, read_settings

    try:
        chosen = read_settings(settings) if settings else FlagSettings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    run: Any
    if file == "-":
        run = flag_lines(sys.stdin.buffer, chosen, meta=not no_meta)
    else:
        with byte_progress("red flags") as progress:
            try:
                run = flag_file(file, chosen, meta=not no_meta, progress=progress)
            except OSError as error:
                raise click.ClickException(f"cannot read {file}: {error.strerror}") from None
    if run.invalid_count:
        lines = ", ".join(str(number) for number in run.invalid_lines)
        more = " ..." if run.invalid_count > len(run.invalid_lines) else ""
        click.echo(
            f"warning: {run.invalid_count} line(s) not JSON were skipped (line {lines}{more})",
            err=True,
        )
    _write(orjson.dumps(run.results).decode("utf-8") + "\n", output)
