"""Indicator tables larger than memory: DuckDB (through Ibis) for the tables, numpy for the rows.

The methods of :mod:`spiral.stats` take a whole :class:`pandas.DataFrame`. A file too large
for memory is worked differently, with the same methods and the same results:

* **Reading** is lazy: DuckDB scans the CSV or Parquet file and hands over Arrow record
  batches of a bounded number of rows (:func:`row_batches`), so memory holds one batch at a
  time, whatever the size of the file.
* **Row-by-row statistics** (Wilson limits of proportions, Byar's or exact limits of rates,
  funnel-plot significance) are the existing vectorised functions called on each batch
  (:func:`rows_in_batches`). A bad value stops the work with the message the whole-table
  path gives, its row counted from the start of the file.
* **Sums by group** (``group_by``) are worked by DuckDB (:func:`grouped_sums`), which spills
  to disk if the groups do not fit in memory; the few summed rows then go through the
  method as a small table. A missing value makes its group's sums missing and groups come
  in the order they first appear, as in :func:`spiral.stats.tables.group_rows`.
* **Whole-table figures** that a row-by-row statistic is compared with, such as the average
  a funnel plot is drawn around, are one DuckDB aggregate (:func:`funnel_average`).

The checks of every row are those of the methods themselves: the query that sums the rows
also looks for a suspect one (a negative count, text in a number column...), and if it
finds one the method is run on every batch so that its own message names the first bad
row. Whether a file needs this path at all: :func:`spiral.stats.memory.fits_in_memory`.

Number columns of a CSV file are read as floating-point numbers (DuckDB would otherwise
guess their type from the first rows and round a later ``1.5`` in a column of whole
numbers). Text among them makes DuckDB stop; the file is then read again with those columns
as text so that the method names the row.

Sums of whole numbers are exact on both paths and so identical; sums of fractional values
are added in a different order by DuckDB and may differ from the whole-table path in the
last binary digit.

Ibis 12 and DuckDB 2 disagree on the name of DuckDB's batch reader
(``Backend.to_pyarrow_batches`` calls a method DuckDB 2 no longer has), so the expressions
are built with Ibis, compiled to SQL by Ibis and read through DuckDB's own Arrow reader.

References: DuckDB, *Reading faulty CSV files* and *Memory management* (duckdb.org
documentation); Ibis, *DuckDB backend* (ibis-project.org).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from spiral.exceptions import InputError
from spiral.stats.memory import available_memory
from spiral.stats.tables import StatisticsInputError, require_columns

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from ibis.expr.types import Table as IbisTable

__all__ = [
    "BATCH_ROWS",
    "Source",
    "column_sums",
    "funnel_average",
    "grouped_sums",
    "row_batches",
    "rows_in_batches",
]

Method = Callable[[pd.DataFrame], pd.DataFrame]

BATCH_ROWS = 250_000
"""Rows worked at a time: a batch with a dozen result columns takes about 25 MB."""

NULL_TEXTS = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "n/a",
    "nan",
    "null",
)
"""Texts read as missing in a CSV file: those of the whole-table path (Arrow's defaults)."""

_ROW = "__spiral_row"


@dataclass(frozen=True)
class Source:
    """A CSV or Parquet file to work through, and the columns the method reads as numbers.

    Examples
    --------
    >>> Source(Path("rates.csv"), numbers=("deaths", "pop")).is_csv
    True
    """

    path: Path
    numbers: tuple[str, ...] = ()

    @property
    def is_csv(self) -> bool:
        """Whether the file is CSV (by its extension; anything else is read as Parquet)."""
        return self.path.suffix.lower() == ".csv"


# ---------------------------------------------------------------------------------------
# DuckDB through Ibis
# ---------------------------------------------------------------------------------------


@contextmanager
def _duckdb(memory_limit: int | None, threads: int | None = None) -> Iterator[DuckDBBackend]:
    """An in-memory DuckDB that keeps row order and spills to a temporary folder.

    Without a ``memory_limit`` DuckDB gets a quarter of the memory available once its
    libraries are loaded: the rest is for the batch in pandas and the results. ``threads``
    limits its threads (each holds buffers of its own); by default it uses every core.
    """
    import ibis

    if memory_limit is None:
        memory_limit = available_memory() // 4
    spill = tempfile.mkdtemp(prefix="spiral-duckdb-")
    config: dict[str, Any] = {
        "preserve_insertion_order": True,
        "temp_directory": spill,
        "memory_limit": f"{max(memory_limit >> 20, 64)}MB",
    }
    if threads is not None:
        config["threads"] = threads
    connection = ibis.duckdb.connect(**config)
    try:
        yield connection
    finally:
        connection.disconnect()
        shutil.rmtree(spill, ignore_errors=True)


def _scan(connection: DuckDBBackend, source: Source, *, as_text: bool = False) -> IbisTable:
    """The file as a lazy Ibis table (nothing is read until a query runs)."""
    path = str(source.path)
    if not source.is_csv:
        return connection.read_parquet(path)
    options: dict[str, Any] = {
        "header": True,
        "delim": ",",
        "quote": '"',
        "escape": '"',
        "nullstr": list(NULL_TEXTS),
    }
    present = connection.read_csv(path, **options).columns
    wanted = [name for name in source.numbers if name in present]
    if wanted:
        options["types"] = dict.fromkeys(wanted, "VARCHAR" if as_text else "DOUBLE")
    return connection.read_csv(path, **options)


def _reader(connection: DuckDBBackend, expression: IbisTable, rows: int) -> pa.RecordBatchReader:
    """Run an Ibis expression and read its result ``rows`` at a time."""
    sql = connection.compile(expression)
    reader: pa.RecordBatchReader = connection.con.sql(sql).to_arrow_reader(rows)
    return reader


def _plain(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Arrow's plain string type for DuckDB's string views (as the whole-table path reads)."""
    if not any(pa.types.is_string_view(field.type) for field in batch.schema):
        return batch
    fields = [
        pa.field(field.name, pa.string()) if pa.types.is_string_view(field.type) else field
        for field in batch.schema
    ]
    return batch.cast(pa.schema(fields))


def _is_conversion_error(error: BaseException) -> bool:
    text = str(error)
    return "Conversion Error" in text or "Could not convert" in text


def _unreadable(error: BaseException) -> Exception:
    """DuckDB's failure as one line: :class:`MemoryError` when it ran out of memory."""
    line = _first_line(error)
    if "Out of Memory" in line:
        return MemoryError(f"DuckDB ran out of memory ({line})")
    return InputError(f"cannot read the table ({line})")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def row_batches(
    source: Source,
    *,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
    as_text: bool = False,
) -> Iterator[pa.RecordBatch]:
    """The rows of a CSV or Parquet file, in order, as Arrow batches of at most ``rows``.

    A file with no rows gives one empty batch, so that its columns are known.

    Raises
    ------
    spiral.exceptions.InputError
        When DuckDB cannot read the file (the message is DuckDB's first line).
    MemoryError
        When DuckDB runs out of memory.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("area,n\\nA,1\\nB,2\\nC,3\\n")
    ...     [b.num_rows for b in row_batches(Source(path, ("n",)), rows=2)]
    [2, 1]
    """
    with _duckdb(memory_limit) as connection:
        try:
            table = _scan(connection, source, as_text=as_text)
            reader = _reader(connection, table, rows)
            empty = True
            for batch in reader:
                if batch.num_rows:
                    empty = False
                    yield _plain(batch)
            if empty:
                schema = reader.schema
                yield _plain(pa.RecordBatch.from_pylist([], schema=schema))
        except (OSError, pa.ArrowException, RuntimeError) as error:
            if isinstance(error, InputError):
                raise
            raise _unreadable(error) from error
        except Exception as error:
            if type(error).__module__.split(".")[0] in {"duckdb", "_duckdb", "ibis"}:
                raise _unreadable(error) from error
            raise


def _batches(source: Source, rows: int, memory_limit: int | None) -> Iterator[pa.RecordBatch]:
    """:func:`row_batches` typed as numbers; :class:`_TextFoundError` if text is in the way."""
    try:
        yield from row_batches(source, rows=rows, memory_limit=memory_limit)
    except InputError as error:
        if source.is_csv and source.numbers and _is_conversion_error(error):
            raise _TextFoundError(str(error)) from error
        raise


class _TextFoundError(Exception):
    """DuckDB found text in a column read as numbers: read it again as text to name the row."""


def _shifted(error: InputError, offset: int) -> InputError:
    """The same complaint with its row counted from the start of the file."""
    from spiral.stats.funnel import FunnelInputError

    if isinstance(error, StatisticsInputError) and error.row is not None:
        return StatisticsInputError(error.problem, column=error.column, row=error.row + offset)
    if isinstance(error, FunnelInputError):
        return FunnelInputError(row=error.row + offset, column=error.column, problem=error.problem)
    return error


def _check_every_row(source: Source, method: Method, rows: int, memory_limit: int | None) -> None:
    """Run ``method`` on every batch, numbers read as text, so that it names a bad row."""
    done = 0
    for batch in row_batches(source, rows=rows, memory_limit=memory_limit, as_text=True):
        try:
            method(batch.to_pandas())
        except InputError as error:
            raise _shifted(error, done) from error
        done += batch.num_rows


def _with_results(batch: pa.RecordBatch, result: pd.DataFrame, first: str) -> pa.Table:
    """The batch's columns as read, then the method's columns from ``first`` on."""
    start = list(result.columns).index(first)
    kept = [str(name) for name in result.columns[:start]]
    added = pa.Table.from_pandas(result.iloc[:, start:], preserve_index=False)
    table = pa.Table.from_batches([batch]).select(kept)
    for name, column in zip(added.column_names, added.columns, strict=True):
        table = table.append_column(name, column)
    return table


def rows_in_batches(
    source: Source,
    method: Method,
    *,
    first_result: str = "value",
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> Iterator[pa.Table]:
    """Call a row-by-row method on a file a batch at a time: the input columns and results.

    Parameters
    ----------
    source : Source
        The file, and the columns ``method`` reads as numbers.
    method : callable
        A function of one table giving one result row per input row, with the input
        columns first and its own from ``first_result`` on: for example
        ``lambda t: proportion(t, "cases", "people")``.
    first_result : str, default "value"
        The first column ``method`` adds (``"significance"`` for funnel significance).
    rows : int
        Rows per batch.
    memory_limit : int, optional
        Bytes DuckDB may use for reading (by default a quarter of the memory available).

    Yields
    ------
    pyarrow.Table
        For each batch, in order: the input columns as read, then the method's columns.

    Raises
    ------
    spiral.exceptions.InputError
        The method's own complaint about the first bad row, the row counted from the start
        of the file (:class:`~spiral.stats.tables.StatisticsInputError` keeps ``row`` and
        ``column``), or a file DuckDB cannot read.

    Examples
    --------
    >>> import tempfile
    >>> from spiral.stats.proportions import proportion
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = Path(folder.name) / "t.csv"
    >>> _ = path.write_text("area,cases,people\\nA,65,100\\nB,1,100\\nC,7,5\\n")
    >>> source = Source(path, ("cases", "people"))
    >>> tables = rows_in_batches(source, lambda t: proportion(t, "cases", "people"), rows=2)
    >>> [round(limit, 6) for limit in next(tables).column("upper_ci_95").to_pylist()]
    [0.736358, 0.054486]
    >>> next(tables)
    Traceback (most recent call last):
    ...
    spiral.stats.tables.StatisticsInputError: column 'cases', row 3: numerators must be less \
than or equal to the denominator
    >>> folder.cleanup()
    """
    done = 0
    try:
        for batch in _batches(source, rows, memory_limit):
            try:
                result = method(batch.to_pandas())
            except InputError as error:
                raise _shifted(error, done) from error
            yield _with_results(batch, result, first_result)
            done += batch.num_rows
    except _TextFoundError as found:
        _check_every_row(source, method, rows, memory_limit)
        raise InputError(str(found)) from found


# ---------------------------------------------------------------------------------------
# Sums by group and whole-table figures
# ---------------------------------------------------------------------------------------


def _as_numbers(table: IbisTable, name: str) -> Any:
    """A column as float64 in DuckDB (text that is not a number becomes missing)."""
    return table[name].try_cast("float64")


def _texts_in(table: IbisTable, names: Sequence[str]) -> Any:
    """True on a row where one of the number columns holds text that is not a number."""
    import ibis

    flag = ibis.literal(value=False)
    for name in names:
        column = table[name]
        if column.type().is_string():
            text = column.notnull() & (column.strip() != "") & column.try_cast("float64").isnull()
            flag = flag | text.fill_null(False)
        elif not column.type().is_numeric():
            flag = ibis.literal(value=True)
    return flag


def _aggregate(
    source: Source,
    columns: Sequence[str],
    build: Callable[[IbisTable, dict[str, Any]], IbisTable],
    *,
    method: Method,
    rows: int,
    memory_limit: int | None,
    threads: int | None = None,
) -> pa.Table:
    """Run an aggregate query on the file; DuckDB's failures become one-line messages."""
    try:
        with _duckdb(memory_limit, threads) as connection:
            table = _scan(connection, source)
            require_columns(pd.DataFrame(columns=list(table.columns)), list(columns))
            values = {name: _as_numbers(table, name) for name in columns}
            query = build(table, values)
            result: pa.Table = connection.con.sql(connection.compile(query)).to_arrow_table()
    except InputError:
        raise
    except Exception as error:
        if source.is_csv and _is_conversion_error(error):
            _check_every_row(source, method, rows, memory_limit)
        if isinstance(error, (OSError, pa.ArrowException)) or type(error).__module__.split(".")[
            0
        ] in {"duckdb", "_duckdb", "ibis"}:
            raise _unreadable(error) from error
        raise
    if result.num_rows and np.any(result.column(_SUSPECT).to_numpy(zero_copy_only=False)):
        _check_every_row(source, method, rows, memory_limit)
    return result


_SUSPECT = "__spiral_suspect"


def _suspicion(table: IbisTable, values: dict[str, Any], suspect: Suspect) -> Any:
    """True if any row is one the method might refuse (an aggregate)."""
    flag = suspect(values).fill_null(False) | _texts_in(table, list(values))
    return flag.any().fill_null(False)


Suspect = Callable[[dict[str, Any]], Any]
"""Given the number columns as DuckDB float64 expressions, true on a row a method may refuse."""


def grouped_sums(
    source: Source,
    by: Sequence[str],
    columns: Sequence[str],
    *,
    suspect: Suspect,
    method: Method,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> pd.DataFrame:
    """Sum number columns within groups of a file, in DuckDB: one row per group.

    Parameters
    ----------
    source : Source
        The file; ``source.numbers`` should hold ``columns``.
    by : sequence of str
        The group columns (at least one).
    columns : sequence of str
        The columns summed (numerators, denominators).
    suspect : callable
        Given the columns as DuckDB float64 expressions (a dict by name), an expression true
        on a row the method might refuse (a negative count, a numerator above its
        denominator). It must flag every row the method refuses; flagging more only costs
        time. Text in a number column is always suspect.
    method : callable
        The method, run on every batch when a row is suspect so that its own message names
        the first bad row.
    rows, memory_limit : int
        Rows per batch for that check; bytes DuckDB may use before spilling to disk.

    Returns
    -------
    pandas.DataFrame
        The group columns, then each summed column as float64: missing for a group where
        one of its values is missing (as :meth:`spiral.stats.tables.Groups.sum`). Groups come
        in the order they first appear in the file; a missing key is a group of its own.

    Raises
    ------
    spiral.exceptions.InputError
        A missing column, the method's complaint about the first bad row, or a file DuckDB
        cannot read.

    Examples
    --------
    >>> import tempfile
    >>> from spiral.stats.proportions import proportion
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("area,x,n\\nB,1,10\\nA,2,10\\nB,3,10\\nA,,10\\n")
    ...     sums = grouped_sums(
    ...         Source(path, ("x", "n")), ["area"], ["x", "n"],
    ...         suspect=lambda v: v["x"] > v["n"],
    ...         method=lambda t: proportion(t, "x", "n"),
    ...     )
    >>> sums
      area    x     n
    0    B  4.0  20.0
    1    A  NaN  20.0
    """
    import ibis

    by, columns = list(by), list(columns)
    if not by:
        raise ValueError("grouped_sums needs at least one group column")

    def build(table: IbisTable, values: dict[str, Any]) -> IbisTable:
        require_columns(pd.DataFrame(columns=list(table.columns)), by)
        numbered = table.mutate(**{_ROW: ibis.row_number()})
        values = {name: _as_numbers(numbered, name) for name in values}
        complete = numbered.count()
        sums = {
            name: ibis.ifelse(value.count() == complete, value.sum(), ibis.null("float64"))
            for name, value in values.items()
        }
        return (
            numbered.group_by(by)
            .aggregate(
                **{_ROW: numbered[_ROW].min(), _SUSPECT: _suspicion(numbered, values, suspect)},
                **sums,
            )
            .order_by(_ROW)
        )

    summed = _aggregate(source, columns, build, method=method, rows=rows, memory_limit=memory_limit)
    frame: pd.DataFrame = _plain_table(summed.select([*by, *columns])).to_pandas()
    for name in columns:
        frame[name] = frame[name].astype(np.float64)
    return frame


def column_sums(
    source: Source,
    sums: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    suspect: Suspect,
    method: Method,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> dict[str, float]:
    """Whole-table sums of expressions of the number columns, in one DuckDB aggregate.

    Parameters
    ----------
    source : Source
        The file; ``source.numbers`` names the columns given to ``sums`` and ``suspect``.
    sums : callable
        Given the number columns as DuckDB float64 expressions (a dict by name), a dict of
        the per-row expressions to add up (missing values are left out of a sum, as
        :func:`numpy.nansum`).
    suspect, method, rows, memory_limit
        As for :func:`grouped_sums`.

    Returns
    -------
    dict
        Each sum as a float (0 for a table with no rows), and ``"rows"``, the row count.

    Examples
    --------
    >>> import tempfile
    >>> from spiral.stats.proportions import proportion
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("x,n\\n1,10\\n2,10\\n,10\\n")
    ...     column_sums(
    ...         Source(path, ("x", "n")), lambda v: {"x": v["x"], "n": v["n"]},
    ...         suspect=lambda v: v["x"] > v["n"], method=lambda t: proportion(t, "x", "n"),
    ...     )
    {'x': 3.0, 'n': 30.0, 'rows': 3.0}
    """

    def build(table: IbisTable, values: dict[str, Any]) -> IbisTable:
        totals = {name: expression.sum() for name, expression in sums(values).items()}
        return table.aggregate(
            **totals,
            rows=table.count(),
            **{_SUSPECT: _suspicion(table, values, suspect)},
        )

    summed = _aggregate(
        source, source.numbers, build, method=method, rows=rows, memory_limit=memory_limit
    )
    row = summed.to_pylist()[0]
    return {name: float(row[name] or 0.0) for name in row if name != _SUSPECT}


def _plain_table(table: pa.Table) -> pa.Table:
    schema = pa.schema(
        [
            pa.field(field.name, pa.string()) if pa.types.is_string_view(field.type) else field
            for field in table.schema
        ]
    )
    return table.cast(schema)


def funnel_average(
    source: Source,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    *,
    statistic: str,
    rate_type: str | None = None,
    multiplier: float | None = None,
    method: Method,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> float | None:
    """The average a funnel plot of the whole file is drawn around, or None for ratios.

    The same figure :func:`spiral.stats.funnel.assign_funnel_significance` takes from a
    whole table: for proportions ``ΣO / ΣN``; for rates ``ΣO / ΣP``, where a row's
    population ``P`` is ``multiplier x O / rate``, or for a crude rate with no events the
    denominator (a DSR with no events is left out). Ratios are compared with 1.

    Parameters
    ----------
    source : Source
        The file; ``source.numbers`` names the numerator, denominator and rate columns.
    numerator, denominator, rate, statistic, rate_type, multiplier
        As for :func:`~spiral.stats.funnel.assign_funnel_significance`.
    method : callable
        The significance method, run on every batch when a row is suspect so that its own
        message names the first bad row.
    rows, memory_limit : int
        As for :func:`grouped_sums`.

    Examples
    --------
    >>> import tempfile
    >>> from spiral.stats.funnel import assign_funnel_significance
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("o,n\\n10,100\\n30,100\\n")
    ...     funnel_average(
    ...         Source(path, ("o", "n")), "o", "n", statistic="proportion",
    ...         method=lambda t: assign_funnel_significance(t, "o", "n", statistic="proportion"),
    ...     )
    0.2
    """
    import ibis

    if statistic == "ratio":
        return None
    if statistic == "proportion":
        if denominator is None:
            raise InputError("proportions need numerator and denominator")

        def proportion_sums(values: dict[str, Any]) -> dict[str, Any]:
            return {"o": values[numerator], "n": values[denominator]}

        def proportion_suspect(values: dict[str, Any]) -> Any:
            o, n = values[numerator], values[denominator]
            return o.isnull() | n.isnull() | (o < 0) | (n <= 0) | (o > n)

        totals = column_sums(
            source,
            proportion_sums,
            suspect=proportion_suspect,
            method=method,
            rows=rows,
            memory_limit=memory_limit,
        )
        return _ratio(totals["o"], totals["n"])
    if rate is None or multiplier is None or rate_type is None:
        raise InputError("rates need numerator, rate, rate_type and multiplier")

    def rate_sums(values: dict[str, Any]) -> dict[str, Any]:
        o, r = values[numerator], values[rate]
        implied = multiplier * o / r
        if rate_type == "dsr" or denominator is None:
            with_none = ibis.null("float64")
        else:
            with_none = values[denominator]
        return {"o": o, "p": ibis.ifelse(o == 0, with_none, implied)}

    def rate_suspect(values: dict[str, Any]) -> Any:
        o, r = values[numerator], values[rate]
        flag = o.isnull() | (o < 0) | r.isnull() | (r <= 0)
        if denominator is not None:
            n = values[denominator]
            flag = flag | n.isnull() | (n <= 0)
        return flag

    totals = column_sums(
        source,
        rate_sums,
        suspect=rate_suspect,
        method=method,
        rows=rows,
        memory_limit=memory_limit,
    )
    return _ratio(totals["o"], totals["p"])


def _ratio(top: float, bottom: float) -> float:
    """``top / bottom`` as numpy divides (NaN for 0 / 0, as the whole-table path gives)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(top) / np.float64(bottom))
