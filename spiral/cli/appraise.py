"""``spiral appraise``: Options appraisal in HM Treasury Green Book terms."""

from __future__ import annotations

import click


@click.group(name="appraise")
def group() -> None:
    """Options appraisal in HM Treasury Green Book terms."""
