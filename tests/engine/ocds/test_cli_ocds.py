"""``spiral ocds validate`` and ``spiral ocds compile``.

References: ``tests/reference/ocds/`` (see its README); the compile output is checked against
``expected/``, what ``ocdskit compile`` wrote for the same input.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from spiral.cli import main

REFERENCE = Path(__file__).parents[2] / "reference" / "ocds"
REALDATA = REFERENCE / "realdata" / "release-package-1.json"
EXPECTED = REFERENCE / "expected"


def test_validate_says_valid_files_are_valid() -> None:
    result = CliRunner().invoke(main, ["ocds", "validate", str(REALDATA)])
    assert result.exit_code == 0, result.output
    assert "valid: 1 file(s), no errors" in result.stdout


def test_validate_explains_errors_by_kind_and_exits_with_1() -> None:
    result = CliRunner().invoke(
        main, ["ocds", "validate", str(REFERENCE / "broken" / "bad-lines.jsonl")]
    )
    assert result.exit_code == 1
    assert "wrong type: 1" in result.stdout
    assert (
        "line 6 at tender/value/amount: `tender/value/amount` should be a number, but is the "
        "text '12,000'" in result.stdout
    )
    assert "truncated file: 1" in result.stdout
    assert "invalid: 7 error(s) of 6 kind(s)" in result.stderr
    assert "Traceback" not in result.output


def test_compile_writes_compiled_releases_to_standard_output() -> None:
    result = CliRunner().invoke(main, ["ocds", "compile", str(REALDATA), "--jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (EXPECTED / "realdata-1.compiled.jsonl").read_bytes()
    assert "compiled 2 release(s) into 1 record(s)" in result.stderr


def test_compile_says_when_the_merge_runs_as_python(monkeypatch: pytest.MonkeyPatch) -> None:
    from spiral.ocds import merge

    monkeypatch.setattr(merge, "is_compiled", lambda: True)
    quiet = CliRunner().invoke(main, ["ocds", "compile", str(REALDATA), "--jsonl"])
    assert "note:" not in quiet.stderr
    monkeypatch.setattr(merge, "is_compiled", lambda: False)
    noted = CliRunner().invoke(main, ["ocds", "compile", str(REALDATA), "--jsonl"])
    assert noted.exit_code == 0, noted.output
    assert "note: the merge ran as Python" in noted.stderr
    assert noted.stdout_bytes == quiet.stdout_bytes


def test_compile_writes_versioned_releases(tmp_path: Path) -> None:
    out = tmp_path / "versioned.jsonl"
    result = CliRunner().invoke(
        main, ["ocds", "compile", str(REALDATA), "--jsonl", "--versioned", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (EXPECTED / "realdata-1.versioned.jsonl").read_bytes()


def test_compile_writes_a_record_package(tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    paths = sorted((REFERENCE / "sample-fictional").glob("ocds-213czf-000-00001-0*.json"))
    result = CliRunner().invoke(
        main, ["ocds", "compile", *map(str, paths), "--versioned", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (EXPECTED / "sample-fictional.record-package.json").read_bytes()


def test_compile_reports_bad_input_and_compiles_the_rest() -> None:
    result = CliRunner().invoke(
        main, ["ocds", "compile", str(REFERENCE / "broken" / "bad-lines.jsonl"), "--jsonl"]
    )
    assert result.exit_code == 0, result.output
    compiled = [orjson.loads(line) for line in result.stdout_bytes.splitlines()]
    assert [c["ocid"] for c in compiled] == ["ocds-213czf-000-00001"]
    assert "release without ocid: 1" in result.stderr
    assert "truncated file: 1" in result.stderr


def test_compile_fails_clearly_when_nothing_can_be_read(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("")
    result = CliRunner().invoke(main, ["ocds", "compile", str(path)])
    assert result.exit_code == 1
    assert "Error: no releases could be read from the input" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["ocds", "validate", "no-such-file.json"])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_compile_can_share_json_lines_among_processes(tmp_path: Path) -> None:
    broken = REFERENCE / "broken" / "bad-lines.jsonl"
    one = CliRunner().invoke(main, ["ocds", "compile", str(broken), "--jsonl"])
    two = CliRunner().invoke(main, ["ocds", "compile", str(broken), "--jsonl", "--workers", "2"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout_bytes == two.stdout_bytes
    # The same problems are reported, in the order the processes report them.
    assert sorted(one.stderr.splitlines()) == sorted(two.stderr.splitlines())


def test_prepare_writes_corrected_releases_and_counts_each_correction(tmp_path: Path) -> None:
    packages = sorted((REFERENCE / "contracts_finder").glob("*.json"))
    releases = [r for p in packages for r in orjson.loads(p.read_bytes())["releases"]]
    missing = sum(1 for r in releases if not r["tender"].get("procurementMethod"))
    out = tmp_path / "prepared.jsonl"
    result = CliRunner().invoke(
        main,
        ["ocds", "prepare", *map(str, packages), "--procurement-method", "open", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    prepared = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(prepared) == 5
    assert all("award" in r["tag"] and r["tender"]["procurementMethod"] for r in prepared)
    assert "5  tag 'award' added to a release that carries awards" in result.stderr
    if missing:
        assert f"{missing}  tender/procurementMethod filled with the default" in result.stderr
    assert "prepared 5 of 5 release(s)" in result.stderr


def test_prepare_can_leave_the_tags_alone() -> None:
    package = sorted((REFERENCE / "contracts_finder").glob("*.json"))[0]
    result = CliRunner().invoke(main, ["ocds", "prepare", str(package), "--keep-tags"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout_bytes)["tag"] == ["tender"]
    assert "award" not in result.stderr
