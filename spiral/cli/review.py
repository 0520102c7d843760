"""``spiral review``: the Spiral test of successive commissioning cycles."""

from __future__ import annotations

import click


@click.group(name="review")
def group() -> None:
    """The Spiral test: is commissioning an improvement spiral or going round in circles?"""
