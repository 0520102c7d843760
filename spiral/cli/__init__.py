"""The ``spiral`` command line: one small module per command group.

Each module defines a :class:`click.Group` called ``group``; this module gathers them.
A command parses its arguments, calls one engine function and prints the result.
"""

from __future__ import annotations

import click

from spiral import __version__
from spiral.cli import appraise, frameworks, ocds, review, stats


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spiral")
def main() -> None:
    """Spiral: strategic commissioning, and whether it is improving anything."""


for _module in (stats, appraise, ocds, review, frameworks):
    main.add_command(_module.group)
