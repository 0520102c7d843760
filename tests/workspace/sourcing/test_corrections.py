"""Correcting and removing milestones and bids: audited, for editors only, and fixed at award.

Before the award a milestone or a bid recorded wrongly can be changed or removed; each change
is in the audit trail with the record before and after (a removal keeps the record before).
Once the contract is awarded, the bids and the milestones before the award are the evidence
behind the award decision and the published notices, and no longer change; delivery and
reporting milestones still change, and are removed only while not yet met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.workspace.permissions import COMMISSIONING_EDITORS
from tests.workspace.sourcing.conftest import evaluated
from workspace.audit.models import AuditEvent
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import Bid, Milestone, Sourcing

pytestmark = pytest.mark.django_db

NOT_EDITORS = ["approver", "auditor", "administrator", "provider", "outsider"]


def _milestone(cast: Cast, sourcing: Sourcing, kind: str = "engagement") -> Milestone:
    return services.milestone_add(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        title="Provider event",
        kind=kind,
        due_on=dt.date(2025, 2, 3),
    )


def _award(cast: Cast, sourcing: Sourcing) -> None:
    services.award_record(
        actor=cast.users["procurement"],
        sourcing=sourcing,
        bid=sourcing.bids.get(bidder="Kingsmere Community Care CIC"),
        awarded_on=dt.date(2025, 5, 1),
        rationale="Highest weighted score.",
        contract_start=dt.date(2025, 7, 1),
    )


def _bid_fields(bid: Bid, **changes: object) -> dict[str, object]:
    fields = {
        "bidder": bid.bidder,
        "price": bid.price,
        "quality_score": bid.quality_score,
        "social_value_score": bid.social_value_score,
        "moderation_notes": bid.moderation_notes,
        "sme": bid.sme,
        "vcse": bid.vcse,
    }
    return {**fields, **changes}


# --- services -------------------------------------------------------------------------------


def test_a_milestone_change_is_audited_before_and_after(cast: Cast, sourcing: Sourcing) -> None:
    milestone = _milestone(cast, sourcing)
    services.milestone_update(
        actor=cast.users["commissioner"],
        milestone=milestone,
        title="Provider event (moved)",
        kind="engagement",
        due_on=dt.date(2025, 2, 10),
        met_on=dt.date(2025, 2, 10),
    )
    event = AuditEvent.objects.get(action="changed milestone")
    assert event.before["due_on"] == "2025-02-03"
    assert event.after["due_on"] == "2025-02-10"
    assert event.after["met_on"] == "2025-02-10"
    assert event.actor_label == cast.users["commissioner"].get_username()


def test_a_milestone_change_names_each_bad_field(cast: Cast, sourcing: Sourcing) -> None:
    milestone = _milestone(cast, sourcing)
    with pytest.raises(ValidationError) as caught:
        services.milestone_update(
            actor=cast.users["commissioner"],
            milestone=milestone,
            title=" ",
            kind="party",
            due_on=dt.date(2025, 2, 10),
        )
    assert set(caught.value.message_dict) == {"title", "kind"}
    milestone.refresh_from_db()
    assert milestone.title == "Provider event"


def test_a_removed_milestone_keeps_its_last_state_in_the_trail(
    cast: Cast, sourcing: Sourcing
) -> None:
    milestone = _milestone(cast, sourcing)
    pk = milestone.pk
    services.milestone_delete(actor=cast.users["analyst"], milestone=milestone)
    assert not Milestone.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="removed milestone")
    assert event.object_id == str(pk)
    assert event.before["title"] == "Provider event"
    assert event.after is None


def test_a_bid_change_is_audited_and_rescored(cast: Cast, sourcing: Sourcing) -> None:
    evaluated(cast, sourcing)
    bid = sourcing.bids.get(bidder="National Homecare plc")
    services.bid_update(
        actor=cast.users["procurement"],
        bid=bid,
        **_bid_fields(bid, price=Decimal("2500000"), quality_score=Decimal("95")),
    )
    event = AuditEvent.objects.get(action="changed bid")
    assert event.before["price"] == "1900000.00"
    assert event.after["price"] == "2500000"
    scores = {row["bidder"]: row for row in services.bid_scores(sourcing)}
    # The lowest price is now 2,100,000 (the CIC's): 100 x 2.1m / 2.5m = 84.
    assert scores["National Homecare plc"]["price_score"] == pytest.approx(84.0)


def test_a_bid_change_names_each_bad_field(cast: Cast, sourcing: Sourcing) -> None:
    evaluated(cast, sourcing)
    bid = sourcing.bids.first()
    assert bid is not None
    with pytest.raises(ValidationError) as caught:
        services.bid_update(
            actor=cast.users["procurement"],
            bid=bid,
            **_bid_fields(bid, bidder="", price=Decimal(0), quality_score=Decimal(101)),
        )
    assert set(caught.value.message_dict) == {"bidder", "price", "quality_score"}


def test_a_removed_bid_leaves_the_scoring_and_stays_in_the_trail(
    cast: Cast, sourcing: Sourcing
) -> None:
    evaluated(cast, sourcing)
    bid = sourcing.bids.get(bidder="National Homecare plc")
    services.bid_delete(actor=cast.users["finance"], bid=bid)
    assert [row["bidder"] for row in services.bid_scores(sourcing)] == [
        "Kingsmere Community Care CIC",
        "Carewell Ltd",
    ]
    event = AuditEvent.objects.get(action="removed bid")
    assert event.before["bidder"] == "National Homecare plc"
    assert services.bids_counted(sourcing) == 2


@pytest.mark.parametrize("persona", NOT_EDITORS)
def test_only_editors_correct_or_remove(cast: Cast, sourcing: Sourcing, persona: str) -> None:
    evaluated(cast, sourcing)
    milestone = _milestone(cast, sourcing)
    bid = sourcing.bids.first()
    assert bid is not None
    user = cast.users[persona]
    with pytest.raises(PermissionDenied):
        services.bid_update(actor=user, bid=bid, **_bid_fields(bid, bidder="Renamed"))
    with pytest.raises(PermissionDenied):
        services.bid_delete(actor=user, bid=bid)
    with pytest.raises(PermissionDenied):
        services.milestone_update(
            actor=user, milestone=milestone, title="X", kind="approval", due_on=dt.date.today()
        )
    with pytest.raises(PermissionDenied):
        services.milestone_delete(actor=user, milestone=milestone)
    assert Bid.objects.filter(pk=bid.pk, bidder=bid.bidder).exists()
    assert Milestone.objects.filter(pk=milestone.pk, title="Provider event").exists()


def test_bids_are_fixed_once_the_contract_is_awarded(cast: Cast, sourcing: Sourcing) -> None:
    evaluated(cast, sourcing)
    _award(cast, sourcing)
    bid = sourcing.bids.get(bidder="Carewell Ltd")
    assert "rewrite the evidence" in services.bid_locked_reason(bid)
    with pytest.raises(ValidationError, match="The contract is awarded"):
        services.bid_update(
            actor=cast.users["procurement"], bid=bid, **_bid_fields(bid, price=Decimal(1))
        )
    with pytest.raises(ValidationError, match="The contract is awarded"):
        services.bid_delete(actor=cast.users["procurement"], bid=bid)
    assert not AuditEvent.objects.filter(action__in=["changed bid", "removed bid"]).exists()


def test_milestones_before_the_award_are_fixed_once_it_is_made(
    cast: Cast, sourcing: Sourcing
) -> None:
    before_award = _milestone(cast, sourcing, "assessment")
    evaluated(cast, sourcing)
    _award(cast, sourcing)
    user = cast.users["procurement"]
    with pytest.raises(ValidationError, match="published record"):
        services.milestone_update(
            actor=user,
            milestone=before_award,
            title="Evaluation",
            kind="assessment",
            due_on=dt.date(2025, 3, 1),
        )
    with pytest.raises(ValidationError, match="published record"):
        services.milestone_delete(actor=user, milestone=before_award)


def test_after_the_award_only_delivery_or_reporting_milestones_are_added(
    cast: Cast, sourcing: Sourcing
) -> None:
    evaluated(cast, sourcing)
    _award(cast, sourcing)
    with pytest.raises(ValidationError) as caught:
        _milestone(cast, sourcing, "engagement")
    assert set(caught.value.message_dict) == {"kind"}
    assert _milestone(cast, sourcing, "reporting").after_award


def test_delivery_milestones_change_after_the_award_but_stay_once_met(
    cast: Cast, sourcing: Sourcing
) -> None:
    evaluated(cast, sourcing)
    _award(cast, sourcing)
    user = cast.users["procurement"]
    delivery = _milestone(cast, sourcing, "delivery")
    with pytest.raises(ValidationError) as caught:
        services.milestone_update(
            actor=user,
            milestone=delivery,
            title="Service starts",
            kind="engagement",
            due_on=dt.date(2025, 7, 1),
        )
    assert set(caught.value.message_dict) == {"kind"}
    services.milestone_update(
        actor=user,
        milestone=delivery,
        title="Service starts",
        kind="delivery",
        due_on=dt.date(2025, 7, 1),
        met_on=dt.date(2025, 7, 1),
    )
    with pytest.raises(ValidationError, match="record of performance"):
        services.milestone_delete(actor=user, milestone=delivery)
    unmet = _milestone(cast, sourcing, "reporting")
    services.milestone_delete(actor=user, milestone=unmet)
    assert list(sourcing.milestones.values_list("title", flat=True)) == ["Service starts"]


def test_the_export_stays_valid_after_corrections(cast: Cast, sourcing: Sourcing) -> None:
    from spiral.ocds.problems import ProblemReport
    from spiral.ocds.validation import validate_item

    evaluated(cast, sourcing)
    milestone = _milestone(cast, sourcing)
    services.milestone_delete(actor=cast.users["procurement"], milestone=milestone)
    services.bid_delete(
        actor=cast.users["procurement"], bid=sourcing.bids.get(bidder="National Homecare plc")
    )
    _award(cast, sourcing)
    package = services.ocds_package(sourcing, uri="https://example.org/ocds.json")
    report = ProblemReport()
    validate_item(package, "export", report)
    assert not report, report.text()
    names = {
        party["name"] for release in package["releases"] for party in release.get("parties", [])
    }
    assert "National Homecare plc" not in names
    assert {"Carewell Ltd", "Kingsmere Community Care CIC"} <= names


# --- pages ----------------------------------------------------------------------------------


def _urls(sourcing: Sourcing, milestone: Milestone, bid: Bid) -> list[str]:
    k = sourcing.pk
    return [
        f"/sourcing/{k}/milestones/{milestone.pk}/delete/",
        f"/sourcing/{k}/bids/{bid.pk}/delete/",
    ]


def test_removal_by_post_is_refused_to_everyone_but_editors(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    milestone = _milestone(cast, sourcing)
    bid = sourcing.bids.first()
    assert bid is not None
    for persona in [*NOT_EDITORS, None]:
        for url in _urls(sourcing, milestone, bid):
            response = client_for(persona).post(url)
            assert response.status_code in {302, 403, 404}, (persona, url)
            if response.status_code == 302:
                assert "/sign-in/" in response["Location"], (persona, url)
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert Bid.objects.filter(pk=bid.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="removed").exists()
    for persona in sorted(COMMISSIONING_EDITORS):
        extra = _milestone(cast, sourcing)
        response = client_for(persona).post(
            f"/sourcing/{sourcing.pk}/milestones/{extra.pk}/delete/"
        )
        assert response.status_code == 302, persona
        assert not Milestone.objects.filter(pk=extra.pk).exists()


def test_a_record_of_another_route_is_not_found_under_this_one(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    other = services.sourcing_create(
        actor=cast.users["procurement"],
        cycle=sourcing.cycle,
        title="Other",
        route="grant",
        rationale="R",
        contract_value=Decimal(1),
        planned_on=dt.date(2025, 1, 1),
    )
    bid = sourcing.bids.first()
    assert bid is not None
    client = client_for("procurement")
    assert client.get(f"/sourcing/{other.pk}/bids/{bid.pk}/edit/").status_code == 404
    assert client.post(f"/sourcing/{other.pk}/bids/{bid.pk}/delete/").status_code == 404
    assert Bid.objects.filter(pk=bid.pk).exists()


def test_a_bid_is_corrected_through_its_form(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    bid = sourcing.bids.get(bidder="Carewell Ltd")
    client = client_for("procurement")
    url = f"/sourcing/{sourcing.pk}/bids/{bid.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Change a bid" in page
    assert 'value="Carewell Ltd"' in page
    refused = client.post(url, {"bidder": "", "price": "0", "quality_score": "70"})
    body = refused.content.decode()
    assert "There is a problem" in body
    assert "Enter the bidder&#39;s name" in body or "Enter the bidder's name" in body
    assert "Enter the social value score" in body
    response = client.post(
        url,
        {
            "bidder": "Carewell Ltd",
            "price": "2200000",
            "quality_score": "82",
            "social_value_score": "60",
            "sme": "on",
        },
    )
    assert response["Location"] == f"/sourcing/{sourcing.pk}/#evaluation"
    bid.refresh_from_db()
    assert bid.quality_score == Decimal("82")
    detail = client.get(f"/sourcing/{sourcing.pk}/").content.decode()
    assert "Bid changed: Carewell Ltd" in detail


def test_a_removal_asks_first_then_removes(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    bid = sourcing.bids.get(bidder="National Homecare plc")
    client = client_for("commissioner")
    url = f"/sourcing/{sourcing.pk}/bids/{bid.pk}/delete/"
    page = client.get(url).content.decode()
    assert "Remove the bid from National Homecare plc?" in page
    assert "Yes, remove the bid" in page
    assert Bid.objects.filter(pk=bid.pk).exists()
    assert client.post(url).status_code == 302
    assert not Bid.objects.filter(pk=bid.pk).exists()


def test_after_the_award_the_pages_say_why_nothing_can_change(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    milestone = _milestone(cast, sourcing, "assessment")
    evaluated(cast, sourcing)
    _award(cast, sourcing)
    bid = sourcing.bids.get(bidder="Carewell Ltd")
    client = client_for("procurement")
    k = sourcing.pk
    for url, phrase in (
        (f"/sourcing/{k}/bids/{bid.pk}/edit/", "rewrite the evidence"),
        (f"/sourcing/{k}/bids/{bid.pk}/delete/", "rewrite the evidence"),
        (f"/sourcing/{k}/milestones/{milestone.pk}/edit/", "published record"),
        (f"/sourcing/{k}/milestones/{milestone.pk}/delete/", "published record"),
    ):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 200, url
            assert phrase in response.content.decode(), url
    assert Bid.objects.filter(pk=bid.pk).exists()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    detail = client.get(f"/sourcing/{k}/").content.decode()
    assert 'data-testid="bids-fixed"' in detail
    assert f"/bids/{bid.pk}/edit/" not in detail
    assert f"/milestones/{milestone.pk}/edit/" not in detail


def test_readers_see_no_change_or_remove_links(
    cast: Cast, sourcing: Sourcing, client_for: Callable[[str | None], Client]
) -> None:
    evaluated(cast, sourcing)
    _milestone(cast, sourcing)
    body = client_for("approver").get(f"/sourcing/{sourcing.pk}/").content.decode()
    assert "/edit/" not in body.replace(f"/sourcing/{sourcing.pk}/edit/", "")
    assert "/delete/" not in body
    editor = client_for("analyst").get(f"/sourcing/{sourcing.pk}/").content.decode()
    assert "/delete/" in editor
