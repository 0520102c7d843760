"""Identifiers in published OCDS: ocids, and the identifiers of the organisations in them.

**Contracting processes.** Every OCDS contracting process has an ``ocid`` made of a prefix
the Open Contracting Partnership registers for the publisher and an identifier unique within
the publisher's own records (OCDS 1.1 documentation, *Identifiers: Contracting process
identifier (ocid)*). A registered prefix is ``ocds-`` and six letters or digits (for example
``ocds-b5fd17``, UK Contracts Finder's). Until a publisher registers one, Spiral publishes
under the placeholder :data:`PLACEHOLDER_PREFIX`, which has the same shape but is registered
to nobody.

**Organisations.** OCDS identifies an organisation by a scheme from the register of
organisation identifier lists (org-id.guide) and its identifier in that list; a party's ``id``
is then ``<scheme>-<identifier>`` (OCDS 1.1 documentation, *Identifiers: Organization
identifiers*). :func:`organisation_identifier` is Spiral's one rule for the commissioning
organisation (buyer), in this order:

1. its Public Procurement Organisation Number (``GB-PPON``), which the Procurement Act 2023's
   central digital platform (Find a Tender) gives every contracting authority that registers
   and which "will appear in every notice" (Cabinet Office, *Contracting authorities: an
   overview of the Central Digital Platform*, 2025); PPONs look like ``PDZV-7449-YCMT``
   (:func:`ppon`);
2. for an NHS body, its Organisation Data Service code (``GB-NHS``, org-id.guide list GB-NHS;
   :func:`ods_code`);
3. for a council, its code in its nation's register of local authorities: ``GB-LAE``
   (England), ``GB-PLA`` (Wales), ``GB-LAS`` (Scotland) or ``GB-LANI`` (Northern Ireland).
   These lists take the three-letter ISO 3166-2:GB (BS 6879) code, such as ``BNE`` for
   Barnet, **not** the ONS GSS code: a GSS code names a statistical geography, which changes
   when a boundary does, and no list in org-id.guide takes one (:func:`register_code`). The
   nation is the first
   letter of the council's GSS code (E, W, S, N). These registers were GOV.UK Registers,
   frozen since that service closed in 2021, so a newer council may have no code in them;
4. otherwise the fallback: the party id ``spiral-<slug>`` (the organisation's unique slug in
   Spiral) and no ``identifier`` object, as OCDS allows when no scheme applies.

``GB-GOR`` (the retired UK Government Organisation Register, central government bodies only,
codes like ``D303``) and ``GB-LAC`` (in no register; it appears only in the Open Contracting
Partnership's fictional example) are never used. ``docs/ocds.md`` gives the sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "FALLBACK_PREFIX",
    "LOCAL_AUTHORITY_KINDS",
    "LOCAL_AUTHORITY_SCHEMES",
    "NHS_KINDS",
    "PLACEHOLDER_PREFIX",
    "OrganisationIdentifier",
    "make_ocid",
    "ocid_prefix",
    "ods_code",
    "organisation_identifier",
    "ppon",
    "register_code",
]

PLACEHOLDER_PREFIX = "ocds-spiral"
"""The prefix used until a publisher sets its registered one (registered to nobody)."""

_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")
_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def ocid_prefix(text: str) -> str:
    """A registered ocid prefix as typed, checked and in lower case.

    Raises
    ------
    ValueError
        When it is not ``ocds-`` followed by six letters or digits.

    Examples
    --------
    >>> ocid_prefix(" OCDS-B5FD17 ")
    'ocds-b5fd17'
    >>> ocid_prefix("ocds-b5fd1")
    Traceback (most recent call last):
    ...
    ValueError: 'ocds-b5fd1' is not an ocid prefix: it is ocds- followed by 6 letters or digits
    """
    prefix = text.strip().lower()
    if not _PREFIX.match(prefix):
        message = (
            f"{text.strip()!r} is not an ocid prefix: it is ocds- followed by 6 letters or digits"
        )
        raise ValueError(message)
    return prefix


def make_ocid(prefix: str, *parts: str | int) -> str:
    """The ocid of a process: the prefix, then the parts of its local identifier, by hyphens.

    Raises
    ------
    ValueError
        When a part is empty or holds anything but letters, digits, ``.``, ``_`` and ``-``.

    Examples
    --------
    >>> make_ocid("ocds-b5fd17", "kingsmere", "sourcing", 12)
    'ocds-b5fd17-kingsmere-sourcing-12'
    >>> make_ocid("ocds-b5fd17", "a b")
    Traceback (most recent call last):
    ...
    ValueError: 'a b' cannot be part of an ocid
    """
    texts = [str(part) for part in parts]
    for text in texts:
        if not _LOCAL.match(text):
            message = f"{text!r} cannot be part of an ocid"
            raise ValueError(message)
    return "-".join([prefix, *texts])


LOCAL_AUTHORITY_SCHEMES = {"E": "GB-LAE", "W": "GB-PLA", "S": "GB-LAS", "N": "GB-LANI"}
"""The register of local authorities of each nation, by the first letter of a GSS code."""

FALLBACK_PREFIX = "spiral"
"""The party id of an organisation with no identifier in any scheme is ``spiral-<slug>``."""

NHS_KINDS = frozenset({"icb", "trust"})
LOCAL_AUTHORITY_KINDS = frozenset({"council"})

_PPON = re.compile(r"^(?:GB-PPON[-:]?)?(P[A-Z]{3})-?(\d{4})-?([A-Z]{4})$")
_ODS = re.compile(r"^[A-Z0-9]{3}$")
_REGISTER = re.compile(r"^[A-Z]{3}$")
_SPACES = re.compile(r"\s+")
_GSS = re.compile(r"^[EWSN]\d{8}$")
_SLUG = re.compile(r"^[A-Za-z0-9._-]+$")


def _squeezed(text: str) -> str:
    """``text`` in capitals with every space taken out (codes are typed in many ways)."""
    return _SPACES.sub("", text).upper()


def ppon(text: str) -> str:
    """A Public Procurement Organisation Number (PPON) as typed, checked and normalised.

    A PPON is the letter ``P``, three letters, four digits and four letters, in three groups of
    four joined by hyphens: ``PDZV-7449-YCMT``. That is the form the Cabinet Office's central
    digital platform (Find a Tender) issues and publishes, in every notice, as the identifier
    of scheme ``GB-PPON`` (its generator, and the pattern ``^P[A-Z]{3}-\\d{4}-[A-Z]{4}$`` its
    tests check, in the platform's source: repository cabinetoffice/GCGS-Central-Digital-Platform,
    ``Services/CO.CDP.EntityVerification/Ppon/PponService.cs``). Case and spaces do not matter,
    the hyphens may be left out, and a pasted party id (``GB-PPON-PDZV-7449-YCMT``) is accepted.

    Raises
    ------
    ValueError
        When it does not have that shape; the message names the field and shows the shape.

    Examples
    --------
    >>> ppon(" pdzv 7449 ycmt ")
    'PDZV-7449-YCMT'
    >>> ppon("GB-PPON-PLLH-1887-BMRL")
    'PLLH-1887-BMRL'
    >>> ppon("PDZV-7449")
    Traceback (most recent call last):
    ...
    ValueError: PPON 'PDZV-7449' is not P, 3 letters, 4 digits and 4 letters, like PDZV-7449-YCMT
    """
    found = _PPON.match(_squeezed(text))
    if not found:
        message = (
            f"PPON {text.strip()!r} is not P, 3 letters, 4 digits and 4 letters, "
            "like PDZV-7449-YCMT"
        )
        raise ValueError(message)
    return "-".join(found.groups())


def ods_code(text: str) -> str:
    """An NHS body's Organisation Data Service (ODS) code as typed, checked and in capitals.

    Spiral's NHS commissioners are integrated care boards and NHS trusts, whose ODS
    organisation codes are three letters or digits. In the NHS Data Model and Dictionary's
    *Organisation Coding Frames* such a code is a type letter and a two-character identifier
    (its example: ``TAK``, a care trust); ICBs' codes begin with ``Q`` (``QYG``, NHS Cheshire
    and Merseyside ICB, in ONS's ICB names and codes) and NHS trusts' with ``R`` (``RAX``, an
    org-id.guide example); a sub-ICB location's code also has three characters (``01F``).
    The frames give sites five characters (``RH802``, an NHS trust site), so a longer code names
    a site or another kind of body (a GP practice has six, ``A81001``), never an ICB or a
    trust, and is refused.

    Raises
    ------
    ValueError
        When it is not three letters or digits; the message names the field and the shape.

    Examples
    --------
    >>> ods_code(" qyg ")
    'QYG'
    >>> ods_code("RAX01")
    Traceback (most recent call last):
    ...
    ValueError: ODS code 'RAX01' is not 3 letters or digits, like QYG (an ICB) or RAX (a trust)
    """
    code = _squeezed(text)
    if not _ODS.match(code):
        message = (
            f"ODS code {text.strip()!r} is not 3 letters or digits, "
            "like QYG (an ICB) or RAX (a trust)"
        )
        raise ValueError(message)
    return code


def register_code(text: str) -> str:
    """A council's code in its nation's register of local authorities, checked, in capitals.

    The registers ``GB-LAE``, ``GB-PLA``, ``GB-LAS`` and ``GB-LANI`` take the three-letter
    ISO 3166-2:GB (BS 6879) code of the council, such as ``BNE`` for Barnet (org-id.guide's
    entries for the lists; ``tests/reference/org_id/``). A GSS code such as ``E09000003`` is
    not one and is refused.

    Raises
    ------
    ValueError
        When it is not three letters; the message names the field and the shape.

    Examples
    --------
    >>> register_code("bne")
    'BNE'
    >>> register_code("E09000003")
    Traceback (most recent call last):
    ...
    ValueError: Local authority register code 'E09000003' is not 3 letters, like BNE
    """
    code = _squeezed(text)
    if not _REGISTER.match(code):
        message = f"Local authority register code {text.strip()!r} is not 3 letters, like BNE"
        raise ValueError(message)
    return code


# organisation_identifier's keyword arguments share these functions' names.
_checked_ppon = ppon
_checked_ods_code = ods_code
_checked_register_code = register_code


@dataclass(frozen=True)
class OrganisationIdentifier:
    """An organisation as named in OCDS: its scheme and identifier, and its party id.

    ``scheme`` and ``id`` are empty for the fallback, which has a party id only.
    """

    scheme: str
    id: str
    party_id: str

    def identifier(self, legal_name: str) -> dict[str, str] | None:
        """The party's OCDS ``identifier`` object, or ``None`` for the fallback.

        Examples
        --------
        >>> OrganisationIdentifier("GB-NHS", "QYG", "GB-NHS-QYG").identifier("An ICB")
        {'scheme': 'GB-NHS', 'id': 'QYG', 'legalName': 'An ICB'}
        >>> OrganisationIdentifier("", "", "spiral-kingsmere").identifier("Kingsmere") is None
        True
        """
        if not self.scheme:
            return None
        return {"scheme": self.scheme, "id": self.id, "legalName": legal_name}


def _scheme(scheme: str, identifier: str) -> OrganisationIdentifier:
    return OrganisationIdentifier(scheme, identifier, f"{scheme}-{identifier}")


def organisation_identifier(
    *,
    kind: str,
    slug: str,
    gss_code: str = "",
    register_code: str = "",
    ods_code: str = "",
    ppon: str = "",
) -> OrganisationIdentifier:
    """The OCDS identifier of a commissioning organisation, by Spiral's one rule.

    The rule (module docstring, references in ``docs/ocds.md``): a PPON if known (``GB-PPON``);
    else an NHS body's ODS code (``GB-NHS``); else a council's three-letter register code in
    its nation's register of local authorities, the nation read from its GSS code (``GB-LAE``,
    ``GB-PLA``, ``GB-LAS``, ``GB-LANI``); else the fallback party id ``spiral-<slug>`` with no
    scheme. A GSS code on its own is not an organisation identifier and gives the fallback.

    Parameters
    ----------
    kind
        The organisation's kind as Spiral records it (``council``, ``icb``, ``trust``, ...).
    slug
        Its unique slug in Spiral: letters, digits, ``.``, ``_`` and ``-``.
    gss_code, register_code, ods_code, ppon
        Whichever of its codes are known; blank when not.

    Raises
    ------
    ValueError
        When a given code does not have its list's shape, when a council's register code comes
        without a GSS code (so no nation), or when the slug is not usable in an id.

    Examples
    --------
    >>> organisation_identifier(kind="council", slug="barnet", gss_code="E09000003",
    ...                         register_code="bne")
    OrganisationIdentifier(scheme='GB-LAE', id='BNE', party_id='GB-LAE-BNE')
    >>> organisation_identifier(kind="council", slug="cardiff", gss_code="W06000015",
    ...                         register_code="CRF").party_id
    'GB-PLA-CRF'
    >>> organisation_identifier(kind="icb", slug="an-icb", ods_code="QYG").party_id
    'GB-NHS-QYG'
    >>> organisation_identifier(kind="council", slug="x", ppon="PDZV-7449-YCMT").party_id
    'GB-PPON-PDZV-7449-YCMT'
    >>> organisation_identifier(kind="council", slug="kingsmere", gss_code="E06099901")
    OrganisationIdentifier(scheme='', id='', party_id='spiral-kingsmere')
    """
    if ppon.strip():
        return _scheme("GB-PPON", _checked_ppon(ppon))
    if kind in NHS_KINDS and ods_code.strip():
        return _scheme("GB-NHS", _checked_ods_code(ods_code))
    if kind in LOCAL_AUTHORITY_KINDS and register_code.strip():
        code = _checked_register_code(register_code)
        gss = gss_code.strip().upper()
        if not _GSS.match(gss):
            message = (
                f"the register code {code!r} needs the council's GSS code to tell its nation's "
                f"register, and {gss_code.strip()!r} is not one"
            )
            raise ValueError(message)
        return _scheme(LOCAL_AUTHORITY_SCHEMES[gss[0]], code)
    if not _SLUG.match(slug):
        message = f"{slug!r} cannot be part of a party id"
        raise ValueError(message)
    return OrganisationIdentifier("", "", f"{FALLBACK_PREFIX}-{slug}")
