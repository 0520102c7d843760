"""Comparator groups: each area's nearest neighbours on context variables, or a published group.

Method: a weighted, standardised Euclidean distance, the approach of the CIPFA Nearest
Neighbours Model (CIPFA, *Nearest Neighbours Model: technical guidance*) and of the
Fingertips/ONS "statistical neighbours" families. Each context variable ``j`` (population,
deprivation score, rurality, share aged 65+ ...) is standardised across all areas to a
z-score ``z = (x − mean) / sd`` (sample standard deviation; a variable with no spread
contributes nothing), and the distance between areas ``a`` and ``b`` is

    d(a, b) = sqrt( Σ_j w_j (z_aj − z_bj)² )

with non-negative weights ``w_j`` (equal weights by default). Each area's ``k`` nearest
other areas form its comparator group; ties are broken by area code so that the result does
not depend on row order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from spiral.exceptions import InputError

__all__ = ["comparator_distances", "nearest_neighbours", "published_groups", "standardised"]

BLOCK_ROWS = 64


def _weights(variables: Sequence[str] | Mapping[str, float]) -> tuple[list[str], np.ndarray]:
    if isinstance(variables, Mapping):
        names = list(variables)
        weights = np.array([float(variables[name]) for name in names])
    else:
        names = list(variables)
        weights = np.ones(len(names))
    if not names:
        raise InputError("give at least one context variable")
    if np.any(~np.isfinite(weights)) or np.any(weights < 0) or not np.any(weights > 0):
        raise InputError("weights must be non-negative numbers, at least one above zero")
    return names, weights


def standardised(
    context: pd.DataFrame, variables: Sequence[str] | Mapping[str, float]
) -> np.ndarray:
    """Z-scores of the context variables, multiplied by the square roots of their weights.

    Euclidean distances between the rows of the result are the weighted standardised
    distances of this module.

    Raises
    ------
    InputError
        When a variable is missing, or a value is missing or not a number (naming the row).

    Examples
    --------
    >>> import pandas as pd
    >>> context = pd.DataFrame({"population": [100.0, 200.0, 300.0]})
    >>> standardised(context, ["population"]).ravel().tolist()
    [-1.0, 0.0, 1.0]
    """
    names, weights = _weights(variables)
    missing = [name for name in names if name not in context.columns]
    if missing:
        raise InputError(f"context variables not in the table: {missing!r}")
    columns = []
    for name in names:
        values = pd.to_numeric(context[name], errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(f"row {row + 1}, {name}: {context[name].iloc[row]!r} is not a number")
        columns.append(values.to_numpy(dtype=float))
    matrix = np.column_stack(columns)
    mean = matrix.mean(axis=0)
    spread = matrix.std(axis=0, ddof=1) if len(matrix) > 1 else np.zeros(len(names))
    safe = np.where(spread > 0, spread, 1.0)
    z = np.where(spread > 0, (matrix - mean) / safe, 0.0)
    result: np.ndarray = z * np.sqrt(weights)
    return result


def _areas(context: pd.DataFrame, area: str) -> np.ndarray:
    if area not in context.columns:
        raise InputError(f"{area!r} is not a column of the context table")
    codes = context[area].astype("string")
    if codes.isna().any():
        row = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise InputError(f"row {row + 1}, {area}: missing")
    if codes.duplicated().any():
        row = int(np.flatnonzero(codes.duplicated().to_numpy())[0])
        raise InputError(f"row {row + 1}, {area}: {codes.iloc[row]!r} appears twice")
    return codes.to_numpy(dtype=object)


def _squared(left: np.ndarray, right: np.ndarray, right_norms: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between rows, floored at 0 (rounding can dip below)."""
    squared: np.ndarray = left @ right.T
    squared *= -2.0
    squared += right_norms[None, :]
    squared += np.einsum("ij,ij->i", left, left)[:, None]
    np.maximum(squared, 0.0, out=squared)
    return squared


