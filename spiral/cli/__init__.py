"""The ``spiral`` command line: one small module per command group.

Each module defines a :class:`click.Group` called ``group``; this module gathers them.
A command parses its arguments, calls one engine function and prints the result.
"""

from __future__ import annotations

from typing import Any

import click

from spiral import __version__
from spiral.cli import appraise, frameworks, ocds, review, stats


class _SpiralGroup(click.Group):
    """The top-level group: an error the engine raises on purpose becomes a message.

    Every deliberate engine error derives from :class:`spiral.exceptions.SpiralError`; one
    that a command did not turn into a message itself is shown as ``Error: ...`` (exit
    status 1) rather than a traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from spiral.exceptions import SpiralError

        try:
            return super().invoke(ctx)
        except SpiralError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_SpiralGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spiral")
def main() -> None:
    """Spiral: strategic commissioning, and whether it is improving anything."""


for _module in (stats, appraise, ocds, review, frameworks):
    main.add_command(_module.group)
