"""In-house agreements take returns from the people named as the in-house team.

The team takes the provider's place for that agreement only, while its members belong to the
programme's organisations; membership of the council alone gives nothing; whoever sent a
return cannot accept or query it; naming the team is for editors and is audited.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.workspace.contracts.conftest import START, Contracts, make_in_house
from workspace.accounts.models import Membership, Role
from workspace.audit.models import AuditEvent
from workspace.contracts import services
from workspace.contracts.access import in_house_team_of, is_provider_of, visible_agreements
from workspace.contracts.models import KPI, Agreement, Return
from workspace.contracts.performance import published_kpis
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse(cast: Cast) -> User:
    """A member of the council's in-house nursing team: a membership with no capability."""
    user = User.objects.create(username="nina.nurse", first_name="Nina", last_name="Nurse")
    Membership.objects.create(
        user=user, organisation=cast.organisations["council"], role=Role.PROVIDER
    )
    return user


@pytest.fixture
def in_house(cast: Cast, programme: Programme) -> Agreement:
    return make_in_house(cast, programme)


def _entries(agreement: Agreement, numerator: int = 92) -> dict[int, dict]:
    kpi = agreement.kpis.get(kind=KPI.Kind.PROPORTION)
    return {kpi.pk: {"numerator": str(numerator), "denominator": "100"}}


def _send(user: User, agreement: Agreement) -> Return:
    return services.return_save(
        actor=user,
        agreement=agreement,
        period_start=START,
        entries=_entries(agreement),
        spend="60000",
        narrative="Steady month.",
        submit=True,
    )


def test_council_membership_alone_sends_no_returns(
    nurse: User, in_house: Agreement, client_for: Callable[[str | None], Client]
) -> None:
    assert not is_provider_of(nurse, in_house)
    with pytest.raises(PermissionDenied):
        _send(nurse, in_house)
    client = Client()
    client.force_login(nurse)
    assert client.get(f"/contracts/{in_house.pk}/").status_code == 404
    assert client.get(f"/contracts/{in_house.pk}/returns/2024-01-01/").status_code == 404


