"""Cash flows by option, category and year, read from a table (CSV, Excel) or YAML/JSON.

A cash-flow table has one row per amount, with the columns ``option``, ``category``, ``year``
and ``amount`` (in any order; more columns are ignored)::

    option,category,year,amount
    In-house redesign,capital,0,250000
    In-house redesign,operating,1,1250000

YAML or JSON give the same figures as a mapping of option → category → amounts, each a list
from year 0 or a mapping of year → amount, or as an options file (``options:`` with each
option's ``name`` and ``cash_flows``; see ``docs/appraisal.md``).

Reading is whole-or-nothing: every problem is reported at once, naming the option, the row
and the column (rows are numbered as a spreadsheet shows them, the header being row 1), and
nothing is returned unless every row is good.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from spiral.appraisal.options import CATEGORIES, LAST_YEAR

#: The columns a cash-flow table must have.
COLUMNS: tuple[str, ...] = ("option", "category", "year", "amount")

#: Cash flows: option name → category → year → amount.
CashFlows = dict[str, dict[str, dict[int, float]]]


class CashFlowTableError(ValueError):
    """The table has problems; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).strip().replace(",", "").replace("£", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _year(text: Any) -> int | None:
    value = _number(text)
    if value is None or not value.is_integer():
        return None
    return int(value)


def cash_flows_from_rows(  # noqa: PLR0912 - one check per column, in order
    header: Sequence[Any], rows: Iterable[Sequence[Any]], options: Sequence[str]
) -> CashFlows:
    """Read the rows of a cash-flow table into option → category → year → amount.

    Parameters
    ----------
    header : sequence
        The column names (case and surrounding spaces ignored).
    rows : iterable of sequences
        The rows after the header; blank rows are skipped.
    options : sequence of str
        The names of the options the figures may belong to.

    Returns
    -------
    dict
        Amounts for every option named in the table; the same option, category and year
        given twice is an error.

    Raises
    ------
    CashFlowTableError
        Listing every problem, each naming the row, the column and, where known, the option.

    Examples
    --------
    >>> cash_flows_from_rows(["option", "category", "year", "amount"],
    ...     [["A", "operating", "0", "1,000"], ["A", "operating", 1, 1000]], ["A"])
    {'A': {'operating': {0: 1000.0, 1: 1000.0}}}
    >>> try:
    ...     cash_flows_from_rows(["option", "category", "year", "amount"],
    ...         [["A", "operating", "0", "lots"], ["B", "rent", "x", "1"]], ["A"])
    ... except CashFlowTableError as error:
    ...     print(*error.problems, sep="\\n")
    option 'A', row 2, column amount: 'lots' is not a number
    row 3, column option: no option is called 'B'
    option 'B', row 3, column category: unknown category 'rent' (use capital, operating, transition, transaction, income, cashable_savings, monetised_outcomes)
    option 'B', row 3, column year: 'x' is not a whole number
    """  # noqa: E501 - the doctest's expected output is one line
    names = [str(h).strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise CashFlowTableError([f"row 1: the table needs the column(s) {', '.join(missing)}"])
    at = {c: names.index(c) for c in COLUMNS}
    known = set(options)
    problems: list[str] = []
    out: CashFlows = {}
    for number, row in enumerate(rows, start=2):
        cells = [("" if v is None else v) for v in row]
        if not any(str(v).strip() for v in cells):
            continue
        cells += [""] * (len(names) - len(cells))
        option = str(cells[at["option"]]).strip()
        category = str(cells[at["category"]]).strip().lower().replace(" ", "_")
        where = f"option {option!r}, row {number}" if option else f"row {number}"
        good = True
        if not option:
            problems.append(f"row {number}, column option: enter the option's name")
            good = False
        elif option not in known:
            problems.append(f"row {number}, column option: no option is called {option!r}")
            good = False
        if category not in CATEGORIES:
            problems.append(
                f"{where}, column category: unknown category {cells[at['category']]!r} "
                f"(use {', '.join(CATEGORIES)})"
            )
            good = False
        year = _year(cells[at["year"]])
        if year is None:
            problems.append(f"{where}, column year: {cells[at['year']]!r} is not a whole number")
            good = False
        elif not 0 <= year <= LAST_YEAR:
            problems.append(f"{where}, column year: {year} is outside 0 to {LAST_YEAR}")
            good = False
        amount = _number(cells[at["amount"]])
        if amount is None:
            problems.append(f"{where}, column amount: {cells[at['amount']]!r} is not a number")
            good = False
        elif amount < 0:
            problems.append(
                f"{where}, column amount: {amount:g} is negative (enter costs and benefits "
                "as positive amounts; the category says which)"
            )
            good = False
        if not good or year is None or amount is None:
            continue
        by_year = out.setdefault(option, {}).setdefault(category, {})
        if year in by_year:
            problems.append(f"{where}: {category} for year {year} is given twice")
            continue
        by_year[year] = amount
    if problems:
        raise CashFlowTableError(problems)
    return out


def _from_mapping(data: Any, options: Sequence[str]) -> CashFlows:
    """Turn option → category → amounts (list or year mapping) into table rows and read them."""
    if isinstance(data, Mapping) and isinstance(data.get("options"), list):
        data = {
            str(o.get("name", "")): o.get("cash_flows") or {}
            for o in data["options"]
            if isinstance(o, Mapping)
        }
    if not isinstance(data, Mapping):
        raise CashFlowTableError(["give a mapping of option → category → amounts by year"])
    rows: list[list[Any]] = []
    problems: list[str] = []
    for option, categories in data.items():
        if not isinstance(categories, Mapping):
            problems.append(f"option {option!r}: give a mapping of category → amounts by year")
            continue
        for category, amounts in categories.items():
            if isinstance(amounts, list):
                pairs: Iterable[tuple[Any, Any]] = enumerate(amounts)
            elif isinstance(amounts, Mapping):
                pairs = amounts.items()
            else:
                problems.append(
                    f"option {option!r}, category {category}: give a list of amounts from "
                    "year 0, or a mapping of year → amount"
                )
                continue
            rows += [[option, category, y, a] for y, a in pairs if a is not None]
    if problems:
        raise CashFlowTableError(problems)
    try:
        return cash_flows_from_rows(COLUMNS, rows, options)
    except CashFlowTableError as error:
        # Row numbers mean nothing in a nested document: name the option and field instead.
        raise CashFlowTableError(
            [p.replace(", column", ", field") for p in error.problems]
        ) from None


def read_cash_flows(content: bytes, filename: str, options: Sequence[str]) -> CashFlows:
    """Read cash flows from an uploaded file, chosen by its name's ending.

    ``.csv`` (UTF-8, with or without a byte-order mark), ``.xlsx`` (the first sheet),
    ``.yaml``/``.yml`` or ``.json``.

    Examples
    --------
    >>> read_cash_flows(b"option,category,year,amount\\nA,income,2,5\\n", "flows.csv", ["A"])
    {'A': {'income': {2: 5.0}}}
    >>> read_cash_flows(b"A: {income: [0, 5]}", "flows.yaml", ["A"])
    {'A': {'income': {0: 0.0, 1: 5.0}}}
    >>> read_cash_flows(b"", "flows.txt", ["A"])
    Traceback (most recent call last):
    ...
    spiral.appraisal.cash_flow_table.CashFlowTableError: flows.txt: upload a .csv, .xlsx, .yaml, .yml or .json file
    """  # noqa: E501 - the doctest's expected output is one line
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CashFlowTableError([f"{filename}: the file is not UTF-8 text"]) from None
        table = list(csv.reader(io.StringIO(text)))
        if not table:
            raise CashFlowTableError([f"{filename}: the file is empty"])
        return cash_flows_from_rows(table[0], table[1:], options)
    if suffix == "xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise CashFlowTableError([f"{filename}: not a readable Excel workbook"]) from None
        sheet = book.worksheets[0]
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        if not table:
            raise CashFlowTableError([f"{filename}: the first sheet is empty"])
        return cash_flows_from_rows(table[0], table[1:], options)
    if suffix in {"yaml", "yml", "json"}:
        try:
            data = json.loads(content) if suffix == "json" else yaml.safe_load(content)
        except (json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError):
            kind = "JSON" if suffix == "json" else "YAML"
            raise CashFlowTableError([f"{filename}: not valid {kind}"]) from None
        return _from_mapping(data, options)
    raise CashFlowTableError([f"{filename}: upload a .csv, .xlsx, .yaml, .yml or .json file"])
