"""``spiral appraise``: Options appraisal in HM Treasury Green Book terms.

Two forms::

    spiral appraise OPTIONS_FILE [--simulations N] [--seed S] [-o report.html|.pdf|.json]
    spiral appraise discount-factors --schedule standard --years 0 1 30 31

The first is shorthand for ``spiral appraise run OPTIONS_FILE ...``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import click

from spiral.cli.progress import busy


class _FileOrCommandGroup(click.Group):
    """A group whose first argument may be an options file instead of a command name."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(
            ctx.command_path,
            "OPTIONS_FILE [--simulations N] [--seed S] [-o FILE]\n"
            f"{' ' * len(ctx.command_path)}   or: COMMAND [ARGS]...",
        )


@click.group(name="appraise", cls=_FileOrCommandGroup)
def group() -> None:
    """Options appraisal in HM Treasury Green Book terms.

    Give an options file (YAML or JSON) to appraise it and print the results table, or use
    one of the commands below.
    """


def _format(value: Any) -> str:
    if value is None:  # not computed, or no payback within the period
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@group.command(name="run")
@click.argument("options_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--simulations", type=click.IntRange(min=0), default=None, help="Monte Carlo draws (0: none)."
)
@click.option("--seed", type=int, default=None, help="Seed for reproducible draws.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the full report: .html, .pdf or .json.",
)
def run(options_file: Path, simulations: int | None, seed: int | None, output: Path | None) -> None:
    """Appraise the options in OPTIONS_FILE and print the results table (CSV).

    The title and any neutrality warnings go to standard error, so standard output is
    the table alone.
    """
    from spiral.appraisal.file_format import OptionsFileError, read_options_file
    from spiral.appraisal.report import appraise_options

    if output is not None and output.suffix.lower() not in (".html", ".pdf", ".json"):
        raise click.UsageError("the report file must end in .html, .pdf or .json")
    try:
        options = read_options_file(options_file)
        with busy("Appraising the options"):
            report = appraise_options(options, simulations, seed)
    except OptionsFileError as error:
        raise click.ClickException(
            "the options file has problems:\n  " + "\n  ".join(error.problems)
        ) from None
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    data = report.to_dict()
    columns = ["rank", "option", "delivery_model", "pv_costs", "pv_benefits", "npsv", "bcr"]
    columns += ["npc", "eac", "payback_year"]
    rows = sorted(data["results"], key=lambda row: row["rank"])
    if data["risk"] is not None:
        columns.append("probability_best")
        best = {row["option"]: row["probability_best"] for row in data["risk"]["options"]}
        rows = [{**row, "probability_best": best[row["option"]]} for row in rows]
    click.echo(data["title"], err=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_format(row[c]) for c in columns] for row in rows)
    click.echo(out.getvalue(), nl=False)
    for warning in data["neutrality_warnings"]:
        click.echo(f"warning: {warning['message']}", err=True)
    if output is not None:
        if output.suffix.lower() == ".json":
            import orjson

            output.write_bytes(
                orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY)
            )
        elif output.suffix.lower() == ".pdf":
            from spiral.exceptions import SpiralError
            from spiral.pdf import html_to_pdf

            try:
                output.write_bytes(html_to_pdf(report.to_html()))
            except SpiralError as error:
                raise click.ClickException(str(error)) from None
        else:
            output.write_text(report.to_html(), encoding="utf-8")
        click.echo(f"report written to {output}", err=True)


@group.command(name="discount-factors")
@click.option(
    "--schedule",
    type=click.Choice(["standard", "health", "reduced", "health_reduced"]),
    default="standard",
    show_default=True,
    help="Green Book discount schedule.",
)
@click.option(
    "--convention",
    type=click.Choice(["end_of_year", "mid_year"]),
    default="end_of_year",
    show_default=True,
)
@click.option(
    "--years",
    required=True,
    help="Years from year 0, separated by spaces: --years 0 1 30 31.",
    multiple=True,
)
@click.argument("more_years", nargs=-1, type=int)
def discount_factors_command(
    schedule: str, convention: str, years: tuple[str, ...], more_years: tuple[int, ...]
) -> None:
    """Print the discount factor of each year as ``year,factor`` CSV."""
    from spiral.appraisal.discounting import discount_factors

    try:
        wanted = [int(y) for text in years for y in text.split()] + list(more_years)
    except ValueError:
        raise click.UsageError("--years takes whole numbers, e.g. --years 0 1 30 31") from None
    try:
        factors = discount_factors(wanted, schedule, convention)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo("year,factor")
    for year, factor in zip(wanted, factors.tolist(), strict=True):
        click.echo(f"{year},{factor:.10f}")