def _pairwise(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    distances: np.ndarray = np.sqrt(_squared(left, right, np.einsum("ij,ij->i", right, right)))
    return distances


def _smallest(block: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the ``k`` smallest entries of each row, ties to the lower position.

    A partial partition finds each row's k-th smallest distance; only the entries at or
    below it are then ordered (by distance, then position), so the cost stays near linear.
    """
    kth = np.partition(block, k - 1, axis=1)[:, k - 1 : k]
    rows, cols = np.nonzero(block <= kth)
    order = np.lexsort((cols, block[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(block.shape[0]))
    rank = np.arange(len(rows)) - starts[rows]
    keep = rank < k
    return cols[keep].reshape(block.shape[0], k)


def comparator_distances(
    context: pd.DataFrame,
    variables: Sequence[str] | Mapping[str, float],
    *,
    area: str = "area_code",
) -> pd.DataFrame:
    """Square table of weighted standardised distances between every pair of areas.

    For a few hundred areas (local authorities); for many thousands use
    :func:`nearest_neighbours`, which never holds the whole matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> context = pd.DataFrame({"area_code": ["E06000001", "E06000002", "E06000003"],
    ...                         "population": [100.0, 200.0, 300.0]})
    >>> comparator_distances(context, ["population"]).round(6).values.tolist()
    [[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    """
    codes = _areas(context, area)
    z = standardised(context, variables)
    distances = _pairwise(z, z)
    np.fill_diagonal(distances, 0.0)
    distances = (distances + distances.T) / 2
    return pd.DataFrame(distances, index=pd.Index(codes, name=area), columns=codes)


def nearest_neighbours(
    context: pd.DataFrame,
    variables: Sequence[str] | Mapping[str, float],
    *,
    k: int = 15,
    area: str = "area_code",
) -> pd.DataFrame:
    """Each area's ``k`` nearest other areas by weighted standardised Euclidean distance.

    Parameters
    ----------
    context : DataFrame
        One row per area: its code and context variables.
    variables : list of str, or mapping of str to float
        Context variables, equally weighted, or with their weights.
    k : int
        Comparators per area (CIPFA publishes 15 for councils); at most the number of areas
        minus one.
    area : str
        Column of area codes.

    Returns
    -------
    DataFrame
        ``area_code``, ``comparator_code``, ``rank`` (1 = nearest) and ``distance``:
        ``k`` rows per area, ordered by area then rank.

    Examples
    --------
    >>> import pandas as pd
    >>> context = pd.DataFrame({
    ...     "area_code": ["E06000001", "E06000002", "E06000003", "E06000004"],
    ...     "population": [90.0, 100.0, 300.0, 310.0],
    ...     "deprivation": [30.0, 31.0, 12.0, 10.0]})
    >>> groups = nearest_neighbours(context, {"population": 1, "deprivation": 2}, k=1)
    >>> groups["comparator_code"].tolist()
    ['E06000002', 'E06000001', 'E06000004', 'E06000003']
    """
    codes = _areas(context, area)
    count = len(codes)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k must be a whole number of at least 1, not {k!r}")
    if k > count - 1:
        raise InputError(f"k = {k} but there are only {count - 1} other areas")
    # working in area-code order makes the result independent of row order, ties included
    order = np.argsort(codes.astype(str), kind="stable")
    codes = codes[order]
    z = standardised(context.iloc[order], variables)
    chosen = np.empty((count, k), dtype=np.int64)
    chosen_distance = np.empty((count, k))
    norms = np.einsum("ij,ij->i", z, z)
    for start in range(0, count, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, count)
        # squared distances order the same way as distances: take the root of the chosen only
        block = _squared(z[start:stop], z, norms)
        block[np.arange(stop - start), np.arange(start, stop)] = np.inf  # not one's own neighbour
        part = _smallest(block, k)
        chosen[start:stop] = part
        chosen_distance[start:stop] = np.sqrt(np.take_along_axis(block, part, axis=1))
    return pd.DataFrame(
        {
            "area_code": np.repeat(codes, k),
            "comparator_code": codes[chosen.ravel()],
            "rank": np.tile(np.arange(1, k + 1), count),
            "distance": chosen_distance.ravel(),
        }
    )


def published_groups(
    groups: pd.DataFrame | Mapping[str, Sequence[str]],
    *,
    area: str = "area_code",
    comparator: str = "comparator_code",
) -> pd.DataFrame:
    """A comparator group someone published (CIPFA, ONS, a regional family), as a table.

    Accepts a mapping ``{area: [comparators in rank order]}`` or a table with ``area`` and
    ``comparator`` columns (and optionally ``rank``). Returns the shape of
    :func:`nearest_neighbours` (``distance`` missing), after checking that no area lists
    itself or the same comparator twice.

    Examples
    --------
    >>> published_groups({"E08000009": ["E08000007", "E06000049"]}).values.tolist()
    [['E08000009', 'E08000007', 1, nan], ['E08000009', 'E06000049', 2, nan]]
    """
    if isinstance(groups, Mapping):
        rows = [
            (key, member, position)
            for key, members in groups.items()
            for position, member in enumerate(members, start=1)
        ]
        table = pd.DataFrame(rows, columns=["area_code", "comparator_code", "rank"])
    else:
        missing = [c for c in (area, comparator) if c not in groups.columns]
        if missing:
            raise InputError(f"comparator group table needs the columns {missing!r}")
        table = groups.rename(columns={area: "area_code", comparator: "comparator_code"})
        if "rank" not in table.columns:
            table = table.assign(rank=table.groupby("area_code").cumcount() + 1)
        table = table[["area_code", "comparator_code", "rank"]].reset_index(drop=True)
    own = table["area_code"] == table["comparator_code"]
    if own.any():
        row = int(np.flatnonzero(own.to_numpy())[0])
        raise InputError(f"row {row + 1}: {table['area_code'].iloc[row]} lists itself")
    twice = table.duplicated(["area_code", "comparator_code"])
    if twice.any():
        row = int(np.flatnonzero(twice.to_numpy())[0])
        raise InputError(
            f"row {row + 1}: {table['comparator_code'].iloc[row]} is listed twice for "
            f"{table['area_code'].iloc[row]}"
        )
    return table.assign(distance=np.nan)
