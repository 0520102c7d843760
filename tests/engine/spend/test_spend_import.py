"""Council "payments over £500" import, supplier grouping and contract links.

Reference: ``tests/reference/spend/payments_synthetic_cp1252.csv``, a synthetic Windows-1252
file with the columns and quirks of City of Bradford MDC's published spend file (see the
folder's README). Every row's expected value is written below from the file itself.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.spend.links import link_contracts, supplier_table
from spiral.spend.names import name_key
from spiral.spend.payments import SpendValidationError, decode_text, read_payments

SYNTHETIC = (
    Path(__file__).resolve().parents[2] / "reference" / "spend" / "payments_synthetic_cp1252.csv"
)


@pytest.fixture(scope="module")
def payments() -> pd.DataFrame:
    return read_payments(SYNTHETIC)


def test_it_detects_windows_1252(payments: pd.DataFrame) -> None:
    assert payments.attrs["encoding"] == "cp1252"


def test_it_maps_the_bradford_headers(payments: pd.DataFrame) -> None:
    assert payments.attrs["headers"] == {
        "service": "Service Label",
        "service_code": "Service Code",
        "expenditure_category": "Expenditure category",
        "expenditure_code": "Expenditure code",
        "payment_date": "Payment date",
        "transaction_number": "Transaction Number",
        "net_amount": "Net Amount",
        "supplier_number": "Supplier Number",
        "supplier_name": "Supplier Name",
    }


def test_every_row_is_read(payments: pd.DataFrame) -> None:
    # Line 9 of the file is blank and is skipped.
    assert payments["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 10]
    assert payments["net_amount"].tolist() == [
        695.6,
        5329.8,
        500.0,
        12000.0,
        -250.0,
        -100.0,
        925.0,
        1_000_000.01,
    ]
    assert payments["payment_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-08-13",
        "2019-08-13",
        "2019-08-08",
        "2019-08-13",
        "2019-08-20",
        "2019-08-21",
        "2019-08-22",
        "2019-08-30",
    ]
    assert payments["redacted"].tolist() == [False, False, True, False, False, False, True, False]
    assert payments["supplier_name"].tolist() == [
        "PREPAID FINANCIAL SERVICES LIMITED",
        "PREPAID FINANCIAL SERVICES LIMITED",
        pd.NA,
        "ACME SIGNS LIMITED",
        "Acme Signs Ltd.",
        "St Mary’s Trust",
        pd.NA,
        "Care & Support (North) Ltd",
    ]
    assert payments["service"].iloc[3] == "Highways – Street Lighting"
    assert payments["service_code"].isna().sum() == 6
    assert payments["transaction_number"].iloc[0] == "1900203212"


def test_suppliers_are_grouped_by_normalised_name(payments: pd.DataFrame) -> None:
    table = supplier_table(payments)
    assert table["supplier_key"].tolist() == [
        "care and support north ltd",
        "acme signs ltd",
        "prepaid financial services ltd",
        "st mary s trust",
    ]
    assert table["payments"].tolist() == [1, 2, 2, 1]
    assert table["net_total"].tolist() == pytest.approx([1_000_000.01, 11750.0, 6025.4, -100.0])
    assert table.loc[1, "names"] == "ACME SIGNS LIMITED | Acme Signs Ltd."
    assert table.loc[1, "supplier_numbers"] == "220031"


def test_payments_link_to_contracts_by_number_then_name(payments: pd.DataFrame) -> None:
    contracts = pd.DataFrame(
        {
            "contract_id": ["CON-1", "CON-2", "CON-3", "CON-4"],
            "supplier_id": ["220031", None, None, "999"],
            "supplier_name": [
                "Acme Signs",
                "Prepaid Financial Services Ltd",
                "CARE AND SUPPORT (NORTH) LIMITED",
                "St Mary's Trust",
            ],
        }
    )
    links = link_contracts(payments, contracts)
    assert links.values.tolist() == [
        [2, "CON-2", "supplier name"],
        [3, "CON-2", "supplier name"],
        [5, "CON-1", "supplier number"],
        [6, "CON-1", "supplier number"],
        [7, "CON-4", "supplier name"],
        [10, "CON-3", "supplier name"],
    ]


def test_redacted_payments_are_never_linked(payments: pd.DataFrame) -> None:
    contracts = pd.DataFrame(
        {
            "contract_id": ["X"],
            "supplier_id": ["REDACTED PERSONAL DATA"],
            "supplier_name": ["REDACTED PERSONAL DATA"],
        }
    )
    assert link_contracts(payments, contracts).empty


def test_it_rejects_the_whole_file_naming_each_row_and_field() -> None:
    data = (
        "Payment Date,Amount,Supplier\n2019-08-01,10,A Ltd\n2019-13-01,£5,B Ltd\n,abc,\n"
    ).encode()
    with pytest.raises(SpendValidationError) as error:
        read_payments(data, name="aug.csv")
    assert [str(problem) for problem in error.value.problems] == [
        "row 3, payment_date: not a date: '2019-13-01'",
        "row 4, payment_date: missing",
        "row 4, net_amount: not an amount: 'abc'",
        "row 4, supplier_name: missing",
    ]
    assert str(error.value).startswith("aug.csv: 4 problem(s): row 3, payment_date")


def test_row_numbers_count_lines_of_quoted_fields_that_span_lines() -> None:
    data = b'Payment Date,Amount,Supplier\n2019-08-01,10,"A\nLtd"\n2019-08-02,x,B\n'
    with pytest.raises(SpendValidationError) as error:
        read_payments(data)
    assert [str(problem) for problem in error.value.problems] == [
        "row 4, net_amount: not an amount: 'x'"
    ]


def test_it_names_a_missing_required_column() -> None:
    with pytest.raises(SpendValidationError, match="row 1, net_amount: no column for it"):
        read_payments(b"Payment Date,Supplier\n2019-08-01,A\n")


def test_it_reads_utf8_with_a_byte_order_mark_and_other_headers() -> None:
    data = "\ufeffDate Paid,Amount (£),Vendor Name,Vendor ID\n01-Aug-2019,£1.50CR,Zed,7\n"
    table = read_payments(data.encode("utf-8"))
    assert table.attrs["encoding"] == "utf-8"
    assert table[["net_amount", "supplier_name", "supplier_number"]].values.tolist() == [
        [-1.5, "Zed", "7"]
    ]


def test_it_falls_back_to_latin_1_for_bytes_cp1252_leaves_undefined() -> None:
    assert decode_text(b"caf\xe9 \x81")[1] == "latin-1"


@given(st.text(alphabet=st.characters(codec="cp1252"), max_size=30))
def test_a_name_key_ignores_case_and_legal_form_and_is_its_own_key(name: str) -> None:
    assert name_key(name.upper()) == name_key(name.lower())
    assert name_key(f"{name} Limited") == name_key(f"{name.lower()} LTD")
    key = name_key(name)
    if key is not None:
        assert name_key(key) == key
