"""The frameworks that ship with Spiral (package data under ``spiral/frameworks/data``)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from spiral.exceptions import NotFoundError
from spiral.frameworks.definition import Framework
from spiral.frameworks.loader import load_framework_text

#: The framework a new cycle uses unless someone chooses another.
DEFAULT_FRAMEWORK_ID = "ipc-analyse-plan-do-review"


@cache
def shipped_frameworks() -> tuple[Framework, ...]:
    """Every shipped framework, the default first, then by id.

    Examples
    --------
    >>> [framework.id for framework in shipped_frameworks()]  # doctest: +NORMALIZE_WHITESPACE
    ['ipc-analyse-plan-do-review', 'childrens-understand-plan-do-review',
     'free-form', 'nhs-joint-commissioning', 'noms-commissioning-round']
    """
    data = files("spiral.frameworks") / "data"
    loaded = [
        load_framework_text(entry.read_text(encoding="utf-8"), source=entry.name)
        for entry in sorted(data.iterdir(), key=lambda item: item.name)
        if entry.name.endswith(".yaml")
    ]
    return tuple(sorted(loaded, key=lambda f: (f.id != DEFAULT_FRAMEWORK_ID, f.id)))


def shipped_framework(framework_id: str) -> Framework:
    """One shipped framework by id.

    Raises
    ------
    spiral.exceptions.NotFoundError
        A ``KeyError``: no shipped framework has that id; the message lists those that do.

    Examples
    --------
    >>> [stage.name for stage in shipped_framework("ipc-analyse-plan-do-review").stages]
    ['Analyse', 'Plan', 'Do', 'Review']
    """
    for framework in shipped_frameworks():
        if framework.id == framework_id:
            return framework
    known = ", ".join(framework.id for framework in shipped_frameworks())
    raise NotFoundError(f"no shipped framework is called {framework_id!r}; there are {known}")
