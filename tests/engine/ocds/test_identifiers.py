"""Identifiers: ocids (a registered prefix and a local id) and organisations' identifiers.

References: OCDS 1.1 documentation, *Identifiers: Contracting process identifier (ocid)*; the
prefix registered for UK Contracts Finder, ``ocds-b5fd17``, as its packages in
``tests/reference/ocds_cf/`` show (their README records the prefix before its rewriting); for
organisations, the org-id.guide lists' example identifiers and the councils' GSS codes, PPONs
as Find a Tender publishes them (``ppon.csv``) and ICBs' and trusts' ODS codes (``ods_codes.csv``),
all in ``tests/reference/org_id/`` (README there, with sources).
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
    ods_code,
    organisation_identifier,
    ppon,
    register_code,
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

REFERENCE = Path(__file__).parents[2] / "reference/org_id"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


REGISTERS = _rows("local_authority_registers.csv")
PPONS = _rows("ppon.csv")
ODS_CODES = _rows("ods_codes.csv")


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


@pytest.mark.parametrize("row", ODS_CODES, ids=[r["ods_code"] for r in ODS_CODES])
def test_an_nhs_body_with_its_ods_code_gets_gb_nhs(row: dict[str, str]) -> None:
    ods = row["ods_code"]
    assert ods_code(f" {ods.lower()} ") == ods
    found = organisation_identifier(kind=row["kind"], slug="a-body", ods_code=ods.lower())
    assert (found.scheme, found.id, found.party_id) == ("GB-NHS", ods, f"GB-NHS-{ods}")
    assert found.identifier(row["name"] or "An NHS body") == {
        "scheme": "GB-NHS",
        "id": ods,
        "legalName": row["name"] or "An NHS body",
    }


@pytest.mark.parametrize("typed", ["7A1A5", "Z1070", "RAX01", "A81001", "QY", "Q-YG", "QYG1", ""])
def test_a_code_that_is_not_an_icbs_or_trusts_is_refused(typed: str) -> None:
    # The GB-NHS list's five-character examples name sites or other bodies, never an ICB.
    with pytest.raises(ValueError, match=r"^ODS code .* is not 3 letters or digits"):
        ods_code(typed)
    if typed:
        with pytest.raises(ValueError, match="ODS code"):
            organisation_identifier(kind="icb", slug="an-icb", ods_code=typed)


@pytest.mark.parametrize("row", PPONS, ids=[r["ppon"] for r in PPONS])
def test_every_published_ppon_is_accepted_and_gives_find_a_tenders_party_id(
    row: dict[str, str],
) -> None:
    code = row["ppon"]
    assert ppon(code) == code
    found = organisation_identifier(kind="council", slug="a-council", ppon=code)
    assert found == OrganisationIdentifier("GB-PPON", code, f"GB-PPON-{code}")
    assert found.identifier(row["name"]) == {
        "scheme": "GB-PPON",
        "id": code,
        "legalName": row["name"],
    }


@pytest.mark.parametrize("row", PPONS, ids=[r["ppon"] for r in PPONS])
def test_a_ppon_is_normalised_however_it_is_typed(row: dict[str, str]) -> None:
    code = row["ppon"]
    for typed in (
        code.lower(),
        f"  {code}  ",
        code.replace("-", " "),
        code.replace("-", ""),
        f"GB-PPON-{code}",
        f"gb-ppon:{code.lower()}",
    ):
        assert ppon(typed) == code


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "PDZV-7449",
        "PDZV-7449-YCM",
        "ADZV-7449-YCMT",
        "PDZ1-7449-YCMT",
        "PDZV-744A-YCMT",
        "PDZV-7449-YCMT-1",
        "GB-COH-PDZV-7449-YCMT",
    ],
)
def test_anything_but_a_ppon_is_refused_with_the_shape_named(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^PPON .* is not P, 3 letters, 4 digits and 4 letters"):
        ppon(typed)


@pytest.mark.parametrize("row", REGISTERS, ids=[r["council"] for r in REGISTERS])
def test_every_register_code_in_the_reference_is_accepted(row: dict[str, str]) -> None:
    assert register_code(row["register_code"].lower()) == row["register_code"]


@pytest.mark.parametrize("typed", ["", "BN", "BNEX", "B1E", "E09000003", "GB-LAE-BNE"])
def test_anything_but_three_letters_is_not_a_register_code(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^Local authority register code .* is not 3 letters"):
        register_code(typed)


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
        ({"ppon": "PDZV-7449"}, "^PPON 'PDZV-7449' is not"),
        ({"ods_code": "TOO-LONG-CODE"}, "^ODS code 'TOO-LONG-CODE' is not"),
        ({"register_code": "BARN", "gss_code": "E09000003"}, "^Local authority register code"),
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


@given(code=st.from_regex(r"P[A-Z]{3}-[0-9]{4}-[A-Z]{4}", fullmatch=True))
def test_every_ppon_shaped_code_round_trips_and_names_the_party(code: str) -> None:
    assert ppon(code.lower().replace("-", " ")) == code
    assert organisation_identifier(kind="icb", slug="x", ppon=code).party_id == f"GB-PPON-{code}"
