"""Check a framework document (plain data) and build the :class:`Framework` it describes.

The document is what a YAML framework file holds once read, or the JSON a workspace
stores: mappings, lists, text, whole numbers and yes/no values. Every problem is
collected (not just the first), each with the line it sits on when the line is known.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

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
from spiral.frameworks.errors import FrameworkError, Path, Problem

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
BASED_ON_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*@[1-9][0-9]*$")

_TOP = ({"id", "name", "version", "description", "source", "stages"}, {"based_on"})
_SOURCE = ({"title"}, {"publisher", "year", "url", "note"})
_STAGE = ({"id", "name", "description", "activities", "gate"}, {"free_activities"})
_ACTIVITY = ({"id", "name"}, {"guidance", "artefacts"})
_ARTEFACT = ({"kind", "name"}, {"id", "required"})
_GATE = ({"name", "approver_role", "checklist"}, set[str]())


_TYPE_WORDS: tuple[tuple[type, str], ...] = (
    (bool, "yes/no"),  # before int: a yes/no value is also an int in Python
    (int, "a whole number"),
    (float, "a number"),
    (str, "text"),
    (list, "a list"),
    (dict, "a mapping"),
    (date, "a date"),
)


def describe_type(value: object) -> str:
    """Name a value's type in the words of the file format.

    Examples
    --------
    >>> describe_type(True), describe_type(3), describe_type([1]), describe_type(None)
    ('yes/no', 'a whole number', 'a list', 'empty')
    """
    if value is None:
        return "empty"
    for kind, words in _TYPE_WORDS:
        if isinstance(value, kind):
            return words
    return type(value).__name__


def suggest(value: object, options: Iterable[str]) -> str:
    """A hint naming the closest known word to a misspelt one, or ``""``.

    Examples
    --------
    >>> suggest("needs_assesment", ["needs_assessment", "review"])
    " (did you mean 'needs_assessment'?)"
    >>> suggest("mayor", ["approver", "auditor"])
    ''
    """
    close = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Checker:
    """Collects problems while walking a document."""

    def __init__(self, source: str, lines: Mapping[Path, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: Path) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def fail(self, path: Path, reason: str) -> None:
        self.problems.append(Problem(self.source, self.line(path), path, reason))

    def mapping(
        self, value: object, path: Path, fields: tuple[set[str], set[str]]
    ) -> dict[str, Any] | None:
        required, optional = fields
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping of fields, not {describe_type(value)}")
            return None
        known = required | optional
        for key in value:
            if key not in known:
                expected = ", ".join(sorted(known))
                hint = suggest(key, known)
                self.fail(
                    (*path, str(key)),
                    f"unknown field {key!r}{hint}; the fields here are {expected}",
                )
        for key in sorted(required - set(value)):
            self.fail(path, f"the field {key!r} is missing")
        return value

    def text(self, data: dict[str, Any], key: str, path: Path, *, required: bool = True) -> str:
        if key not in data:
            return ""
        value = data[key]
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            shown = "empty" if isinstance(value, str) else describe_type(value)
            self.fail((*path, key), f"must be text, not {shown}")
            return ""
        return value.strip()

    def identifier(self, data: dict[str, Any], key: str, path: Path) -> str:
        value = data.get(key)
        if key in data and not (isinstance(value, str) and ID_PATTERN.match(value)):
            self.fail(
                (*path, key),
                f"{value!r} is not a valid id: use lower-case letters, digits, "
                "and single hyphens or underscores between them",
            )
            return ""
        return value if isinstance(value, str) else ""

    def boolean(self, data: dict[str, Any], key: str, path: Path, *, default: bool) -> bool:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, bool):
            self.fail((*path, key), f"must be yes or no, not {describe_type(value)}")
            return default
        return value

    def items(
        self, data: dict[str, Any], key: str, path: Path, *, may_be_empty: bool = False
    ) -> list[Any]:
        if key not in data:
            return []
        value = data[key]
        if not isinstance(value, list):
            self.fail((*path, key), f"must be a list, not {describe_type(value)}")
            return []
        if not value and not may_be_empty:
            self.fail((*path, key), "must list at least one item")
        return value

    def choice(self, data: dict[str, Any], key: str, path: Path, allowed: tuple[str, ...]) -> str:
        if key not in data:
            return ""
        value = data[key]
        if value not in allowed:
            what = "artefact kind" if allowed is ARTEFACT_KINDS else "role"
            self.fail(
                (*path, key),
                f"{value!r} is not a known {what}{suggest(value, allowed)}; "
                f"use one of {', '.join(allowed)}",
            )
            return ""
        return str(value)

    def duplicates(self, ids: list[tuple[str, Path]], what: str) -> None:
        seen: dict[str, Path] = {}
        for ident, path in ids:
            if not ident:
                continue
            if ident in seen:
                first = self.line(seen[ident])
                where = f" (first used on line {first})" if first is not None else ""
                self.fail(path, f"duplicate {what} id {ident!r}{where}")
            else:
                seen[ident] = path


def build_framework(
    document: object, *, source: str = "<framework>", lines: Mapping[Path, int] | None = None
) -> Framework:
    """Check a framework document and build the framework, or refuse it with every problem.

    Parameters
    ----------
    document : object
        The document as plain data (what ``yaml.safe_load`` or ``json.loads`` returns).
    source : str
        The name used in messages, usually the file name.
    lines : mapping, optional
        Line number (from 1) of each path in the document, when it came from a file.

    Returns
    -------
    Framework

    Raises
    ------
    FrameworkError
        Listing every problem: a missing field, a wrong type, an unknown field, artefact
        kind or role, or a duplicate id.

    Examples
    --------
    >>> doc = {"id": "tiny", "name": "Tiny", "version": 1, "description": "One stage.",
    ...        "source": {"title": "An example"},
    ...        "stages": [{"id": "all", "name": "All", "description": "Everything.",
    ...                    "activities": [{"id": "do-it", "name": "Do it"}],
    ...                    "gate": {"name": "Done", "approver_role": "approver",
    ...                             "checklist": ["It is done"]}}]}
    >>> build_framework(doc).key
    'tiny@1'
    >>> doc["stages"][0]["gate"]["approver_role"] = "mayor"
    >>> try:
    ...     build_framework(doc, source="tiny.yaml")
    ... except FrameworkError as error:
    ...     print(error.problems[0].reason)  # doctest: +ELLIPSIS
    'mayor' is not a known role; use one of commissioner, analyst, finance, procurement, ...
    """
    check = _Checker(source, lines or {})
    top = check.mapping(document, (), _TOP)
    if top is None:
        raise FrameworkError(check.problems)

    framework_id = check.identifier(top, "id", ())
    name = check.text(top, "name", ())
    description = check.text(top, "description", ())
    version = top.get("version", 1)
    if "version" in top and (
        isinstance(version, bool) or not isinstance(version, int) or version < 1
    ):
        check.fail(("version",), f"must be a whole number from 1, not {version!r}")
        version = 1
    based_on = top.get("based_on") or ""
    if based_on and not (isinstance(based_on, str) and BASED_ON_PATTERN.match(based_on)):
        check.fail(("based_on",), f"must be written id@version, like ipc@1, not {based_on!r}")
        based_on = ""

    source_info = Source(title="")
    source_map = check.mapping(top["source"], ("source",), _SOURCE) if "source" in top else None
    if source_map is not None:
        year = source_map.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            check.fail(("source", "year"), f"must be a year like 2007, not {describe_type(year)}")
            year = None
        source_info = Source(
            title=check.text(source_map, "title", ("source",)),
            publisher=check.text(source_map, "publisher", ("source",), required=False),
            year=year,
            url=check.text(source_map, "url", ("source",), required=False),
            note=check.text(source_map, "note", ("source",), required=False),
        )

    stages: list[Stage] = []
    stage_ids: list[tuple[str, Path]] = []
    activity_ids: list[tuple[str, Path]] = []
    for s, raw_stage in enumerate(check.items(top, "stages", ())):
        stage_path: Path = ("stages", s)
        stage_map = check.mapping(raw_stage, stage_path, _STAGE)
        if stage_map is None:
            continue
        stage_id = check.identifier(stage_map, "id", stage_path)
        stage_ids.append((stage_id, (*stage_path, "id")))
        free = check.boolean(stage_map, "free_activities", stage_path, default=False)
        activities: list[Activity] = []
        raw_activities = check.items(stage_map, "activities", stage_path, may_be_empty=free)
        for a, raw_activity in enumerate(raw_activities):
            activity = _build_activity(check, raw_activity, (*stage_path, "activities", a))
            if activity is not None:
                activity_ids.append((activity.id, (*stage_path, "activities", a, "id")))
                activities.append(activity)
        gate = _build_gate(check, stage_map, (*stage_path, "gate"))
        stages.append(
            Stage(
                id=stage_id,
                name=check.text(stage_map, "name", stage_path),
                description=check.text(stage_map, "description", stage_path),
                activities=tuple(activities),
                gate=gate,
                free_activities=free,
            )
        )
    check.duplicates(stage_ids, "stage")
    check.duplicates(activity_ids, "activity")

    if check.problems:
        raise FrameworkError(check.problems)
    return Framework(
        id=framework_id,
        name=name,
        version=version,
        description=description,
        source=source_info,
        stages=tuple(stages),
        based_on=based_on,
    )


def _build_activity(check: _Checker, raw: object, path: Path) -> Activity | None:
    activity = check.mapping(raw, path, _ACTIVITY)
    if activity is None:
        return None
    artefacts: list[ArtefactRequirement] = []
    artefact_ids: list[tuple[str, Path]] = []
    for i, raw_artefact in enumerate(check.items(activity, "artefacts", path, may_be_empty=True)):
        artefact_path: Path = (*path, "artefacts", i)
        artefact = check.mapping(raw_artefact, artefact_path, _ARTEFACT)
        if artefact is None:
            continue
        kind = check.choice(artefact, "kind", artefact_path, ARTEFACT_KINDS)
        artefact_id = check.identifier(artefact, "id", artefact_path) if "id" in artefact else kind
        artefact_ids.append((artefact_id, (*artefact_path, "id" if "id" in artefact else "kind")))
        artefacts.append(
            ArtefactRequirement(
                id=artefact_id,
                kind=kind,
                name=check.text(artefact, "name", artefact_path),
                required=check.boolean(artefact, "required", artefact_path, default=True),
            )
        )
    check.duplicates(artefact_ids, "artefact")
    return Activity(
        id=check.identifier(activity, "id", path),
        name=check.text(activity, "name", path),
        guidance=check.text(activity, "guidance", path, required=False),
        artefacts=tuple(artefacts),
    )


def _build_gate(check: _Checker, stage: dict[str, Any], path: Path) -> Gate:
    gate = check.mapping(stage["gate"], path, _GATE) if "gate" in stage else None
    if gate is None:
        return Gate(name="", approver_role="", checklist=())
    checklist: list[str] = []
    for i, item in enumerate(check.items(gate, "checklist", path)):
        if isinstance(item, str) and item.strip():
            checklist.append(item.strip())
        else:
            check.fail((*path, "checklist", i), f"must be text, not {describe_type(item)}")
    return Gate(
        name=check.text(gate, "name", path),
        approver_role=check.choice(gate, "approver_role", path, ROLES),
        checklist=tuple(checklist),
    )
