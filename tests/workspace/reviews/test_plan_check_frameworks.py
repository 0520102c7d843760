"""The plan check reads the outcomes frameworks that plan the next cycle, not those of others.

An outcomes framework names the cycle it plans (``OutcomesFramework.cycle``). Spiral's check
of whether the next plan takes up a review's recommendations shows that plan's outcomes
frameworks as context: the frameworks linked to the next cycle, whenever they were written.
Only a framework that names no cycle is placed by its date, by the same rule as the outcome
evidence (:func:`workspace.reviews.outcome_sources.framework_cycles`). Before the link was
read, every framework written by the end of the next cycle was taken, so a framework written
for an earlier cycle, or drafted early for a later one, was shown as part of the wrong plan.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.workspace.reviews.test_services import _two_cycles
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Cycle, Programme
from workspace.demo.personas import Cast
from workspace.plan import services as plan_services
from workspace.plan.models import OutcomesFramework
from workspace.reviews.plan_check import cycle_records, review_check

pytestmark = pytest.mark.django_db


def _three_cycles(cast: Cast) -> tuple[Programme, Cycle, Cycle, Cycle]:
    """Carers' support: cycles 1 and 2 finished and reviewed, cycle 3 running."""
    programme, first, second = _two_cycles(cast)
    commissioner = cast.users["commissioner"]
    for progress in second.stages.order_by("position"):
        for artefact in second.artefacts.filter(stage_id=progress.stage_id, required=True):
            cycle_services.artefact_update(
                actor=commissioner,
                artefact=artefact,
                title=artefact.title,
                summary="Done.",
                status="complete",
            )
        cycle_services.gate_submit(
            actor=commissioner, progress=progress, at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        )
        progress.refresh_from_db()
        cycle_services.gate_approve(
            actor=cast.users["approver"],
            progress=progress,
            checklist_confirmed=progress.stage.gate.checklist,
            at=dt.datetime(2025, 3, 20, tzinfo=dt.UTC),
        )
    cycle_services.recommendation_record(
        actor=commissioner,
        cycle=second,
        choice="continue",
        rationale="Recommend: continue.",
        at=dt.datetime(2025, 3, 25, tzinfo=dt.UTC),
    )
    third = cycle_services.cycle_start(
        actor=commissioner,
        programme=programme,
        framework=second.framework,
        at=dt.datetime(2025, 4, 2, 10, tzinfo=dt.UTC),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return programme, first, second, third


def _framework(
    cast: Cast, programme: Programme, *, cycle: Cycle, title: str, written: dt.datetime
) -> OutcomesFramework:
    analyst = cast.users["analyst"]
    framework = plan_services.outcomes_framework_create(
        actor=analyst, programme=programme, title=title, cycle=cycle, at=written
    )
    plan_services.outcome_add(actor=analyst, framework=framework, statement="Carers are supported")
    return framework


def _shown(title: str) -> str:
    return f"the outcomes framework '{title}' holds 1 outcome(s) and 0 target(s)"


def _context(cycle: Cycle) -> set[tuple[str, ...]]:
    """The context each of the cycle's recommendations is shown with: its next plan's."""
    return {checked.finding.context for checked in review_check(cycle)}


def _unlinked(framework: OutcomesFramework) -> None:
    """Leave the framework naming no cycle, as one written before the first cycle is."""
    OutcomesFramework.objects.filter(pk=framework.pk).update(cycle=None)


def test_a_framework_written_for_an_earlier_cycle_is_not_taken_for_the_next_plan(
    cast: Cast,
) -> None:
    programme, first, second, third = _three_cycles(cast)
    _framework(
        cast,
        programme,
        cycle=first,
        title="Carers 2020",
        written=dt.datetime(2020, 5, 1, tzinfo=dt.UTC),
    )
    # written late, during cycle 2, but for cycle 1: by its date it fell within cycle 2's plan
    _framework(
        cast,
        programme,
        cycle=first,
        title="Carers 2020, revised",
        written=dt.datetime(2023, 6, 1, tzinfo=dt.UTC),
    )
    _framework(
        cast,
        programme,
        cycle=second,
        title="Carers 2022",
        written=dt.datetime(2022, 5, 1, tzinfo=dt.UTC),
    )
    assert cycle_records(first).outcomes == (_shown("Carers 2020"), _shown("Carers 2020, revised"))
    assert cycle_records(second).outcomes == (_shown("Carers 2022"),)
    assert cycle_records(third).outcomes == ()
    assert _context(first) == {(_shown("Carers 2022"),)}  # cycle 2's plan
    assert _context(second) == {()}  # cycle 3's plan holds no framework


def test_a_framework_written_early_for_a_later_cycle_is_taken_for_that_cycle_s_plan_only(
    cast: Cast,
) -> None:
    programme, first, second, third = _three_cycles(cast)
    _framework(
        cast,
        programme,
        cycle=second,
        title="Carers 2022",
        written=dt.datetime(2022, 5, 1, tzinfo=dt.UTC),
    )
    # drafted during cycle 2 for cycle 3: by its date it fell within cycle 2's plan
    _framework(
        cast,
        programme,
        cycle=third,
        title="Carers 2025",
        written=dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
    )
    assert cycle_records(second).outcomes == (_shown("Carers 2022"),)
    assert cycle_records(third).outcomes == (_shown("Carers 2025"),)
    assert _context(first) == {(_shown("Carers 2022"),)}  # cycle 2's plan
    assert _context(second) == {(_shown("Carers 2025"),)}  # cycle 3's plan


def test_a_framework_naming_no_cycle_is_placed_by_its_date_as_the_outcome_evidence_places_it(
    cast: Cast,
) -> None:
    programme, first, second, third = _three_cycles(cast)
    before = _framework(
        cast,
        programme,
        cycle=first,
        title="Carers 2019",
        written=dt.datetime(2019, 11, 1, tzinfo=dt.UTC),
    )
    during = _framework(
        cast,
        programme,
        cycle=second,
        title="Carers 2023",
        written=dt.datetime(2023, 6, 1, tzinfo=dt.UTC),
    )
    _unlinked(before)
    _unlinked(during)
    # written before the first cycle: the first cycle's, never a later plan's
    assert cycle_records(first).outcomes == (_shown("Carers 2019"),)
    # written while cycle 2 ran: cycle 2's
    assert cycle_records(second).outcomes == (_shown("Carers 2023"),)
    assert _context(first) == {(_shown("Carers 2023"),)}
    assert _context(second) == {()}
    assert cycle_records(third).outcomes == ()


def test_the_outcomes_framework_is_context_and_never_changes_the_finding(cast: Cast) -> None:
    programme, first, second, _ = _three_cycles(cast)
    _framework(
        cast,
        programme,
        cycle=second,
        title="Carers 2022",
        written=dt.datetime(2022, 5, 1, tzinfo=dt.UTC),
    )
    checks = review_check(first)
    assert [checked.finding.status for checked in checks] == ["cannot_tell", "cannot_tell"]
    assert all(checked.finding.supporting == () for checked in checks)
    assert all(checked.finding.contradicting == () for checked in checks)
