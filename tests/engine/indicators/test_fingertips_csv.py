"""Reading Fingertips data-export CSVs.

Reference: ``tests/reference/fingertips_api/all_data_by_indicator_id_93085_502.csv``, a file
with the Fingertips export's columns (see that folder's README).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from spiral.exceptions import ImportErrors
from spiral.indicators.fingertips_csv import read_fingertips_csv

EXPORT = (
    Path(__file__).parents[2]
    / "reference"
    / "fingertips_api"
    / "all_data_by_indicator_id_93085_502.csv"
)


def test_it_reads_every_row_of_an_export() -> None:
    table = read_fingertips_csv(EXPORT)
    assert len(table) == 10
    england = table[table["area_code"] == "E92000001"].iloc[0]
    assert england["numerator"] == 45176.0
    assert england["denominator"] == 515699.0
    assert england["value"] == pytest.approx(8.760149)
    assert england["lower_ci_99_8"] == pytest.approx(8.639253)
    assert england["period"] == "2022/23"
    assert england["period_sortable"] == "20220000"
    bolton = table[(table["area_code"] == "E08000001") & (table["period"] == "2023/24")].iloc[0]
    assert bolton["parent_code"] == "E12000002"
    assert bolton["area_name"] == "Bolton"
    assert bolton["compared_to_parent"] == "Not compared"
    assert bolton["recent_trend"] == "Cannot be calculated"


def test_it_reads_a_byte_order_mark() -> None:
    data = EXPORT.read_bytes()
    table = read_fingertips_csv(io.BytesIO(b"\xef\xbb\xbf" + data))
    assert table["indicator_id"].iloc[0] == "93085"


def test_it_reports_every_bad_row_of_an_export() -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("E06000008", "E0600008")
    lines[4] = lines[4].replace(",325,", ",three hundred,")
    with pytest.raises(ImportErrors) as caught:
        read_fingertips_csv(io.StringIO("\n".join(lines)))
    found = [(problem.row, problem.field) for problem in caught.value.problems]
    assert found == [(2, "area_code"), (4, "numerator")]


def test_it_names_a_missing_fingertips_column() -> None:
    with pytest.raises(ImportErrors, match="Fingertips column missing: 'Time period'"):
        read_fingertips_csv(io.StringIO("Indicator ID,Area Code,Value\n1,E92000001,3\n"))
