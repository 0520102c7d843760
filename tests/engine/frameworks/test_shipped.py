"""The frameworks that ship with Spiral load, and say what their sources say.

References: the Institute of Public Care's analyse–plan–do–review model; the Department of
Health's commissioning framework for health and well-being (2007: strategic planning,
procuring services, monitoring and evaluation, three activities each); the Commissioning
Support Programme's understand–plan–do–review (2009); the NOMS commissioning cycle
(plan, buy, do, review, 2014); the Cabinet Office Commissioning Academy (no fixed model).
"""

from importlib.resources import files

import pytest

from spiral.frameworks import (
    DEFAULT_FRAMEWORK_ID,
    framework_from_document,
    framework_to_document,
    framework_to_yaml,
    load_framework_file,
    load_framework_text,
    shipped_framework,
    shipped_frameworks,
)

DATA = files("spiral.frameworks") / "data"
FILES = sorted(entry.name for entry in DATA.iterdir() if entry.name.endswith(".yaml"))


def test_five_frameworks_ship() -> None:
    assert len(FILES) == 5
    assert {framework.id for framework in shipped_frameworks()} == {
        "ipc-analyse-plan-do-review",
        "nhs-joint-commissioning",
        "childrens-understand-plan-do-review",
        "noms-commissioning-round",
        "free-form",
    }


@pytest.mark.parametrize("name", FILES)
def test_every_shipped_file_loads_and_is_named_after_its_id(name: str) -> None:
    framework = load_framework_file(str(DATA / name))
    assert name == f"{framework.id}.yaml"
    assert framework.version == 1
    assert framework.source.title
    assert framework.source.note


@pytest.mark.parametrize("name", FILES)
def test_every_stage_ends_at_a_gate_with_a_checklist(name: str) -> None:
    framework = load_framework_file(str(DATA / name))
    for stage in framework.stages:
        assert stage.gate.name
        assert stage.gate.checklist
        assert stage.gate.approver_role == "approver"


@pytest.mark.parametrize("name", FILES)
def test_every_shipped_framework_asks_for_a_review(name: str) -> None:
    framework = load_framework_file(str(DATA / name))
    kinds = {
        (artefact.kind, artefact.required)
        for stage in framework.stages
        for activity in stage.activities
        for artefact in activity.artefacts
    }
    assert ("review", True) in kinds


@pytest.mark.parametrize("name", FILES)
def test_every_shipped_framework_survives_yaml_and_json_round_trips(name: str) -> None:
    framework = load_framework_file(str(DATA / name))
    assert load_framework_text(framework_to_yaml(framework)) == framework
    assert framework_from_document(framework_to_document(framework)) == framework


def test_the_default_is_ipc_and_comes_first() -> None:
    assert DEFAULT_FRAMEWORK_ID == "ipc-analyse-plan-do-review"
    assert shipped_frameworks()[0].id == DEFAULT_FRAMEWORK_ID
    ipc = shipped_framework(DEFAULT_FRAMEWORK_ID)
    assert [stage.id for stage in ipc.stages] == ["analyse", "plan", "do", "review"]


def test_the_nhs_cycle_has_three_stages_of_three_activities() -> None:
    nhs = shipped_framework("nhs-joint-commissioning")
    assert [
        (stage.name, [activity.name for activity in stage.activities]) for stage in nhs.stages
    ] == [
        (
            "Strategic planning",
            ["Assess needs", "Review current service provision", "Decide priorities"],
        ),
        (
            "Procuring services",
            ["Design service", "Shape structure of supply", "Plan capacity and manage demand"],
        ),
        (
            "Monitoring and evaluation",
            ["Support patient choice", "Manage performance", "Seek public and patient views"],
        ),
    ]


def test_the_childrens_cycle_is_understand_plan_do_review() -> None:
    children = shipped_framework("childrens-understand-plan-do-review")
    assert [stage.name for stage in children.stages] == ["Understand", "Plan", "Do", "Review"]


def test_the_noms_round_is_plan_buy_do_review_starting_from_needs_analysis() -> None:
    noms = shipped_framework("noms-commissioning-round")
    assert [stage.name for stage in noms.stages] == ["Plan", "Buy", "Do", "Review"]
    assert noms.stages[0].activities[0].name == "Strategic needs analysis"


def test_the_free_form_framework_has_one_open_stage_and_a_final_gate() -> None:
    free = shipped_framework("free-form")
    assert len(free.stages) == 1
    assert free.stages[0].free_activities
    assert free.stages[0].gate.checklist


def test_an_unknown_framework_id_names_the_shipped_ones() -> None:
    with pytest.raises(KeyError, match="free-form"):
        shipped_framework("world-class-commissioning")


def test_lookups_by_stage_and_activity() -> None:
    nhs = shipped_framework("nhs-joint-commissioning")
    assert nhs.stage("procuring-services").name == "Procuring services"
    assert nhs.activity("manage-performance").artefacts[0].kind == "review"
    with pytest.raises(KeyError, match="no stage"):
        nhs.stage("buy")
    with pytest.raises(KeyError, match="no activity"):
        nhs.activity("buy")
