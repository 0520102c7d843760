"""Errors the engine raises on purpose, so callers can tell them from bugs.

Every error Spiral raises deliberately derives from :class:`SpiralError`. Errors about the
caller's input (:class:`InputError`) also derive from :class:`ValueError`, and an unknown id
(:class:`NotFoundError`) from :class:`KeyError`, so code that already catches those keeps
working.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class SpiralError(Exception):
    """Base class of every error Spiral raises on purpose."""


class InputError(SpiralError, ValueError):
    """The input given to an engine function is not usable (message says which row and field)."""


class NotFoundError(SpiralError, KeyError):
    """An id or name given to the engine is not one it knows (a shipped framework, a stage...).

    Examples
    --------
    >>> error = NotFoundError("no shipped framework is called 'x'")
    >>> isinstance(error, KeyError), error.args[0]
    (True, "no shipped framework is called 'x'")
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row of an imported table.

    ``row`` counts data rows from 1 (the header is not a row); ``None`` means the problem is
    with the file as a whole (a missing column, for instance).

    Examples
    --------
    >>> str(Problem(3, "area_code", "'X1' is not an ONS GSS area code"))
    "row 3, area_code: 'X1' is not an ONS GSS area code"
    """

    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}, {self.field}: {self.message}"


class ImportErrors(InputError):  # noqa: N818 - the name says what it carries: a list of errors
    """An import found problems; nothing was imported. ``problems`` lists every one of them.

    Examples
    --------
    >>> error = ImportErrors([Problem(1, "value", "'abc' is not a number")])
    >>> error.problems[0].field
    'value'
    >>> print(error)
    1 problem, nothing imported:
      row 1, value: 'abc' is not a number
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun}, nothing imported:"]
        lines += [f"  {problem}" for problem in self.problems[:50]]
        if count > 50:
            lines.append(f"  ... and {count - 50} more")
        super().__init__("\n".join(lines))
