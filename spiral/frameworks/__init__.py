"""Commissioning cycle frameworks as data: stages, activities, artefacts and gates.

Frameworks are written as YAML files, checked on load with errors that name the file,
the line and the reason, and come out as frozen dataclasses. Spiral ships the cycles the
UK's departments drew (Bovaird, Briggs & Willis, 2014, doi:10.1080/03003930.2013.805689);
an organisation copies one with :func:`derive_framework` and adapts it.

Examples
--------
>>> from spiral.frameworks import shipped_framework
>>> ipc = shipped_framework("ipc-analyse-plan-do-review")
>>> [(stage.id, stage.gate.approver_role) for stage in ipc.stages][:2]
[('analyse', 'approver'), ('plan', 'approver')]
"""

from spiral.frameworks.adaptation import derive_framework
from spiral.frameworks.definition import (
    ARTEFACT_KINDS,
    ROLES,
    Activity,
    ArtefactRequirement,
    Framework,
    Gate,
    Source,
    Stage,
)
from spiral.frameworks.errors import FrameworkError, Problem
from spiral.frameworks.library import DEFAULT_FRAMEWORK_ID, shipped_framework, shipped_frameworks
from spiral.frameworks.loader import (
    framework_from_document,
    load_framework_file,
    load_framework_text,
    read_yaml_document,
)
from spiral.frameworks.serialisation import framework_to_document, framework_to_yaml
from spiral.frameworks.validation import build_framework

__all__ = [
    "ARTEFACT_KINDS",
    "DEFAULT_FRAMEWORK_ID",
    "ROLES",
    "Activity",
    "ArtefactRequirement",
    "Framework",
    "FrameworkError",
    "Gate",
    "Problem",
    "Source",
    "Stage",
    "build_framework",
    "derive_framework",
    "framework_from_document",
    "framework_to_document",
    "framework_to_yaml",
    "load_framework_file",
    "load_framework_text",
    "read_yaml_document",
    "shipped_framework",
    "shipped_frameworks",
]
