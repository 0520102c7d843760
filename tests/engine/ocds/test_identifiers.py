"""Open Contracting IDs: a registered prefix (``ocds-`` and six letters or digits) and a local id.

References: OCDS 1.1 documentation, *Identifiers: Contracting process identifier (ocid)*; the
prefix registered for UK Contracts Finder, ``ocds-b5fd17``, as its packages in
``tests/reference/ocds_cf/`` show (their README records the prefix before its rewriting).
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.ocds.identifiers import PLACEHOLDER_PREFIX, make_ocid, ocid_prefix


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
