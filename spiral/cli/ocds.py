"""``spiral ocds``: Open Contracting Data Standard: validate, compile, indicators, red flags."""

from __future__ import annotations

import click


@click.group(name="ocds")
def group() -> None:
    """Open Contracting Data Standard: validate, compile, indicators, red flags."""


from spiral.cli.ocds_analysis import register  # noqa: E402

register(group)
