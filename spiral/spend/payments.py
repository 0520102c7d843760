"""Council "payments over £500" files: read, checked, all or nothing.

English local authorities publish every payment over £500 (Local Government Transparency
Code 2015, part 2). Each council writes its own CSV: the encoding (UTF-8, or Windows-1252 with
its ``£`` as byte 0xA3), the header names and the ways of writing amounts and dates all vary.
:func:`read_payments` maps the headers it recognises onto one set of columns:

=====================  ==========================================================
column                 headers recognised (case, spaces and punctuation ignored)
=====================  ==========================================================
service                Service, Service Label, Service Area, Department,
                       Directorate, Service Division
service_code           Service Code
expenditure_category   Expenditure Category, Expense Type, Expenditure Type,
                       Purpose, Category, Subjective Description
expenditure_code       Expenditure Code, Expense Code, Subjective Code
payment_date           Payment Date, Date Paid, Paid Date, Transaction Date, Date
transaction_number     Transaction Number, Transaction No, Transaction ID,
                       Transaction Reference, Payment Reference, Reference
net_amount             Net Amount, Amount, Net, Net Value, Value, Amount Paid,
                       Amount (£), Total
supplier_number        Supplier Number, Supplier ID, Supplier Code, Supplier
                       Reference, Vendor Number, Vendor ID
supplier_name          Supplier Name, Supplier, Vendor Name, Vendor, Payee,
                       Beneficiary
=====================  ==========================================================

``payment_date``, ``net_amount`` and ``supplier_name`` are required. Amounts may carry ``£``,
``GBP``, thousands commas, a leading or trailing minus, brackets or ``CR`` for a credit.
Dates are read day first: ``2019-08-13``, ``13/08/2019``, ``13-08-19``, ``13.08.2019``,
``13-Aug-2019``, ``13 August 2019``. Rows whose supplier is withheld ("REDACTED PERSONAL DATA",
"Redacted", "Withheld", "Personal data") are kept with ``redacted = True`` and no supplier.

Any bad value stops the import: :class:`SpendValidationError` lists every problem with its
row (line of the file, the header being line 1) and field, and nothing is returned.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from spiral.exceptions import ImportErrors, InputError, Problem

__all__ = [
    "COLUMNS",
    "Problem",
    "SpendValidationError",
    "decode_text",
    "read_payments",
]

COLUMNS = (
    "row",
    "service",
    "service_code",
    "expenditure_category",
    "expenditure_code",
    "payment_date",
    "transaction_number",
    "net_amount",
    "supplier_number",
    "supplier_name",
    "redacted",
)

_HEADERS: dict[str, tuple[str, ...]] = {
    "service": (
        "service",
        "servicelabel",
        "servicearea",
        "department",
        "directorate",
        "servicedivision",
        "servicename",
    ),
    "service_code": ("servicecode",),
    "expenditure_category": (
        "expenditurecategory",
        "expensetype",
        "expendituretype",
        "purpose",
        "category",
        "subjectivedescription",
    ),
    "expenditure_code": ("expenditurecode", "expensecode", "subjectivecode"),
    "payment_date": ("paymentdate", "datepaid", "paiddate", "transactiondate", "date"),
    "transaction_number": (
        "transactionnumber",
        "transactionno",
        "transactionid",
        "transactionreference",
        "paymentreference",
        "reference",
    ),
    "net_amount": (
        "netamount",
        "amount",
        "net",
        "netvalue",
        "value",
        "amountpaid",
        "amountgbp",
        "total",
    ),
    "supplier_number": (
        "suppliernumber",
        "supplierid",
        "suppliercode",
        "supplierreference",
        "supplierno",
        "vendornumber",
        "vendorid",
    ),
    "supplier_name": ("suppliername", "supplier", "vendorname", "vendor", "payee", "beneficiary"),
}
_REQUIRED = ("payment_date", "net_amount", "supplier_name")
_REDACTED = re.compile(r"redacted|withheld|personal data|^\s*private\s*$", re.IGNORECASE)
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
_MAX_LISTED = 20


class SpendValidationError(ImportErrors):
    """The file cannot be imported; ``problems`` lists every bad value found.

    An :class:`~spiral.exceptions.ImportErrors` whose message is one line naming the file.
    """

    def __init__(self, problems: list[Problem], *, source: str = "spend file") -> None:
        self.problems = problems
        listed = "; ".join(str(problem) for problem in problems[:_MAX_LISTED])
        more = len(problems) - _MAX_LISTED
        suffix = f"; and {more} more" if more > 0 else ""
        InputError.__init__(self, f"{source}: {len(problems)} problem(s): {listed}{suffix}")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a spend file, detecting its encoding.

    UTF-8 (with or without a byte-order mark) when the bytes are valid UTF-8; otherwise
    Windows-1252, the usual encoding of files saved from Excel on Windows; otherwise
    ISO-8859-1, which accepts any byte.

    Returns
    -------
    tuple of (str, str)
        The text and the encoding used: ``"utf-8"``, ``"cp1252"`` or ``"latin-1"``.

    Examples
    --------
    >>> decode_text("Amount\\n£500\\n".encode("cp1252"))
    ('Amount\\n£500\\n', 'cp1252')
    >>> decode_text("\\ufeffAmount\\n£500\\n".encode("utf-8"))[1]
    'utf-8'
    """
    for encoding, codec in (("utf-8", "utf-8-sig"), ("cp1252", "cp1252")):
        try:
            return data.decode(codec), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower().replace("£", "gbp"))


