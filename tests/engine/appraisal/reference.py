"""Readers for the Green Book reference files under ``tests/reference/greenbook/``."""

from __future__ import annotations

import csv
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "greenbook"


def rows(name: str) -> list[dict[str, str]]:
    """Return the rows of one reference CSV as dictionaries of strings."""
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
