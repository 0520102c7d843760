"""Reading and writing the tables the ``spiral stats`` commands take and give: CSV or Parquet.

The format is chosen by the file's extension (``.csv``; ``.parquet`` or ``.pq``). Without an
output file, results go to standard output as CSV. A file that cannot be read or written
ends the command with a one-line message (exit status 1); a wrong extension is a usage
error (exit status 2). pandas is imported inside the functions, to keep start-up quick.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TABLE_SUFFIXES",
    "check_output",
    "input_argument",
    "output_option",
    "read_table",
    "table_format",
    "write_table",
]

F = TypeVar("F", bound=Callable[..., Any])

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")


def table_format(path: Path) -> Literal["csv", "parquet"]:
    """``"csv"`` or ``"parquet"`` from a file's extension; a usage error for any other.

    Examples
    --------
    >>> table_format(Path("areas.PQ"))
    'parquet'
    """
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise click.UsageError(f"{path.name}: give a .csv or .parquet file")
    return "csv" if suffix == ".csv" else "parquet"


def check_output(path: Path | None, option: str = "-o") -> None:
    """Refuse an output file whose extension is not a table's, before any work is done."""
    if path is not None and path.suffix.lower() not in TABLE_SUFFIXES:
        raise click.UsageError(f"{option} {path.name}: give a .csv or .parquet file")


def read_table(path: Path) -> pd.DataFrame:
    """Read a whole CSV (UTF-8, with or without a byte-order mark) or Parquet table."""
    import pandas as pd

    kind = table_format(path)
    try:
        if kind == "parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as error:
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else type(error).__name__
        raise click.ClickException(f"{path.name}: cannot read the table ({first_line})") from None


def write_table(table: pd.DataFrame, path: Path | None) -> None:
    """Write ``table`` to ``path`` (CSV or Parquet by extension), or as CSV to standard output."""
    if path is None:
        click.echo(table.to_csv(index=False), nl=False)
        return
    kind = table_format(path)
    try:
        if kind == "parquet":
            table.to_parquet(path, index=False)
        else:
            table.to_csv(path, index=False)
    except OSError as error:
        raise click.ClickException(f"{path}: cannot write the table ({error.strerror})") from None


def input_argument(name: str = "input_path") -> Callable[[F], F]:
    """The ``INPUT`` argument of a table command: an existing CSV or Parquet file."""
    return click.argument(
        name, metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )


def output_option(name: str = "output_path") -> Callable[[F], F]:
    """The ``-o/--output`` option of a table command."""
    return click.option(
        "-o",
        "--output",
        name,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the result here (.csv or .parquet); CSV to standard output otherwise.",
    )
