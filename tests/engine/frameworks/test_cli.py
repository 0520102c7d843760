"""``spiral frameworks``: list, check, show and adapt."""

from pathlib import Path

from click.testing import CliRunner

from spiral.cli import main
from spiral.frameworks import load_framework_text, shipped_framework


def test_list_names_every_shipped_framework_default_first() -> None:
    result = CliRunner().invoke(main, ["frameworks", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("ipc-analyse-plan-do-review@1")
    for framework_id in ("nhs-joint-commissioning", "noms-commissioning-round", "free-form"):
        assert f"{framework_id}@1" in result.output


def test_check_accepts_a_good_file_and_refuses_a_bad_one_with_its_line(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(CliRunner().invoke(main, ["frameworks", "show", "free-form"]).output)
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("approver_role: approver", "approver_role: cabinet"))
    line = bad.read_text().splitlines().index("    approver_role: cabinet") + 1

    result = CliRunner().invoke(main, ["frameworks", "check", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{good}: ok, free-form@1 with 1 stage(s)" in result.output
    assert f"{bad}, line {line}: stages[0].gate.approver_role: 'cabinet' is not a known role" in (
        result.output
    )
    assert "Error: 1 of 2 framework file(s) refused" in result.output
    assert "Traceback" not in result.output


def test_adapt_writes_a_copy_that_checks(tmp_path: Path) -> None:
    out = tmp_path / "ours.yaml"
    result = CliRunner().invoke(
        main,
        [
            "frameworks",
            "adapt",
            "ipc-analyse-plan-do-review",
            "--id",
            "ours",
            "--name",
            "Ours",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    copy = load_framework_text(out.read_text())
    assert copy.based_on == "ipc-analyse-plan-do-review@1"
    assert copy.stages == shipped_framework("ipc-analyse-plan-do-review").stages


def test_unknown_ids_and_bad_copies_are_usage_errors() -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["frameworks", "show", "nope"])
    assert shown.exit_code == 2
    assert "no shipped framework is called 'nope'" in shown.output
    adapted = runner.invoke(
        main, ["frameworks", "adapt", "free-form", "--id", "Bad Id", "--name", "x"]
    )
    assert adapted.exit_code == 2
    assert "not a valid framework id" in adapted.output
