"""An organisation's publishing settings: its registered ocid prefix and the codes that name it as
the buyer (PPON, ODS code, local authority register code). Set by its administrators only,
checked by the engine (``spiral.ocds.identifiers``), audited, and used by every OCDS it publishes
(sourcing records, UK notices and the public contracts register), which stays valid against the
shipped OCDS 1.1.5 schema.

The PPON used here, ``PKMB-0001-TEST``, has a PPON's shape but is made up for the fictional
Kingsmere: no organisation has it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.contracts.conftest import Contracts, contracts  # noqa: F401
from tests.workspace.cycles.conftest import _media_in_tmp, cycle, frameworks, programme  # noqa: F401
from tests.workspace.permissions import check_matrix
from workspace.accounts.models import Membership, Organisation, Role
from workspace.accounts.services import (
    organisation_identifiers_set,
    organisation_ocid_prefix_set,
)
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.sourcing import services as sourcing_services

pytestmark = pytest.mark.django_db


def _council(cast: Cast) -> Organisation:
    return cast.organisations["council"]


FAKE_PPON = "PKMB-0001-TEST"

ORGANISATION_KEYS = ["council", "icb", "other_council", "provider"]


def test_only_the_administrator_opens_the_page(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    url = f"/organisations/{_council(cast).slug}/publishing/"
    check_matrix(client_for, method="get", url=url, allowed={"administrator"})
    check_matrix(client_for, method="post", url=url, allowed={"administrator"})
    check_matrix(
        client_for,
        method="post",
        url=url,
        allowed={"administrator"},
        data={"form": "identifiers", "ppon": FAKE_PPON},
    )


@pytest.mark.parametrize("key", ["icb", "other_council", "provider"])
def test_kingsmeres_administrator_and_every_other_persona_are_refused_elsewhere(
    cast: Cast, client_for: Callable[[str | None], Client], key: str
) -> None:
    # No persona administers these organisations: the outsider is a commissioner, approver and
    # auditor at Northdale, the provider a provider at Brightwater.
    url = f"/organisations/{cast.organisations[key].slug}/publishing/"
    check_matrix(client_for, method="get", url=url, allowed=set())
    check_matrix(
        client_for,
        method="post",
        url=url,
        allowed=set(),
        data={"form": "identifiers", "ppon": FAKE_PPON},
    )
    assert Organisation.objects.get(slug=cast.organisations[key].slug).ppon == ""


@pytest.mark.parametrize(
    "persona",
    [
        "commissioner",
        "analyst",
        "finance",
        "procurement",
        "approver",
        "auditor",
        "provider",
        "outsider",
    ],
)
def test_no_one_else_sets_the_prefix(cast: Cast, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        organisation_ocid_prefix_set(
            actor=cast.users[persona], organisation=_council(cast), prefix="ocds-abc123"
        )
    assert Organisation.objects.get(pk=_council(cast).pk).ocid_prefix == ""


def test_the_prefix_is_checked_audited_and_can_be_cleared(cast: Cast) -> None:
    council = _council(cast)
    admin = cast.users["administrator"]
    with pytest.raises(ValidationError) as caught:
        organisation_ocid_prefix_set(actor=admin, organisation=council, prefix="ocds-12345")
    assert "is not an ocid prefix" in caught.value.message_dict["ocid_prefix"][0]
    organisation_ocid_prefix_set(actor=admin, organisation=council, prefix=" OCDS-K1NGSM ")
    council.refresh_from_db()
    assert council.ocid_prefix == "ocds-k1ngsm"
    assert council.publishing_prefix == "ocds-k1ngsm"
    event = AuditEvent.objects.get(action="set ocid prefix")
    assert event.before["ocid_prefix"] == ""
    assert event.after["ocid_prefix"] == "ocds-k1ngsm"
    organisation_ocid_prefix_set(actor=admin, organisation=council, prefix="")
    council.refresh_from_db()
    assert council.publishing_prefix == "ocds-spiral"


def test_the_page_shows_errors_and_saves(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("administrator")
    url = f"/organisations/{_council(cast).slug}/publishing/"
    body = client.post(url, {"ocid_prefix": "ocds-toolong1"}).content.decode()
    assert "There is a problem" in body
    assert "is not an ocid prefix" in body
    assert client.post(url, {"ocid_prefix": "ocds-k1ngsm"}).status_code == 302
    page = client.get(url).content.decode()
    assert "ocds-k1ngsm-kingsmere-1" in page
    assert "ocds-k1ngsm-kingsmere-agreement-1" in page


def test_the_page_says_how_the_organisation_is_named_as_buyer(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    council = _council(cast)
    page = client_for("administrator").get(f"/organisations/{council.slug}/publishing/")
    body = page.content.decode()
    assert f"<code>spiral-{council.slug}</code>" in body
    assert "a GSS code is not one" in body


def test_sourcing_exports_use_the_registered_prefix_and_stay_valid(
    cast: Cast,
    cycle: Cycle,  # noqa: F811
    client_for: Callable[[str | None], Client],
) -> None:
    organisation_ocid_prefix_set(
        actor=cast.users["administrator"], organisation=_council(cast), prefix="ocds-k1ngsm"
    )
    sourcing = sourcing_services.sourcing_create(
        actor=cast.users["procurement"],
        cycle=cycle,
        title="Home care",
        route="pa23_open",
        rationale="Wide market.",
        contract_value=Decimal(900000),
        planned_on=dt.date(2025, 1, 6),
        tender_start=dt.date(2025, 2, 3),
        tender_end=dt.date(2025, 3, 3),
    )
    assert sourcing.ocid == f"ocds-k1ngsm-kingsmere-{sourcing.pk}"
    response = client_for("auditor").get(f"/sourcing/{sourcing.pk}/ocds.json")
    package = json.loads(response.content)
    assert {r["ocid"] for r in package["releases"]} == {sourcing.ocid}
    assert all(r["id"].startswith(sourcing.ocid) for r in package["releases"])
    report = ProblemReport()
    validate_item(package, "export", report)
    assert not report, report.text()
    notices = json.loads(client_for("auditor").get(f"/sourcing/{sourcing.pk}/notices.json").content)
    assert notices["ocid"] == sourcing.ocid


def test_the_public_register_uses_the_registered_prefix_and_stays_valid(
    cast: Cast,
    contracts: Contracts,  # noqa: F811
) -> None:
    from workspace.contracts import services as contract_services
    from workspace.contracts.register import register_ocds

    council = _council(cast)
    for agreement in (contracts.agreement, contracts.other):
        contract_services.agreement_publish(
            actor=cast.users["commissioner"],
            agreement=agreement,
            published=True,
            value_confidential=False,
        )
    organisation_ocid_prefix_set(
        actor=cast.users["administrator"], organisation=council, prefix="ocds-k1ngsm"
    )
    package = register_ocds(council, published_date="2026-01-01T00:00:00Z")
    report = ProblemReport()
    validate_item(package, "register", report)
    assert not report, report.text()
    assert sorted(r["ocid"] for r in package["releases"]) == sorted(
        f"ocds-k1ngsm-kingsmere-agreement-{a.pk}" for a in (contracts.agreement, contracts.other)
    )


# --- the organisation's identifiers -------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "commissioner",
        "analyst",
        "finance",
        "procurement",
        "approver",
        "auditor",
        "provider",
        "outsider",
    ],
)
def test_no_one_else_sets_the_identifiers(cast: Cast, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        organisation_identifiers_set(
            actor=cast.users[persona], organisation=_council(cast), ppon_text=FAKE_PPON
        )
    assert Organisation.objects.get(pk=_council(cast).pk).ppon == ""
    assert not AuditEvent.objects.filter(action="set organisation identifiers").exists()


def test_the_identifiers_are_normalised_audited_and_can_be_cleared(cast: Cast) -> None:
    council = _council(cast)
    admin = cast.users["administrator"]
    organisation_identifiers_set(
        actor=admin, organisation=council, ppon_text=" pkmb 0001 test ", register_code_text="kgs"
    )
    council.refresh_from_db()
    assert (council.ppon, council.register_code, council.ods_code) == (FAKE_PPON, "KGS", "")
    assert council.ocds_identifier.party_id == f"GB-PPON-{FAKE_PPON}"
    event = AuditEvent.objects.get(action="set organisation identifiers")
    assert (event.before["ppon"], event.before["register_code"]) == ("", "")
    assert (event.after["ppon"], event.after["register_code"]) == (FAKE_PPON, "KGS")
    assert event.actor_id == admin.pk

    # With the PPON cleared, the register code names it (the nation from its GSS code, E).
    organisation_identifiers_set(
        actor=admin, organisation=council, ppon_text="", register_code_text="KGS"
    )
    council.refresh_from_db()
    assert council.ocds_identifier.party_id == "GB-LAE-KGS"
    organisation_identifiers_set(actor=admin, organisation=council, ppon_text="")
    council.refresh_from_db()
    assert council.ocds_identifier.party_id == "spiral-kingsmere"
    assert AuditEvent.objects.filter(action="set organisation identifiers").count() == 3


def test_every_bad_code_is_reported_at_once_and_nothing_is_saved(cast: Cast) -> None:
    council = _council(cast)
    with pytest.raises(ValidationError) as caught:
        organisation_identifiers_set(
            actor=cast.users["administrator"],
            organisation=council,
            ppon_text="PKMB-0001",
            ods_code_text="QYG",
            register_code_text="E06099901",
        )
    errors = caught.value.message_dict
    assert errors["ppon"] == [
        "PPON 'PKMB-0001' is not P, 3 letters, 4 digits and 4 letters, like PDZV-7449-YCMT"
    ]
    assert errors["ods_code"] == ["Only an NHS body has an ODS code"]
    assert errors["register_code"] == [
        "Local authority register code 'E06099901' is not 3 letters, like BNE"
    ]
    # A good PPON beside one bad code saves nothing either.
    with pytest.raises(ValidationError):
        organisation_identifiers_set(
            actor=cast.users["administrator"],
            organisation=council,
            ppon_text=FAKE_PPON,
            register_code_text="K1",
        )
    council.refresh_from_db()
    assert (council.ppon, council.ods_code, council.register_code) == ("", "", "")
    assert not AuditEvent.objects.filter(action="set organisation identifiers").exists()


def _administrator_of(cast: Cast, key: str) -> AbstractUser:
    admin = cast.users["administrator"]
    Membership.objects.create(
        user=admin, organisation=cast.organisations[key], role=Role.ADMINISTRATOR
    )
    return admin


def test_an_icb_is_named_by_its_ods_code_and_holds_no_register_code(cast: Cast) -> None:
    icb = cast.organisations["icb"]
    admin = _administrator_of(cast, "icb")
    with pytest.raises(ValidationError) as caught:
        organisation_identifiers_set(
            actor=admin, organisation=icb, ppon_text="", register_code_text="KGS"
        )
    assert caught.value.message_dict == {
        "register_code": ["Only a council has a local authority register code"]
    }
    with pytest.raises(ValidationError) as caught:
        organisation_identifiers_set(
            actor=admin, organisation=icb, ppon_text="", ods_code_text="RAX01"
        )
    assert "ODS code 'RAX01' is not 3 letters or digits" in caught.value.message_dict["ods_code"][0]
    organisation_identifiers_set(actor=admin, organisation=icb, ppon_text="", ods_code_text="q9z")
    icb.refresh_from_db()
    assert icb.ocds_identifier.party_id == "GB-NHS-Q9Z"


def test_two_organisations_cannot_share_a_ppon(cast: Cast) -> None:
    admin = _administrator_of(cast, "other_council")
    organisation_identifiers_set(actor=admin, organisation=_council(cast), ppon_text=FAKE_PPON)
    with pytest.raises(ValidationError) as caught:
        organisation_identifiers_set(
            actor=admin, organisation=cast.organisations["other_council"], ppon_text=FAKE_PPON
        )
    assert caught.value.message_dict["ppon"] == [
        f"Another organisation in Spiral already has the PPON {FAKE_PPON}"
    ]
    # Saving one's own PPON again is not a clash.
    organisation_identifiers_set(actor=admin, organisation=_council(cast), ppon_text=FAKE_PPON)


def test_a_register_code_needs_the_councils_gss_code(cast: Cast) -> None:
    council = _council(cast)
    Organisation.objects.filter(pk=council.pk).update(ons_code="")
    council.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        organisation_identifiers_set(
            actor=cast.users["administrator"],
            organisation=council,
            ppon_text="",
            register_code_text="KGS",
        )
    assert "needs the council's GSS code" in caught.value.message_dict["register_code"][0]


def test_the_page_shows_govuk_errors_and_saves_nothing(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("administrator")
    url = f"/organisations/{_council(cast).slug}/publishing/"
    page = client.get(url).content.decode()
    assert 'name="ppon"' in page
    assert 'name="register_code"' in page
    assert 'name="ods_code"' not in page  # a council has no ODS code
    response = client.post(
        url, {"form": "identifiers", "ppon": "PKMB-0001", "register_code": "KINGS"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_ppon"' in body
    assert 'href="#id_register_code"' in body
    assert "PPON &#39;PKMB-0001&#39; is not P, 3 letters, 4 digits and 4 letters" in body
    assert "Local authority register code &#39;KINGS&#39; is not 3 letters" in body
    assert 'value="PKMB-0001"' in body  # what was typed is kept
    council = Organisation.objects.get(pk=_council(cast).pk)
    assert (council.ppon, council.register_code) == ("", "")


def test_the_page_shows_the_identifier_it_will_publish_under(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("administrator")
    url = f"/organisations/{_council(cast).slug}/publishing/"
    page = client.get(url).content.decode()
    assert "Kingsmere Borough Council is fictional, so it has no PPON" in page
    assert 'data-testid="buyer-identifier"' not in page  # the fallback has no identifier
    response = client.post(url, {"form": "identifiers", "ppon": FAKE_PPON.lower()})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert f"Your organisation will be published as GB-PPON-{FAKE_PPON}" in page
    assert f"<code>GB-PPON-{FAKE_PPON}</code>" in page
    listed = page[page.index('data-testid="buyer-identifier"') :]
    listed = " ".join(listed[: listed.index("</dl>")].split())
    for key, value in [
        ("Party id", f"GB-PPON-{FAKE_PPON}"),
        ("Scheme", "GB-PPON"),
        ("Identifier", FAKE_PPON),
        ("Legal name", "Kingsmere Borough Council"),
    ]:
        assert f'{key} </dt> <dd class="govuk-summary-list__value"> {value} </dd>' in listed
    assert "a GSS code is not one" not in page
    assert "is fictional" not in page
    # The prefix form is left alone by the identifiers form, and the other way round.
    client.post(url, {"ocid_prefix": "ocds-k1ngsm"})
    council = Organisation.objects.get(pk=_council(cast).pk)
    assert (council.ppon, council.ocid_prefix) == (FAKE_PPON, "ocds-k1ngsm")


def test_an_icbs_page_asks_for_its_ods_code(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    _administrator_of(cast, "icb")
    client = client_for("administrator")
    url = f"/organisations/{cast.organisations['icb'].slug}/publishing/"
    page = client.get(url).content.decode()
    assert 'name="ods_code"' in page
    assert 'name="register_code"' not in page
    assert client.post(url, {"form": "identifiers", "ods_code": "Q9Z"}).status_code == 302
    assert "<code>GB-NHS-Q9Z</code>" in client.get(url).content.decode()


def _buyer(release: dict[str, Any]) -> dict[str, Any]:
    (party,) = [p for p in release["parties"] if p["id"] == release["buyer"]["id"]]
    return party


def test_a_ppon_names_the_buyer_in_the_sourcing_ocds_and_the_notices(
    cast: Cast,
    cycle: Cycle,  # noqa: F811
    client_for: Callable[[str | None], Client],
) -> None:
    organisation_identifiers_set(
        actor=cast.users["administrator"], organisation=_council(cast), ppon_text=FAKE_PPON
    )
    sourcing = sourcing_services.sourcing_create(
        actor=cast.users["procurement"],
        cycle=cycle,
        title="Home care",
        route="pa23_open",
        rationale="Wide market.",
        contract_value=Decimal(900000),
        planned_on=dt.date(2025, 1, 6),
        tender_start=dt.date(2025, 2, 3),
        tender_end=dt.date(2025, 3, 3),
    )
    package = json.loads(client_for("auditor").get(f"/sourcing/{sourcing.pk}/ocds.json").content)
    report = ProblemReport()
    validate_item(package, "export", report)
    assert not report, report.text()
    assert package["releases"]
    for release in package["releases"]:
        assert release["buyer"]["id"] == f"GB-PPON-{FAKE_PPON}"
        assert _buyer(release)["identifier"] == {
            "scheme": "GB-PPON",
            "id": FAKE_PPON,
            "legalName": "Kingsmere Borough Council",
        }
    notices = json.loads(client_for("auditor").get(f"/sourcing/{sourcing.pk}/notices.json").content)
    text = json.dumps(notices)
    assert f"GB-PPON-{FAKE_PPON}" in text
    assert '"spiral-kingsmere"' not in text  # (the ocid, ocds-spiral-kingsmere-N, is no party id)


def test_a_ppon_names_the_buyer_in_the_public_register_ocds(
    cast: Cast,
    contracts: Contracts,  # noqa: F811
    client_for: Callable[[str | None], Client],
) -> None:
    from workspace.contracts import services as contract_services

    council = _council(cast)
    for agreement in (contracts.agreement, contracts.other):
        contract_services.agreement_publish(
            actor=cast.users["commissioner"],
            agreement=agreement,
            published=True,
            value_confidential=False,
        )
    organisation_identifiers_set(
        actor=cast.users["administrator"], organisation=council, ppon_text=FAKE_PPON
    )
    response = client_for(None).get(f"/public/{council.slug}/register-ocds.json")
    assert response.status_code == 200
    package = json.loads(response.content)
    report = ProblemReport()
    validate_item(package, "register", report)
    assert not report, report.text()
    assert len(package["releases"]) == 2
    for release in package["releases"]:
        assert release["buyer"]["id"] == f"GB-PPON-{FAKE_PPON}"
        assert _buyer(release)["identifier"] == {
            "scheme": "GB-PPON",
            "id": FAKE_PPON,
            "legalName": "Kingsmere Borough Council",
        }


def test_the_model_refuses_a_register_code_that_names_no_buyer(cast: Cast) -> None:
    council = _council(cast)
    council.ons_code = ""
    council.register_code = "KGS"
    with pytest.raises(ValidationError) as caught:
        council.full_clean()
    assert "needs the council's GSS code" in caught.value.message_dict["register_code"][0]
    council.ppon = "pkmb-0001-tes"
    with pytest.raises(ValidationError) as caught:
        council.full_clean()
    assert "is not P, 3 letters" in caught.value.message_dict["ppon"][0]
