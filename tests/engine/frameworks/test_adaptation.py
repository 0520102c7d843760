"""Copy and adapt: a derived framework keeps the original's stages and records its origin;
any framework written as YAML (or as a stored document) reads back unchanged."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.frameworks import (
    ARTEFACT_KINDS,
    ROLES,
    Activity,
    ArtefactRequirement,
    Framework,
    Gate,
    Source,
    Stage,
    derive_framework,
    framework_from_document,
    framework_to_document,
    framework_to_yaml,
    load_framework_text,
    shipped_framework,
)


def test_a_copy_starts_at_version_one_and_records_its_origin() -> None:
    nhs = shipped_framework("nhs-joint-commissioning")
    ours = derive_framework(nhs, new_id="northmere-joint", name="  Northmere joint cycle ")
    assert (ours.id, ours.name, ours.version) == ("northmere-joint", "Northmere joint cycle", 1)
    assert ours.based_on == "nhs-joint-commissioning@1"
    assert ours.stages == nhs.stages
    assert ours.description == nhs.description
    assert ours.source == nhs.source


def test_a_copy_of_a_copy_points_at_its_direct_parent() -> None:
    ours = derive_framework(shipped_framework("free-form"), new_id="ours", name="Ours")
    theirs = derive_framework(ours, new_id="theirs", name="Theirs", description="Changed.")
    assert theirs.based_on == "ours@1"
    assert theirs.description == "Changed."


def test_a_copy_round_trips_through_yaml_with_its_origin() -> None:
    ours = derive_framework(shipped_framework("free-form"), new_id="ours", name="Ours")
    text = framework_to_yaml(ours)
    assert "based_on: free-form@1" in text
    assert load_framework_text(text) == ours


@pytest.mark.parametrize(
    ("new_id", "name", "message"),
    [
        ("Our Cycle", "Ours", "not a valid framework id"),
        ("free-form", "Ours", "an id of its own"),
        ("ours", "  ", "needs a name"),
    ],
)
def test_a_copy_needs_a_valid_new_id_and_a_name(new_id: str, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        derive_framework(shipped_framework("free-form"), new_id=new_id, name=name)


ids = st.from_regex(r"\A[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}\Z")
words = (
    st.text(
        alphabet=string.ascii_letters + string.digits + " ,.:;'\"-#&!?()£–é\n",
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    activity_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    stage_ids = draw(st.lists(ids, min_size=1, max_size=len(activity_ids), unique=True))
    stages = []
    for number, stage_id in enumerate(stage_ids):
        mine = activity_ids[number :: len(stage_ids)]
        activities = []
        for activity_id in mine:
            kinds = draw(st.lists(st.sampled_from(ARTEFACT_KINDS), max_size=3, unique=True))
            artefacts = tuple(
                ArtefactRequirement(
                    id=kind, kind=kind, name=draw(words), required=draw(st.booleans())
                )
                for kind in kinds
            )
            activities.append(
                Activity(
                    id=activity_id,
                    name=draw(words),
                    guidance=draw(st.one_of(st.just(""), words)),
                    artefacts=artefacts,
                )
            )
        stages.append(
            Stage(
                id=stage_id,
                name=draw(words),
                description=draw(words),
                activities=tuple(activities),
                gate=Gate(
                    name=draw(words),
                    approver_role=draw(st.sampled_from(ROLES)),
                    checklist=tuple(draw(st.lists(words, min_size=1, max_size=3))),
                ),
                free_activities=draw(st.booleans()),
            )
        )
    return Framework(
        id=draw(ids),
        name=draw(words),
        version=draw(st.integers(min_value=1, max_value=50)),
        description=draw(words),
        source=Source(
            title=draw(words),
            publisher=draw(st.one_of(st.just(""), words)),
            year=draw(st.one_of(st.none(), st.integers(min_value=1990, max_value=2030))),
        ),
        stages=tuple(stages),
    )


@settings(max_examples=150, deadline=None)
@given(frameworks())
def test_any_framework_reads_back_unchanged_from_yaml_and_from_a_document(
    framework: Framework,
) -> None:
    assert load_framework_text(framework_to_yaml(framework)) == framework
    assert framework_from_document(framework_to_document(framework)) == framework
