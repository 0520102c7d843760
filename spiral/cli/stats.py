"""``spiral stats``: Public-health statistics on indicator tables (the official methods)."""

from __future__ import annotations

import click

from spiral.cli.stats_extra import register


@click.group(name="stats")
def group() -> None:
    """Public-health statistics on indicator tables (the official methods)."""


register(group)
