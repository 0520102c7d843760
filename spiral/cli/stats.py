"""``spiral stats``: Public-health statistics on indicator tables (the official methods)."""

from __future__ import annotations

import click

from spiral.cli import stats_compare, stats_extra


@click.group(name="stats")
def group() -> None:
    """Public-health statistics on indicator tables (the official methods)."""


stats_extra.register(group)
stats_compare.register(group)
