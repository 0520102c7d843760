"""Reading OCDS files of every shape, and reporting bad input by kind.

References: ``tests/reference/ocds/`` (see its README): the Mexico City packages (OCDS 1.0), the
OCP fictional example (release packages and a record package), five Contracts Finder packages,
and ``broken/``, small files made from the fictional example, one fault per line or file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from spiral.ocds import problems
from spiral.ocds.reader import OCDSReader, kind_of

REFERENCE = Path(__file__).parents[2] / "reference" / "ocds"
BROKEN = REFERENCE / "broken"
SAMPLE = REFERENCE / "sample-fictional"


def _read(*paths: Path, **options: int) -> tuple[list[str], OCDSReader]:
    reader = OCDSReader(**options)  # type: ignore[arg-type]
    ids = [entry.release["id"] for entry in reader.releases(paths)]
    return ids, reader


def test_it_reads_a_release_package() -> None:
    ids, reader = _read(SAMPLE / "ocds-213czf-000-00001.json")
    assert len(ids) == 6
    assert reader.kinds == {"release package": 1}
    assert reader.metadata.versions == {"1.1"}
    assert not reader.report


def test_it_skips_the_linked_releases_of_a_record_package() -> None:
    ids, reader = _read(SAMPLE / "record" / "ocds-213czf-000-00001.json")
    assert reader.kinds == {"record package": 1}
    assert ids == []  # its releases are links (url, date, tag), with nothing to read
    assert not reader.report


def test_a_package_without_version_is_ocds_1_0() -> None:
    reader = OCDSReader()
    entries = list(reader.releases([REFERENCE / "realdata" / "release-package-1.json"]))
    assert {entry.version for entry in entries} == {"1.0"}


@pytest.mark.parametrize("shape", ["lines", "array", "packages-lines"])
def test_it_reads_json_lines_and_arrays(tmp_path: Path, shape: str) -> None:
    package = orjson.loads((SAMPLE / "ocds-213czf-000-00001.json").read_bytes())
    releases = package["releases"]
    path = tmp_path / "data.json"
    if shape == "lines":
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in releases) + b"\n")
    elif shape == "array":
        path.write_bytes(orjson.dumps(releases, option=orjson.OPT_INDENT_2))
    else:
        path.write_bytes(orjson.dumps(package) + b"\n" + orjson.dumps(package) + b"\n")
    ids, _ = _read(path)
    expected = [r["id"] for r in releases]
    assert ids == (expected * 2 if shape == "packages-lines" else expected)


def test_a_big_package_streams_release_by_release() -> None:
    whole, _ = _read(SAMPLE / "ocds-213czf-000-00001.json")
    streamed, reader = _read(SAMPLE / "ocds-213czf-000-00001.json", whole_file_limit=100)
    assert streamed == whole
    assert reader.metadata.publisher == {
        "name": "Open Data Services Co-operative Limited",
        "scheme": "GB-COH",
        "uid": "9506232.0",
        "uri": "http://data.companieshouse.gov.uk/doc/company/09506232",
    }


def test_it_reports_each_bad_line_and_reads_the_rest() -> None:
    ids, reader = _read(BROKEN / "bad-lines.jsonl")
    tender = "ocds-213czf-000-00001-02-tender"
    # Lines 1, 4 (a duplicate, kept), 5, 6, 7 and 9 are read; 2, 3, 8 and 10 are not.
    assert ids == [tender, tender, "5", "6", "7", "9"]
    report = reader.report
    assert report.counts == {
        problems.INVALID_JSON: 2,
        problems.NO_OCID: 1,
        problems.DUPLICATE_ID: 1,
        problems.BAD_DATE: 1,
        problems.AMOUNT_AS_TEXT: 1,
        problems.UNKNOWN_CURRENCY: 1,
        problems.TRUNCATED: 1,
    }
    where = {kind: [p.where for p in shown] for kind, shown in report.examples.items()}
    assert where[problems.INVALID_JSON][0].startswith("bad-lines.jsonl, line 2, column")
    assert where[problems.INVALID_JSON][1].startswith("bad-lines.jsonl, line 8, column 62")
    assert where[problems.NO_OCID] == ["bad-lines.jsonl, line 3"]
    assert where[problems.DUPLICATE_ID] == ["bad-lines.jsonl, line 4"]
    assert where[problems.TRUNCATED][0].startswith("bad-lines.jsonl, line 10")
    amount = report.examples[problems.AMOUNT_AS_TEXT][0]
    assert amount.message == "`tender/value/amount` should be a number, but is the text '12,000'"
    assert amount.path == "tender/value/amount"
    assert "'XYZ'" in report.examples[problems.UNKNOWN_CURRENCY][0].message
    assert "'15/03/2010'" in report.examples[problems.BAD_DATE][0].message


@pytest.mark.parametrize("limit", [1 << 30, 100])
def test_a_truncated_package_gives_its_complete_releases(limit: int) -> None:
    ids, reader = _read(BROKEN / "truncated-package.json", whole_file_limit=limit)
    assert ids == ["ocds-213czf-000-00001-01-planning", "ocds-213czf-000-00001-02-tender"]
    assert reader.report.counts == {problems.TRUNCATED: 1}


def test_it_reports_a_file_that_is_not_ocds(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"name": "not a package"}')
    ids, reader = _read(path)
    assert ids == []
    assert reader.report.counts == {problems.NOT_OCDS: 1}


def test_it_tells_kinds_apart() -> None:
    assert kind_of({"records": []}) == "record package"
    assert kind_of({"ocid": "o", "date": "d", "tag": ["compiled"]}) == "compiled release"


_GARBAGE = {
    "incomplete": b'{"ocid": "ocds-x", "id": ',
    "not json": b"this is not JSON",
    "not ocds": b'{"name": "a list of contacts"}',
    "no ocid": b'{"id": "x", "date": "2024-01-01T00:00:00Z"}',
}


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.one_of(st.integers(0, 999), st.sampled_from(sorted(_GARBAGE))), max_size=12),
    final_newline=st.booleans(),
)
def test_every_line_is_either_read_or_reported_once(
    lines: list[int | str], final_newline: bool
) -> None:
    import tempfile

    text = []
    for line in lines:
        if isinstance(line, int):
            text.append(
                orjson.dumps(
                    {
                        "ocid": f"ocds-{line % 3}",
                        "id": str(line),
                        "date": "2024-01-01T00:00:00Z",
                        "tag": ["tender"],
                    }
                )
            )
        else:
            text.append(_GARBAGE[line])
    data = b"\n".join(text) + (b"\n" if final_newline else b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.jsonl"
        path.write_bytes(b'{"ocid": "first", "id": "0", "date": "2024-01-01T00:00:00Z"}\n' + data)
        ids, reader = _read(path)
    valid = [str(line) for line in lines if isinstance(line, int)]
    assert ids[1:] == valid
    counts = dict(reader.report.counts)
    duplicates = len(valid) - len(set(valid))
    assert counts.pop(problems.DUPLICATE_ID, 0) == duplicates
    assert sum(counts.values()) == sum(1 for line in lines if isinstance(line, str))
    ends_cut = bool(lines) and lines[-1] == "incomplete"
    assert counts.get(problems.TRUNCATED, 0) == (1 if ends_cut else 0)


_line_text = st.text(alphabet='ocid"{}:, \\u', max_size=16).map(str.encode)
_lines_text = st.lists(
    st.one_of(
        _line_text,
        st.sampled_from(
            [b'{"ocid": "a"}', b'{"ocid":"bb", "x": 1}', b'{"releases": [{"ocid": "c"}]}']
        ),
    ),
    max_size=12,
).map(b"\n".join)


def _with_blocks_of(size: int) -> Any:
    """Make the reader read blocks of ``size`` bytes (lines longer than a block, and across)."""
    from spiral.ocds import lines as reader

    original = reader._BLOCK_BYTES
    reader._BLOCK_BYTES = size
    return original


@settings(max_examples=300, deadline=None)
@given(
    text=_lines_text,
    newline_at_end=st.booleans(),
    block=st.integers(1, 9),
    start_line=st.integers(0, 12),
)
def test_lines_read_in_blocks_are_the_lines_of_the_file(
    text: bytes, newline_at_end: bool, block: int, start_line: int
) -> None:
    import io

    from spiral.ocds import lines as reader

    data = text + b"\n" if newline_at_end and text else text
    lines = data.splitlines(keepends=True)
    offsets = [sum(len(line) for line in lines[:n]) for n in range(len(lines))]
    original = _with_blocks_of(block)
    try:
        read = [(n, at, bytes(line)) for n, at, line in reader.block_lines(io.BytesIO(data))]
        # A span from the start of a line to the end of the file, numbered from there.
        first = min(start_line, len(lines))
        start = sum(len(line) for line in lines[:first])
        handle = io.BytesIO(data)
        handle.seek(start)
        span = [
            bytes(line) for _n, _at, line in reader.block_lines(handle, len(data) - start, start)
        ]
    finally:
        reader._BLOCK_BYTES = original
    assert read == [(n + 1, offsets[n], line) for n, line in enumerate(lines)]
    assert span == lines[first:]


@settings(max_examples=300, deadline=None)
@given(text=_lines_text, block=st.integers(1, 9))
@example(text=b'{"ocid"ocid": "x"}', block=64)  # a key that starts where a false one ends
def test_the_first_pass_finds_where_each_ocid_is_written_last(
    text: bytes, block: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import re

    from spiral.ocds import lines as reader

    path = tmp_path_factory.mktemp("lines") / "r.jsonl"
    path.write_bytes(text)
    matches = list(re.finditer(rb'"ocid"\s*:\s*"([^"]*)"', text))
    expected = {match[1].decode(): match.start() for match in matches}
    original = _with_blocks_of(block)
    try:
        found, exact = reader.last_ocids(path)
    finally:
        reader._BLOCK_BYTES = original
    assert found == expected
    # Not exact when an escape could hide an "ocid" key, or an ocid has a backslash.
    assert exact == (b"\\u" not in text and not any(b"\\" in match[1] for match in matches))
