"""Fixtures for the OCDS tests: the merge's inner loop compiled (mypyc) and as Python source."""

from __future__ import annotations

from types import ModuleType

import pytest

from spiral.ocds import merge, merge_core
from spiral.ocds.merge import merge_core_from_source


@pytest.fixture
def merge_core_source() -> ModuleType:
    """The merge's inner loop run from its Python source."""
    return merge_core_from_source()


@pytest.fixture(params=["compiled", "source"])
def merge_build(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with the compiled merge, then with the merge run from its Python source."""
    if request.param == "compiled":
        if not merge.is_compiled():
            pytest.skip("the compiled merge is not built here (no C compiler at install)")
        module: ModuleType = merge_core
    else:
        module = merge_core_from_source()
        assert str(module.__file__).endswith(".py")
    monkeypatch.setattr(merge, "merge_core", module)
    return request.param
