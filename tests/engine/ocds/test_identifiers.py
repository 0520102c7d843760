"""Identifiers: ocids (a registered prefix and a local id) and organisations' identifiers.

References: OCDS 1.1 documentation, *Identifiers: Contracting process identifier (ocid)*; the
prefix registered for UK Contracts Finder, ``ocds-b5fd17``, as its packages in
``tests/reference/ocds_cf/`` show (their README records the prefix before its rewriting); for
organisations, the org-id.guide lists' example identifiers and the councils' GSS codes in
``tests/reference/org_id/`` (README there), and a PPON as Find a Tender publishes it.
"""

from __future__ import annotations

import csv
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.ocds.identifiers import (
    LOCAL_AUTHORITY_SCHEMES,
    PLACEHOLDER_PREFIX,
    OrganisationIdentifier,
    make_ocid,
    ocid_prefix,
    organisation_identifier,
)


def test_contracts_finders_registered_prefix_is_accepted() -> None:
    assert ocid_prefix("ocds-b5fd17") == "ocds-b5fd17"
    assert make_ocid("ocds-b5fd17", "kingsmere", 7) == "ocds-b5fd17-kingsmere-7"


def test_the_placeholder_has_the_shape_of_a_registered_prefix() -> None:
    assert ocid_prefix(PLACEHOLDER_PREFIX) == PLACEHOLDER_PREFIX


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ocds-",
        "ocds-b5fd1",
        "ocds-b5fd177",
        "ocds_b5fd17",
        "b5fd17",
        "ocds-b5fd1!",
        "xocds-b5fd17",
    ],
)
def test_anything_else_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="is not an ocid prefix"):
        ocid_prefix(typed)


@pytest.mark.parametrize("part", ["", "a b", "-x", "é", "a/b"])
def test_a_local_part_that_cannot_be_in_an_ocid_is_refused(part: str) -> None:
    with pytest.raises(ValueError, match="cannot be part of an ocid"):
        make_ocid("ocds-b5fd17", "kingsmere", part)


alnum = st.text(alphabet=string.ascii_letters + string.digits, min_size=6, max_size=6)


@given(code=alnum, local=st.integers(min_value=1))
def test_any_six_letters_or_digits_make_a_prefix_and_an_ocid_under_it(
    code: str, local: int
) -> None:
    prefix = ocid_prefix(f"ocds-{code}")
    assert prefix == f"ocds-{code.lower()}"
    ocid = make_ocid(prefix, "council", local)
    assert ocid.startswith(prefix + "-")
    assert ocid.endswith(f"-{local}")


@given(code=st.text(alphabet=string.ascii_lowercase + string.digits).filter(lambda t: len(t) != 6))
def test_any_other_length_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="is not an ocid prefix"):
        ocid_prefix(f"ocds-{code}")


# --- organisation identifiers -------------------------------------------------------------------
#
# References: the org-id.guide register of organisation identifier lists (repository
# org-id/register) and a council's GSS code, in tests/reference/org_id/ (README there); a PPON
# as Find a Tender publishes it. Spiral's rule is in spiral.ocds.identifiers' docstring.

REGISTERS = list(
    csv.DictReader(
        (Path(__file__).parents[2] / "reference/org_id/local_authority_registers.csv").open(
            encoding="utf-8"
        )
    )
)


@pytest.mark.parametrize("row", REGISTERS, ids=[r["council"] for r in REGISTERS])
def test_a_council_with_its_register_code_gets_its_nations_register(row: dict[str, str]) -> None:
    found = organisation_identifier(
        kind="council",
        slug="a-council",
        gss_code=row["gss_code"],
        register_code=row["register_code"],
    )
    assert found == OrganisationIdentifier(
        row["scheme"], row["register_code"], f"{row['scheme']}-{row['register_code']}"
    )
    assert found.identifier(row["council"]) == {
        "scheme": row["scheme"],
        "id": row["register_code"],
        "legalName": row["council"],
    }


