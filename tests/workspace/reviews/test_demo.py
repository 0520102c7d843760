"""The demo council shows every verdict of the Spiral test, each earned by its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from workspace.audit.models import AuditEvent
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.needs.models import ComparatorMember, Indicator, IndicatorValue
from workspace.reviews.delivery import ENTERED, cycle_provenance
from workspace.reviews.demo import load_reviews_demo
from workspace.reviews.models import CycleFigures, PlanResponse, ProgrammeFigures
from workspace.reviews.outcome_sources import framework_cycles, outcome_evidence
from workspace.reviews.services import programme_assess

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 31)

EXPECTED = {
    "Adult home care": ["too_early_to_tell", "improving_spiral", "too_early_to_tell"],
    "Drug and alcohol treatment": ["improving_spiral", "improving_spiral", "too_early_to_tell"],
    "0–19 public health nursing": ["declining", "improving_spiral"],
    "Domestic abuse support": ["improving_spiral", "going_round_in_circles", "too_early_to_tell"],
    "Homelessness prevention": ["improving_spiral", "declining"],
}


def test_the_demo_programmes_earn_the_verdicts_their_stories_tell(
    demo: dict[str, Programme],
) -> None:
    found = {}
    for name, programme in demo.items():
        assessment = programme_assess(programme=programme, as_of=AS_OF)
        assert assessment.report is not None, assessment.problems
        found[name] = [c.verdict.verdict for c in assessment.report.cycles]
    assert found == EXPECTED


def test_the_demo_shows_every_verdict(demo: dict[str, Programme]) -> None:
    seen = {
        c.verdict.verdict
        for programme in demo.values()
        for c in programme_assess(programme=programme, as_of=AS_OF).report.cycles  # type: ignore[union-attr]
    }
    assert seen == {"improving_spiral", "going_round_in_circles", "declining", "too_early_to_tell"}


def test_every_demo_framework_names_the_cycle_it_was_written_in(
    demo: dict[str, Programme],
) -> None:
    """The link gives each framework the cycle the review used to infer from its date."""
    for name, programme in demo.items():
        cycles = list(programme.cycles.order_by("number"))
        frameworks = list(programme.outcomes_frameworks.order_by("id"))
        assert frameworks, name
        assert all(f.cycle_id is not None for f in frameworks), name
        linked = framework_cycles(frameworks, cycles)
        for framework in frameworks:
            framework.cycle_id = None  # in memory only: what the date alone says
        assert framework_cycles(frameworks, cycles) == linked, name


def test_the_demo_outcome_evidence_is_assembled_from_the_needs_data_and_frameworks(
    demo: dict[str, Programme],
) -> None:
    for name, programme in demo.items():
        evidence = outcome_evidence(programme)
        assert evidence.assembled, name
        assert ProgrammeFigures.objects.get(programme=programme).indicators == [], name
        cycles = programme.cycles.count()
        for indicator in evidence.indicators:
            if indicator["id"] == "91894":  # Fingertips, linked by the plan demo in cycle 3
                assert [p["cycle"] for p in indicator["plans"]] == ["cycle-3"]
                continue
            assert [p["cycle"] for p in indicator["plans"]] == [
                f"cycle-{n}" for n in range(1, cycles + 1)
            ], (name, indicator["id"])
    ids = {i["id"] for i in outcome_evidence(demo["Adult home care"]).indicators}
    assert ids == {"reablement-91-days", "91894"}


def test_the_fictional_comparators_are_marked_and_join_kingsmeres_real_group(
    demo: dict[str, Programme],
) -> None:
    members = list(
        ComparatorMember.objects.filter(area__code="E06099901").select_related("comparator")
    )
    real = [m.comparator for m in members if not m.comparator.fictional]
    fictional = [m.comparator for m in members if m.comparator.fictional]
    assert len(real) == 10
    assert [a.name for a in fictional] == ["Ashcombe", "Brindleford", "Corrow", "Dunsley"]
    assert all("Fictional comparator" in a.derivation for a in fictional)
    assert max(m.rank for m in members if not m.comparator.fictional) < min(
        m.rank for m in members if m.comparator.fictional
    )
    # no invented figure for a real council: the local indicators hold none of their values
    local = Indicator.objects.filter(organisation__isnull=False)
    assert not IndicatorValue.objects.filter(indicator__in=local, area__in=real).exists()


def test_the_needs_assessment_still_compares_kingsmere_with_real_fingertips_data(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = demo["Adult home care"].cycles.get(number=3)
    response = client_for("analyst").get(f"/cycles/{cycle.pk}/needs-assessment/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Warrington" in page
    assert "Also in the group, fictional: Ashcombe, Brindleford, Corrow, Dunsley." in page


def test_the_demo_verdicts_rest_on_evidence_assembled_from_sourcing_and_contracts(
    demo: dict[str, Programme],
) -> None:
    entered = set()
    for name, programme in demo.items():
        for cycle in programme.cycles.all():
            for note in cycle_provenance(cycle, AS_OF):
                if note.source == ENTERED:
                    entered.add((name, cycle.number, note.part))
    # the stages no area records, and what the areas genuinely lack, stay as entered
    entered -= {
        (name, c.number, part)
        for name, programme in demo.items()
        for c in programme.cycles.all()
        for part in ("Population", "Effort on analysis, planning, review")
    }
    entered -= {(name, 1, "Re-procured the same model") for name in demo}  # no cycle before
    assert entered == {
        ("0–19 public health nursing", 2, "Service users"),  # in-house: no provider returns
        ("Domestic abuse support", 3, "Sourcing route"),  # not yet chosen: no sourcing record
        ("Domestic abuse support", 3, "Re-procured the same model"),
        ("Domestic abuse support", 3, "Transaction costs"),
    }


def test_loading_the_demo_twice_changes_nothing(demo: dict[str, Programme], cast: Cast) -> None:
    before = (
        ProgrammeFigures.objects.count(),
        CycleFigures.objects.count(),
        PlanResponse.objects.count(),
        AuditEvent.objects.count(),
    )
    load_reviews_demo(cast=cast, progress=lambda _: None)
    after = (
        ProgrammeFigures.objects.count(),
        CycleFigures.objects.count(),
        PlanResponse.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert before[0] == 5
    assert before[1] == 13


def test_a_programme_without_cycles_is_not_assessed_and_says_why(cast: Cast) -> None:
    from workspace.cycles import services as cycle_services

    programme = cycle_services.programme_create(
        actor=cast.users["commissioner"],
        organisation=cast.organisations["council"],
        name="Libraries",
        service_area="Culture",
    )
    assessment = programme_assess(programme=programme)
    assert assessment.report is None
    assert assessment.problems == ("history: field 'cycles': must be a list of at least one cycle",)
