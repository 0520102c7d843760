"""``spiral frameworks``: Commissioning cycle frameworks: check and list them."""

from __future__ import annotations

import click


@click.group(name="frameworks")
def group() -> None:
    """Commissioning cycle frameworks: check and list them."""
