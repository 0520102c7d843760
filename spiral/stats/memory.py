"""How much memory a table needs, and how much this process may still use.

The command line chooses between reading a whole table into pandas and working through
the file in batches with DuckDB (:mod:`spiral.stats.batches`) by comparing the two:
:func:`fits_in_memory`. The memory available is the smallest of what the system has free,
the room left under the process's address-space limit and under a container's limit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

__all__ = ["FOOTPRINT", "available_memory", "data_size", "fits_in_memory"]

FOOTPRINT = 4
"""The whole-table path needs about this many times the data's size in memory.

Measured on the proportion and rate commands: the Arrow table read, the pandas copy, the
float arrays of the method and the result table written out.
"""


def available_memory() -> int:
    """Bytes of memory this process may still use: free memory, or less under a limit.

    The smallest of the memory the system has available, the room left under the process's
    address-space limit (``ulimit -v``, ``prlimit --as``) and the room left under a
    control-group limit (containers).

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    candidates = [_system_available()]
    candidates.extend(_address_space_room())
    candidates.extend(_cgroup_room())
    return max(min(candidates), 1)


def _system_available() -> int:
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 1 << 34


def _address_space_room() -> list[int]:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return []
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return []
    try:
        with Path("/proc/self/statm").open(encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        used = 0
    return [max(soft - used, 0)]


def _cgroup_room() -> list[int]:
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text(encoding="ascii").strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text(encoding="ascii").strip()
    except OSError:
        return []
    if limit == "max":
        return []
    return [max(int(limit) - int(used), 0)]


def data_size(path: Path) -> int:
    """Bytes the table takes once read: a CSV file's size; for Parquet, its values decoded.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("a,b\\n1,2\\n")
    ...     data_size(path)
    8
    """
    if path.suffix.lower() == ".csv":
        return path.stat().st_size
    from pyarrow import parquet

    try:
        metadata = parquet.ParquetFile(path).metadata
    except (pa.ArrowInvalid, OSError):
        return path.stat().st_size
    size = 0
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for column in range(row_group.num_columns):
            chunk = row_group.column(column)
            width = _WIDTHS.get(chunk.physical_type)
            if width is None:
                # text: its bytes as stored before compression, and an offset per value
                size += chunk.total_uncompressed_size + 8 * row_group.num_rows
            else:
                size += width * row_group.num_rows
    return size


_WIDTHS = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}
"""Bytes per value in memory of Parquet's fixed-width types (Parquet may store far fewer)."""


def fits_in_memory(path: Path, available: int | None = None) -> bool:
    """Whether the whole-table path can hold ``path``: :data:`FOOTPRINT` x its size fits.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("a,b\\n1,2\\n")
    ...     fits_in_memory(path, available=1000), fits_in_memory(path, available=10)
    (True, False)
    """
    room = available_memory() if available is None else available
    return FOOTPRINT * data_size(path) <= room
