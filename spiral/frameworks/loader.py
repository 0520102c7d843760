"""Read framework files (YAML) and stored framework documents (JSON-like data).

The YAML is composed into PyYAML's node tree first, so that every key and list item
keeps the line it was written on; the plain document is then constructed from the same
tree and checked by :func:`spiral.frameworks.validation.build_framework`. A key written
twice in one mapping, which YAML would otherwise resolve silently by keeping the last,
is reported as a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FilePath

import yaml

from spiral.frameworks.definition import Framework
from spiral.frameworks.errors import FrameworkError, Path, Problem
from spiral.frameworks.validation import build_framework


def _walk(
    node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem], source: str
) -> None:
    """Record the line of every key and item under ``node``; report repeated keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        source,
                        line,
                        (*path, key),
                        f"the field {key!r} is written twice (first on line {seen[key]})",
                    )
                )
                continue
            seen[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines, problems, source)


def read_yaml_document(text: str, *, source: str) -> tuple[object, dict[Path, int], list[Problem]]:
    """Parse YAML text into plain data, the line of every path in it, and repeated keys.

    A key written twice in one mapping is returned as a problem (the document keeps the
    last value, as YAML does) so that it is reported with everything else wrong.

    Raises
    ------
    FrameworkError
        When the text is not YAML, is empty, or holds several documents.

    Examples
    --------
    >>> document, lines, problems = read_yaml_document(
    ...     "id: tiny\\nstages:\\n  - id: one\\n", source="t.yaml")
    >>> document
    {'id': 'tiny', 'stages': [{'id': 'one'}]}
    >>> lines[("stages", 0, "id")]
    3
    >>> read_yaml_document("id: a\\nid: b\\n", source="t.yaml")[2][0].reason
    "the field 'id' is written twice (first on line 1)"
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FrameworkError([Problem(source, 1, (), "the file is empty")])
        lines: dict[Path, int] = {(): node.start_mark.line + 1}
        problems: list[Problem] = []
        _walk(node, (), lines, problems, source)
        document = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = f"this is not valid YAML: {error.problem or error.context}"
        raise FrameworkError([Problem(source, line, (), reason)]) from None
    finally:
        loader.dispose()
    return document, lines, problems


def load_framework_text(text: str, *, source: str = "<framework>") -> Framework:
    """Load a framework from YAML text.

    Parameters
    ----------
    text : str
        The YAML.
    source : str
        The name used in messages, usually the file name.

    Raises
    ------
    FrameworkError
        With every problem found, each naming the source, the line and the reason.

    Examples
    --------
    >>> text = '''
    ... id: tiny
    ... name: Tiny
    ... version: 1
    ... description: A one-stage framework.
    ... source: {title: An example}
    ... stages:
    ...   - id: all
    ...     name: All
    ...     description: Everything at once.
    ...     activities:
    ...       - id: do-it
    ...         name: Do it
    ...         artefacts:
    ...           - kind: needs_assesment
    ...             name: Needs assessment
    ...     gate: {name: Done, approver_role: approver, checklist: [It is done]}
    ... '''
    >>> try:
    ...     load_framework_text(text, source="tiny.yaml")
    ... except FrameworkError as error:
    ...     print(error.problems[0])  # doctest: +ELLIPSIS
    tiny.yaml, line 15: stages[0].activities[0].artefacts[0].kind: 'needs_assesment' is not ...
    """
    document, lines, problems = read_yaml_document(text, source=source)
    try:
        framework = build_framework(document, source=source, lines=lines)
    except FrameworkError as error:
        raise FrameworkError([*problems, *error.problems]) from None
    if problems:
        raise FrameworkError(problems)
    return framework


def load_framework_file(path: str | FilePath) -> Framework:
    """Load a framework from a YAML file; messages name the file.

    Raises
    ------
    FrameworkError
        When the file cannot be read or the framework in it is not valid.

    Examples
    --------
    >>> from importlib.resources import files
    >>> path = files("spiral.frameworks") / "data" / "ipc-analyse-plan-do-review.yaml"
    >>> load_framework_file(str(path)).name
    'Analyse, plan, do, review (Institute of Public Care)'
    """
    file_path = FilePath(path)
    try:
        text = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        reason = f"the file cannot be read: {detail}"
        raise FrameworkError([Problem(str(path), None, (), reason)]) from None
    return load_framework_text(text, source=str(path))


def framework_from_document(
    document: Mapping[str, object], *, source: str = "<stored>"
) -> Framework:
    """Build a framework from stored plain data (for example JSON kept in a database).

    Examples
    --------
    >>> from spiral.frameworks import framework_to_document, shipped_framework
    >>> ipc = shipped_framework("ipc-analyse-plan-do-review")
    >>> framework_from_document(framework_to_document(ipc)) == ipc
    True
    """
    return build_framework(dict(document), source=source)
