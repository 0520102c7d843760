"""Problems found in a framework file, and the error that carries all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spiral.exceptions import InputError

#: A place inside a framework document: keys and list positions from the top.
Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Write a document path the way people read it.

    Examples
    --------
    >>> format_path(("stages", 0, "gate", "approver_role"))
    'stages[0].gate.approver_role'
    >>> format_path(())
    '(top level)'
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a framework: where (file, line, path) and why.

    ``line`` counts from 1, and is ``None`` when the framework did not come from a file
    (for example a stored JSON copy).
    """

    source: str
    line: int | None
    path: Path
    reason: str

    def __str__(self) -> str:
        """``file, line N: path: reason``.

        Examples
        --------
        >>> str(Problem("ipc.yaml", 12, ("stages", 0, "id"), "is missing"))
        'ipc.yaml, line 12: stages[0].id: is missing'
        """
        where = self.source if self.line is None else f"{self.source}, line {self.line}"
        return f"{where}: {format_path(self.path)}: {self.reason}"


class FrameworkError(InputError):
    """A framework was refused; ``problems`` lists every reason, in document order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.source, p.line or 0))
        )
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the framework"
        super().__init__("\n".join([heading, *(f"  {problem}" for problem in self.problems)]))
