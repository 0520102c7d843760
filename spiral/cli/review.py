"""``spiral review``: the Spiral test of successive commissioning cycles."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

_RULE_HELP = (
    "Change a verdict threshold, as NAME=VALUE (repeatable): confidence, min_key_indicators, "
    "min_periods_after, better_share, worse_share, cost_tolerance, clear_saving, clear_rise, "
    "acted_on_threshold, cost_measure, segmented_min_periods."
)


def _rules(pairs: tuple[str, ...]) -> Any:
    from spiral.spiral_test import VerdictRules

    fields = {f.name: f for f in dataclasses.fields(VerdictRules)}
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, _, text = pair.partition("=")
        name = name.strip()
        if name not in fields or not text:
            raise click.UsageError(f"--rule {pair!r}: give NAME=VALUE with a known NAME")
        default = getattr(VerdictRules(), name)
        try:
            changes[name] = type(default)(text) if not isinstance(default, str) else text
        except ValueError:
            raise click.UsageError(f"--rule {pair!r}: {text!r} is not a number") from None
    try:
        return VerdictRules(**changes)
    except ValueError as error:
        raise click.UsageError(f"--rule: {error}") from None


@click.command(name="review")
@click.argument("history_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to OUT.json (machine-readable) or OUT.html (spiral and tables).",
)
@click.option("--rule", "rules", multiple=True, metavar="NAME=VALUE", help=_RULE_HELP)
@click.option(
    "--measure",
    type=click.Choice(["value", "outcome"]),
    default="value",
    show_default=True,
    help="What sets each turn of the spiral in the HTML picture.",
)
def group(history_file: Path, output: Path | None, rules: tuple[str, ...], measure: str) -> None:
    """The Spiral test: is commissioning an improvement spiral or going round in circles?

    Reads a programme's exported history (JSON, see docs/spiral-test.md), prints each
    cycle's verdict with the evidence behind it, and with -o writes the report as JSON or
    as a self-contained HTML page with the cycles drawn as a spiral.
    """
    import orjson

    from spiral.spiral_test import (
        HistoryError,
        cycle_table,
        evidence_table,
        load_history,
        report_as_dict,
        report_html,
        report_text,
        run_spiral_test,
    )

    suffix = output.suffix.lower() if output else None
    if output is not None and suffix not in (".json", ".html", ".htm"):
        raise click.UsageError(f"--output must end in .json or .html, not {output.name!r}")
    verdict_rules = _rules(rules)
    try:
        report = run_spiral_test(load_history(history_file), verdict_rules)
    except HistoryError as error:
        raise click.ClickException(
            f"{history_file}: the history cannot be used:\n{error}"
        ) from None
    click.echo(report_text(report))
    if output is None:
        return
    if suffix == ".json":
        data = report_as_dict(report)
        data["cycle_table"] = cycle_table(report)
        data["evidence"] = evidence_table(report)
        content = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    else:
        content = report_html(report, measure=measure)  # type: ignore[arg-type]
    try:
        output.write_text(content, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"\nReport written to {output}", err=True)
