"""Compiling releases into compiled releases, versioned releases and record packages.

References:

- ``tests/reference/ocds/expected/``: the output of ``ocdskit compile`` (ocdskit 1.7.0 with
  ocdsmerge 0.8.0) for the Mexico City packages of open-contracting/ocdskit
  ``tests/fixtures/realdata`` (OCDS 1.0: merged by the 1.0.3 schema), the OCP fictional example
  (open-contracting/sample-data ``fictional-example/1.1``) and five Contracts Finder packages; see
  the README there for the commands. Every file is reproduced byte for byte.
- the record the Open Contracting Partnership publishes for its fictional example
  (``sample-fictional/record/``), compiled and versioned release;
- ``ocdskit`` and ``ocdsmerge`` themselves, run in the test: on the same inputs, on all 100
  Contracts Finder packages shipped as demo data, and on random releases (hypothesis), where the
  merge must give exactly what ``ocdsmerge`` gives.

The tests marked ``merge_build`` run twice: with the merge compiled to C (mypyc) and with the
same merge run from its Python source (``conftest.py``).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import ocdsmerge
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spiral.ocds.compile import compiled_releases, write_compiled
from spiral.ocds.merge import compile_release, schema_rules, versioned_release

REFERENCE = Path(__file__).parents[2] / "reference" / "ocds"
EXPECTED = REFERENCE / "expected"
DEMO = Path(__file__).parents[3] / "spiral" / "demo_data" / "contracts_finder"
SCHEMA = Path(__file__).parents[3] / "spiral" / "ocds" / "schema"

CASES = {
    "realdata-1": ([REFERENCE / "realdata" / "release-package-1.json"], "1.0"),
    "realdata-2": ([REFERENCE / "realdata" / "release-package-2.json"], "1.0"),
    "sample-fictional": (
        sorted((REFERENCE / "sample-fictional").glob("ocds-213czf-000-00001-0*.json")),
        None,
    ),
    "contracts-finder": (sorted((REFERENCE / "contracts_finder").glob("*.json")), None),
}
OUTPUTS = {
    "compiled.jsonl": {"jsonl": True},
    "versioned.jsonl": {"jsonl": True, "versioned": True},
    "record-package.json": {"versioned": True},
}
EXPECTED_FILES = sorted(path.name for path in EXPECTED.iterdir() if path.suffix != ".md")


def _compile(paths: list[Path], **options: Any) -> bytes:
    buffer = io.BytesIO()
    write_compiled(paths, buffer, **options)
    return buffer.getvalue()


def test_every_expected_file_has_a_case() -> None:
    names = {f"{case}.{output}" for case in CASES for output in OUTPUTS}
    assert set(EXPECTED_FILES) <= names
    assert len(EXPECTED_FILES) == 11


@pytest.mark.usefixtures("merge_build")
@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_it_writes_what_ocdskit_wrote_byte_for_byte(name: str) -> None:
    case, _, output = name.partition(".")
    paths, version = CASES[case]
    options = dict(OUTPUTS[output])
    if output == "record-package.json":
        options["version"] = version
    assert _compile(paths, **options) == (EXPECTED / name).read_bytes()


def _ocdskit(paths: list[Path], schema: Path, **options: Any) -> list[Any]:
    from ocdskit.combine import merge

    items = [orjson.loads(path.read_bytes()) for path in paths]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(merge(items, schema=str(schema), **options))


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_compiles_like_ocdskit_run_now(case: str) -> None:
    paths, version = CASES[case]
    tag = "1__0__3" if version == "1.0" else "1__1__5"
    schema = SCHEMA / tag / "release-schema.json"
    expected = _ocdskit(paths, schema)
    got = [orjson.loads(line) for line in _compile(paths, jsonl=True).splitlines()]
    assert got == expected
    expected_versioned = _ocdskit(paths, schema, return_versioned_release=True)
    got_versioned = _compile(paths, jsonl=True, versioned=True).splitlines()
    assert [orjson.loads(line) for line in got_versioned] == expected_versioned


@pytest.mark.usefixtures("merge_build")
def test_all_100_contracts_finder_packages_compile_like_ocdskit() -> None:
    paths = sorted(DEMO.glob("*.json"))
    assert len(paths) == 100
    expected = _ocdskit(
        paths,
        SCHEMA / "1__1__5" / "release-schema.json",
        return_package=True,
        return_versioned_release=True,
        version="1.1",
    )
    got = _compile(paths, versioned=True)
    assert got == orjson.dumps(expected[0]) + b"\n"


@pytest.mark.usefixtures("merge_build")
@pytest.mark.parametrize(
    "record_file", ["ocds-213czf-000-00001.json", "ocds-213czf-000-00001-withversions.json"]
)
def test_the_sample_compiles_to_the_record_the_ocp_published(record_file: str) -> None:
    """open-contracting/sample-data publishes the record of its fictional example."""
    record = orjson.loads((REFERENCE / "sample-fictional" / "record" / record_file).read_bytes())[
        "records"
    ][0]
    package = orjson.loads(
        (REFERENCE / "sample-fictional" / "ocds-213czf-000-00001.json").read_bytes()
    )
    assert compile_release(package["releases"]) == record["compiledRelease"]
    if "versionedRelease" in record:
        assert versioned_release(package["releases"]) == record["versionedRelease"]


def test_compiled_releases_pass_through_and_releases_are_compiled(tmp_path: Path) -> None:
    lines = (EXPECTED / "realdata-1.compiled.jsonl").read_bytes()
    (tmp_path / "c.jsonl").write_bytes(lines)
    assert list(compiled_releases([tmp_path / "c.jsonl"])) == [orjson.loads(lines)]
    from_releases = list(compiled_releases([REFERENCE / "realdata" / "release-package-1.json"]))
    assert from_releases == [orjson.loads(lines)]


# -- the merge against ocdsmerge, on random releases -------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from([0.0, -0.0, 1.0, -2.5]),  # == 0, 1, False, True in Python; not in JSON
    st.sampled_from(["a", "b", ""]),
)
_ids = st.one_of(st.sampled_from(["1", "2", "3"]), st.integers(1, 3))


def _objects(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(["title", "status", "value", "x"]), children, max_size=3)


_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        _objects(children),
        st.lists(
            st.one_of(
                st.fixed_dictionaries(
                    {"id": _ids}, optional={"status": children, "title": _scalars}
                ),
                st.fixed_dictionaries({"title": _scalars, "id": _ids}),  # id not written first
            ),
            max_size=3,
        ),
        st.lists(_objects(children), max_size=2),
        st.lists(_scalars, max_size=2),
    ),
    max_leaves=8,
)
_awards = st.lists(
    st.fixed_dictionaries(
        {"id": _ids},
        optional={"status": _scalars, "value": _values, "suppliers": _values, "items": _values},
    ),
    max_size=3,
)
_release_bodies = st.fixed_dictionaries(
    {},
    optional={
        "tender": _values,
        "awards": _awards,
        "buyer": _values,
        "parties": _values,
        "tag": st.just(["tender"]),
        "x_extra": _values,
    },
)


@pytest.mark.usefixtures("merge_build")
@settings(
    max_examples=600,
    deadline=None,
    # ``merge_build`` picks the compiled or source merge once per test, not per example.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    bodies=st.lists(_release_bodies, min_size=1, max_size=5),
    version=st.sampled_from(["1__1__5", "1__0__3"]),
)
def test_the_merge_gives_exactly_what_ocdsmerge_gives(
    bodies: list[dict[str, Any]], version: str
) -> None:
    releases = [
        {"ocid": "ocds-x", "id": str(i), "date": f"2024-01-0{1 + i % 3}T00:00:00Z", **body}
        for i, body in enumerate(bodies)
    ]
    merger = ocdsmerge.Merger(merge_rules=schema_rules(version)[0])

    def copy() -> list[dict[str, Any]]:  # ocdsmerge can change lists of its input in place
        copied: list[dict[str, Any]] = orjson.loads(orjson.dumps(releases))
        return copied

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = orjson.dumps(merger.create_compiled_release(copy()))
        except ocdsmerge.exceptions.InconsistentTypeError:
            expected = None
        try:
            expected_versioned = orjson.dumps(merger.create_versioned_release(copy()))
        except ocdsmerge.exceptions.InconsistentTypeError:
            expected_versioned = None
    given_releases = copy()
    if expected is None:
        with pytest.raises(ocdsmerge.exceptions.InconsistentTypeError):
            compile_release(given_releases, version)
    else:
        assert orjson.dumps(compile_release(given_releases, version)) == expected
    # Subtrees of the releases are shared with the compiled release, never changed.
    assert given_releases == releases
    assert orjson.dumps(given_releases) == orjson.dumps(releases)
    if expected_versioned is None:
        with pytest.raises(ocdsmerge.exceptions.InconsistentTypeError):
            versioned_release(copy(), version)
    else:
        assert orjson.dumps(versioned_release(copy(), version)) == expected_versioned


def _lines_of_mixed_packages(tmp_path: Path) -> list[Path]:
    """Release packages of several processes per line, and releases one per line, in two files."""
    sample = orjson.loads(
        (REFERENCE / "sample-fictional" / "ocds-213czf-000-00001.json").read_bytes()
    )
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    lines_a, lines_b = [], []
    for n in range(12):
        releases = []
        for release in sample["releases"]:
            copied = orjson.loads(orjson.dumps(release))
            copied["ocid"] = f"ocds-{n % 7}"
            copied["id"] = f"{release['id']}-{n}"
            releases.append(copied)
        if n % 3 == 0:
            lines_a.append(orjson.dumps({**sample, "releases": releases[:3]}))
            lines_b.extend(orjson.dumps(r) for r in releases[3:])
        else:
            lines_a.append(orjson.dumps({**sample, "releases": releases}))
    lines_a.append(b'{"ocid": "ocds-9", "id": "x", "date": "2020-01-01T00:00:00Z", oops}')
    first.write_bytes(b"\n".join(lines_a) + b"\n")
    second.write_bytes(b"\n".join(lines_b) + b"\n" + lines_b[0][:40])
    return [first, second]


@pytest.mark.usefixtures("merge_build")
@pytest.mark.parametrize("versioned", [False, True])
def test_sharing_the_work_among_processes_changes_nothing(tmp_path: Path, versioned: bool) -> None:
    paths = _lines_of_mixed_packages(tmp_path)
    outputs, reports = [], []
    for workers in (1, 2, 3):
        buffer = io.BytesIO()
        result = write_compiled(paths, buffer, jsonl=True, versioned=versioned, workers=workers)
        outputs.append(buffer.getvalue())
        reports.append((result.records, result.releases, result.report.counts))
    assert outputs[0] == outputs[1] == outputs[2]
    assert reports[0] == reports[1] == reports[2]
    assert reports[0][0] == 7
    assert reports[0][2] == {"invalid JSON": 1, "truncated file": 1}


def test_workers_0_shares_only_json_lines_large_enough_to_gain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.ocds import workers as workers_module

    paths = _lines_of_mixed_packages(tmp_path)
    size = sum(path.stat().st_size for path in paths)
    monkeypatch.setattr(workers_module.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(workers_module, "SHARE_FROM_BYTES", size + 1)
    assert workers_module._workers(paths, jsonl=True, workers=0) == 1
    monkeypatch.setattr(workers_module, "SHARE_FROM_BYTES", size)
    assert workers_module._workers(paths, jsonl=True, workers=0) == 4
    assert workers_module._workers(paths, jsonl=False, workers=0) == 1
    assert workers_module._workers(paths, jsonl=True, workers=3) == 3
    buffer = io.BytesIO()
    write_compiled(paths, buffer, jsonl=True, workers=0)
    assert buffer.getvalue() == _compile(paths, jsonl=True, workers=1)


@pytest.mark.parametrize("jsonl", [True, False])
def test_streaming_json_lines_gives_what_holding_everything_gives(
    tmp_path: Path, jsonl: bool
) -> None:
    paths = _lines_of_mixed_packages(tmp_path)
    streamed = _compile(paths, jsonl=jsonl, versioned=True)
    # The same items as one JSON array per file: read whole, grouped, then compiled.
    arrays = []
    for path in paths:
        items = []
        for line in path.read_bytes().splitlines():
            try:
                items.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                continue
        array = tmp_path / f"{path.stem}-array.json"
        array.write_bytes(orjson.dumps(items))
        arrays.append(array)
    assert streamed == _compile(arrays, jsonl=jsonl, versioned=True)


def test_compiled_releases_of_a_record_package_are_its_records_compiled_releases() -> None:
    path = REFERENCE / "sample-fictional" / "record" / "ocds-213czf-000-00001.json"
    expected = [record["compiledRelease"] for record in orjson.loads(path.read_bytes())["records"]]
    assert list(compiled_releases([path])) == expected


def _release_line(ocid: str, number: int, **extra: Any) -> bytes:
    return orjson.dumps(
        {
            "ocid": ocid,
            "id": str(number),
            "date": f"2024-01-0{number}T00:00:00Z",
            "tag": ["tender"],
            "tender": {"id": "t", "status": f"s{number}"},
            **extra,
        }
    )


@pytest.mark.parametrize(
    "lines",
    [
        # sorted; the last line naming "a" is broken, so "a" ends there without a release
        [
            _release_line("a", 1),
            _release_line("b", 2),
            b'{"ocid": "a", "id": "9", "date": oops}',
            _release_line("c", 3),
        ],
        # unsorted, spread out, with a process whose only line is broken
        [
            _release_line("c", 1),
            _release_line("a", 2),
            _release_line("c", 3),
            b'{"ocid": "d", broken',
            _release_line("b", 4),
            _release_line("a", 5),
        ],
        # an ocid with an escaped character, which the first pass cannot read
        [
            _release_line("b", 1),
            b'{"ocid": "\\u0061", "id": "2", "date": "2024-01-02T00:00:00Z"}',
            _release_line("a", 3),
            _release_line("c", 4),
        ],
        # the same, after the last line that names the ocid plainly
        [
            _release_line("b", 1),
            _release_line("a", 2),
            _release_line("c", 3),
            b'{"ocid": "\\u0061", "id": "4", "date": "2024-01-04T00:00:00Z"}',
        ],
    ],
)
def test_json_lines_come_out_in_ocid_order_whatever_order_they_go_in(
    tmp_path: Path, lines: list[bytes]
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    array = tmp_path / "in.json"
    items = []
    for line in lines:
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            continue
    array.write_bytes(orjson.dumps(items))
    streamed = _compile([path], jsonl=True)
    assert streamed == _compile([array], jsonl=True)
    ocids = [orjson.loads(line)["ocid"] for line in streamed.splitlines()]
    assert ocids == sorted(set(ocids))
    for workers in (2, 3):
        assert _compile([path], jsonl=True, workers=workers) == streamed


@pytest.mark.usefixtures("merge_build")
def test_a_later_value_equal_in_python_but_not_in_json_still_replaces_the_earlier() -> None:
    # 1 == 1.0 == True in Python; in JSON (and for ocds-merge) they are different values.
    first = {"ocid": "o", "id": "1", "date": "2024-01-01T00:00:00Z", "tender": {"id": "t"}}
    releases = [
        {**first, "awards": [{"id": "a", "value": {"amount": 1}, "flag": True}]},
        {**first, "id": "2", "date": "2024-02-01T00:00:00Z"},
        {**first, "id": "3", "date": "2024-03-01T00:00:00Z"},
    ]
    releases[1]["awards"] = [{"id": "a", "value": {"amount": 1.0}, "flag": 1}]
    releases[2]["awards"] = [{"id": "a", "value": {"amount": 1.0}, "flag": 1}]
    merger = ocdsmerge.Merger(merge_rules=schema_rules("1__1__5")[0])
    expected = merger.create_compiled_release(orjson.loads(orjson.dumps(releases)))
    assert orjson.dumps(compile_release(releases)) == orjson.dumps(expected)
    assert b'"amount":1.0' in orjson.dumps(expected)


def _grouped_lines(tmp_path: Path) -> Path:
    """Release packages grouped by ocid (two or three lines per process), with bad lines in the
    middle and at the end, as most publishers write JSON Lines."""
    sample = orjson.loads(
        (REFERENCE / "sample-fictional" / "ocds-213czf-000-00001.json").read_bytes()
    )
    lines = []
    for n in range(40):
        releases = []
        for release in sample["releases"]:
            copied = orjson.loads(orjson.dumps(release))
            copied["ocid"] = f"ocds-{n:03d}"
            copied["id"] = f"{release['id']}-{n}"
            releases.append(copied)
        for part in range(2 + n % 2):
            lines.append(orjson.dumps({**sample, "releases": releases[part::3]}))
        if n in (7, 31):
            lines.append(b'{"ocid": "ocds-x", "id": "x", "date": "2020-01-01T00:00:00Z", oops}')
        if n == 29:
            lines.append(orjson.dumps({"ocid": f"ocds-{n:03d}", "id": "no date"}))
    path = tmp_path / "grouped.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n" + lines[-1][:50])
    return path


@pytest.mark.parametrize("versioned", [False, True])
def test_json_lines_grouped_by_ocid_are_shared_by_position_with_the_same_result(
    tmp_path: Path, versioned: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.ocds import workers as compile_module

    path = _grouped_lines(tmp_path)

    def no_fallback(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the input is grouped by ocid: no need to share it by hash")

    monkeypatch.setattr(compile_module, "_write_jsonl_by_hash", no_fallback)
    outputs, reports = [], []
    for workers in (1, 2, 3, 5):
        buffer = io.BytesIO()
        result = write_compiled([path], buffer, jsonl=True, versioned=versioned, workers=workers)
        outputs.append(buffer.getvalue())
        reports.append((result.records, result.releases, result.kinds, result.report.text()))
    assert all(output == outputs[0] for output in outputs)
    assert all(report == reports[0] for report in reports)
    # 20 processes of 2 lines (4 releases) and 20 of 3 lines (6 releases), 3 bad lines.
    assert reports[0][:2] == (40, 200)
    # Problems keep the line numbers of the file, whichever process read them: the broken
    # lines after 20 and 80 lines of packages (and one bad line before), the release without
    # a date after 75 lines of packages, the truncated last line.
    text = reports[0][3]
    assert "grouped.jsonl, line 21, column 63: this line is not valid JSON" in text
    assert "grouped.jsonl, line 83, column 63: this line is not valid JSON" in text
    assert "grouped.jsonl, line 77 at date: the release of ocds-029 has no date" in text
    assert "grouped.jsonl, line 104, column 51: the file ends in the middle" in text


def test_json_lines_grouped_but_not_sorted_come_out_sorted_when_shared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.ocds import workers as compile_module

    grouped = _grouped_lines(tmp_path).read_bytes().split(b"\n")[:-1]  # without the broken end
    path = tmp_path / "reversed.jsonl"
    path.write_bytes(b"\n".join(reversed(grouped)) + b"\n")

    def no_fallback(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the input is grouped by ocid: no need to share it by hash")

    monkeypatch.setattr(compile_module, "_write_jsonl_by_hash", no_fallback)
    outputs = [_compile([path], jsonl=True, workers=workers) for workers in (1, 2, 3)]
    assert outputs[0] == outputs[1] == outputs[2]
    ocids = [orjson.loads(line)["ocid"] for line in outputs[0].splitlines()]
    assert ocids == sorted(ocids)
    assert len(ocids) == 40
