"""Standardised rates and ratios of files larger than memory: the sums in DuckDB (through Ibis).

:func:`spiral.stats.dsr.dsr` needs every band of a group at once. For a file too large for
memory the same rates are worked in two steps (:func:`dsr_in_duckdb`):

1. **DuckDB** reads the file lazily and sums, per group, what the Dobson method needs
   (:data:`spiral.stats.dsr.DOBSON_SUMS`): the events ``Σe``, the population and the
   standard weight of each band once, ``Σ e w / n`` and ``Σ f e w² / n²``. A standard
   population given by name (``esp2013``, ``esp1976``) or as a list of weights is joined to
   the rows by band: the position of the band within its group in order of first
   appearance (a window function over the file's row order), exactly as the whole-table
   method matches it. DuckDB spills to disk when the groups do not fit in memory; if it
   still runs out, the query is run again on one thread, which needs less memory.
2. **numpy**: the few summed rows go through :func:`spiral.stats.dsr.dsr_from_sums`, the
   same code that ends the whole-table method, so limits and labels are the same.

Rows are checked as the whole-table method checks them: the query also looks for a row the
method would refuse, and if there is one the row checks of
:func:`spiral.stats.dsr.checked_rows` run on every batch so that the message names it,
counted from the start of the file. A group without one band per band of the standard gets
the whole-table method's message.

Indirectly standardised ratios and rates (:func:`isr_in_duckdb`) are worked the same way,
with no band matching: DuckDB sums the observed ``Σx``, the expected ``Σ n X / N`` and the
reference ``ΣX`` and ``ΣN`` of each group, and :func:`spiral.stats.isr.isr_from_sums`
gives the exact or Byar's limits.

Sums of whole numbers are exact on both paths; sums of fractions (``w / n``, ``n X / N``)
are added in another order by DuckDB, so results may differ from the whole-table method in
the last binary digits (the tests hold them to 1e-9 relative).

References: PHEindicatormethods (R) v2.1.0, ``calculate_dsr``; Dobson AJ et al., Stat Med
1991;10:457-462; DuckDB, *Window functions* and *Memory management* (duckdb.org).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.stats.batches import (
    _ROW,
    _SUSPECT,
    BATCH_ROWS,
    Source,
    _aggregate,
    _as_numbers,
    _plain_table,
    _suspicion,
)
from spiral.stats.dsr import (
    DOBSON_SUMS,
    STANDARD_POPULATIONS,
    checked_rows,
    dsr_from_sums,
    standard_population,
)
from spiral.stats.isr import ISR_SUMS, isr_from_sums
from spiral.stats.isr import checked_rows as checked_isr_rows
from spiral.stats.tables import StatisticsInputError, reject, require_columns
from spiral.stats.tables import numbers as table_numbers

if TYPE_CHECKING:
    from ibis.expr.types import Table as IbisTable

__all__ = ["dsr_in_duckdb", "dsr_sums", "isr_in_duckdb", "isr_sums"]

_BANDS = "__spiral_bands"
_FIRST = "__spiral_first"


def _standard_vector(
    standard: str | Sequence[float] | npt.ArrayLike, columns: Sequence[str]
) -> list[float] | None:
    """The weights matched by band position, or None when ``standard`` is a column."""
    if isinstance(standard, str) and standard in columns:
        return None
    if isinstance(standard, str):
        if standard not in STANDARD_POPULATIONS:
            known = " or ".join(STANDARD_POPULATIONS)
            raise StatisticsInputError(
                f"standard population {standard!r} is neither a column of the table nor {known}"
            )
        vector = standard_population(standard)["population"].to_numpy(dtype=np.float64)
    else:
        vector = np.asarray(standard, dtype=np.float64)
    return [float(weight) for weight in vector]


def _column_names(source: Source) -> list[str] | None:
    """The columns of the file, from its header (CSV) or schema (Parquet); None if unreadable.

    A standard population named like a column is that column, as in the whole-table method.
    """
    import csv

    import pyarrow as pa
    from pyarrow import parquet

    try:
        if source.is_csv:
            with source.path.open(encoding="utf-8-sig", newline="") as handle:
                return next(csv.reader(handle), [])
        return list(parquet.read_schema(source.path).names)
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError, csv.Error):
        return None  # DuckDB will say what is wrong with the file


def _present(value: Any) -> Any:
    """True where a DuckDB float64 value is neither missing nor NaN."""
    return value.notnull() & ~value.isnan().fill_null(True)


def dsr_sums(
    source: Source,
    count: str,
    population: str,
    *,
    standard: str | Sequence[float] | npt.ArrayLike = "esp2013",
    group_by: Sequence[str] = (),
    eventfreq: str | None = None,
    ageband: str | None = None,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> pd.DataFrame:
    """The Dobson sums of each group of a file, worked by DuckDB.

    Parameters
    ----------
    source : Source
        The file (``source.numbers`` is set here to the number columns).
    count, population, standard, group_by, eventfreq, ageband
        As for :func:`spiral.stats.dsr.dsr`.
    rows : int
        Rows per batch when every row must be checked (a suspect row was found).
    memory_limit : int, optional
        Bytes DuckDB may use before spilling to disk (a quarter of the memory available).

    Returns
    -------
    pandas.DataFrame
        The group columns and :data:`spiral.stats.dsr.DOBSON_SUMS`, one row per group in
        order of first appearance (a missing key is a group of its own).

    Raises
    ------
    spiral.stats.tables.StatisticsInputError
        The whole-table method's complaint: about the first bad row (counted from the start
        of the file), a missing column, or a group without one band per standard band.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("area,deaths,pop\\nA,30,1000\\nA,50,500\\n")
    ...     sums = dsr_sums(Source(path), "deaths", "pop", standard=[60, 40], group_by=["area"])
    >>> sums[["area", "total_count", "total_pop", "total_weight"]]
      area  total_count  total_pop  total_weight
    0    A         80.0     1500.0         100.0
    """
    present = _column_names(source)
    if present is None and isinstance(standard, str) and standard not in STANDARD_POPULATIONS:
        present = [standard]
    vector = _standard_vector(standard, present or [])
    query = _DobsonQuery(
        count=count,
        population=population,
        weights=str(standard) if vector is None else vector,
        by=tuple(group_by),
        eventfreq=eventfreq,
        ageband=ageband,
    )
    source = Source(source.path, query.numbers)
    options: dict[str, Any] = {"method": query.check, "rows": rows, "memory_limit": memory_limit}
    try:
        summed = _aggregate(source, list(source.numbers), query.build, **options)
    except MemoryError:
        # the window functions of the band positions hold a buffer per thread: on one
        # thread they need less memory (and take about twice as long)
        summed = _aggregate(source, list(source.numbers), query.build, threads=1, **options)
    by = list(group_by)
    frame: pd.DataFrame = _plain_table(summed.select([*by, *DOBSON_SUMS, _BANDS])).to_pandas()
    for name in (*DOBSON_SUMS, _BANDS):
        frame[name] = frame[name].astype(np.float64).fillna(0.0)
    if vector is not None:
        _check_bands(frame, vector)
    return frame.drop(columns=[_BANDS])


@dataclass(frozen=True)
class _DobsonQuery:
    """The DuckDB query of :func:`dsr_sums`, and the row checks it stands in for."""

    count: str
    population: str
    weights: str | list[float]
    """A column of standard weights, or the weights matched by band position."""
    by: tuple[str, ...]
    eventfreq: str | None
    ageband: str | None

    def __post_init__(self) -> None:
        if self.eventfreq is not None and self.ageband is None:
            raise StatisticsInputError("non-independent events need the age band column")

    @property
    def weight_column(self) -> str | None:
        """The column of standard weights, if they are one."""
        return self.weights if isinstance(self.weights, str) else None

    @property
    def numbers(self) -> tuple[str, ...]:
        """The columns read as numbers."""
        names = [self.count, self.population, self.eventfreq, self.weight_column]
        return tuple(dict.fromkeys(name for name in names if name is not None))

    def check(self, data: pd.DataFrame) -> pd.DataFrame:
        """The row checks of :func:`spiral.stats.dsr.dsr`, with its messages."""
        checked_rows(data, self.count, self.population, eventfreq=self.eventfreq)
        if self.weight_column is not None:
            weights = table_numbers(data, self.weight_column)
            reject(
                np.isnan(weights), self.weight_column, "standard population weights must be given"
            )
        return data

    def suspect(self, values: dict[str, Any]) -> Any:
        """True on a row :meth:`check` may refuse."""
        n = values[self.population]
        flag = (values[self.count] < 0) | ~_present(n) | (n <= 0)
        if self.eventfreq is not None:
            f = values[self.eventfreq]
            flag = flag | ~_present(f) | (f < 1)
        if self.weight_column is not None:
            flag = flag | ~_present(values[self.weight_column])
        return flag

    def build(self, table: IbisTable, _values: dict[str, Any]) -> IbisTable:
        """Per group: the Dobson sums, the number of bands, the first row, any suspect row."""
        import ibis

        by = list(self.by)
        keys = [*by, *([self.ageband] if self.ageband else [])]
        require_columns(pd.DataFrame(columns=list(table.columns)), keys)
        # only the columns used go through the window functions, which hold their rows
        used = dict.fromkeys([*keys, *self.numbers])
        step = table.select(*used).mutate(**{_ROW: ibis.row_number()})
        if self.eventfreq is None:
            f: Any = ibis.literal(1.0)
            position = ibis.row_number().over(group_by=by or None, order_by=step[_ROW])
            band_row: Any = ibis.literal(value=True)
        else:
            # a band is where its (group, band) pair first appears; its population and
            # weight count once although it has a row per event frequency
            step = step.mutate(**{_FIRST: step[_ROW].min().over(group_by=keys)})
            f = _as_numbers(step, self.eventfreq)
            position = ibis.dense_rank().over(group_by=by or None, order_by=step[_FIRST])
            band_row = step[_ROW] == step[_FIRST]
        x = _as_numbers(step, self.count)
        n = _as_numbers(step, self.population)
        if isinstance(self.weights, str):
            w = _as_numbers(step, self.weights)
        else:
            w = ibis.literal(self.weights, type="array<float64>")[position]
        events = ibis.ifelse(_present(x), x, 0.0) * f
        worked = step.mutate(
            __e=events, __s=events * f, __share=w / n, __n=n, __w=w, __band=band_row, __pos=position
        )
        zero = ibis.literal(0.0)
        share = worked["__share"]
        sums = {
            "total_count": worked["__e"].sum(),
            "total_pop": ibis.ifelse(worked["__band"], worked["__n"], zero).sum(),
            "total_weight": ibis.ifelse(worked["__band"], worked["__w"], zero).sum(),
            "weighted_rate": (worked["__e"] * share).sum(),
            "weighted_variance": (worked["__s"] * share * share).sum(),
            _BANDS: worked["__pos"].max() + 1,
        }
        values = {name: _as_numbers(worked, name) for name in self.numbers}
        extra = {_ROW: worked[_ROW].min(), _SUSPECT: _suspicion(worked, values, self.suspect)}
        if not by:
            return worked.aggregate(**extra, **sums)
        return worked.group_by(by).aggregate(**extra, **sums).order_by(_ROW)


def _check_bands(frame: pd.DataFrame, vector: list[float]) -> None:
    """The whole-table method's complaint about a group without one band per standard band."""
    bands = frame[_BANDS].to_numpy()
    wrong = bands != len(vector)
    if wrong.any():
        raise StatisticsInputError(
            f"each group must have {len(vector)} bands, one per band of the standard "
            f"population, in its order (a group has {int(bands[wrong][0])})"
        )


