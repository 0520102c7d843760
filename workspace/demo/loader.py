"""Load the whole demo: the cast, then each area's demo records."""

from __future__ import annotations

from collections.abc import Callable

from workspace.contracts.demo import load_contracts_demo
from workspace.cycles.demo import load_cycles_demo
from workspace.demo.personas import create_cast
from workspace.needs.demo import load_needs_demo
from workspace.plan.demo import load_plan_demo
from workspace.reviews.demo import load_reviews_demo
from workspace.sourcing.demo import load_sourcing_demo


def load_demo(*, password: str, progress: Callable[[str], object] = print) -> None:
    """Load the fictional Kingsmere demo council into an empty database."""
    progress("Creating organisations and people…")
    cast = create_cast(password=password)
    load_cycles_demo(cast=cast, progress=progress)
    load_needs_demo(cast=cast, progress=progress)
    load_sourcing_demo(cast=cast, progress=progress)
    load_contracts_demo(cast=cast, progress=progress)
    load_plan_demo(cast=cast, progress=progress)
    load_reviews_demo(cast=cast, progress=progress)  # its evidence comes from all the others