def test_every_nation_has_a_register_in_the_reference() -> None:
    assert {r["scheme"] for r in REGISTERS} == set(LOCAL_AUTHORITY_SCHEMES.values())
    assert {r["gss_code"][0] for r in REGISTERS} == set(LOCAL_AUTHORITY_SCHEMES)


@pytest.mark.parametrize("ods", ["01F", "7A1A5", "Z1070", "RAX"])
def test_an_nhs_body_with_its_ods_code_gets_gb_nhs(ods: str) -> None:
    found = organisation_identifier(kind="icb", slug="an-icb", ods_code=ods.lower())
    assert (found.scheme, found.id, found.party_id) == ("GB-NHS", ods, f"GB-NHS-{ods}")


def test_a_ppon_comes_first_whatever_else_is_known() -> None:
    found = organisation_identifier(
        kind="council",
        slug="barnet",
        gss_code="E09000003",
        register_code="BNE",
        ppon="pdzv-7449-ycmt",
    )
    assert found.party_id == "GB-PPON-PDZV-7449-YCMT"
    icb = organisation_identifier(kind="icb", slug="icb", ods_code="QYG", ppon="PDZV-7449-YCMT")
    assert icb.scheme == "GB-PPON"


@pytest.mark.parametrize("gss", ["", "E06099901", "E09000003", "W06000015", "S12000036"])
def test_a_gss_code_alone_is_not_an_identifier_and_gives_the_fallback(gss: str) -> None:
    found = organisation_identifier(kind="council", slug="kingsmere", gss_code=gss)
    assert found == OrganisationIdentifier("", "", "spiral-kingsmere")
    assert found.identifier("Kingsmere Borough Council") is None


def test_codes_of_another_kinds_list_are_not_used() -> None:
    # An ODS code on a council, a register code on an ICB: neither list holds that kind.
    assert organisation_identifier(kind="council", slug="c", ods_code="RAX").party_id == "spiral-c"
    icb = organisation_identifier(kind="icb", slug="i", gss_code="E54000048", register_code="BNE")
    assert icb.party_id == "spiral-i"


def test_gb_gor_and_gb_lac_are_never_produced() -> None:
    for kind in ("council", "icb", "combined_authority", "pcc"):
        found = organisation_identifier(kind=kind, slug="x", gss_code="E09000003")
        assert not found.party_id.startswith(("GB-GOR", "GB-LAC"))


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ({"ppon": "PDZV-7449"}, "is not a PPON"),
        ({"ods_code": "TOO-LONG-CODE"}, "is not an ODS code"),
        ({"register_code": "BARN", "gss_code": "E09000003"}, "is not a local authority register"),
        ({"register_code": "BNE"}, "needs the council's GSS code"),
        ({"register_code": "BNE", "gss_code": "X09000003"}, "needs the council's GSS code"),
    ],
)
def test_a_malformed_code_is_refused_with_its_list_named(
    codes: dict[str, str], message: str
) -> None:
    kind = "icb" if "ods_code" in codes else "council"
    with pytest.raises(ValueError, match=message):
        organisation_identifier(kind=kind, slug="x", **codes)


def test_a_slug_unusable_in_an_id_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be part of a party id"):
        organisation_identifier(kind="council", slug="a b")


slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)


@given(slug=slugs, gss=st.from_regex(r"[EWSN][0-9]{8}", fullmatch=True))
def test_the_fallback_is_the_same_for_every_council_without_a_register_code(
    slug: str, gss: str
) -> None:
    found = organisation_identifier(kind="council", slug=slug, gss_code=gss)
    assert found.party_id == f"spiral-{slug}"
    assert found.scheme == found.id == ""


@given(
    slug=slugs,
    code=st.from_regex(r"[A-Z]{3}", fullmatch=True),
    gss=st.from_regex(r"[EWSN][0-9]{8}", fullmatch=True),
)
def test_a_party_id_is_always_the_scheme_and_the_identifier(slug: str, code: str, gss: str) -> None:
    found = organisation_identifier(kind="council", slug=slug, gss_code=gss, register_code=code)
    assert found.party_id == f"{found.scheme}-{found.id}"
    assert found.scheme == LOCAL_AUTHORITY_SCHEMES[gss[0]]
