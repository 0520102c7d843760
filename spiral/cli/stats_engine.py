"""The ``--engine`` of ``spiral stats``: whole tables in memory, or DuckDB a batch at a time.

``--engine memory`` reads the whole table into pandas (the Parquet input of a row-by-row
method is still read a million rows at a time). ``--engine duckdb`` works through the file
with :mod:`spiral.stats.batches`: DuckDB reads it a batch of rows at a time and sums
groups, the same numpy methods compute each batch, and the output is written batch by
batch, so memory stays bounded whatever the size of the file. ``--engine auto`` (the
default) takes DuckDB when the table would not fit in the memory available
(:func:`spiral.stats.memory.fits_in_memory`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from spiral.cli.tables_io import table_format

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "ENGINES",
    "choose_engine",
    "engine_option",
    "run_grouped",
    "run_rows",
    "run_summed",
    "use_lean_allocators",
    "warn_if_too_big",
]

ENGINES = ("auto", "memory", "duckdb")


def engine_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--engine auto|memory|duckdb`` option."""
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="auto",
        show_default=True,
        help="memory: read the whole table; duckdb: work through the file a batch at a time "
        "(for files larger than memory); auto: duckdb when the table would not fit in memory.",
    )(function)


def choose_engine(engine: str, source: Path) -> str:
    """``memory`` or ``duckdb``: as asked, or for ``auto`` by the table's size.

    ``memory`` is refused, with a one-line message, for a table that cannot fit: reading it
    could only end when the memory runs out, and below its own code Arrow may then stop the
    process without a message; ``duckdb`` gives the same result.
    """
    if engine == "duckdb":
        return engine
    from spiral.stats.memory import FOOTPRINT, available_memory, data_size

    need, room = FOOTPRINT * data_size(source), available_memory()
    if need <= room:
        return "memory"
    if engine == "memory":
        raise click.ClickException(
            f"{source.name} needs about {_gigabytes(need)} of memory to be read whole and "
            f"{_gigabytes(room)} is available; --engine duckdb (or auto) gives the same result "
            "a batch at a time"
        )
    return "duckdb"


def _gigabytes(size: int) -> str:
    return f"{size / 2**30:.1f} GB"


BATCHED = ("proportion", "rate", "funnel", "dsr", "isr")
"""The commands that can work through a file in batches with ``--engine duckdb``."""


def warn_if_too_big(source: Path, command: str) -> None:
    """Warn on standard error when a table read whole may not fit in the memory available."""
    from spiral.stats.memory import FOOTPRINT, available_memory, data_size

    need, room = FOOTPRINT * data_size(source), available_memory()
    if need <= room:
        return
    if command in BATCHED:
        hint = "--engine duckdb works through it in batches"
    else:
        hint = f"'{command}' needs whole groups in memory (it has no --engine duckdb)"
    click.echo(
        f"warning: {source.name} needs about {_gigabytes(need)} of memory and "
        f"{_gigabytes(room)} is available; {hint}",
        err=True,
    )


