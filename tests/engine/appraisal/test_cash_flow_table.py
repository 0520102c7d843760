"""Cash-flow tables (CSV, Excel, YAML, JSON): read whole or not at all, every problem named.

The format is Spiral's own (``docs/appraisal.md``, "Cash-flow tables"); there is no external
reference, so these tests check the rules: each row's option, category, year and amount, the
row numbers a spreadsheet shows, and that nothing is returned when any row is wrong.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.appraisal.cash_flow_table import (
    CashFlowTableError,
    cash_flows_from_rows,
    read_cash_flows,
)
from spiral.appraisal.options import CATEGORIES

HEADER = ["option", "category", "year", "amount"]


def test_it_reads_columns_in_any_order_and_ignores_extra_ones() -> None:
    flows = cash_flows_from_rows(
        ["Amount", " Year", "note", "CATEGORY", "option"],
        [["1,250", "2", "from the budget", "Monetised outcomes", "A"]],
        ["A"],
    )
    assert flows == {"A": {"monetised_outcomes": {2: 1250.0}}}


def test_it_names_a_missing_column() -> None:
    with pytest.raises(CashFlowTableError) as error:
        cash_flows_from_rows(["option", "year", "amount"], [], ["A"])
    assert error.value.problems == ["row 1: the table needs the column(s) category"]


def test_it_skips_blank_rows_but_counts_them() -> None:
    with pytest.raises(CashFlowTableError) as error:
        cash_flows_from_rows(
            HEADER, [["A", "operating", 1, 5], ["", "", "", ""], ["A", "operating", 1.5, 5]], ["A"]
        )
    assert error.value.problems == ["option 'A', row 4, column year: 1.5 is not a whole number"]


def test_it_refuses_a_negative_amount_and_a_repeated_cell() -> None:
    with pytest.raises(CashFlowTableError) as error:
        cash_flows_from_rows(
            HEADER,
            [["A", "operating", 1, -5], ["A", "income", 1, 5], ["A", "income", 1, 6]],
            ["A"],
        )
    assert error.value.problems[0].startswith("option 'A', row 2, column amount: -5 is negative")
    assert error.value.problems[1] == "option 'A', row 4: income for year 1 is given twice"


def test_it_refuses_a_year_out_of_range() -> None:
    with pytest.raises(CashFlowTableError) as error:
        cash_flows_from_rows(HEADER, [["A", "operating", 1001, 5]], ["A"])
    assert error.value.problems == ["option 'A', row 2, column year: 1001 is outside 0 to 1000"]


def test_it_reads_the_first_sheet_of_a_workbook() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["A", "capital", 0, 250000])
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_cash_flows(buffer.getvalue(), "flows.xlsx", ["A"]) == {
        "A": {"capital": {0: 250000.0}}
    }


def test_it_reads_an_options_file_and_names_fields_not_rows() -> None:
    document = {"options": [{"name": "A", "cash_flows": {"operating": [0, 10], "rent": [1]}}]}
    with pytest.raises(CashFlowTableError) as error:
        read_cash_flows(json.dumps(document).encode(), "options.json", ["A"])
    assert error.value.problems[0].startswith("option 'A', row 4, field category: unknown category")


def test_it_says_when_a_file_is_not_what_its_name_says() -> None:
    with pytest.raises(CashFlowTableError, match="not valid YAML"):
        read_cash_flows(b"a: [1, 2", "flows.yaml", ["A"])
    with pytest.raises(CashFlowTableError, match="not a readable Excel workbook"):
        read_cash_flows(b"not a zip", "flows.xlsx", ["A"])
    with pytest.raises(CashFlowTableError, match="not UTF-8"):
        read_cash_flows(b"\xff\xfe\x00", "flows.csv", ["A"])


amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)


@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["A", "B"]), st.sampled_from(CATEGORIES), st.integers(0, 40)),
        amounts,
        max_size=30,
    )
)
def test_csv_and_yaml_give_the_same_cash_flows(cells: dict[tuple[str, str, int], float]) -> None:
    csv_text = "option,category,year,amount\n" + "".join(
        f"{o},{c},{y},{a!r}\n" for (o, c, y), a in cells.items()
    )
    nested: dict[str, dict[str, dict[int, float]]] = {}
    for (o, c, y), a in cells.items():
        nested.setdefault(o, {}).setdefault(c, {})[y] = a
    from_csv = read_cash_flows(csv_text.encode(), "f.csv", ["A", "B"])
    from_json = read_cash_flows(json.dumps(nested).encode(), "f.json", ["A", "B"])
    assert from_csv == from_json == nested
