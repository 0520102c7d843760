"""Write a framework back out: as plain data (for JSON storage) and as readable YAML.

The document has the same shape as a framework file, so reading what was written gives
the same framework back (:func:`framework_to_yaml` then
:func:`spiral.frameworks.load_framework_text` is the identity).
"""

from __future__ import annotations

from typing import Any

import yaml

from spiral.frameworks.definition import Activity, ArtefactRequirement, Framework, Stage


def _artefact(artefact: ArtefactRequirement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if artefact.id != artefact.kind:
        out["id"] = artefact.id
    out.update(kind=artefact.kind, name=artefact.name, required=artefact.required)
    return out


def _activity(activity: Activity) -> dict[str, Any]:
    out: dict[str, Any] = {"id": activity.id, "name": activity.name}
    if activity.guidance:
        out["guidance"] = activity.guidance
    if activity.artefacts:
        out["artefacts"] = [_artefact(artefact) for artefact in activity.artefacts]
    return out


def _stage(stage: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {"id": stage.id, "name": stage.name, "description": stage.description}
    if stage.free_activities:
        out["free_activities"] = True
    out["activities"] = [_activity(activity) for activity in stage.activities]
    out["gate"] = {
        "name": stage.gate.name,
        "approver_role": stage.gate.approver_role,
        "checklist": list(stage.gate.checklist),
    }
    return out


def framework_to_document(framework: Framework) -> dict[str, Any]:
    """The framework as plain data in the file format's shape (JSON-ready).

    Fields left at their defaults (an empty guidance, an artefact id equal to its kind)
    are left out, as a person writing the file would.

    Examples
    --------
    >>> from spiral.frameworks import shipped_framework
    >>> document = framework_to_document(shipped_framework("nhs-joint-commissioning"))
    >>> [stage["id"] for stage in document["stages"]]
    ['strategic-planning', 'procuring-services', 'monitoring-and-evaluation']
    """
    source: dict[str, Any] = {"title": framework.source.title}
    for key in ("publisher", "year", "url", "note"):
        value = getattr(framework.source, key)
        if value:
            source[key] = value
    out: dict[str, Any] = {
        "id": framework.id,
        "name": framework.name,
        "version": framework.version,
    }
    if framework.based_on:
        out["based_on"] = framework.based_on
    out.update(
        description=framework.description,
        source=source,
        stages=[_stage(stage) for stage in framework.stages],
    )
    return out


class _Dumper(yaml.SafeDumper):
    """Block style, and multi-line text written as a literal block."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def framework_to_yaml(framework: Framework) -> str:
    """Write the framework as a readable YAML framework file.

    Examples
    --------
    >>> from spiral.frameworks import load_framework_text, shipped_framework
    >>> children = shipped_framework("childrens-understand-plan-do-review")
    >>> text = framework_to_yaml(children)
    >>> text.splitlines()[0]
    'id: childrens-understand-plan-do-review'
    >>> load_framework_text(text) == children
    True
    """
    return yaml.dump(
        framework_to_document(framework),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )
