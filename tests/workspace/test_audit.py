"""The audit trail: every change recorded, nothing editable, tampering detected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory

from tests.workspace.permissions import AUDIT_READERS, check_matrix
from workspace.audit.guards import install_guards, remove_guards
from workspace.audit.models import AuditEvent
from workspace.audit.services import audit_record, audit_verify
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def test_loading_the_cast_records_every_organisation_and_role(cast: Cast) -> None:
    assert AuditEvent.objects.filter(action="created organisation").count() == 4
    assert AuditEvent.objects.filter(action="granted role").count() == 11
    assert audit_verify().ok


def test_the_database_refuses_to_change_or_delete_an_event(cast: Cast) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def _tamper(sql: str, params: list[object]) -> None:
    """Change the trail behind the application's back, as someone with database access could."""
    remove_guards(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        install_guards(connection)


def test_an_edited_event_is_found_by_the_check(cast: Cast) -> None:
    events = list(AuditEvent.objects.order_by("id"))
    _tamper("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["x", events[3].pk])
    report = audit_verify()
    assert not report.ok
    assert report.broken_event_id == events[3].pk
    assert report.broken is not None
    assert "edited" in report.broken.reason


def test_a_removed_event_is_found_by_the_check(cast: Cast) -> None:
    events = list(AuditEvent.objects.order_by("id"))
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[5].pk])
    report = audit_verify()
    assert report.broken_event_id == events[6].pk
    assert report.broken is not None
    assert "removed" in report.broken.reason


def test_the_verify_command_passes_a_sound_trail_and_fails_a_tampered_one(cast: Cast) -> None:
    call_command("audit_verify")
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    _tamper("UPDATE audit_auditevent SET after = NULL WHERE id = %s", [event.pk])
    with pytest.raises(CommandError, match=f"does not verify at event {event.pk}"):
        call_command("audit_verify")


def test_values_of_every_kind_survive_the_round_trip_and_still_verify(db: None) -> None:
    import datetime as dt
    import decimal

    audit_record(
        actor=None,
        action="changed",
        object_type="x",
        before={"amount": decimal.Decimal("12.50"), "when": dt.date(2026, 4, 1), "n": 0.1},
        after={"amount": None, "text": "Café – £5", "items": [1, 2.5, "a"], "nested": {"b": 1}},
    )
    assert audit_verify().ok


def test_the_admin_offers_no_way_to_add_change_or_delete_events(cast: Cast) -> None:
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = cast.users["administrator"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_only_auditors_and_administrators_read_the_trail(
    client_for: Callable[[str | None], Client],
) -> None:
    # The outsider audits their own council, Northdale: they may open the trail page, which
    # shows them only Northdale's events, but never a Kingsmere event.
    own_trail = AUDIT_READERS | {"outsider"}
    check_matrix(client_for, method="get", url="/audit/", allowed=own_trail)
    check_matrix(client_for, method="post", url="/audit/verify/", allowed=own_trail)
    event = AuditEvent.objects.filter(organisation__slug="kingsmere").first()
    assert event is not None
    check_matrix(client_for, method="get", url=f"/audit/events/{event.pk}/", allowed=AUDIT_READERS)


def test_an_auditor_of_another_council_sees_none_of_kingsmere(
    client_for: Callable[[str | None], Client],
) -> None:
    body = client_for("outsider").get("/audit/").content.decode()
    assert "Northdale District Council" in body
    assert "Kingsmere Borough Council" not in body


def test_the_trail_page_shows_a_tampered_chain(
    client_for: Callable[[str | None], Client],
) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", event.pk])
    body = client_for("auditor").post("/audit/verify/").content.decode()
    assert "does not verify" in body


def test_the_partner_of_a_joint_programme_audits_its_changes_too(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    from django.contrib.auth.models import User

    from workspace.accounts.models import Membership
    from workspace.cycles.services import programme_create

    icb = cast.organisations["icb"]
    icb_auditor = User.objects.create(username="icb.auditor")
    Membership.objects.create(user=icb_auditor, organisation=icb, role="auditor")
    joint = programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        partner_organisation=icb,
        name="Intermediate care",
        service_area="Adult social care",
        description="Short-term care after hospital, commissioned jointly.",
    )
    sole = programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        partner_organisation=None,
        name="Libraries outreach",
        service_area="Culture",
        description="Council only.",
    )
    client = Client()
    client.force_login(icb_auditor)
    body = client.get("/audit/").content.decode()
    assert "Intermediate care" in body
    assert "Libraries outreach" not in body
    joint_event = AuditEvent.objects.get(object_type="cycles.programme", object_id=str(joint.pk))
    sole_event = AuditEvent.objects.get(object_type="cycles.programme", object_id=str(sole.pk))
    assert client.get(f"/audit/events/{joint_event.pk}/").status_code == 200
    assert client.get(f"/audit/events/{sole_event.pk}/").status_code == 404
    assert audit_verify().ok