def test_the_named_team_sends_returns_through_the_pages(
    cast: Cast, nurse: User, in_house: Agreement, contracts: Contracts
) -> None:
    services.agreement_in_house_team_set(
        actor=cast.users["commissioner"], agreement=in_house, members=[nurse]
    )
    assert in_house_team_of(nurse, in_house)
    client = Client()
    client.force_login(nurse)
    assert client.get("/contracts/").status_code == 200
    assert client.get(f"/contracts/{in_house.pk}/").status_code == 200
    kpi = in_house.kpis.get()
    response = client.post(
        f"/contracts/{in_house.pk}/returns/2024-01-01/",
        {
            f"kpi-{kpi.pk}-numerator": "92",
            f"kpi-{kpi.pk}-denominator": "100",
            "spend": "60000",
            "activity": "Visits as planned.",
            "narrative": "A steady month.",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    ret = in_house.returns.get()
    assert ret.status == Return.Status.SUBMITTED
    # Nothing else opens: the external agreement, its returns, the commissioning side.
    assert client.get(f"/contracts/{contracts.agreement.pk}/").status_code == 404
    assert client.post(f"/returns/{ret.pk}/accept/").status_code in {403, 404}
    assert list(visible_agreements(nurse)) == [in_house]
    with pytest.raises(PermissionDenied):
        services.return_accept(actor=nurse, ret=ret)


def test_an_accepted_in_house_return_is_rated_and_published(
    cast: Cast, nurse: User, in_house: Agreement
) -> None:
    services.agreement_in_house_team_set(
        actor=cast.users["commissioner"], agreement=in_house, members=[nurse]
    )
    ret = _send(nurse, in_house)
    services.return_accept(actor=cast.users["analyst"], ret=ret)
    ret.refresh_from_db()
    assert ret.status == Return.Status.ACCEPTED
    assert ret.accepted_by == cast.users["analyst"]
    (kpi,) = published_kpis(in_house)
    assert kpi.periods == ()  # one period: a chart, and so a rating, needs two


def test_whoever_sent_a_return_cannot_check_it(
    cast: Cast, in_house: Agreement, client_for: Callable[[str | None], Client]
) -> None:
    commissioner = cast.users["commissioner"]
    services.agreement_in_house_team_set(
        actor=commissioner, agreement=in_house, members=[commissioner]
    )
    ret = _send(commissioner, in_house)
    with pytest.raises(ValidationError, match="You sent this return"):
        services.return_accept(actor=commissioner, ret=ret)
    with pytest.raises(ValidationError, match="You sent this return"):
        services.return_query(actor=commissioner, ret=ret, message="Check?")
    body = client_for("commissioner").post(f"/returns/{ret.pk}/accept/")
    ret.refresh_from_db()
    assert ret.status == Return.Status.SUBMITTED
    assert body.status_code in {200, 302}
    services.return_accept(actor=cast.users["finance"], ret=ret)
    ret.refresh_from_db()
    assert ret.status == Return.Status.ACCEPTED


def test_naming_the_team_is_audited_and_for_editors_only(
    cast: Cast, nurse: User, in_house: Agreement
) -> None:
    for persona in ("approver", "auditor", "administrator", "provider", "outsider"):
        with pytest.raises(PermissionDenied):
            services.agreement_in_house_team_set(
                actor=cast.users[persona], agreement=in_house, members=[nurse]
            )
    with pytest.raises(PermissionDenied):
        services.agreement_in_house_team_set(actor=nurse, agreement=in_house, members=[nurse])
    services.agreement_in_house_team_set(
        actor=cast.users["procurement"], agreement=in_house, members=[nurse]
    )
    event = AuditEvent.objects.get(action="set in-house team")
    assert event.before == {"in_house_team": []}
    assert event.after == {"in_house_team": [nurse.pk]}


def test_only_members_of_the_programmes_organisations_join_the_team(
    cast: Cast, in_house: Agreement
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.agreement_in_house_team_set(
            actor=cast.users["commissioner"],
            agreement=in_house,
            members=[cast.users["provider"], cast.users["outsider"]],
        )
    message = caught.value.message_dict["members"][0]
    assert cast.users["provider"].username in message
    assert cast.users["outsider"].username in message
    assert not in_house.in_house_team.exists()


def test_a_team_member_who_leaves_the_council_loses_the_agreement(
    cast: Cast, nurse: User, in_house: Agreement
) -> None:
    services.agreement_in_house_team_set(
        actor=cast.users["commissioner"], agreement=in_house, members=[nurse]
    )
    Membership.objects.filter(user=nurse).delete()
    assert not is_provider_of(nurse, in_house)
    assert not visible_agreements(nurse).exists()


def test_an_external_agreement_has_no_in_house_team(
    cast: Cast, nurse: User, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    with pytest.raises(ValidationError):
        services.agreement_in_house_team_set(
            actor=cast.users["commissioner"], agreement=contracts.agreement, members=[nurse]
        )
    page = client_for("commissioner").get(f"/contracts/{contracts.agreement.pk}/in-house-team/")
    assert page.status_code == 404


def test_the_team_page_lists_the_councils_people_and_saves(
    cast: Cast, nurse: User, in_house: Agreement, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    url = f"/contracts/{in_house.pk}/in-house-team/"
    page = client.get(url).content.decode()
    assert "Nina Nurse (nina.nurse)" in page
    assert cast.users["outsider"].username not in page
    assert client.post(url, {"members": [str(nurse.pk)]}).status_code == 302
    detail = client.get(f"/contracts/{in_house.pk}/").content.decode()
    assert "Returns are sent by the in-house team: Nina Nurse." in detail


def test_the_team_sends_returns_by_api_and_a_sender_cannot_accept_by_api(
    cast: Cast, nurse: User, in_house: Agreement
) -> None:
    from workspace.accounts.services import api_token_create

    def api(user: User) -> Client:
        _, key = api_token_create(user=user, name="returns")
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    commissioner = cast.users["commissioner"]
    services.agreement_in_house_team_set(
        actor=commissioner, agreement=in_house, members=[nurse, commissioner]
    )
    kpi = in_house.kpis.get()
    body = {
        "period_start": "2024-01-01",
        "values": [{"kpi": kpi.pk, "numerator": "92", "denominator": "100"}],
        "spend": "60000",
        "narrative": "A steady month.",
        "submit": True,
    }
    assert [a["reference"] for a in api(nurse).get("/api/agreements").json()] == ["IH-1"]
    sent = api(commissioner).post(
        f"/api/agreements/{in_house.pk}/returns", body, content_type="application/json"
    )
    assert sent.status_code == 201, sent.content
    ret_id = sent.json()["id"]
    refused = api(commissioner).post(f"/api/returns/{ret_id}/accept")
    assert refused.status_code == 422
    assert "You sent this return" in refused.json()["errors"]["__all__"][0]
    assert api(nurse).post(f"/api/returns/{ret_id}/accept").status_code in {403, 404}
    assert api(cast.users["analyst"]).post(f"/api/returns/{ret_id}/accept").status_code == 200
