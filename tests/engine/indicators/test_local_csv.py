"""Reading local CSV and Excel files with a column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from spiral.exceptions import ImportErrors
from spiral.indicators.local_csv import read_local_file

MAPPING = {"area_code": "Area", "period": "Year", "numerator": "Cases", "denominator": "Population"}


def test_it_reads_a_csv_with_a_mapping_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "falls.csv"
    path.write_text('Area,Year,Cases,Population\nE08000009,2023,812,"42,515"\n')
    table = read_local_file(path, MAPPING, defaults={"indicator_id": "falls-65"})
    assert table[["indicator_id", "area_code", "numerator", "denominator"]].to_dict("records") == [
        {
            "indicator_id": "falls-65",
            "area_code": "E08000009",
            "numerator": 812.0,
            "denominator": 42515.0,
        }
    ]


def test_it_reads_a_worksheet(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["Area", "Year", "Cases", "Population"])
    sheet.append(["E08000009", 2023, 812, 42515])
    sheet.append(["E08000003", 2023, 1630, 51011])
    path = tmp_path / "falls.xlsx"
    book.save(path)
    table = read_local_file(path, MAPPING, sheet="Data", defaults={"indicator_id": "falls"})
    assert table["numerator"].tolist() == [812.0, 1630.0]
    assert table["period"].tolist() == ["2023", "2023"]


def test_it_refuses_the_whole_file_when_any_row_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "falls.csv"
    path.write_text("Area,Year,Cases,Population\nE08000009,2023,812,700\nTrafford,2023,12,100\n")
    with pytest.raises(ImportErrors) as caught:
        read_local_file(path, MAPPING, defaults={"indicator_id": "falls"}, proportion=True)
    assert [str(problem) for problem in caught.value.problems] == [
        "row 1, numerator: 812 is more than the denominator 700 in a proportion",
        "row 2, area_code: 'Trafford' is not an ONS GSS area code"
        " (a letter E, W, S, N or K and 8 digits)",
    ]


def test_it_names_a_mapped_column_the_file_lacks(tmp_path: Path) -> None:
    path = tmp_path / "falls.csv"
    path.write_text("Area,Year,Cases\nE08000009,2023,812\n")
    with pytest.raises(ImportErrors, match="mapped column 'Population' is not in the file"):
        read_local_file(path, MAPPING, defaults={"indicator_id": "falls"})


def test_it_says_when_the_file_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ImportErrors, match="no such file"):
        read_local_file(tmp_path / "nothing.csv", MAPPING)
