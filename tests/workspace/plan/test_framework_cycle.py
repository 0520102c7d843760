"""An outcomes framework names the cycle it plans: one of its own programme's cycles.

The services, the forms, the API, the model's ``clean`` and a database trigger each refuse
another programme's cycle; the current cycle is the default; changing the cycle is audited;
the pages show it; and the migration links existing frameworks to the cycle that was
running when each was written.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.test import Client

from tests.workspace.conftest import PERSONA_KEYS
from tests.workspace.permissions import (
    COMMISSIONING_EDITORS,
    COMMISSIONING_READERS,
    check_matrix,
)
from tests.workspace.reviews.test_services import _two_cycles
from workspace.audit.models import AuditEvent
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Cycle, Programme
from workspace.demo.personas import Cast
from workspace.plan import services
from workspace.plan.models import OutcomesFramework

pytestmark = pytest.mark.django_db

OTHER = "Choose one of this programme's cycles"


@dataclass
class Cycles:
    """Carers' support with two cycles (the second current), and another programme's cycle."""

    programme: Programme
    first: Cycle
    second: Cycle
    other: Cycle


@pytest.fixture
def cycles(cast: Cast, cycle: Cycle) -> Cycles:
    programme, first, second = _two_cycles(cast)
    return Cycles(programme, first, second, other=cycle)


def _create(cast: Cast, programme: Programme, **extra: Any) -> OutcomesFramework:
    return services.outcomes_framework_create(
        actor=cast.users["analyst"], programme=programme, title="Carers' outcomes", **extra
    )


# --- services and the model ----------------------------------------------------------------


def test_a_framework_plans_the_current_cycle_by_default(cast: Cast, cycles: Cycles) -> None:
    assert _create(cast, cycles.programme).cycle == cycles.second


def test_a_framework_may_plan_an_earlier_cycle_of_its_programme(cast: Cast, cycles: Cycles) -> None:
    assert _create(cast, cycles.programme, cycle=cycles.first).cycle == cycles.first


def test_another_programmes_cycle_is_refused_on_the_cycle_field_and_nothing_is_saved(
    cast: Cast, cycles: Cycles
) -> None:
    with pytest.raises(ValidationError) as error:
        _create(cast, cycles.programme, cycle=cycles.other)
    assert error.value.message_dict == {"cycle": [OTHER]}
    assert not OutcomesFramework.objects.exists()
    assert not AuditEvent.objects.filter(action="created outcomes framework").exists()


def test_a_framework_of_a_programme_without_cycles_plans_none_yet(cast: Cast) -> None:
    programme = cycle_services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        name="Carers' breaks",
        service_area="Adult social care",
    )
    framework = _create(cast, programme)
    assert framework.cycle is None
    assert framework.cycle_name == "None yet (no cycle started)"


def test_changing_the_cycle_is_audited_with_the_earlier_one(cast: Cast, cycles: Cycles) -> None:
    framework = _create(cast, cycles.programme)
    services.outcomes_framework_update(
        actor=cast.users["commissioner"],
        framework=framework,
        title="Carers' outcomes",
        cycle=cycles.first,
    )
    framework.refresh_from_db()
    assert framework.cycle == cycles.first
    event = AuditEvent.objects.filter(action="updated outcomes framework").get()
    assert (event.before["cycle_id"], event.after["cycle_id"]) == (
        cycles.second.pk,
        cycles.first.pk,
    )


def test_a_change_without_a_cycle_keeps_the_one_it_plans(cast: Cast, cycles: Cycles) -> None:
    framework = _create(cast, cycles.programme, cycle=cycles.first)
    services.outcomes_framework_update(
        actor=cast.users["analyst"], framework=framework, title="Renamed"
    )
    framework.refresh_from_db()
    assert (framework.title, framework.cycle) == ("Renamed", cycles.first)


def test_a_change_to_another_programmes_cycle_is_refused(cast: Cast, cycles: Cycles) -> None:
    framework = _create(cast, cycles.programme)
    with pytest.raises(ValidationError) as error:
        services.outcomes_framework_update(
            actor=cast.users["analyst"], framework=framework, title="X", cycle=cycles.other
        )
    assert error.value.message_dict == {"cycle": [OTHER]}
    framework.refresh_from_db()
    assert (framework.title, framework.cycle) == ("Carers' outcomes", cycles.second)


@pytest.mark.parametrize(
    "persona", ["approver", "auditor", "administrator", "provider", "outsider"]
)
def test_only_editors_change_the_cycle(cast: Cast, cycles: Cycles, persona: str) -> None:
    framework = _create(cast, cycles.programme)
    with pytest.raises(PermissionDenied):
        services.outcomes_framework_update(
            actor=cast.users[persona], framework=framework, title="X", cycle=cycles.first
        )


def test_the_model_refuses_another_programmes_cycle(cast: Cast, cycles: Cycles) -> None:
    framework = _create(cast, cycles.programme)
    framework.cycle = cycles.other
    with pytest.raises(ValidationError) as error:
        framework.full_clean()
    assert set(error.value.message_dict) == {"cycle"}


def test_the_database_refuses_another_programmes_cycle(cast: Cast, cycles: Cycles) -> None:
    framework = _create(cast, cycles.programme)
    with pytest.raises(DatabaseError), transaction.atomic():
        OutcomesFramework.objects.filter(pk=framework.pk).update(cycle=cycles.other)
    with pytest.raises(DatabaseError), transaction.atomic():
        OutcomesFramework.objects.create(
            programme=cycles.programme,
            cycle=cycles.other,
            title="Sneaked in",
            created_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
        )
    framework.refresh_from_db()
    assert framework.cycle == cycles.second
    # A cycle of its own programme, and none at all, stay allowed.
    OutcomesFramework.objects.filter(pk=framework.pk).update(cycle=cycles.first)
    OutcomesFramework.objects.filter(pk=framework.pk).update(cycle=None)


def test_the_migration_links_each_framework_to_the_cycle_running_when_it_was_written(
    cast: Cast, cycles: Cycles
) -> None:
    migration = importlib.import_module("workspace.plan.migrations.0003_outcomes_framework_cycle")
    before = _create(cast, cycles.programme, at=cycles.first.started_at - dt.timedelta(days=30))
    during_first = _create(cast, cycles.programme, at=cycles.first.started_at)
    during_second = _create(cast, cycles.programme, at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    other = _create(cast, cycles.other.programme, at=cycles.other.started_at)
    no_cycle_programme = cycle_services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        name="Carers' breaks",
        service_area="Adult social care",
    )
    none = _create(cast, no_cycle_programme)
    OutcomesFramework.objects.update(cycle=None)
    migration.link_to_running_cycle(apps, None)
    linked = dict(OutcomesFramework.objects.values_list("pk", "cycle"))
    assert linked == {
        before.pk: cycles.first.pk,  # written before the first cycle: the first
        during_first.pk: cycles.first.pk,
        during_second.pk: cycles.second.pk,
        other.pk: cycles.other.pk,
        none.pk: None,
    }


# --- pages ---------------------------------------------------------------------------------


def test_choosing_a_cycle_on_the_pages_is_for_editors_only(
    cast: Cast, cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    framework = _create(cast, cycles.programme)
    chosen = {"title": "Carers' outcomes", "cycle": cycles.first.pk}
    for url in (
        f"/programmes/{cycles.programme.pk}/outcomes/new/",
        f"/outcomes-frameworks/{framework.pk}/edit/",
    ):
        check_matrix(
            client_for,
            method="post",
            url=url,
            data=chosen,
            allowed=COMMISSIONING_EDITORS,
            allowed_status=(302,),
        )
    made = OutcomesFramework.objects.exclude(pk=framework.pk)
    assert made.count() == len(COMMISSIONING_EDITORS)
    assert {f.cycle_id for f in made} == {cycles.first.pk}
    framework.refresh_from_db()
    assert framework.cycle == cycles.first


def test_the_new_form_offers_only_the_programmes_cycles_with_the_current_one_chosen(
    cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    body = (
        client_for("analyst").get(f"/programmes/{cycles.programme.pk}/outcomes/new/").content
    ).decode()
    assert "Which cycle does this framework plan?" in body
    assert f'value="{cycles.second.pk}" checked' in body
    assert f'value="{cycles.first.pk}"' in body
    assert f'name="cycle" type="radio" value="{cycles.other.pk}"' not in body
    assert f'value="{cycles.other.pk}"' not in body
    assert "Cycle 1 (complete, started 1 April 2020)" in body
    assert "Cycle 2 (in progress, started 4 April 2022)" in body


def test_the_new_form_refuses_another_programmes_cycle_with_a_field_error(
    cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("analyst").post(
        f"/programmes/{cycles.programme.pk}/outcomes/new/",
        {"title": "Carers' outcomes", "cycle": cycles.other.pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert OTHER.replace("'", "&#39;") in body
    assert 'href="#cycle"' in body  # the first radio
    assert 'id="cycle"' in body
    assert not OutcomesFramework.objects.exists()


def test_the_new_form_needs_a_cycle_when_the_programme_has_one(
    cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    body = (
        client_for("analyst")
        .post(f"/programmes/{cycles.programme.pk}/outcomes/new/", {"title": "Outcomes"})
        .content.decode()
    )
    assert "Choose the cycle this outcomes framework plans" in body
    assert not OutcomesFramework.objects.exists()


def test_a_framework_made_on_the_page_plans_the_cycle_chosen_and_shows_it(
    cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    response = client.post(
        f"/programmes/{cycles.programme.pk}/outcomes/new/",
        {"title": "Carers' outcomes", "cycle": cycles.first.pk},
    )
    assert response.status_code == 302
    framework = OutcomesFramework.objects.get()
    assert framework.cycle == cycles.first
    page = client_for("auditor").get(f"/outcomes-frameworks/{framework.pk}/").content.decode()
    assert "Cycle it plans" in page
    assert f'href="/cycles/{cycles.first.pk}/"' in page
    assert "Cycle 1 (complete, started 1 April 2020)" in page
    listing = client_for("auditor").get(f"/programmes/{cycles.programme.pk}/outcomes/")
    assert "Cycle 1 (complete, started 1 April 2020)" in listing.content.decode()


def test_the_edit_form_moves_the_framework_to_another_cycle_and_audits_it(
    cast: Cast, cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    framework = _create(cast, cycles.programme)
    url = f"/outcomes-frameworks/{framework.pk}/edit/"
    form = client_for("analyst").get(url).content.decode()
    assert f'value="{cycles.second.pk}" checked' in form
    refused = client_for("analyst").post(url, {"title": "X", "cycle": cycles.other.pk})
    assert OTHER.replace("'", "&#39;") in refused.content.decode()
    framework.refresh_from_db()
    assert (framework.title, framework.cycle) == ("Carers' outcomes", cycles.second)
    response = client_for("analyst").post(
        url, {"title": "Carers' outcomes", "cycle": cycles.first.pk}
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.cycle == cycles.first
    event = AuditEvent.objects.filter(action="updated outcomes framework").get()
    assert event.before["cycle_id"] == cycles.second.pk


def test_a_programme_without_cycles_gets_a_form_without_the_cycle_question(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    programme = cycle_services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        name="Carers' breaks",
        service_area="Adult social care",
    )
    client = client_for("analyst")
    body = client.get(f"/programmes/{programme.pk}/outcomes/new/").content.decode()
    assert "Which cycle does this framework plan?" not in body
    response = client.post(f"/programmes/{programme.pk}/outcomes/new/", {"title": "Outcomes"})
    assert response.status_code == 302
    framework = OutcomesFramework.objects.get()
    assert framework.cycle is None
    page = client.get(f"/outcomes-frameworks/{framework.pk}/").content.decode()
    assert "None yet (no cycle started)" in page


# --- API -------------------------------------------------------------------------------------


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_every_api_operation_lets_in_exactly_the_right_personas(
    cast: Cast, cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    framework = _create(cast, cycles.programme)
    p, f = cycles.programme.pk, framework.pk
    body = {"title": "Carers' outcomes", "cycle_id": cycles.first.pk}
    operations = [
        ("get", f"/api/programmes/{p}/outcomes-frameworks", None, COMMISSIONING_READERS),
        ("get", f"/api/outcomes-frameworks/{f}", None, COMMISSIONING_READERS),
        ("post", f"/api/programmes/{p}/outcomes-frameworks", body, COMMISSIONING_EDITORS),
        ("put", f"/api/outcomes-frameworks/{f}", body, COMMISSIONING_EDITORS),
        # Broken rules: editors get 422, everyone else is refused before any rule is read.
        ("post", f"/api/programmes/{p}/outcomes-frameworks", {"title": ""}, COMMISSIONING_EDITORS),
        (
            "put",
            f"/api/outcomes-frameworks/{f}",
            {"title": "X", "cycle_id": cycles.other.pk},
            COMMISSIONING_EDITORS,
        ),
    ]
    failures = []
    for method, url, data, allowed in operations:
        for persona in [*PERSONA_KEYS, None]:
            status = _call(client_for(persona), method, url, data).status_code
            if persona is None:
                ok = status == 401
            elif persona in allowed:
                ok = status in {200, 201, 422}
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{method.upper()} {url} as {persona}: {status}")
    assert not failures, failures


def test_the_api_creates_a_framework_for_the_current_cycle_or_the_one_chosen(
    cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    url = f"/api/programmes/{cycles.programme.pk}/outcomes-frameworks"
    made = _call(client, "post", url, {"title": "Current"})
    assert made.status_code == 201
    assert (made.json()["cycle_id"], made.json()["cycle_number"]) == (cycles.second.pk, 2)
    chosen = _call(client, "post", url, {"title": "Earlier", "cycle_id": cycles.first.pk})
    assert (chosen.json()["cycle_id"], chosen.json()["cycle_number"]) == (cycles.first.pk, 1)
    listed = client_for("auditor").get(url).json()
    assert [(f["title"], f["cycle_number"]) for f in listed] == [("Current", 2), ("Earlier", 1)]


def test_the_api_refuses_another_programmes_cycle_on_cycle_id(
    cast: Cast, cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    url = f"/api/programmes/{cycles.programme.pk}/outcomes-frameworks"
    for cycle_id in (cycles.other.pk, 999_999):
        refused = _call(client, "post", url, {"title": "X", "cycle_id": cycle_id})
        assert refused.status_code == 422
        assert refused.json() == {"errors": {"cycle_id": [OTHER]}}
    assert not OutcomesFramework.objects.exists()
    framework = _create(cast, cycles.programme)
    moved = _call(
        client,
        "put",
        f"/api/outcomes-frameworks/{framework.pk}",
        {"title": "Carers' outcomes", "cycle_id": cycles.other.pk},
    )
    assert moved.status_code == 422
    assert moved.json() == {"errors": {"cycle_id": [OTHER]}}


def test_the_api_moves_a_framework_to_another_cycle_of_its_programme(
    cast: Cast, cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    framework = _create(cast, cycles.programme)
    moved = _call(
        client_for("analyst"),
        "put",
        f"/api/outcomes-frameworks/{framework.pk}",
        {"title": "Carers' outcomes", "purpose": "For carers.", "cycle_id": cycles.first.pk},
    )
    assert moved.status_code == 200
    assert (moved.json()["cycle_number"], moved.json()["purpose"]) == (1, "For carers.")
    assert AuditEvent.objects.filter(action="updated outcomes framework").exists()
    kept = _call(
        client_for("analyst"),
        "put",
        f"/api/outcomes-frameworks/{framework.pk}",
        {"title": "Renamed"},
    )
    assert (kept.json()["title"], kept.json()["cycle_number"]) == ("Renamed", 1)


def test_the_change_form_of_a_framework_without_a_cycle_asks_for_one(
    cast: Cast, cycles: Cycles, client_for: Callable[[str | None], Client]
) -> None:
    framework = _create(cast, cycles.programme)
    OutcomesFramework.objects.filter(pk=framework.pk).update(cycle=None)  # as one written early
    url = f"/outcomes-frameworks/{framework.pk}/edit/"
    client = client_for("analyst")
    assert " checked" not in client.get(url).content.decode()
    body = client.post(url, {"title": "Carers' outcomes"}).content.decode()
    assert "Choose the cycle this outcomes framework plans" in body
    framework.refresh_from_db()
    assert framework.cycle is None
    assert (
        client.post(url, {"title": "Carers' outcomes", "cycle": cycles.first.pk}).status_code == 302
    )
    framework.refresh_from_db()
    assert framework.cycle == cycles.first
