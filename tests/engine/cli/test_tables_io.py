"""The command line's shared table input and output, and its progress displays."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
import pytest

from spiral.cli import progress
from spiral.cli.tables_io import check_output, read_table, table_format, write_table


def test_it_reads_a_csv_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_bytes("\ufeffarea,value\nA,1\n".encode())
    assert list(read_table(path).columns) == ["area", "value"]


def test_it_reads_and_writes_parquet_by_either_extension(tmp_path: Path) -> None:
    table = pd.DataFrame({"area": ["A", "B"], "value": [1.5, 2.5]})
    for name in ("out.parquet", "out.pq"):
        write_table(table, tmp_path / name)
        pd.testing.assert_frame_equal(read_table(tmp_path / name), table)


def test_it_refuses_a_file_that_is_not_a_table_as_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(click.UsageError, match=r"areas\.txt: give a \.csv or \.parquet file"):
        table_format(tmp_path / "areas.txt")
    with pytest.raises(click.UsageError, match=r"--limits out\.json"):
        check_output(tmp_path / "out.json", "--limits")
    check_output(None)


def test_an_unreadable_table_is_a_one_line_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(click.ClickException) as caught:
        read_table(path)
    assert caught.value.message.startswith("broken.parquet: cannot read the table (")
    assert "\n" not in caught.value.message


def test_an_unwritable_output_is_a_one_line_message(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.csv"
    with pytest.raises(click.ClickException, match="cannot write the table"):
        write_table(pd.DataFrame({"a": [1]}), target)


def test_progress_displays_stay_silent_when_not_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    with progress.stage_progress() as update:
        assert update is None
    with progress.byte_progress("reading") as update:
        assert update is None
    with progress.row_progress(10, show=True) as report:
        report("Computing", 5)
    with progress.busy("working"):
        pass


def test_progress_displays_take_their_updates_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    with progress.stage_progress({"read": "Reading releases"}) as update:
        assert update is not None
        update("read", 1, 3)
        update("compile", 2, 0)
    with progress.byte_progress("red flags") as update:
        assert update is not None
        update(5, 10)
    with progress.row_progress(10, show=True) as report:
        report("Computing", 5)
