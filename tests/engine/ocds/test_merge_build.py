"""The OCDS merge's inner loop, compiled to C by mypyc at install (``setup.py``).

The compiled build and the Python source must give the same output: the compile tests that
compare Spiral with ``ocdskit`` and ``ocdsmerge`` (``test_compile.py``) run once with each,
through the ``merge_build`` fixture. Here: that the build is the one in use, and is current.
"""

from __future__ import annotations

import doctest
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import ocdsmerge
import orjson
import pytest

from spiral.ocds import merge, merge_core
from spiral.ocds.merge import compile_release, is_compiled, schema_rules, versioned_release

MERGE_CORE_SOURCE = Path(merge.__file__).with_name("merge_core.py")


def test_the_merge_runs_compiled_from_the_current_source() -> None:
    # In CI a skip is a failure: there the build must be present.
    if not is_compiled():
        pytest.skip("the compiled merge is not built here (no C compiler at install)")
    built = Path(str(merge_core.__file__))
    assert built.name.startswith("merge_core.")
    assert built.suffix == ".so"
    assert built.stat().st_mtime >= MERGE_CORE_SOURCE.stat().st_mtime, (
        "spiral/ocds/merge_core.py changed after its compiled build: run `make install`"
    )


def test_the_examples_in_the_merge_source_hold(merge_core_source: ModuleType) -> None:
    # pytest cannot collect them from the file where the build shadows it (conftest.py).
    results = doctest.testmod(merge_core_source, optionflags=doctest.ELLIPSIS)
    assert results.attempted >= 3
    assert results.failed == 0


def test_the_source_fixture_really_runs_the_python_source(merge_build: str) -> None:
    assert str(merge.merge_core.__file__).endswith(".py") == (merge_build == "source")


def _reference(make: str, releases: list[dict[str, Any]]) -> bytes | type[Exception]:
    merger = ocdsmerge.Merger(merge_rules=schema_rules("1__1__5")[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = getattr(merger, make)(orjson.loads(orjson.dumps(releases)))
        except ocdsmerge.exceptions.InconsistentTypeError as error:
            return type(error)
    return orjson.dumps(result)


def _spiral(merge_function: Any, releases: list[dict[str, Any]]) -> bytes | type[Exception]:
    try:
        return orjson.dumps(merge_function(releases))
    except ocdsmerge.exceptions.InconsistentTypeError as error:
        return type(error)


@pytest.mark.usefixtures("merge_build")
@pytest.mark.parametrize("reverse", [False, True])
def test_a_field_changing_type_is_merged_as_the_reference_merges_it(reverse: bool) -> None:
    # ocds-merge keeps an object that a later string would replace, and refuses the reverse.
    first = {"ocid": "o", "id": "1", "date": "2024-01-01T00:00:00Z", "tender": {"id": "t"}}
    later = {"ocid": "o", "id": "2", "date": "2024-02-01T00:00:00Z", "tender": "withdrawn"}
    if reverse:
        first["tender"], later["tender"] = later["tender"], first["tender"]
    releases = [first, later]
    for make, merge_function in [
        ("create_compiled_release", compile_release),
        ("create_versioned_release", versioned_release),
    ]:
        assert _spiral(merge_function, releases) == _reference(make, releases)


@pytest.mark.usefixtures("merge_build")
def test_minus_zero_after_zero_replaces_it_as_in_the_reference() -> None:
    # 0.0 == -0.0 in Python; JSON writes them apart, and ocds-merge keeps the later.
    first = {"ocid": "o", "id": "1", "date": "2024-01-01T00:00:00Z"}
    releases = [
        {**first, "tender": {"value": {"amount": 0.0}}},
        {**first, "id": "2", "date": "2024-02-01T00:00:00Z", "tender": {"value": {"amount": -0.0}}},
    ]
    expected = _reference("create_compiled_release", releases)
    assert isinstance(expected, bytes)
    assert b'"amount":-0.0' in expected
    assert _spiral(compile_release, releases) == expected
