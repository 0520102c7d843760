"""``spiral stats``: Public-health statistics on indicator tables (the official methods)."""

from __future__ import annotations

import click


@click.group(name="stats")
def group() -> None:
    """Public-health statistics on indicator tables (the official methods)."""
