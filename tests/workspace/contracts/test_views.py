"""Contract pages: every view against every persona, and provider isolation on every path.

Kingsmere's readers see its agreements; its editors change them; Brightwater's provider
(maria.lopez) sees only Brightwater's agreement and sends its returns. A second provider
(Elsewhere Care) is refused everything of Brightwater's, by every URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import resolve

from tests.workspace.contracts.conftest import START, Contracts, good_entries, make_in_house
from tests.workspace.permissions import ANYONE_SIGNED_IN, COMMISSIONING_EDITORS, check_matrix
from workspace.contracts import services
from workspace.contracts.models import Milestone, Return
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
    milestone = services.milestone_add(
        actor=cast.users["commissioner"],
        agreement=contracts.agreement,
        title="Mobilisation complete",
        due_date=dt.date(2024, 3, 31),
    )
    h = make_in_house(cast, contracts.agreement.programme).pk
    return [
        # An in-house agreement: editors name its team; no one in the cast is on it, so no
        # one may send its returns (the provider persona least of all).
        ("get", f"/contracts/{h}/in-house-team/", COMMISSIONING_EDITORS),
        ("post", f"/contracts/{h}/in-house-team/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{h}/returns/{period}/", frozenset()),
        ("get", "/contracts/", ANYONE_SIGNED_IN),
        ("get", "/contracts/new/", EDITORS_ANYWHERE),
        ("get", "/contracts/outstanding-returns/", ANYONE_SIGNED_IN),
        ("get", "/contracts/renewals/", ANYONE_SIGNED_IN),
        ("get", f"/contracts/{a}/", READERS_AND_PROVIDER),
        ("get", f"/contracts/{a}/kpis/new/", COMMISSIONING_EDITORS),
        ("post", f"/contracts/{a}/put-into-force/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/publication/", COMMISSIONING_EDITORS),
        ("get", f"/contracts/{a}/milestones/new/", COMMISSIONING_EDITORS),
        ("post", f"/contracts/{a}/milestones/{milestone.pk}/met/", COMMISSIONING_EDITORS),
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


def test_the_commissioners_forms_save_through_the_services(
    cast: Cast, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    from workspace.audit.models import AuditEvent

    priya = client_for("commissioner")
    a = contracts.agreement.pk
    ret = _submitted(cast, contracts)
    kpi = contracts.agreement.kpis.first()
    assert kpi is not None
    posts = [
        (
            f"/contracts/{a}/kpis/new/",
            {
                "name": "Complaints",
                "unit": "count",
                "kind": "count",
                "polarity": "lower_is_better",
                "multiplier": "1",
            },
        ),
        (f"/contracts/{a}/payments/new/", {"paid_on": "2024-02-10", "amount": "1200.50"}),
        (f"/contracts/{a}/milestones/new/", {"title": "Mobilised", "due_date": "2024-03-01"}),
        (f"/contracts/{a}/publication/", {"published": "on"}),
        (
            f"/contracts/{a}/changes/new/",
            {
                "kind": "extension",
                "effective_on": "2026-06-01",
                "reason": "Option taken",
                "new_end_date": "2027-12-31",
            },
        ),
        (f"/returns/{ret.pk}/kpis/{kpi.pk}/override/", {"rating": "good", "reason": "Checked"}),
        (f"/returns/{ret.pk}/query/", {"message": "Please check the spend."}),
    ]
    for url, data in posts:
        response = priya.post(url, data)
        assert response.status_code == 302, (url, response.content[:3000])
    ret.refresh_from_db()
    assert ret.status == Return.Status.QUERIED
    contracts.agreement.refresh_from_db()
    assert str(contracts.agreement.end_date) == "2027-12-31"
    assert contracts.agreement.kpis.count() == 3
    assert AuditEvent.objects.filter(action="recorded extension").count() == 1


def test_a_form_error_is_shown_the_govuk_way(
    contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("commissioner").post(
        f"/contracts/{contracts.agreement.pk}/changes/new/",
        {"kind": "extension", "effective_on": "2026-06-01", "reason": "More"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "An extension needs a new end date after 31 December 2026" in html


def test_a_commissioner_records_an_agreement_through_the_form(
    cast: Cast, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("commissioner").post(
        "/contracts/new/",
        {
            "programme": contracts.agreement.programme_id,
            "reference": "NEW-1",
            "title": "Reablement",
            "kind": "contract",
            "provider": cast.organisations["provider"].pk,
            "value": "250000",
            "start_date": "2025-04-01",
            "end_date": "2027-03-31",
            "payment_mechanism": "block",
            "return_frequency": "quarterly",
            "extension_months_available": "0",
        },
    )
    assert response.status_code == 302
    from workspace.contracts.models import Agreement

    created = Agreement.objects.get(reference="NEW-1")
    assert (created.status, created.return_frequency) == ("draft", "quarterly")


def test_an_agreement_links_to_the_decision_that_created_it(
    cast: Cast, contracts: Contracts, cycle: object, client_for: Callable[[str | None], Client]
) -> None:
    from workspace.contracts.models import Agreement
    from workspace.cycles import services as cycle_services

    decision = cycle_services.decision_record(
        actor=cast.users["commissioner"],
        cycle=cycle,
        title="Award the home care contract",
        rationale="Best value",
    )
    data = {
        "programme": contracts.agreement.programme_id,
        "reference": "NEW-2",
        "title": "Reablement",
        "kind": "in_house",
        "in_house_unit": "Reablement team",
        "value": "250000",
        "start_date": "2025-04-01",
        "end_date": "2027-03-31",
        "payment_mechanism": "block",
        "return_frequency": "monthly",
        "extension_months_available": "0",
        "decision": decision.pk,
    }
    assert client_for("commissioner").post("/contracts/new/", data).status_code == 302
    created = Agreement.objects.get(reference="NEW-2")
    assert (created.decision_id, created.cycle_id) == (decision.pk, decision.cycle_id)


def test_a_bad_payments_file_is_refused_naming_the_row(
    contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile(
        "payments.csv",
        b"Supplier Name,Payment Date,Amount\nBrightwater Home Care Ltd,31/02/2024,10\n",
        content_type="text/csv",
    )
    response = client_for("commissioner").post(
        f"/contracts/{contracts.agreement.pk}/payments/import/", {"file": bad}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "row 2" in response.content.decode()
    assert not contracts.agreement.payments.exists()


def test_each_provider_sees_only_its_own_missing_returns(
    contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    page = client_for("provider").get("/contracts/outstanding-returns/").content.decode()
    assert "HC-1" in page
    assert "HC-2" not in page
    everyone = client_for("commissioner").get("/contracts/outstanding-returns/").content.decode()
    assert "HC-1" in everyone
    assert "HC-2" in everyone


def test_an_editor_marks_a_milestone_met_from_the_agreement_page_and_a_provider_cannot(
    cast: Cast, contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    a = contracts.agreement.pk
    milestone = services.milestone_add(
        actor=cast.users["commissioner"],
        agreement=contracts.agreement,
        title="Mobilisation complete",
        due_date=dt.date(2000, 1, 31),
    )
    url = f"/contracts/{a}/milestones/{milestone.pk}/met/"
    provider_page = client_for("provider").get(f"/contracts/{a}/").content.decode()
    assert "Overdue" in provider_page
    assert url not in provider_page
    assert client_for("provider").post(url, {"note": "done"}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.met_on is None
    commissioner = client_for("commissioner")
    page = commissioner.get(f"/contracts/{a}/").content.decode()
    assert url in page
    assert "Mark as met" in page
    response = commissioner.post(url, {"note": "All staff in post"}, follow=True)
    assert response.status_code == 200
    assert "Milestone met" in response.content.decode()
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert milestone.met_by == cast.users["commissioner"]
    assert milestone.met_note == "All staff in post"
    page = response.content.decode()
    assert url not in page
    assert "All staff in post" in page
    again = commissioner.post(url, {"note": "twice"}, follow=True)
    assert "already been met" in again.content.decode()
