"""A framework file with an error is refused with the file, the line and the reason.

Every kind of error is written into a small YAML file here, and the test checks the line
the problem is reported on against the line the error was written on.
"""

from pathlib import Path

import pytest

from spiral.frameworks import (
    FrameworkError,
    Problem,
    build_framework,
    framework_to_yaml,
    load_framework_file,
    load_framework_text,
    shipped_framework,
)

GOOD = """\
id: tiny
name: Tiny
version: 1
description: A framework of one stage.
source:
  title: An example
stages:
  - id: all
    name: All
    description: Everything at once.
    activities:
      - id: do-it
        name: Do it
        artefacts:
          - kind: needs_assessment
            name: Needs assessment
            required: yes
    gate:
      name: Done
      approver_role: approver
      checklist:
        - It is done
"""


def problems_in(text: str, tmp_path: Path) -> tuple[Problem, ...]:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)
    for problem in caught.value.problems:
        assert problem.source == str(path)
        assert str(problem).startswith(f"{path}")
    return caught.value.problems


def replace_line(number: int, new: str) -> str:
    lines = GOOD.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def test_the_good_example_loads() -> None:
    framework = load_framework_text(GOOD)
    assert framework.key == "tiny@1"
    assert framework.stages[0].activities[0].artefacts[0].required is True


@pytest.mark.parametrize(
    ("line", "written", "reason"),
    [
        (16, "            name: 7", "must be text, not a whole number"),
        (17, "            required: maybe", "must be yes or no, not text"),
        (3, "version: one", "must be a whole number from 1, not 'one'"),
        (3, "version: 0", "must be a whole number from 1, not 0"),
        (3, "version: true", "must be a whole number from 1, not True"),
        (1, "id: Tiny Framework", "'Tiny Framework' is not a valid id"),
        (15, "          - kind: needs", "'needs' is not a known artefact kind; use one of"),
        (
            15,
            "          - kind: needs_assesment",
            "'needs_assesment' is not a known artefact kind (did you mean 'needs_assessment'?)",
        ),
        (20, "      approver_role: chief-executive", "'chief-executive' is not a known role"),
        (22, "        - 42", "must be text, not a whole number"),
        (
            4,
            "descripton: A framework of one stage.",
            "unknown field 'descripton' (did you mean 'description'?)",
        ),
        (9, "    title: All", "unknown field 'title'"),
        (2, "based_on: ipc\nname: Tiny", "must be written id@version, like ipc@1, not 'ipc'"),
    ],
)
def test_each_kind_of_error_names_file_line_and_reason(
    tmp_path: Path, line: int, written: str, reason: str
) -> None:
    problems = problems_in(replace_line(line, written), tmp_path)
    assert any(p.line == line and reason in p.reason for p in problems), problems


def test_a_list_written_as_text_is_refused(tmp_path: Path) -> None:
    start, end = GOOD.index("    activities:"), GOOD.index("    gate:")
    problems = problems_in(GOOD[:start] + "    activities: do everything\n" + GOOD[end:], tmp_path)
    assert [(p.line, p.reason) for p in problems] == [(11, "must be a list, not text")]


