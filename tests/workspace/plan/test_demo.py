"""The demo council's Plan stage: outcomes frameworks, an in-house and a co-production appraisal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from workspace.audit.services import audit_verify
from workspace.cycles.demo import load_cycles_demo
from workspace.demo.personas import Cast
from workspace.plan import services
from workspace.plan.demo import load_plan_demo
from workspace.plan.models import Appraisal, OutcomesFramework

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cast: Cast) -> list[Appraisal]:
    load_cycles_demo(cast=cast, progress=lambda message: None)
    return load_plan_demo(cast=cast, progress=lambda message: None)


def test_the_demo_prefers_in_house_in_one_appraisal_and_co_production_in_another(
    demo: list[Appraisal],
) -> None:
    preferred = {}
    for appraisal in demo:
        report = services.appraisal_run(appraisal=appraisal, simulations=0)
        preferred[appraisal.cycle.programme.name] = report.result.preferred
        assert appraisal.recommended is not None
        assert appraisal.recommended.name == report.result.preferred
        assert report.mcda is not None
        assert report.mcda.top == report.result.preferred
    models = {
        a.cycle.programme.name: a.options.get(name=preferred[a.cycle.programme.name]).delivery_model
        for a in demo
    }
    assert models == {
        "Drug and alcohol treatment": "in_house",
        "Domestic abuse support": "co_production",
    }


def test_the_signed_off_appraisal_is_a_recorded_decision(demo: list[Appraisal]) -> None:
    decided = [a for a in demo if a.status == Appraisal.Status.DECIDED]
    assert [a.cycle.programme.name for a in decided] == ["Drug and alcohol treatment"]
    assert decided[0].decision is not None
    assert decided[0].decision.title.startswith("Preferred option: Bring the alcohol care team")
    waiting = [a for a in demo if a.status == Appraisal.Status.RECOMMENDED]
    assert [a.cycle.programme.name for a in waiting] == ["Domestic abuse support"]
    assert audit_verify().ok


def test_outcomes_frameworks_have_baselines_and_targets_with_reasons(demo: list[Appraisal]) -> None:
    frameworks = OutcomesFramework.objects.all()
    assert frameworks.count() == 3
    for framework in frameworks:
        for outcome in framework.outcomes.all():
            for indicator in outcome.indicators.all():
                assert indicator.baseline_value is not None
                assert all(t.rationale and t.set_by for t in indicator.targets.all())


def test_loading_twice_changes_nothing(cast: Cast, demo: list[Appraisal]) -> None:
    again = load_plan_demo(cast=cast, progress=lambda message: None)
    assert sorted(a.pk for a in again) == sorted(a.pk for a in demo)
    assert Appraisal.objects.count() == 2


def test_every_demo_page_opens_for_the_approver(
    demo: list[Appraisal], client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("approver")
    for appraisal in demo:
        for suffix in ("", "results/", "report/"):
            assert client.get(f"/appraisals/{appraisal.pk}/{suffix}").status_code == 200
