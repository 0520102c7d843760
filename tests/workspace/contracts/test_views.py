"""Contract pages: every view against every persona, and provider isolation on every path.

Kingsmere's readers see its agreements; its editors change them; Brightwater's provider
(maria.lopez) sees only Brightwater's agreement and sends its returns. A second provider
(Elsewhere Care) is refused everything of Brightwater's, by every URL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import resolve

from tests.workspace.contracts.conftest import START, Contracts, good_entries
from tests.workspace.permissions import ANYONE_SIGNED_IN, COMMISSIONING_EDITORS, check_matrix
from workspace.contracts import services
from workspace.contracts.models import Return
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db

READERS_AND_PROVIDER = frozenset(
    {"commissioner", "analyst", "finance", "procurement", "approver", "auditor", "administrator"}
) | {"provider"}
EDITORS_ANYWHERE = COMMISSIONING_EDITORS | {"outsider"}


def _submitted(cast: Cast, contracts: Contracts) -> Return:
    return services.return_save(
        actor=cast.users["provider"],
        agreement=contracts.agreement,
        period_start=START,
        entries=good_entries(contracts.agreement),
        spend="100",
        narrative="Fine.",
        submit=True,
    )


def _pages(cast: Cast, contracts: Contracts) -> list[tuple[str, str, frozenset[str]]]:
    a = contracts.agreement.pk
    ret = _submitted(cast, contracts)
    kpi = contracts.agreement.kpis.first()
    assert kpi is not None
    period = "2024-02-01"
    return [
        ("get", "/contracts/", ANYONE_SIGNED_IN),
        ("get", "/contracts/new/", EDITORS_ANYWHERE),
        ("get", "/contracts/outstanding-returns/", ANYONE_SIGNED_IN),
        ("get", "/contracts/renewals/", ANYONE_SIGNED_IN),
        ("get", f"/contracts/{a}/", READERS_AND_PROVIDER),
        ("get", f"/contracts/{a}/kpis/new/", COMMISSIONING_EDITORS),
        ("post", f"/contracts/{a}/put-into-force/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/publication/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/changes/new/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/payments/new/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/payments/import/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/performance/", READERS_AND_PROVIDER),
        ("get", f"/contracts/{a}/returns/{period}/", frozenset({"provider"})),
        ("get", f"/returns/{ret.pk}/", READERS_AND_PROVIDER),
        ("get", f"/returns/{ret.pk}/query/", COMMISSIONING_EDITORS),
        ("post", f"/returns/{ret.pk}/accept/", COMMISSIONING_EDITORS),
        ("get", f"/returns/{ret.pk}/kpis/{kpi.pk}/override/", COMMISSIONING_EDITORS),
    ]


def test_every_view_lets_in_exactly_the_right_personas(
    cast: Cast, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    for method, url, allowed in _pages(cast, contracts):
        check_matrix(client_for, method=method, url=url, allowed=allowed)


def test_the_matrix_covers_every_route_of_the_app(cast: Cast, contracts: Contracts) -> None:
    from workspace.contracts.urls import urlpatterns

    covered = {resolve(url).url_name for _, url, _ in _pages(cast, contracts)}
    assert covered == {pattern.name for pattern in urlpatterns}


def test_another_provider_can_never_read_or_change_brightwaters_records(
    cast: Cast, contracts: Contracts
) -> None:
    intruder = Client()
    intruder.force_login(contracts.other_user)
    pages = _pages(cast, contracts)
    ret = Return.objects.get(agreement=contracts.agreement)
    for _method, url, _ in pages:
        if url in {"/contracts/", "/contracts/outstanding-returns/", "/contracts/renewals/"}:
            response = intruder.get(url)
            assert response.status_code == 200
            assert contracts.agreement.reference.encode() not in response.content, url
            continue
        if url == "/contracts/new/":
            assert intruder.get(url).status_code == 403
            continue
        for verb in ("get", "post"):
            status = getattr(intruder, verb)(url, {"narrative": "x", "message": "x"}).status_code
            assert status in {403, 404, 405}, f"{verb} {url}: {status}"
    ret.refresh_from_db()
    assert ret.status == Return.Status.SUBMITTED
    assert ret.versions.count() == 1
    # and the provider cannot see the other provider's agreement either
    maria = Client()
    maria.force_login(cast.users["provider"])
    assert maria.get(f"/contracts/{contracts.other.pk}/").status_code == 404
    listing = maria.get("/contracts/").content
    assert b"HC-1" in listing
    assert b"HC-2" not in listing


def test_a_provider_submits_a_return_through_the_form_with_errors_named(
    cast: Cast, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    maria = client_for("provider")
    proportion, measure = list(contracts.agreement.kpis.all())
    url = f"/contracts/{contracts.agreement.pk}/returns/2024-01-01/"
    response = maria.post(
        url,
        {
            f"kpi-{proportion.pk}-numerator": "101",
            f"kpi-{proportion.pk}-denominator": "100",
            f"kpi-{measure.pk}-value": "3",
            "spend": "100",
            "narrative": "",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"cannot be more than its denominator" in response.content
    assert not Return.objects.exists()
    response = maria.post(
        url,
        {
            f"kpi-{proportion.pk}-numerator": "91",
            f"kpi-{proportion.pk}-denominator": "100",
            f"kpi-{measure.pk}-value": "3",
            "spend": "100",
            "narrative": "All well.",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    assert Return.objects.get().status == Return.Status.SUBMITTED


def test_the_performance_page_shows_charts_each_with_a_table(
    cast: Cast, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    for month in (1, 2, 3):
        services.return_save(
            actor=cast.users["provider"],
            agreement=contracts.agreement,
            period_start=START.replace(month=month),
            entries=good_entries(contracts.agreement, on_time=90 + month),
            spend="100",
            narrative="Fine.",
            submit=True,
        )
    page = client_for("commissioner").get(f"/contracts/{contracts.agreement.pk}/performance/")
    html = page.content.decode()
    assert html.count('role="img"') == 4  # an SPC chart and a target chart per KPI
    assert html.count('data-testid="kpi-table-') == 2
    assert "Requires improvement" in html or "Approaching target" in html
