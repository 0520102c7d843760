"""Copy a framework and adapt it: the way a council makes a shipped cycle its own."""

from __future__ import annotations

from dataclasses import replace

from spiral.exceptions import InputError
from spiral.frameworks.definition import Framework
from spiral.frameworks.validation import ID_PATTERN


def derive_framework(
    original: Framework, *, new_id: str, name: str, description: str | None = None
) -> Framework:
    """Start a new framework from a copy of another.

    The copy has its own id and name, starts again at version 1, and records where it came
    from in ``based_on`` (``"id@version"`` of the original). Stages, activities, artefacts
    and gates are copied unchanged, ready to be edited.

    Parameters
    ----------
    original : Framework
        The framework to copy.
    new_id : str
        The copy's id (lower-case letters, digits, hyphens).
    name : str
        The copy's name.
    description : str, optional
        The copy's description; the original's when not given.

    Raises
    ------
    ValueError
        When the id is not valid, or is the original's own id.

    Examples
    --------
    >>> from spiral.frameworks import shipped_framework
    >>> ipc = shipped_framework("ipc-analyse-plan-do-review")
    >>> ours = derive_framework(ipc, new_id="northmere-apdr", name="Northmere cycle")
    >>> ours.key, ours.based_on, ours.stages == ipc.stages
    ('northmere-apdr@1', 'ipc-analyse-plan-do-review@1', True)
    """
    if not ID_PATTERN.match(new_id):
        raise InputError(
            f"{new_id!r} is not a valid framework id: use lower-case letters, digits "
            "and single hyphens or underscores between them"
        )
    if new_id == original.id:
        raise InputError(f"the copy needs an id of its own, not {original.id!r}")
    if not name.strip():
        raise InputError("the copy needs a name")
    return replace(
        original,
        id=new_id,
        name=name.strip(),
        version=1,
        description=original.description if description is None else description.strip(),
        based_on=original.key,
    )