def test_a_gate_written_as_text_is_refused(tmp_path: Path) -> None:
    text = GOOD[: GOOD.index("    gate:")] + "    gate: sign here\n"
    problems = problems_in(text, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [(18, "must be a mapping of fields, not text")]


def test_a_missing_field_is_reported_on_the_line_of_its_parent(tmp_path: Path) -> None:
    text = GOOD.replace("    name: All\n", "")
    problems = problems_in(text, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [(8, "the field 'name' is missing")]


def test_a_missing_gate_is_reported(tmp_path: Path) -> None:
    text = GOOD[: GOOD.index("    gate:")]
    problems = problems_in(text, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [(8, "the field 'gate' is missing")]


def test_an_empty_gate_is_reported(tmp_path: Path) -> None:
    text = GOOD[: GOOD.index("    gate:")] + "    gate:\n"
    problems = problems_in(text, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [
        (18, "must be a mapping of fields, not empty")
    ]


def test_a_stage_without_activities_is_refused_unless_it_is_free(tmp_path: Path) -> None:
    start, end = GOOD.index("    activities:"), GOOD.index("    gate:")
    closed = GOOD[:start] + "    activities: []\n" + GOOD[end:]
    problems = problems_in(closed, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [(11, "must list at least one item")]
    free = GOOD[:start] + "    free_activities: yes\n    activities: []\n" + GOOD[end:]
    assert load_framework_text(free).stages[0].activities == ()


def test_duplicate_stage_ids_are_refused(tmp_path: Path) -> None:
    stage = GOOD[GOOD.index("  - id: all") :]
    problems = problems_in(GOOD + stage, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [
        (23, "duplicate stage id 'all' (first used on line 8)"),
        (27, "duplicate activity id 'do-it' (first used on line 12)"),
    ]


def test_duplicate_activity_ids_are_refused_across_stages(tmp_path: Path) -> None:
    stage = GOOD[GOOD.index("  - id: all") :].replace("id: all", "id: second")
    problems = problems_in(GOOD + stage, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [
        (27, "duplicate activity id 'do-it' (first used on line 12)")
    ]


def test_duplicate_artefacts_in_one_activity_are_refused(tmp_path: Path) -> None:
    artefact = "          - kind: needs_assessment\n            name: Second needs assessment\n"
    text = GOOD.replace("    gate:\n", artefact + "    gate:\n")
    problems = problems_in(text, tmp_path)
    assert [(p.line, p.reason) for p in problems] == [
        (18, "duplicate artefact id 'needs_assessment' (first used on line 15)")
    ]
    with_id = artefact.replace("- kind", "- id: second-needs\n            kind")
    assert load_framework_text(GOOD.replace("    gate:\n", with_id + "    gate:\n"))


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    problems = problems_in(GOOD.replace("name: Tiny\n", "name: Tiny\nname: Small\n"), tmp_path)
    assert [(p.line, p.reason) for p in problems] == [
        (3, "the field 'name' is written twice (first on line 2)")
    ]


def test_invalid_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    problems = problems_in(GOOD.replace("name: Done", "name: [Done"), tmp_path)
    assert len(problems) == 1
    assert problems[0].reason.startswith("this is not valid YAML")
    assert problems[0].line in {19, 20}


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    problems = problems_in("# nothing here\n", tmp_path)
    assert [(p.line, p.reason) for p in problems] == [(1, "the file is empty")]


def test_several_documents_are_refused(tmp_path: Path) -> None:
    problems = problems_in(GOOD + "---\n" + GOOD, tmp_path)
    assert problems[0].reason.startswith("this is not valid YAML")
    assert problems[0].line == 23


def test_a_top_level_list_is_refused(tmp_path: Path) -> None:
    problems = problems_in("- id: tiny\n", tmp_path)
    assert [(p.line, p.reason) for p in problems] == [
        (1, "must be a mapping of fields, not a list")
    ]


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="cannot be read") as caught:
        load_framework_file(tmp_path / "absent.yaml")
    assert caught.value.problems[0].source.endswith("absent.yaml")


def test_every_problem_is_collected_in_document_order(tmp_path: Path) -> None:
    text = (
        GOOD.replace("version: 1", "version: -2")
        .replace("kind: needs_assessment", "kind: jsna")
        .replace("approver_role: approver", "approver_role: mayor")
    )
    problems = problems_in(text, tmp_path)
    assert [p.line for p in problems] == [3, 15, 20]
    message = str(FrameworkError(problems))
    assert message.startswith("3 problems in the framework")
    assert "broken.yaml, line 15: stages[0].activities[0].artefacts[0].kind:" in message


def test_stored_documents_are_checked_without_lines() -> None:
    document = {"id": "tiny", "name": "Tiny", "version": 1}
    with pytest.raises(FrameworkError) as caught:
        build_framework(document, source="stored copy")
    assert [str(p) for p in caught.value.problems] == [
        "stored copy: (top level): the field 'description' is missing",
        "stored copy: (top level): the field 'source' is missing",
        "stored copy: (top level): the field 'stages' is missing",
    ]


def test_a_shipped_framework_with_one_fault_reports_just_that_fault(tmp_path: Path) -> None:
    text = framework_to_yaml(shipped_framework("nhs-joint-commissioning"))
    broken = text.replace("approver_role: approver", "approver_role: board", 1)
    problems = problems_in(broken, tmp_path)
    assert len(problems) == 1
    line = broken.splitlines().index("    approver_role: board") + 1
    assert problems[0].line == line
