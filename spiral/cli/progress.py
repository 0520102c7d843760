"""Progress displays for long commands: on standard error when it is a terminal, never piped.

Every display is drawn by rich on standard error and disappears when the work is done
(``transient``), so that standard output stays clean for the results. When standard error is
not a terminal (a pipe, a file, a test) nothing is shown and the callbacks are not given. rich
is imported only when a display is shown, to keep ``spiral --help`` quick.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["busy", "byte_progress", "on_terminal", "row_progress", "stage_progress"]


def on_terminal() -> bool:
    """Whether standard error is a terminal (and so may show a progress display)."""
    return sys.stderr.isatty()


@contextmanager
def _display(*columns: Any) -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import Progress

    with Progress(*columns, console=Console(stderr=True), transient=True) as display:
        yield display


@contextmanager
def busy(message: str) -> Iterator[None]:
    """Show a spinner with ``message`` while the block runs."""
    if not on_terminal():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


@contextmanager
def stage_progress(
    labels: dict[str, str] | None = None,
) -> Iterator[Callable[[str, int, int], None] | None]:
    """A bar per stage, counting items; the callback is ``update(stage, done, total)``.

    ``labels`` gives the text shown for a stage's key (the key itself otherwise); a total of 0
    means not known yet.
    """
    if not on_terminal():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn

    names = labels or {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with _display(*columns) as display:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = display.add_task(names.get(stage, stage), total=total or None)
            display.update(tasks[stage], completed=done, total=total or None)

        yield update


@contextmanager
def byte_progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A bar over the bytes of a file read; the callback is ``update(done, total)``."""
    if not on_terminal():
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, TimeRemainingColumn

    columns = ("[progress.description]{task.description}", BarColumn(), DownloadColumn())
    with _display(*columns, TimeRemainingColumn()) as display:
        task = display.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            display.update(task, completed=done, total=total)

        yield update


@contextmanager
def row_progress(rows: int, *, show: bool) -> Iterator[Callable[[str, int], None]]:
    """A bar over the rows of a table, labelled by stage; ``report(stage, done)``.

    Shown only when ``show`` and on a terminal; otherwise ``report`` does nothing.
    """
    if not (show and on_terminal()):
        yield lambda _stage, _done: None
        return
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

    with _display(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()) as display:
        task = display.add_task("Computing", total=rows)

        def report(stage: str, done: int) -> None:
            display.update(task, description=stage, completed=done)

        yield report