def dsr_in_duckdb(
    source: Source,
    count: str,
    population: str,
    *,
    standard: str | Sequence[float] | npt.ArrayLike = "esp2013",
    group_by: Sequence[str] = (),
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    eventfreq: str | None = None,
    ageband: str | None = None,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> pd.DataFrame:
    """Directly standardised rates (Dobson method) of a file of any size: :func:`dsr` of it.

    The sums of each group by DuckDB (:func:`dsr_sums`), then the Dobson limits in numpy
    (:func:`spiral.stats.dsr.dsr_from_sums`). Parameters and result as for
    :func:`spiral.stats.dsr.dsr`; ``rows`` and ``memory_limit`` as for :func:`dsr_sums`.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_dsr``; Dobson et al. (1991).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("area,deaths,pop\\nA,30,1000\\nA,50,500\\n")
    ...     result = dsr_in_duckdb(
    ...         Source(path), "deaths", "pop", standard=[60, 40], group_by=["area"]
    ...     )
    >>> result[["area", "total_count", "value", "lower_ci_95", "upper_ci_95"]].round(2)
      area  total_count   value  lower_ci_95  upper_ci_95
    0    A         80.0  5800.0      4588.22      7231.29
    """
    sums = dsr_sums(
        source,
        count,
        population,
        standard=standard,
        group_by=group_by,
        eventfreq=eventfreq,
        ageband=ageband,
        rows=rows,
        memory_limit=memory_limit,
    )
    return dsr_from_sums(
        sums,
        group_by=group_by,
        multiplier=multiplier,
        confidence=confidence,
        independent=eventfreq is None,
    )


# ---------------------------------------------------------------------------------------
# Indirectly standardised ratios and rates
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _IsrQuery:
    """The DuckDB query of :func:`isr_sums`, and the row checks it stands in for."""

    count: str
    population: str
    ref_count: str
    ref_population: str
    by: tuple[str, ...]

    @property
    def numbers(self) -> tuple[str, ...]:
        """The columns read as numbers."""
        names = (self.count, self.population, self.ref_count, self.ref_population)
        return tuple(dict.fromkeys(names))

    def check(self, data: pd.DataFrame) -> pd.DataFrame:
        """The row checks of :func:`spiral.stats.isr.isr_ratio`, with its messages."""
        checked_isr_rows(data, self.count, self.population, self.ref_count, self.ref_population)
        return data

    def suspect(self, values: dict[str, Any]) -> Any:
        """True on a row :meth:`check` may refuse."""
        big_n = values[self.ref_population]
        return (
            (values[self.count] < 0)
            | (values[self.population] < 0)
            | (values[self.ref_count] < 0)
            | (big_n <= 0)
        )

    def build(self, table: IbisTable, _values: dict[str, Any]) -> IbisTable:
        """Per group: observed, expected and the reference sums, the first row, any suspect."""
        import ibis

        by = list(self.by)
        require_columns(pd.DataFrame(columns=list(table.columns)), by)
        step = table.mutate(**{_ROW: ibis.row_number()})
        x, n, big_x, big_n = (_as_numbers(step, name) for name in self._four)
        zero = ibis.literal(0.0)

        def present(value: Any) -> Any:
            return ibis.ifelse(_present(value), value, zero)

        sums = {
            "observed": present(x).sum(),
            "expected": present(n * big_x / big_n).sum(),
            "ref_count": present(big_x).sum(),
            "ref_population": present(big_n).sum(),
        }
        values = {name: _as_numbers(step, name) for name in self.numbers}
        extra = {_ROW: step[_ROW].min(), _SUSPECT: _suspicion(step, values, self.suspect)}
        if not by:
            return step.aggregate(**extra, **sums)
        return step.group_by(by).aggregate(**extra, **sums).order_by(_ROW)

    @property
    def _four(self) -> tuple[str, str, str, str]:
        return (self.count, self.population, self.ref_count, self.ref_population)


def isr_sums(
    source: Source,
    count: str,
    population: str,
    ref_count: str,
    ref_population: str,
    *,
    group_by: Sequence[str] = (),
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> pd.DataFrame:
    """Observed, expected and reference sums of each group of a file, worked by DuckDB.

    Parameters
    ----------
    source : Source
        The file (``source.numbers`` is set here to the number columns).
    count, population : str
        Columns of local counts and populations per band.
    ref_count, ref_population : str
        Columns of reference counts and populations of the same bands (the whole-table
        methods also take vectors matched by position; a file names columns).
    group_by : sequence of str, optional
        As for :func:`spiral.stats.isr.isr_ratio`.
    rows, memory_limit : int
        As for :func:`dsr_sums`.

    Returns
    -------
    pandas.DataFrame
        The group columns and :data:`spiral.stats.isr.ISR_SUMS` (``Σx``, ``Σ n X / N``,
        ``ΣX``, ``ΣN``, missing values counted as zero), one row per group in order of
        first appearance.

    Raises
    ------
    spiral.stats.tables.StatisticsInputError
        The whole-table method's complaint about the first bad row (counted from the start
        of the file) or a missing column.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("area,x,n,rx,rn\\nA,30,1000,200,10000\\nA,80,500,900,5000\\n")
    ...     isr_sums(Source(path), "x", "n", "rx", "rn", group_by=["area"])
      area  observed  expected  ref_count  ref_population
    0    A     110.0     110.0     1100.0         15000.0
    """
    query = _IsrQuery(count, population, ref_count, ref_population, tuple(group_by))
    source = Source(source.path, query.numbers)
    summed = _aggregate(
        source,
        list(source.numbers),
        query.build,
        method=query.check,
        rows=rows,
        memory_limit=memory_limit,
    )
    by = list(group_by)
    frame: pd.DataFrame = _plain_table(summed.select([*by, *ISR_SUMS])).to_pandas()
    for name in ISR_SUMS:
        frame[name] = frame[name].astype(np.float64).fillna(0.0)
    return frame


def isr_in_duckdb(
    source: Source,
    count: str,
    population: str,
    ref_count: str,
    ref_population: str,
    *,
    statistic: str = "ratio",
    group_by: Sequence[str] = (),
    refvalue: float = 1,
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    observed_totals: pd.DataFrame | None = None,
    observed: str | None = None,
    rows: int = BATCH_ROWS,
    memory_limit: int | None = None,
) -> pd.DataFrame:
    """Indirectly standardised ratios or rates of a file of any size.

    The sums of each group by DuckDB (:func:`isr_sums`), then the exact or Byar's limits in
    numpy (:func:`spiral.stats.isr.isr_from_sums`): the result of
    :func:`spiral.stats.isr.isr_ratio` (``statistic="ratio"``) or
    :func:`spiral.stats.isr.isr_rate` (``"rate"``) on the whole file. The observed totals,
    a small table of one row per group, are joined to the sums in pandas, as there.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_ISRatio`` and ``calculate_ISRate``;
    Breslow & Day (1987).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("area,x,n,rx,rn\\nA,30,1000,200,10000\\nA,80,500,900,5000\\n")
    ...     result = isr_in_duckdb(
    ...         Source(path), "x", "n", "rx", "rn", group_by=["area"], refvalue=100
    ...     )
    >>> result[["area", "observed", "expected", "value", "lower_ci_95", "upper_ci_95"]].round(2)
      area  observed  expected  value  lower_ci_95  upper_ci_95
    0    A     110.0     110.0  100.0        82.19       120.53
    """
    sums = isr_sums(
        source,
        count,
        population,
        ref_count,
        ref_population,
        group_by=group_by,
        rows=rows,
        memory_limit=memory_limit,
    )
    return isr_from_sums(
        sums,
        group_by=group_by,
        statistic=statistic,
        refvalue=refvalue,
        multiplier=multiplier,
        confidence=confidence,
        observed_totals=observed_totals,
        observed=observed or count,
    )
