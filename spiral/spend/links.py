"""Payments linked to suppliers and to contracts.

:func:`supplier_table` groups payments by supplier, taking two payments to be to the same
supplier when their normalised names match (:func:`spiral.spend.names.name_key`: case,
punctuation, ``&``/``and``, ``Ltd``/``Limited`` ignored). Redacted payments are left out.

:func:`link_contracts` links each payment to the contracts of its supplier, given a table of
contract suppliers (for example from an OCDS award table or the council's contract
register): first by supplier number (the contract's ``supplier_id`` equals the payment's
``supplier_number``, compared as trimmed text), then, for payments not linked that way, by
normalised name. A payment to a supplier with several contracts is linked to each of them,
one row per link.
"""

from __future__ import annotations

import pandas as pd

from spiral.exceptions import InputError
from spiral.spend.names import name_keys

__all__ = ["link_contracts", "supplier_table"]


def supplier_table(payments: pd.DataFrame) -> pd.DataFrame:
    """One row per supplier: the names and numbers seen, payments and their total.

    Parameters
    ----------
    payments : DataFrame
        From :func:`spiral.spend.payments.read_payments`.

    Returns
    -------
    DataFrame
        Columns ``supplier_key, names, supplier_numbers, payments, net_total``, sorted by
        total, largest first (``names`` and ``supplier_numbers`` joined with `` | ``).

    Examples
    --------
    >>> import pandas as pd
    >>> payments = pd.DataFrame({"supplier_name": ["ACME LIMITED", "Acme Ltd.", "Bolt plc"],
    ...     "supplier_number": ["1", "1", "2"], "net_amount": [10.0, 5.0, 7.0],
    ...     "redacted": [False, False, False]})
    >>> supplier_table(payments)[["supplier_key", "payments", "net_total"]].values.tolist()
    [['acme ltd', 2, 15.0], ['bolt plc', 1, 7.0]]
    """
    kept = payments[~payments["redacted"].astype(bool)].copy()
    kept["supplier_key"] = name_keys(kept["supplier_name"])
    kept = kept[kept["supplier_key"].notna()]

    def joined(values: pd.Series) -> str:
        unique = pd.unique(values.dropna().astype(str))
        return " | ".join(sorted(unique))

    grouped = kept.groupby("supplier_key", sort=True)
    table = pd.DataFrame(
        {
            "names": grouped["supplier_name"].agg(joined),
            "supplier_numbers": grouped["supplier_number"].agg(joined),
            "payments": grouped.size(),
            "net_total": grouped["net_amount"].sum(),
        }
    ).reset_index()
    return table.sort_values(
        ["net_total", "supplier_key"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def link_contracts(payments: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """Link payments to the contracts of their suppliers.

    Parameters
    ----------
    payments : DataFrame
        From :func:`spiral.spend.payments.read_payments` (uses ``row``, ``supplier_number``,
        ``supplier_name``, ``redacted``).
    contracts : DataFrame
        Columns ``contract_id``, ``supplier_id`` (may be missing) and ``supplier_name``.

    Returns
    -------
    DataFrame
        Columns ``row, contract_id, matched_by`` (``"supplier number"`` or
        ``"supplier name"``), one row per link; payments without a link are absent.

    Raises
    ------
    ValueError
        When ``contracts`` lacks one of its columns.

    Examples
    --------
    >>> import pandas as pd
    >>> payments = pd.DataFrame({"row": [2, 3, 4], "supplier_number": ["77", None, "9"],
    ...     "supplier_name": ["Acme Ltd", "BOLT LIMITED", "Other"],
    ...     "redacted": [False, False, False]})
    >>> contracts = pd.DataFrame({"contract_id": ["C1", "C2"], "supplier_id": ["77", None],
    ...     "supplier_name": ["Acme Signs", "Bolt Ltd"]})
    >>> link_contracts(payments, contracts).values.tolist()
    [[2, 'C1', 'supplier number'], [3, 'C2', 'supplier name']]
    """
    missing = {"contract_id", "supplier_id", "supplier_name"} - set(contracts.columns)
    if missing:
        raise InputError(f"contracts lacks the column(s): {', '.join(sorted(missing))}")
    kept = payments[~payments["redacted"].astype(bool)]
    by_number = contracts.assign(
        _number=contracts["supplier_id"].astype("string").str.strip()
    ).dropna(subset=["_number"])
    numbered = kept.assign(_number=kept["supplier_number"].astype("string").str.strip())
    first = numbered.dropna(subset=["_number"]).merge(
        by_number[["_number", "contract_id"]], on="_number", how="inner"
    )
    first["matched_by"] = "supplier number"
    rest = kept[~kept["row"].isin(first["row"])]
    by_name = contracts.assign(_key=name_keys(contracts["supplier_name"])).dropna(subset=["_key"])
    second = (
        rest.assign(_key=name_keys(rest["supplier_name"]))
        .dropna(subset=["_key"])
        .merge(by_name[["_key", "contract_id"]], on="_key", how="inner")
    )
    second["matched_by"] = "supplier name"
    links = pd.concat(
        [first[["row", "contract_id", "matched_by"]], second[["row", "contract_id", "matched_by"]]],
        ignore_index=True,
    )
    return (
        links.drop_duplicates()
        .sort_values(["row", "contract_id"], kind="stable")
        .reset_index(drop=True)
    )
