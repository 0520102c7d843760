"""The demo a module's tests share is loaded once, and what one test changes is gone in the next.

The first test changes the demo every way a test can (an update, a deletion, new rows, an
audit event, a sign-in) and finds the audit trail still append-only inside the shared
transaction; the second, which runs after it, finds the demo as it was loaded. Run alone,
the second still checks the demo against the load.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from tests.workspace.reviews.conftest import SharedDemo, row_counts
from workspace.audit.models import AuditEvent
from workspace.audit.services import audit_record
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.reviews.models import CycleFigures

pytestmark = pytest.mark.django_db

NAMES = {
    "Adult home care",
    "Drug and alcohol treatment",
    "0–19 public health nursing",
    "Domestic abuse support",
    "Homelessness prevention",
}

_seen: list[SharedDemo] = []


def test_a_test_changes_the_shared_demo(
    demo: dict[str, Programme],
    cast: Cast,
    client_for: Callable[[str | None], Client],
    shared_demo: SharedDemo,
) -> None:
    _seen.append(shared_demo)
    programme = demo["Domestic abuse support"]
    programme.name = "Renamed by a test"
    programme.save()
    CycleFigures.objects.filter(cycle__programme=demo["Adult home care"]).delete()
    cycle_services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        name="Libraries",
        service_area="Culture",
    )
    audit_record(
        actor=cast.users["commissioner"],
        action="changed the shared demo",
        target=programme,
        organisation=cast.organisations["council"],
    )
    assert client_for("approver").get("/programmes/").status_code == 200
    loaded = AuditEvent.objects.order_by("id").first()
    assert loaded is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=loaded.pk).update(action="nothing happened")

    names = set(Programme.objects.values_list("name", flat=True))
    assert names == NAMES - {"Domestic abuse support"} | {"Renamed by a test", "Libraries"}
    assert not CycleFigures.objects.filter(cycle__programme__name="Adult home care").exists()
    assert AuditEvent.objects.filter(action="changed the shared demo").exists()
    assert row_counts() != shared_demo.rows


def test_the_next_test_finds_the_demo_as_it_was_loaded(
    demo: dict[str, Programme], shared_demo: SharedDemo
) -> None:
    if _seen:  # the changing test ran first, over the same load
        assert _seen == [shared_demo]
    assert set(demo) == NAMES
    assert set(Programme.objects.values_list("name", flat=True)) == NAMES
    assert CycleFigures.objects.filter(cycle__programme__name="Adult home care").count() == 3
    assert not AuditEvent.objects.filter(action="changed the shared demo").exists()
    assert row_counts() == shared_demo.rows
