"""Sourcing and market pages: every view against every persona, the forms and the uploads.

Kingsmere's readers (commissioner, analyst, finance, procurement, approver, auditor,
administrator) see its sourcing and market; its editors (commissioner, analyst, finance,
procurement) change them. The provider and the outsider (another council) see none of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.permissions import COMMISSIONING_EDITORS, COMMISSIONING_READERS, check_matrix
from tests.workspace.sourcing.conftest import evaluated
from workspace.cycles.models import Decision, Programme
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import Bid, MarketImport, Milestone, Sourcing

pytestmark = pytest.mark.django_db


def _pages(s: Sourcing) -> list[tuple[str, str, frozenset[str]]]:
    c, p, k = s.cycle.pk, s.cycle.programme.pk, s.pk
    m = s.milestones.first()
    b = s.bids.first()
    assert m is not None
    assert b is not None
    return [
        ("get", f"/sourcing/{k}/milestones/{m.pk}/edit/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/milestones/{m.pk}/delete/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/bids/{b.pk}/edit/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/bids/{b.pk}/delete/", COMMISSIONING_EDITORS),
        # An empty correction form changes nothing; removals by post are checked persona by
        # persona in test_corrections.py (the first editor's post removes the record).
        ("post", f"/sourcing/{k}/milestones/{m.pk}/edit/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/bids/{b.pk}/edit/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/sourcing/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/sourcing/new/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/", COMMISSIONING_READERS),
        ("get", f"/sourcing/{k}/edit/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/terminate/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/milestones/new/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/transaction-costs/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/criteria/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/bids/new/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/award/", COMMISSIONING_EDITORS),
        ("get", f"/sourcing/{k}/ocds.json", COMMISSIONING_READERS),
        ("get", f"/sourcing/{k}/notices.json", COMMISSIONING_READERS),
        ("get", f"/programmes/{p}/market/", COMMISSIONING_READERS),
        ("get", f"/programmes/{p}/market/filter/", COMMISSIONING_EDITORS),
        ("get", f"/programmes/{p}/market/import-ocds/", COMMISSIONING_EDITORS),
        ("get", f"/programmes/{p}/market/import-spend/", COMMISSIONING_EDITORS),
        ("get", f"/programmes/{p}/market/statement/", COMMISSIONING_EDITORS),
        # Posts that change nothing (the forms are empty) still need the right to change.
        ("post", f"/cycles/{c}/sourcing/new/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/edit/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/terminate/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/milestones/new/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/transaction-costs/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/criteria/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/bids/new/", COMMISSIONING_EDITORS),
        ("post", f"/sourcing/{k}/award/", COMMISSIONING_EDITORS),
        ("post", f"/programmes/{p}/market/filter/", COMMISSIONING_EDITORS),
        ("post", f"/programmes/{p}/market/import-ocds/", COMMISSIONING_EDITORS),
        ("post", f"/programmes/{p}/market/import-spend/", COMMISSIONING_EDITORS),
        ("post", f"/programmes/{p}/market/statement/", COMMISSIONING_EDITORS),
    ]


def test_every_view_lets_in_exactly_the_right_personas(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    _with_milestone(cast, sourcing)
    for method, url, allowed in _pages(sourcing):
        check_matrix(client_for, method=method, url=url, allowed=allowed)


def _with_milestone(cast: Cast, sourcing: Sourcing) -> None:
    services.milestone_add(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        title="Provider event",
        kind="engagement",
        due_on=dt.date(2025, 2, 3),
    )


def test_the_matrix_covers_every_route_of_the_app(cast: Cast, sourcing: Sourcing) -> None:
    from workspace.sourcing.urls import urlpatterns

    evaluated(cast, sourcing)
    _with_milestone(cast, sourcing)

    covered = {resolve(url).url_name for _, url, _ in _pages(sourcing)}
    assert covered == {pattern.name for pattern in urlpatterns}


def test_reading_only_roles_see_no_edit_buttons(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    body = client_for("auditor").get(f"/sourcing/{sourcing.pk}/").content.decode()
    assert "Record transaction costs" not in body
    assert "Record transaction costs" in (
        client_for("finance").get(f"/sourcing/{sourcing.pk}/").content.decode()
    )


def test_the_journey_route_costs_bids_award_and_export_through_the_pages(
    cast: Cast,
    cycle,
    client_for: Callable[[str | None], Client],
) -> None:
    client = client_for("procurement")
    response = client.post(
        f"/cycles/{cycle.pk}/sourcing/new/",
        {
            "title": "Home care",
            "route": "psr_competitive",
            "rationale": "Several capable providers.",
            "contract_value": "900000",
            "planned_on": "2025-01-06",
            "tender_start": "2025-02-03",
            "tender_end": "2025-03-03",
        },
    )
    sourcing = Sourcing.objects.get()
    assert response["Location"] == f"/sourcing/{sourcing.pk}/"
    client.post(
        f"/sourcing/{sourcing.pk}/milestones/new/",
        {"title": "Provider event", "kind": "engagement", "due_on": "2025-01-20"},
    )
    assert Milestone.objects.filter(sourcing=sourcing).count() == 1
    client.post(
        f"/sourcing/{sourcing.pk}/transaction-costs/",
        {
            "day_rate": "300",
            "per_bid_cost": "2500",
            "per_bid_cost_source": "Local survey of providers, 2024.",
            "expected_saving_percent": "3",
            "specification_days": "5",
            "legal_external": "2000",
        },
    )
    client.post(
        f"/sourcing/{sourcing.pk}/criteria/",
        {"price_weight": "30", "quality_weight": "60", "social_value_weight": "10"},
    )
    for bidder, price in (("Alpha Care", "850000"), ("Beta Care", "800000")):
        client.post(
            f"/sourcing/{sourcing.pk}/bids/new/",
            {
                "bidder": bidder,
                "price": price,
                "quality_score": "70",
                "social_value_score": "50",
                "sme": "on",
            },
        )
    assert Bid.objects.filter(sourcing=sourcing).count() == 2
    beta = Bid.objects.get(bidder="Beta Care")
    page = client.get(f"/sourcing/{sourcing.pk}/").content.decode()
    assert "Beta Care" in page
    assert 'role="img"' in page
    response = client.post(
        f"/sourcing/{sourcing.pk}/award/",
        {"bid": str(beta.pk), "awarded_on": "2025-04-01", "rationale": "Best score."},
    )
    assert response.status_code == 302
    assert Decision.objects.filter(cycle=cycle, title__contains="Beta Care").exists()
    export = client.get(f"/sourcing/{sourcing.pk}/ocds.json")
    assert export["Content-Disposition"].startswith("attachment")
    report = ProblemReport()
    validate_item(orjson.loads(export.content), "download", report)
    assert not report, report.text()
    notices = orjson.loads(client.get(f"/sourcing/{sourcing.pk}/notices.json").content)
    assert [n["noticeType"] for n in notices["notices"]] == ["UK1", "UK4", "UK6"]


def test_weights_that_do_not_sum_to_100_are_refused_on_the_page(
    sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("procurement").post(
        f"/sourcing/{sourcing.pk}/criteria/",
        {"price_weight": "50", "quality_weight": "40", "social_value_weight": "20"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "sum to 110" in body
    sourcing.refresh_from_db()
    assert sourcing.price_weight is None


def test_an_empty_route_form_names_each_missing_field(
    cycle,
    client_for: Callable[[str | None], Client],
) -> None:
    body = (
        client_for("commissioner").post(f"/cycles/{cycle.pk}/sourcing/new/", {"title": ""}).content
    )
    text = body.decode()
    for message in ("Enter what is being secured", "Choose a sourcing route", "Enter why"):
        assert message in text
    assert not Sourcing.objects.exists()


def test_an_ocds_upload_with_errors_is_reported_grouped_and_imports_nothing(
    programme: Programme, client_for: Callable[[str | None], Client]
) -> None:
    bad = (
        b'{"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": [], "tender": {"id": "t",'
        b' "procurementMethod": "auction"}}\n{"broken\n'
        b'{"ocid": "ocds-2", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": []}\n'
    )
    response = client_for("analyst").post(
        f"/programmes/{programme.pk}/market/import-ocds/",
        {"file": SimpleUploadedFile("bad.jsonl", bad)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in body
    assert "Code not in a closed codelist" in body
    assert "Invalid JSON: 1" in body
    assert not MarketImport.objects.exists()


def test_a_valid_ocds_upload_is_imported_and_shown_in_the_market(
    programme: Programme, client_for: Callable[[str | None], Client]
) -> None:
    from tests.workspace.sourcing.test_services import PACKAGES

    path = sorted(PACKAGES.glob("*.json"))[0]
    client = client_for("analyst")
    response = client.post(
        f"/programmes/{programme.pk}/market/import-ocds/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert response.status_code == 302
    body = client.get(f"/programmes/{programme.pk}/market/").content.decode()
    assert "Contracting processes" in body
    assert 'data-testid="contract-shares"' in body


def test_a_spend_upload_with_a_bad_row_names_the_row_and_imports_nothing(
    programme: Programme, client_for: Callable[[str | None], Client]
) -> None:
    bad = b"Payment Date,Net Amount,Supplier Name\n2024-01-01,ten,X\n"
    response = client_for("finance").post(
        f"/programmes/{programme.pk}/market/import-spend/",
        {"file": SimpleUploadedFile("spend.csv", bad)},
    )
    body = response.content.decode()
    assert "row 2, net_amount" in body
    assert "nothing was imported" in body
    assert not MarketImport.objects.exists()


def test_the_statement_page_offers_a_draft_then_keeps_the_edit(
    cast: Cast, programme: Programme, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    page = client.get(f"/programmes/{programme.pk}/market/statement/").content.decode()
    assert "Market position statement: Adult home care" in page
    client.post(f"/programmes/{programme.pk}/market/statement/", {"text": "Our statement."})
    assert "Our statement." in client.get(f"/programmes/{programme.pk}/market/").content.decode()


def test_a_completed_award_hides_the_award_form(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    services.award_record(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        bid=sourcing.bids.first(),
        awarded_on=dt.date(2025, 5, 1),
        rationale="R",
    )
    body = client_for("procurement").get(f"/sourcing/{sourcing.pk}/award/").content.decode()
    assert "already awarded" in body
    assert Decimal(sourcing.contract_value) > 0


def test_a_route_is_changed_but_not_once_bids_are_in(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    form = {
        "title": "Home care, north",
        "route": "pa23_open",
        "rationale": "Still open.",
        "contract_value": "2500000",
        "planned_on": "2025-01-06",
    }
    assert client.post(f"/sourcing/{sourcing.pk}/edit/", form).status_code == 302
    sourcing.refresh_from_db()
    assert sourcing.title == "Home care, north"
    evaluated(cast, sourcing)
    body = client.post(
        f"/sourcing/{sourcing.pk}/edit/", {**form, "route": "pa23_direct_award"}
    ).content.decode()
    assert "the route can no longer change" in body
    sourcing.refresh_from_db()
    assert sourcing.route == "pa23_open"


def test_an_early_end_is_recorded_and_published_as_a_termination(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    services.award_record(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        bid=sourcing.bids.get(bidder="Carewell Ltd"),
        awarded_on=dt.date(2025, 5, 1),
        rationale="R",
        contract_start=dt.date(2025, 7, 1),
    )
    client = client_for("procurement")
    refused = client.post(f"/sourcing/{sourcing.pk}/terminate/", {"terminated_on": "2026-01-31"})
    assert "Enter why the contract ended early" in refused.content.decode()
    client.post(
        f"/sourcing/{sourcing.pk}/terminate/",
        {"terminated_on": "2026-01-31", "reason": "The provider withdrew."},
    )
    notices = orjson.loads(client.get(f"/sourcing/{sourcing.pk}/notices.json").content)
    assert notices["notices"][-1]["noticeType"] == "UK11"


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    programme: Programme,
    client_for: Callable[[str | None], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("workspace.sourcing.forms.MAX_UPLOAD_BYTES", 10)
    response = client_for("analyst").post(
        f"/programmes/{programme.pk}/market/import-ocds/",
        {"file": SimpleUploadedFile("big.json", b"x" * 11)},
    )
    assert "The file must be smaller than 20 MB" in response.content.decode()
    assert not MarketImport.objects.exists()


def test_an_empty_ocds_file_is_refused_as_not_ocds(
    programme: Programme, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("analyst").post(
        f"/programmes/{programme.pk}/market/import-ocds/",
        {"file": SimpleUploadedFile("empty.json", b"[]")},
    )
    body = response.content.decode()
    assert "nothing was imported" in body
    assert "the file holds no OCDS release or record" in body
    assert not MarketImport.objects.exists()
