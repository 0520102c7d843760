"""``spiral stats``: Public-health statistics on indicator tables (the official methods)."""

from __future__ import annotations

import click


@click.group(name="stats")
def group() -> None:
    """Public-health statistics on indicator tables (the official methods)."""


from spiral.cli import stats_compare  # noqa: E402

stats_compare.register(group)