def _map_headers(headers: list[str], source: str) -> dict[str, str]:
    """Map each standard column to the file's header that holds it."""
    keys = {_header_key(header): header for header in reversed(headers)}
    mapping: dict[str, str] = {}
    for column, synonyms in _HEADERS.items():
        for synonym in synonyms:
            header = keys.get(synonym)
            if header is not None and header not in mapping.values():
                mapping[column] = header
                break
    missing = [column for column in _REQUIRED if column not in mapping]
    if missing:
        found = ", ".join(repr(header) for header in headers)
        raise SpendValidationError(
            [
                Problem(1, column, f"no column for it among the headers {found}")
                for column in missing
            ],
            source=source,
        )
    return mapping


def _clean(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def _amounts(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse amounts; return the values and a mask of the ones that could not be read."""
    cleaned = text.str.replace(r"(?i)gbp|£|,|\s", "", regex=True).str.replace(
        "\u2212", "-", regex=False
    )
    credit = cleaned.str.contains(r"(?i)cr$|^\(.*\)$|-$", regex=True, na=False)
    cleaned = cleaned.str.replace(r"(?i)cr$|^\(|\)$|-$", "", regex=True)
    values = pd.to_numeric(cleaned, errors="coerce")
    values = values.where(~credit, -values.abs())
    bad = text.notna() & values.isna()
    return values.astype("float64"), bad


def _dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for pattern in _DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=pattern, errors="coerce")
    bad = text.notna() & parsed.isna()
    return parsed.dt.normalize(), bad


def _line_numbers(text: str, records: int) -> np.ndarray:
    """The line of the file on which each data record starts (the header is line 1)."""
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(starts) == records + 1:
        return np.asarray(starts[1:], dtype=np.int64)
    # Quoted fields span lines: ask the csv module where each record starts.
    reader = csv.reader(io.StringIO(text))
    numbers: list[int] = []
    line = 1
    for fields in reader:
        if any(field.strip() for field in fields):
            numbers.append(line)
        line = reader.line_num + 1
    return np.asarray(numbers[1 : records + 1], dtype=np.int64)


def read_payments(source: str | Path | bytes, *, name: str | None = None) -> pd.DataFrame:
    """Read a council payments file into a checked table, or raise listing every problem.

    Parameters
    ----------
    source : str, Path or bytes
        The path of a CSV file, or its bytes.
    name : str, optional
        What to call the file in error messages (default: its path, or "spend file").

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`: ``row`` (line in the file), the mapped text columns
        (missing where blank or absent), ``payment_date`` (datetime64), ``net_amount``
        (float, negative for credits) and ``redacted`` (bool). ``attrs["encoding"]`` holds
        the encoding detected and ``attrs["headers"]`` the mapping used.

    Raises
    ------
    SpendValidationError
        Naming each bad row and field: a missing required column, a missing or unreadable
        date or amount, a missing supplier name.

    Examples
    --------
    >>> data = ("Service,Payment date,Net Amount,Supplier Name\\n"
    ...         "Highways,13/08/2019,\\"£1,250.00\\",ACME LTD\\n"
    ...         "Care,2019-08-14,-75.5,REDACTED PERSONAL DATA\\n").encode("cp1252")
    >>> table = read_payments(data)
    >>> table[["row", "net_amount", "supplier_name", "redacted"]].values.tolist()
    [[2, 1250.0, 'ACME LTD', False], [3, -75.5, <NA>, True]]
    >>> table.attrs["encoding"]
    'cp1252'
    >>> read_payments(b"Payment date,Net Amount,Supplier Name\\n31/02/2019,ten,X\\n")
    Traceback (most recent call last):
    ...
    spiral.spend.payments.SpendValidationError: spend file: 2 problem(s): row 2, \
payment_date: not a date: '31/02/2019'; row 2, net_amount: not an amount: 'ten'
    """
    if isinstance(source, bytes):
        data, label = source, name or "spend file"
    else:
        path = Path(source)
        label = name or str(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SpendValidationError(
                [Problem(0, "file", f"cannot be read: {error.strerror}")], source=label
            ) from None
    text, encoding = decode_text(data)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else "empty file"
        raise SpendValidationError([Problem(1, "file", message)], source=label) from None
    raw.columns = [str(column).strip() for column in raw.columns]
    mapping = _map_headers(list(raw.columns), label)
    rows = pd.Series(_line_numbers(text, len(raw)), index=raw.index)
    blank = raw.apply(lambda column: column.str.strip() == "").all(axis=1)
    raw, rows = raw[~blank], rows[~blank]

    table = pd.DataFrame({"row": rows.astype("int64")})
    for column in _HEADERS:
        header = mapping.get(column)
        if header is None:
            table[column] = pd.Series(pd.NA, index=raw.index, dtype="string")
        else:
            table[column] = _clean(raw[header])

    problems: list[Problem] = []
    amounts, bad_amount = _amounts(table["net_amount"])
    dates, bad_date = _dates(table["payment_date"])
    supplier_text = table["supplier_name"].fillna("") + " " + table["supplier_number"].fillna("")
    redacted = supplier_text.str.contains(_REDACTED, regex=True).fillna(False).astype(bool)
    checks = (
        ("payment_date", table["payment_date"].isna(), "missing"),
        ("payment_date", bad_date, "not a date: {!r}"),
        ("net_amount", table["net_amount"].isna(), "missing"),
        ("net_amount", bad_amount, "not an amount: {!r}"),
        ("supplier_name", table["supplier_name"].isna() & ~redacted, "missing"),
    )
    for field, mask, message in checks:
        flagged = table.loc[mask, ["row", field]]
        problems.extend(
            Problem(int(row), field, message.format(value))
            for row, value in zip(flagged["row"].tolist(), flagged[field].tolist(), strict=True)
        )
    if problems:
        problems.sort(key=lambda problem: (problem.row, COLUMNS.index(problem.field)))
        raise SpendValidationError(problems, source=label)

    table["payment_date"] = dates
    table["net_amount"] = amounts
    table["redacted"] = redacted
    table.loc[redacted, ["supplier_name", "supplier_number"]] = pd.NA
    result = table[list(COLUMNS)].reset_index(drop=True)
    result.attrs["encoding"] = encoding
    result.attrs["headers"] = mapping
    return result