def use_lean_allocators() -> None:
    """Allocators that give freed memory back, so that address space does not pile up.

    Arrow's default allocator and DuckDB's (both jemalloc) keep address space reserved after
    use; batch after batch that adds up, and under an address-space limit (``ulimit -v``,
    ``prlimit --as``) it is what runs out while little memory is in use. Arrow is switched
    to the system allocator, tuned to give large blocks back; DuckDB's jemalloc is told not
    to retain (read when DuckDB is first loaded, so only if it is not loaded yet and the
    setting is not given already).
    """
    import os
    import sys

    if "duckdb" not in sys.modules:
        os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", "retain:false")
    _lean_glibc()
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def _lean_glibc() -> None:
    """On glibc: two malloc arenas, and large blocks always mapped (so unmapped when freed).

    By default glibc reserves 64 MB of address space for each thread's arena, and raises
    its threshold for mapping large blocks as they are freed, after which freed batches stay
    in the heap. Elsewhere (or if the C library is not glibc) nothing changes.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_ARENA_MAX, 2)
    mallopt(_M_MMAP_THRESHOLD, 1 << 20)


def _parquet_rows(source: Path) -> int:
    if table_format(source) != "parquet":
        return 0
    import pyarrow as pa
    from pyarrow import parquet

    try:
        rows: int = parquet.ParquetFile(source).metadata.num_rows
    except (pa.ArrowInvalid, OSError):
        return 0
    return rows


def _message(source: Path, error: ValueError, *, rows_named: bool) -> click.ClickException:
    """The one-line message of the whole-table path for the same complaint."""
    from spiral.stats.tables import StatisticsInputError

    if rows_named and isinstance(error, StatisticsInputError):
        from spiral.cli.stats import _input_error

        return _input_error(source, error)
    text = str(error)
    if text.startswith("cannot read"):
        return click.ClickException(f"{source.name}: {text}")
    return click.ClickException(text)


def _out_of_memory(source: Path, error: MemoryError) -> click.ClickException:
    detail = str(error) or "out of memory"
    return click.ClickException(f"{source.name}: {detail}; free some memory and run it again")


def _write_all(
    output: Path | None, tables: Iterator[pa.Table], report: Callable[[int], None]
) -> None:
    """Write tables one after another; remove a half-written output file on any failure."""
    from spiral.cli.stats import _Writer

    writer = _Writer(output)
    try:
        done = 0
        for table in tables:
            writer.write(table)
            done += table.num_rows
            report(done)
    except BaseException:
        opened = writer.writer is not None
        writer.close()
        if opened and output is not None:
            output.unlink(missing_ok=True)
        raise
    writer.close()


def run_rows(
    source: Path,
    output: Path | None,
    method: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    numbers: Sequence[str],
    first_result: str = "value",
    rows_named: bool = True,
) -> None:
    """Work a row-by-row method through the file with DuckDB, writing batch by batch.

    ``numbers`` are the columns the method reads as numbers; ``rows_named`` says the
    method's complaints are :class:`~spiral.stats.tables.StatisticsInputError` (written as
    the whole-table path writes them, with the line of a CSV file).
    """
    use_lean_allocators()
    from spiral.cli.progress import stage_progress
    from spiral.stats.batches import Source, rows_in_batches

    if output is not None:
        table_format(output)
    table_format(source)
    total = _parquet_rows(source)
    tables = rows_in_batches(
        Source(source, tuple(numbers)),
        method,
        first_result=first_result,
    )
    with stage_progress({"rows": "Computing and writing (DuckDB)"}) as update:

        def report(done: int) -> None:
            if update is not None:
                update("rows", done, total)

        try:
            _write_all(output, tables, report)
        except MemoryError as error:
            raise _out_of_memory(source, error) from error
        except ValueError as error:
            raise _message(source, error, rows_named=rows_named) from error


def run_grouped(
    source: Path,
    output: Path | None,
    method: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    group_by: Sequence[str],
    sums: Sequence[str],
    suspect: Callable[[dict[str, Any]], Any],
) -> None:
    """Sum ``sums`` by ``group_by`` in DuckDB, then run the method on the group totals.

    ``method`` works on a table without grouping: it checks the rows (run on every batch
    only when ``suspect`` flags one) and computes the results from the sums.
    """
    use_lean_allocators()
    import pyarrow as pa

    from spiral.cli.progress import busy
    from spiral.stats.batches import Source, grouped_sums
    from spiral.stats.tables import StatisticsInputError

    if output is not None:
        table_format(output)
    table_format(source)
    try:
        with busy("Summing by group (DuckDB)"):
            totals = grouped_sums(
                Source(source, tuple(sums)),
                group_by,
                sums,
                suspect=suspect,
                method=method,
            )
        result = method(totals)
    except MemoryError as error:
        raise _out_of_memory(source, error) from error
    except StatisticsInputError as error:
        raise _message(source, error, rows_named=True) from error
    except ValueError as error:
        raise _message(source, error, rows_named=False) from error
    table = pa.Table.from_pandas(result, preserve_index=False)
    _write_all(output, iter([table]), lambda _done: None)


def run_summed(source: Path, output: Path | None, compute: Callable[[], pd.DataFrame]) -> None:
    """Run a method whose groups DuckDB sums (``compute`` reads the file), write its result.

    For the methods that need whole groups (standardised rates and ratios): DuckDB sums each
    group over the file and the method ends on the small table of sums. Complaints get the
    whole-table path's one-line messages.
    """
    use_lean_allocators()
    import pyarrow as pa

    from spiral.cli.progress import busy
    from spiral.stats.tables import StatisticsInputError

    if output is not None:
        table_format(output)
    table_format(source)
    try:
        with busy("Summing by group (DuckDB)"):
            result = compute()
    except MemoryError as error:
        raise _out_of_memory(source, error) from error
    except StatisticsInputError as error:
        raise _message(source, error, rows_named=True) from error
    except ValueError as error:
        raise _message(source, error, rows_named=False) from error
    table = pa.Table.from_pandas(result, preserve_index=False)
    _write_all(output, iter([table]), lambda _done: None)
