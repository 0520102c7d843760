"""Item classifications and choosing a market by CPV code or prefix.

References:

- the CPV's structure, Commission Regulation (EC) No 213/2008, Annex I: eight digits read from
  the left (division: two digits; group: three; class: four; category: five), a general code
  ending in zeros, and a check digit after a hyphen;
- ten real UK Contracts Finder OCDS 1.1 release packages in ``tests/reference/ocds_cf/``
  (mysociety/bluetail data commit 722d3712e1d2, Open Government Licence v2.0): the CPV codes
  and descriptions of their items, read off the files by hand, are listed in its README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.ocds.classifications import (
    classification_table,
    cpv_prefixes,
    matching_ocids,
    prefix_descriptions,
)

CF = Path(__file__).resolve().parents[2] / "reference" / "ocds_cf"
PREFIX = "ocds-b5fd17raw-"

# From the README's table: ocid suffix -> (code, description) of each item.
EXPECTED = {
    "008e7376": [("80000000", "Education and training services")],
    "02d2b5b1": [
        ("85000000", "Health and social work services"),
        ("85100000", "Health services"),
        ("85300000", "Social work and related services"),
    ],
    "099688de": [("79212000", "Auditing services")],
    "0f8a3b2e": [("50000000", "Repair and maintenance services")],
    "18064b23": [("33735100", "Protective goggles")],
    "1c07cba3": [("09130000", "Petroleum and distillates")],
    "6a1a5224": [("09000000", "Petroleum products, fuel, electricity and other sources of energy")],
    "6acc5bac": [
        ("73000000", "Research and development services and related consultancy services")
    ],
    "7e84a00d": [("09130000", "Petroleum and distillates")],
    "f8c8b712": [("50000000", "Repair and maintenance services")],
}


def cf_releases() -> list[dict[str, Any]]:
    return [
        release
        for path in sorted(CF.glob("*.json"))
        for release in json.loads(path.read_text(encoding="utf-8"))["releases"]
    ]


def _suffixes(ocids: list[str]) -> set[str]:
    return {ocid.removeprefix(PREFIX)[:8] for ocid in ocids}


def test_every_item_classification_of_the_reference_files_is_listed() -> None:
    table = classification_table(cf_releases())
    got: dict[str, list[tuple[str, str]]] = {}
    for row in table.to_dict("records"):
        assert row["scheme"] == "CPV"
        got.setdefault(row["ocid"].removeprefix(PREFIX)[:8], []).append(
            (row["code"], row["description"])
        )
    assert got == EXPECTED


@pytest.mark.parametrize(
    ("typed", "suffixes"),
    [
        ("85", {"02d2b5b1"}),
        ("85000000", {"02d2b5b1"}),
        ("85300000-7", {"02d2b5b1"}),
        ("8531", set()),
        ("80000000", {"008e7376"}),
        ("09", {"1c07cba3", "6a1a5224", "7e84a00d"}),
        ("09130000", {"1c07cba3", "7e84a00d"}),
        ("50, 79212000", {"0f8a3b2e", "f8c8b712", "099688de"}),
        ("33735100", {"18064b23"}),
        ("3373", {"18064b23"}),
    ],
)
def test_processes_are_chosen_by_cpv_code_or_prefix(typed: str, suffixes: set[str]) -> None:
    table = classification_table(cf_releases())
    assert _suffixes(matching_ocids(table, cpv_prefixes(typed))) == suffixes


def test_descriptions_come_from_the_data_where_it_carries_the_code() -> None:
    table = classification_table(cf_releases())
    assert prefix_descriptions(table, cpv_prefixes("85 853 0913 86 8531")) == {
        "85": "Health and social work services",
        "853": "Social work and related services",
        "0913": "Petroleum and distillates",
        "86": None,
        "8531": None,
    }


@pytest.mark.parametrize(
    ("typed", "prefixes"),
    [
        # Division, group, class and category codes stand for their place in the hierarchy.
        ("85000000", ("85",)),
        ("85300000", ("853",)),
        ("85310000", ("8531",)),
        ("85311000", ("85311",)),
        ("85311200-4", ("853112",)),
        # A division whose second digit is 0 keeps both digits.
        ("80000000 10000000", ("80", "10")),
        ("09000000", ("09",)),
        ("853\n8531;85", ("853", "8531", "85")),
        ("85, 85000000", ("85",)),
    ],
)
def test_typed_codes_become_the_prefixes_of_their_hierarchy(
    typed: str, prefixes: tuple[str, ...]
) -> None:
    assert cpv_prefixes(typed) == prefixes


@pytest.mark.parametrize("typed", ["8", "853000001", "85a", "853-1", "85310000-", "CPV85"])
def test_anything_else_is_refused_naming_the_entry(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a CPV code"):
        cpv_prefixes(f"85 {typed}")


def test_no_prefix_and_no_data_choose_nothing() -> None:
    table = classification_table(cf_releases())
    assert matching_ocids(table, ()) == []
    empty = classification_table([])
    assert list(empty.columns) == ["ocid", "scheme", "code", "description"]
    assert matching_ocids(empty, ("85",)) == []


def test_other_schemes_are_not_matched_as_cpv() -> None:
    release = {
        "ocid": "x",
        "tender": {"items": [{"id": "1", "classification": {"scheme": "UNSPSC", "id": "85"}}]},
    }
    table = classification_table([release])
    assert matching_ocids(table, ("85",)) == []
    assert matching_ocids(table, ("85",), scheme="unspsc") == ["x"]


codes = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(code=codes, check=st.sampled_from(["", "-0", "-7"]))
def test_a_code_always_falls_under_its_own_prefix(code: str, check: str) -> None:
    (prefix,) = cpv_prefixes(code + check)
    assert 2 <= len(prefix) <= 8
    assert code.startswith(prefix)
    table = pd.DataFrame({"ocid": ["p"], "scheme": ["CPV"], "code": [code], "description": [None]})
    assert matching_ocids(table, (prefix,)) == ["p"]


@given(code=codes, cut=st.integers(min_value=2, max_value=7))
def test_a_wider_prefix_matches_everything_a_narrower_one_does(code: str, cut: int) -> None:
    table = classification_table(cf_releases())
    narrow = set(matching_ocids(table, (code[: cut + 1],)))
    wide = set(matching_ocids(table, (code[:cut],)))
    assert narrow <= wide
