"""Shared helpers for the statistics tests: reading the reference files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "phe"


@pytest.fixture
def phe() -> Callable[[str], pd.DataFrame]:
    """Read a file of ``tests/reference/phe`` (see its README for provenance)."""

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(REFERENCE / name)

    return read
