"""Outcome indicators linked to the Analyse stage's indicator data (``workspace.needs``).

A linked indicator takes its name, unit and code from the needs indicator, and is offered the
latest value for the lead organisation's area (the area whose GSS code is the organisation's
ONS code) as its baseline, with its period and source.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from workspace.audit.models import AuditEvent
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.needs.models import Area, Indicator, IndicatorValue
from workspace.plan import services
from workspace.plan.models import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs_indicator(programme: Programme) -> Indicator:
    area = Area.objects.create(code=programme.organisation.ons_code, name="Home", area_type="UA")
    other = Area.objects.create(code="E06000006", name="Elsewhere", area_type="UA")
    indicator = Indicator.objects.create(
        key="91894",
        name="Deaths in hospital for people with dementia aged 65 years and over",
        statistic=Indicator.Statistic.PROPORTION,
        multiplier=100,
        polarity=Indicator.Polarity.LOW,
        unit="%",
        ci_method="Wilson",
        source="Fingertips",
    )
    for where, period, value in ((area, "2019", 60.0), (area, "2021", 55.5), (other, "2022", 9.0)):
        IndicatorValue.objects.create(
            indicator=indicator,
            area=where,
            period=period,
            numerator=value,
            denominator=100,
            value=value,
            method="wilson",
        )
    return indicator


@pytest.fixture
def outcome(cast: Cast, programme: Programme) -> Outcome:
    analyst = cast.users["analyst"]
    framework = services.outcomes_framework_create(
        actor=analyst, programme=programme, title="Home care outcomes"
    )
    return services.outcome_add(actor=analyst, framework=framework, statement="Dying well")


def test_a_linked_indicator_stores_the_link_and_takes_the_area_s_latest_baseline(
    cast: Cast, outcome: Outcome, needs_indicator: Indicator
) -> None:
    indicator = services.indicator_add(
        actor=cast.users["analyst"],
        outcome=outcome,
        name="",
        direction="",
        needs_indicator=needs_indicator,
    )
    indicator.refresh_from_db()
    assert indicator.needs_indicator == needs_indicator
    assert (indicator.name, indicator.unit, indicator.code) == (needs_indicator.name, "%", "91894")
    assert indicator.direction == "lower"
    assert (indicator.baseline_value, indicator.baseline_period) == (55.5, "2021")
    assert indicator.baseline_source == "Fingertips via Spiral's needs assessment"
    event = AuditEvent.objects.get(action="added outcome indicator")
    assert event.after["needs_indicator_id"] == needs_indicator.pk


def test_a_baseline_typed_in_is_kept_over_the_one_offered(
    cast: Cast, outcome: Outcome, needs_indicator: Indicator
) -> None:
    indicator = services.indicator_add(
        actor=cast.users["analyst"],
        outcome=outcome,
        name="Dying at home",
        direction="lower",
        baseline_value=50.0,
        baseline_period="2023",
        baseline_source="Local audit",
        needs_indicator=needs_indicator,
    )
    assert (indicator.name, indicator.baseline_value, indicator.baseline_source) == (
        "Dying at home",
        50.0,
        "Local audit",
    )


def test_no_baseline_is_offered_when_the_organisation_has_no_area(
    programme: Programme, needs_indicator: Indicator
) -> None:
    organisation = programme.organisation
    organisation.ons_code = ""
    organisation.save(update_fields=["ons_code"])
    assert services.needs_baseline(programme=programme, needs_indicator=needs_indicator) is None


def test_another_council_s_own_indicator_cannot_be_linked(
    cast: Cast, outcome: Outcome, needs_indicator: Indicator
) -> None:
    theirs = Indicator.objects.create(
        organisation=cast.organisations["other_council"],
        key="local-1",
        name="Their local measure",
        statistic=Indicator.Statistic.RATE,
        multiplier=1000,
        polarity=Indicator.Polarity.HIGH,
        unit="per 1,000",
        ci_method="Byar",
        source="Uploaded",
    )
    with pytest.raises(ValidationError):
        services.indicator_add(
            actor=cast.users["analyst"],
            outcome=outcome,
            name="",
            direction="",
            needs_indicator=theirs,
        )


def test_the_indicator_form_lists_the_needs_indicators_and_links_the_one_picked(
    outcome: Outcome,
    needs_indicator: Indicator,
    client_for: Callable[[str | None], Client],
) -> None:
    client = client_for("analyst")
    page = client.get(f"/outcomes/{outcome.pk}/indicators/new/").content.decode()
    assert f'<option value="{needs_indicator.pk}">{needs_indicator.name}</option>' in page
    assert "None: a local measure" in page
    response = client.post(
        f"/outcomes/{outcome.pk}/indicators/new/",
        {"needs_indicator": str(needs_indicator.pk), "direction": "lower"},
    )
    assert response.status_code == 302
    indicator = outcome.indicators.get()
    assert indicator.needs_indicator == needs_indicator
    assert indicator.baseline_value == 55.5
    edit = client.get(f"/outcome-indicators/{indicator.pk}/edit/").content.decode()
    assert f'<option value="{needs_indicator.pk}" selected>' in edit
    page = client.get(f"/outcomes-frameworks/{outcome.framework.pk}/").content.decode()
    assert "Linked to the needs assessment&#39;s indicator" in page or (
        "Linked to the needs assessment's indicator" in page
    )


def test_a_local_measure_still_needs_a_name(
    outcome: Outcome, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("analyst").post(
        f"/outcomes/{outcome.pk}/indicators/new/", {"direction": "higher"}
    )
    assert response.status_code == 200
    assert "Enter the indicator&#39;s name" in response.content.decode() or (
        "Enter the indicator's name" in response.content.decode()
    )
    assert not outcome.indicators.exists()


def test_the_demo_links_a_home_care_indicator_to_the_needs_data(cast: Cast) -> None:
    from workspace.cycles.demo import load_cycles_demo
    from workspace.needs.demo import load_needs_demo
    from workspace.plan.demo import load_plan_demo
    from workspace.plan.models import OutcomeIndicator

    quiet: Callable[[str], object] = lambda message: None  # noqa: E731
    load_cycles_demo(cast=cast, progress=quiet)
    load_needs_demo(cast=cast, progress=quiet)
    load_plan_demo(cast=cast, progress=quiet)
    linked = OutcomeIndicator.objects.filter(needs_indicator__isnull=False).get()
    assert linked.outcome.framework.programme.name == "Adult home care"
    assert linked.needs_indicator is not None
    assert linked.needs_indicator.key.startswith("91894")
    assert linked.baseline_value is not None
    assert linked.baseline_source == "Fingertips via Spiral's needs assessment"
