"""``spiral ocds flags`` and ``spiral ocds indicators`` on the command line.

References: Cardinal's documented examples (``tests/reference/cardinal/docs_examples``,
open-contracting/cardinal-rs commit b04158ab), whose commands and outputs the ``flags``
command must reproduce (the same JSON value); the Contracts Finder packages in
``tests/reference/ocds_cf`` for ``indicators``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spiral.cli import main

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
EXAMPLES = REFERENCE / "cardinal" / "docs_examples"


def documented() -> list[tuple[str, str, str]]:
    lines = (EXAMPLES / "expected_outputs.txt").read_text(encoding="utf-8").splitlines()
    cases = []
    for command, output in zip(lines[::2], lines[1::2], strict=True):
        words = command.split()
        cases.append(
            (Path(words[words.index("--settings") + 1]).name, Path(words[-1]).name, output)
        )
    return cases


@pytest.mark.parametrize(("settings", "data", "output"), documented())
def test_flags_prints_what_cardinal_prints(settings: str, data: str, output: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "ocds",
            "flags",
            "--settings",
            str(EXAMPLES / settings),
            "--no-meta",
            str(EXAMPLES / data),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(output)


def test_flags_writes_meta_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = CliRunner().invoke(
        main,
        [
            "ocds",
            "flags",
            "-s",
            str(EXAMPLES / "024.ini"),
            str(EXAMPLES / "024.jsonl"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    written = json.loads(out.read_text(encoding="utf-8"))
    assert list(written) == ["OCID", "Tenderer", "Meta"]
    assert set(written["Meta"]) == {"R024"}


def test_flags_reads_standard_input() -> None:
    data = (EXAMPLES / "018.jsonl").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["ocds", "flags", "--no-meta", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"OCID": {"F": {"R018": 1.0}}}


def test_flags_warns_about_lines_that_are_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"ocid":"F","tender":{"numberOfTenderers":1,"procurementMethod":"open"}}\noops\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["ocds", "flags", "--no-meta", str(path)])
    assert result.exit_code == 0
    assert "warning: 1 line(s) not JSON were skipped (line 2)" in result.stderr
    assert json.loads(result.stdout) == {"OCID": {"F": {"R018": 1.0}}}


def test_flags_rejects_bad_settings_in_one_line(tmp_path: Path) -> None:
    settings = tmp_path / "bad.ini"
    settings.write_text("[R024]\nthreshold = low\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["ocds", "flags", "-s", str(settings), str(EXAMPLES / "024.jsonl")]
    )
    assert result.exit_code == 1
    assert result.output == "Error: [R024] threshold must be a number, not 'low'\n"


def test_flags_rejects_a_missing_file() -> None:
    result = CliRunner().invoke(main, ["ocds", "flags", "no-such-file.jsonl"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_indicators_writes_a_tidy_csv(tmp_path: Path) -> None:
    compiled = tmp_path / "cf.jsonl"
    with compiled.open("w", encoding="utf-8") as handle:
        for path in sorted((REFERENCE / "ocds_cf").glob("*.json")):
            for release in json.loads(path.read_text(encoding="utf-8"))["releases"]:
                handle.write(json.dumps(release) + "\n")
    result = CliRunner().invoke(main, ["ocds", "indicators", str(compiled)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["by", "group", "indicator", "value", "numerator", "denominator"]
    values = {row["indicator"]: row for row in rows}
    assert float(values["processes"]["value"]) == 10
    assert (
        values["open_procedure_share"]["numerator"],
        values["open_procedure_share"]["denominator"],
    ) == ("4.0", "7.0")
    out = tmp_path / "by-buyer.csv"
    result = CliRunner().invoke(
        main, ["ocds", "indicators", "--by", "buyer", str(compiled), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    buyers = {row["group"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert len(buyers) == 8


def test_indicators_names_the_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ocid": "a"}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["ocds", "indicators", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: line 2: not JSON")
