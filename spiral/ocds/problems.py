"""A report of problems found in OCDS input, grouped by kind and counted.

Bad input never stops a whole run: each problem is recorded with where it was found (file,
line or position, and the JSON path) and a plain-English explanation, and the valid remainder
goes on. The report keeps every count but only the first few examples of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INVALID_JSON = "invalid JSON"
TRUNCATED = "truncated file"
NOT_OCDS = "not OCDS data"
NO_OCID = "release without ocid"
NO_DATE = "release without a date"
DUPLICATE_ID = "duplicate release id"
BAD_DATE = "date in a wrong format"
AMOUNT_AS_TEXT = "amount given as text"
UNKNOWN_CURRENCY = "unknown currency code"
MIXED_VERSIONS = "mixed OCDS versions"
MERGE_FAILED = "releases that cannot be merged"


@dataclass(frozen=True)
class Problem:
    """One problem: its kind, where it is, the JSON path and an explanation."""

    kind: str
    where: str
    message: str
    path: str = ""

    def __str__(self) -> str:
        path = f" at {self.path}" if self.path else ""
        return f"{self.where}{path}: {self.message}"


@dataclass
class ProblemReport:
    """Problems grouped by kind, with a count per kind and a few examples of each.

    Examples
    --------
    >>> report = ProblemReport(examples_per_kind=1)
    >>> report.add(NO_OCID, "a.jsonl, line 3", "the release has no ocid, so it was left out")
    >>> report.add(NO_OCID, "a.jsonl, line 9", "the release has no ocid, so it was left out")
    >>> report.counts, len(report.examples[NO_OCID])
    ({'release without ocid': 2}, 1)
    >>> print(report.text())
    release without ocid: 2
      a.jsonl, line 3: the release has no ocid, so it was left out
      ... and 1 more
    """

    examples_per_kind: int = 10
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[Problem]] = field(default_factory=dict)

    def add(self, kind: str, where: str, message: str, path: str = "") -> None:
        """Record one problem."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < self.examples_per_kind:
            shown.append(Problem(kind, where, message, path))

    def merge(self, other: ProblemReport) -> None:
        """Add another report's counts and examples to this one."""
        for kind, count in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count
            shown = self.examples.setdefault(kind, [])
            room = self.examples_per_kind - len(shown)
            shown.extend(other.examples.get(kind, [])[: max(room, 0)])

    def __bool__(self) -> bool:
        return bool(self.counts)

    @property
    def total(self) -> int:
        """The number of problems of every kind."""
        return sum(self.counts.values())

    def text(self) -> str:
        """The report as plain text: one heading per kind with its count, then examples."""
        lines: list[str] = []
        for kind, count in self.counts.items():
            lines.append(f"{kind}: {count}")
            shown = self.examples.get(kind, [])
            lines.extend(f"  {problem}" for problem in shown)
            if count > len(shown):
                lines.append(f"  ... and {count - len(shown)} more")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (for JSON output)."""
        return {
            kind: {
                "count": count,
                "examples": [
                    {"where": p.where, "path": p.path, "message": p.message}
                    for p in self.examples.get(kind, [])
                ],
            }
            for kind, count in self.counts.items()
        }
