"""``spiral ocds``: Open Contracting Data Standard: validate, compile, indicators, red flags."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from spiral.cli.progress import stage_progress

_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


_STAGES = {"read": "Reading releases", "compile": "Compiling records"}


@click.group(name="ocds")
def group() -> None:
    """Open Contracting Data Standard: validate, compile, indicators, red flags."""


@group.command(name="validate")
@_FILES
@click.option("--examples", default=10, show_default=True, help="Examples shown per kind of error.")
def validate(files: tuple[Path, ...], examples: int) -> None:
    """Validate OCDS files against the OCDS 1.1.5 schema (1.0.3 for data without a version).

    Errors are explained in plain English and grouped by kind, with a count per kind. The exit
    status is 1 when any file is invalid.

    Example: spiral ocds validate packages/*.json
    """
    from spiral.ocds.validation import validate_files

    report = validate_files(files)
    if not report:
        click.echo(f"valid: {len(files)} file(s), no errors")
        return
    report.examples_per_kind = examples
    for kind in report.examples:
        del report.examples[kind][examples:]
    click.echo(report.text())
    click.echo(f"invalid: {report.total} error(s) of {len(report.counts)} kind(s)", err=True)
    sys.exit(1)


@group.command(name="compile")
@_FILES
@click.option("--jsonl", is_flag=True, help="One compiled release per line, not a record package.")
@click.option(
    "--versioned",
    is_flag=True,
    help="Add a versioned release to each record; with --jsonl, write versioned releases.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of standard output.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes to share JSON Lines among (0: one per CPU for 16 MB or more, else one).",
)
def compile_(
    files: tuple[Path, ...], jsonl: bool, versioned: bool, output: Path | None, workers: int
) -> None:
    """Compile releases into records by the OCDS merge rules.

    Reads release packages, releases (one per line or in an array), records or record packages,
    groups the releases by ocid and merges them: OCDS 1.1 data by the 1.1.5 rules, data without
    a version by the 1.0 rules. Writes a record package (each record with its releases and
    compiled release), or with --jsonl one compiled release per line. Problems in the input are
    reported on standard error; the rest is compiled.

    Example: spiral ocds compile packages/*.json --jsonl -o compiled.jsonl
    """
    from spiral.ocds.compile import write_compiled

    out: IO[bytes]
    with stage_progress(_STAGES) as progress:
        if output is None:
            out = sys.stdout.buffer
            result = write_compiled(
                files, out, jsonl=jsonl, versioned=versioned, progress=progress, workers=workers
            )
            out.flush()
        else:
            with output.open("wb") as out:
                result = write_compiled(
                    files, out, jsonl=jsonl, versioned=versioned, progress=progress, workers=workers
                )
    if result.report:
        click.echo(result.report.text(), err=True)
    if result.releases == 0:
        raise click.ClickException("no releases could be read from the input")
    click.echo(f"compiled {result.releases} release(s) into {result.records} record(s)", err=True)
    from spiral.ocds.merge import is_compiled

    if not is_compiled():
        click.echo(
            "note: the merge ran as Python, which takes about half as long again as its "
            "compiled build; install Spiral where a C compiler and the Python headers are "
            "present to build it",
            err=True,
        )


@group.command(name="prepare")
@_FILES
@click.option(
    "--procurement-method",
    type=click.Choice(["open", "selective", "limited", "direct"]),
    help="Fill a missing tender/procurementMethod with this method.",
)
@click.option("--default-currency", help="Give amounts without a currency this one (e.g. GBP).")
@click.option(
    "--keep-tags",
    is_flag=True,
    help="Do not add 'award'/'contract' tags to releases carrying them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of standard output.",
)
def prepare(
    files: tuple[Path, ...],
    procurement_method: str | None,
    default_currency: str | None,
    keep_tags: bool,
    output: Path | None,
) -> None:
    """Correct known publisher quirks before analysis; write one release per line.

    Reports on standard error how many times each correction was made, and any problem met
    reading the input.

    Example: spiral ocds prepare packages/*.json --procurement-method open -o prepared.jsonl
    """
    from spiral.ocds.prepare import PrepareSettings, write_prepared

    settings = PrepareSettings(
        procurement_method=procurement_method,
        default_currency=default_currency,
        add_missing_tags=not keep_tags,
    )
    if output is None:
        result = write_prepared(files, sys.stdout.buffer, settings)
        sys.stdout.buffer.flush()
    else:
        with output.open("wb") as out:
            result = write_prepared(files, out, settings)
    if result.problems:
        click.echo(result.problems.text(), err=True)
    if result.read == 0:
        raise click.ClickException("no releases could be read from the input")
    click.echo(result.changes.text(), err=True)
    click.echo(f"prepared {result.written} of {result.read} release(s)", err=True)


# Further commands of this group live in their own modules, each with a ``register(group)``
# function that adds its commands. Register them here, below this line:


def _register_more() -> None:
    from spiral.cli import ocds_analysis

    ocds_analysis.register(group)


_register_more()
