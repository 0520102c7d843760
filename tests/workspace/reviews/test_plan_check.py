"""Spiral's check of the next plan against each recommendation, in the demo council and on pages.

The rules themselves are tested in ``tests/engine/spiral_test/test_follow_up.py``; here the
workspace gathers the real records (appraisals, sourcing, agreements and their changes,
co-production, decommissioning plans), shows the finding beside the commissioner's own
statement on the review page, the plan response form, the review report and the approver's
sign-off of the Plan gate, and the history keeps the commissioner's word.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from spiral.cli import main
from tests.workspace.permissions import COMMISSIONING_READERS, check_matrix
from tests.workspace.reviews.test_demo import AS_OF
from tests.workspace.reviews.test_demo import EXPECTED as VERDICTS
from tests.workspace.reviews.test_services import _two_cycles
from workspace.contracts.demo import load_contracts_demo
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Artefact, Cycle, Programme
from workspace.demo.personas import Cast
from workspace.plan.demo import load_plan_demo
from workspace.reviews.history import programme_history
from workspace.reviews.models import PlanResponse
from workspace.reviews.plan_check import plan_gate_warnings, review_check
from workspace.reviews.services import programme_assess
from workspace.sourcing.demo import load_sourcing_demo

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("Adult home care", "R1.1"): ("addressed", "agrees"),
    ("Adult home care", "R2.1"): ("addressed", "agrees"),
    ("Drug and alcohol treatment", "R1.1"): ("not_addressed", "disagrees"),
    ("Drug and alcohol treatment", "R2.1"): ("contradicted", "disagrees"),
    ("0–19 public health nursing", "R1.1"): ("addressed", "agrees"),
    ("0–19 public health nursing", "R2.1"): ("cannot_tell", "not recorded"),
    ("Domestic abuse support", "R1.1"): ("addressed", "agrees"),
    ("Domestic abuse support", "R2.1"): ("not_addressed", "agrees"),
    ("Homelessness prevention", "R1.1"): ("addressed", "agrees"),
    ("Homelessness prevention", "R2.1"): ("addressed", "not recorded"),
}


@pytest.fixture
def kingsmere(demo: dict[str, Programme], cast: Cast) -> dict[str, Programme]:
    """The demo with the areas the check reads: sourcing, contracts and the Plan stage."""
    quiet = lambda _: None  # noqa: E731
    load_sourcing_demo(cast=cast, progress=quiet)
    load_contracts_demo(cast=cast, progress=quiet)
    load_plan_demo(cast=cast, progress=quiet)
    return demo


def _cycle(programme: Programme, number: int) -> Cycle:
    return programme.cycles.get(number=number)


def test_the_demo_shows_every_finding_each_earned_by_the_next_plan(
    kingsmere: dict[str, Programme],
) -> None:
    found = {
        (name, checked.id): (checked.finding.status, checked.comparison)
        for name, programme in kingsmere.items()
        for cycle in programme.cycles.all()
        for checked in review_check(cycle)
    }
    assert found == EXPECTED
    statuses = {status for status, _ in found.values()}
    assert statuses == {"addressed", "not_addressed", "contradicted", "cannot_tell"}


def test_each_plan_shows_only_the_outcomes_frameworks_that_plan_its_cycle(
    kingsmere: dict[str, Programme],
) -> None:
    # Each demo cycle has a framework written at its start naming it; the plan demo adds the
    # current cycle's. Read by date, cycle 3's plan also showed the frameworks of cycles 1
    # and 2, all written before cycle 3 ended; linked, each plan shows its own.
    context = {
        checked.id: [text for text in checked.finding.context if "outcomes framework" in text]
        for cycle in kingsmere["Adult home care"].cycles.all()
        for checked in review_check(cycle)
    }
    assert context == {
        "R1.1": [
            "the outcomes framework 'Adult home care: outcomes for cycle 2 (from 2021/22)' "
            "holds 1 outcome(s) and 1 target(s)"
        ],
        "R2.1": [
            "the outcomes framework 'Home care and discharge outcomes 2024–2028' holds "
            "3 outcome(s) and 4 target(s)",
            "the outcomes framework 'Adult home care: outcomes for cycle 3 (from 2024/25)' "
            "holds 1 outcome(s) and 1 target(s)",
        ],
    }


def test_domestic_abuse_support_s_next_plan_does_not_take_up_its_review(
    kingsmere: dict[str, Programme],
) -> None:
    (checked,) = review_check(_cycle(kingsmere["Domestic abuse support"], 2))
    assert checked.finding.status == "not_addressed"
    assert checked.finding.summary == (
        "Recommendation R2.1 'vary': the plan's preferred option is 'Survivor-led community "
        "network' (co-production with users and communities), a change from a grant to the "
        "voluntary sector in the reviewed cycle (recommended, awaiting the Plan gate); the "
        "agreement 'Domestic abuse outreach and refuge grant' is a grant to the voluntary "
        "sector; the agreement 'Refuge and dispersed accommodation (perpetrator programme "
        "explored)' is a grant to the voluntary sector — the plan does not take it up."
    )
    assert checked.response is not None
    assert not checked.response.addressed


def test_without_the_other_areas_spiral_cannot_tell_and_says_so(cast: Cast) -> None:
    # a programme whose next cycle holds no plan, sourcing, agreement or decommissioning yet
    _, first, _ = _two_cycles(cast)
    checks = review_check(first)
    assert [checked.finding.status for checked in checks] == ["cannot_tell", "cannot_tell"]
    for checked in checks:
        assert "no preferred option, sourcing route, agreement" in checked.finding.summary


def test_the_review_page_sets_spiral_s_finding_beside_the_commissioner_s(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = _cycle(kingsmere["Drug and alcohol treatment"], 3)
    body = client_for("approver").get(f"/cycles/{cycle.pk}/review/").content.decode()
    section = body.split('data-testid="plan-check"')[1].split("</table>")[0]
    assert 'data-finding="contradicted"' in section
    assert "Taken up" in section  # the commissioner's own word, never hidden
    assert "The service continues; the review date is set for 2027." in section
    assert "Disagrees with the commissioner" in section
    assert 'data-testid="plan-check-disagreements"' in body
    assert "disagrees with the commissioner on R2.1" in body
    assert "How Spiral checks the plan" in body


def test_the_reviewed_cycle_s_page_shows_the_finding_for_its_own_recommendations(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = _cycle(kingsmere["Domestic abuse support"], 2)
    body = client_for("commissioner").get(f"/cycles/{cycle.pk}/review/").content.decode()
    table = body.split('data-testid="recommendations"')[1].split("</table>")[0]
    assert 'data-finding="not_addressed"' in table
    assert "Not taken up" in table
    assert 'data-comparison="agrees"' in table
    assert "Disagrees with the commissioner" not in table


def test_a_recommendation_without_a_next_cycle_says_so_on_both_sides(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = _cycle(kingsmere["0–19 public health nursing"], 2)
    body = client_for("auditor").get(f"/cycles/{cycle.pk}/review/").content.decode()
    table = body.split('data-testid="recommendations"')[1].split("</table>")[0]
    assert "No next cycle yet" in table
    assert 'data-finding="cannot_tell"' in table
    assert "the next cycle has not started" in table


def test_the_plan_response_form_shows_spiral_s_finding(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    recommendation = _cycle(kingsmere["Drug and alcohol treatment"], 2).recommendations.get()
    body = (
        client_for("commissioner")
        .get(f"/recommendations/{recommendation.pk}/plan-response/")
        .content.decode()
    )
    finding = body.split('data-testid="spiral-finding"')[1].split("</p>")[0]
    assert 'data-finding="contradicted"' in finding
    assert "Bring the alcohol care team in-house" in finding


def test_the_review_report_shows_both_and_flags_the_disagreement(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = kingsmere["Drug and alcohol treatment"]
    body = client_for("auditor").get(f"/programmes/{programme.pk}/review-report/").content.decode()
    assert body.count('data-testid="report-plan-check"') == 2  # cycles 1 and 2
    assert 'data-finding="not_addressed"' in body
    assert 'data-finding="contradicted"' in body
    assert "Disagrees with the commissioner." in body
    assert "Taken up: The contract variation adds the recovery community" in body


def test_the_history_keeps_the_commissioner_s_word_where_spiral_disagrees(
    kingsmere: dict[str, Programme],
) -> None:
    history = programme_history(kingsmere["Drug and alcohol treatment"])
    addresses = {c["id"]: c.get("addresses") for c in history["cycles"]}
    assert addresses == {"cycle-1": None, "cycle-2": ["R1.1"], "cycle-3": ["R2.1"]}


def test_spiral_s_finding_stands_in_only_where_the_commissioner_has_not_answered(
    kingsmere: dict[str, Programme],
) -> None:
    home_care = kingsmere["Adult home care"]
    PlanResponse.objects.filter(recommendation__cycle__programme=home_care).delete()
    addresses = {c["id"]: c.get("addresses") for c in programme_history(home_care)["cycles"]}
    assert addresses == {"cycle-1": None, "cycle-2": ["R1.1"], "cycle-3": ["R2.1"]}

    drugs = kingsmere["Drug and alcohol treatment"]
    PlanResponse.objects.filter(recommendation__cycle__programme=drugs).delete()
    addresses = {c["id"]: c.get("addresses") for c in programme_history(drugs)["cycles"]}
    assert addresses == {"cycle-1": None, "cycle-2": [], "cycle-3": []}


def _complete(cycle: Cycle, stage_id: str, cast: Cast) -> None:
    for artefact in cycle.artefacts.filter(stage_id=stage_id, required=True):
        cycle_services.artefact_update(
            actor=cast.users["commissioner"],  # type: ignore[arg-type]
            artefact=artefact,
            title=artefact.title,
            summary="Done for the test.",
            status=Artefact.Status.COMPLETE,
        )


def _plan_gate_submitted(programme: Programme, cast: Cast) -> tuple[Cycle, str]:
    """Domestic abuse support's cycle 3 with its Analyse gate signed and the Plan submitted."""
    cycle = _cycle(programme, 3)
    first, plan = (stage.id for stage in cycle.definition.stages[:2])
    _complete(cycle, first, cast)
    progress = cycle.stages.get(stage_id=first)
    cycle_services.gate_submit(actor=cast.users["commissioner"], progress=progress)  # type: ignore[arg-type]
    progress.refresh_from_db()
    cycle_services.gate_approve(
        actor=cast.users["approver"],  # type: ignore[arg-type]
        progress=progress,
        checklist_confirmed=progress.stage.gate.checklist,
        at=dt.datetime.now(tz=dt.UTC),
    )
    _complete(cycle, plan, cast)
    cycle_services.gate_submit(
        actor=cast.users["commissioner"],  # type: ignore[arg-type]
        progress=cycle.stages.get(stage_id=plan),
    )
    return cycle, plan


def test_the_approver_signing_the_plan_off_is_warned_of_a_recommendation_not_taken_up(
    kingsmere: dict[str, Programme], cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    cycle, plan = _plan_gate_submitted(kingsmere["Domestic abuse support"], cast)
    body = (
        client_for("approver").get(f"/cycles/{cycle.pk}/stages/{plan}/sign-off/").content.decode()
    )
    warning = body.split('data-testid="sign-off-warning"')[1].split("</div>")[0]
    assert "Recommendation R2.1 &#39;vary&#39;" in warning
    assert "the plan does not take it up" in warning
    first = cycle.stages.get(position=0)
    assert plan_gate_warnings(first) == []  # only the Plan gate warns


def test_the_approver_is_told_when_the_commissioner_says_otherwise(
    kingsmere: dict[str, Programme], cast: Cast
) -> None:
    programme = kingsmere["Domestic abuse support"]
    cycle, plan = _plan_gate_submitted(programme, cast)
    response = PlanResponse.objects.get(
        recommendation__cycle__number=2, recommendation__cycle__programme=programme
    )
    response.addressed = True
    response.how = "The network will work with perpetrators later."
    response.save()
    (warning,) = plan_gate_warnings(cycle.stages.get(stage_id=plan))
    assert warning.endswith(
        "The commissioner says it is taken up: The network will work with perpetrators later."
    )


def test_with_every_area_loaded_the_demo_verdicts_are_unchanged(
    kingsmere: dict[str, Programme],
) -> None:
    found = {
        name: [
            c.verdict.verdict
            for c in programme_assess(programme=programme, as_of=AS_OF).report.cycles  # type: ignore[union-attr]
        ]
        for name, programme in kingsmere.items()
    }
    assert found == VERDICTS


def test_where_spiral_stands_in_spiral_review_gives_the_workspace_verdicts(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client], tmp_path: Path
) -> None:
    programme = kingsmere["Adult home care"]
    PlanResponse.objects.filter(recommendation__cycle__programme=programme).delete()
    exported = tmp_path / "history.json"
    exported.write_bytes(client_for("auditor").get(f"/programmes/{programme.pk}/history/").content)
    assert json.loads(exported.read_text())["cycles"][2]["addresses"] == ["R2.1"]
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["review", str(exported), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = programme_assess(programme=programme).report
    assert report is not None
    assert [c["verdict"]["verdict"] for c in json.loads(out.read_text())["cycles"]] == [
        c.verdict.verdict for c in report.cycles
    ]


def test_the_api_gives_the_plan_check_to_readers_only(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = kingsmere["Drug and alcohol treatment"]
    url = f"/api/programmes/{programme.pk}/plan-check"
    check_matrix(
        client_for,
        method="get",
        url=url,
        allowed=COMMISSIONING_READERS,
        refused_status=(401, 403, 404),
    )
    data = client_for("auditor").get(url).json()
    assert [(d["recommendation"], d["status"], d["comparison"]) for d in data] == [
        ("R1.1", "not_addressed", "disagrees"),
        ("R2.1", "contradicted", "disagrees"),
    ]
    assert data[1]["cycle"] == "cycle-2"
    assert data[1]["commissioner"] == {
        "addressed": True,
        "how": "The service continues; the review date is set for 2027.",
    }
    assert data[1]["contradicting"] == [
        "the plan's preferred option is 'Bring the alcohol care team in-house' (in-house), a "
        "change from an external contract in the reviewed cycle"
    ]


HOME_CARE_CYCLE_2_FRAMEWORK = "Adult home care: outcomes for cycle 2 (from 2021/22)"


def _context_details(html: str) -> list[str]:
    return [part.split("</details>")[0] for part in html.split('data-testid="finding-context"')[1:]]


def test_the_review_page_shows_what_else_spiral_looked_at_under_the_finding(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = _cycle(kingsmere["Adult home care"], 2)
    body = client_for("auditor").get(f"/cycles/{cycle.pk}/review/").content.decode()
    section = body.split('data-testid="plan-check"')[1].split("</table>")[0]
    (details,) = _context_details(section)
    (checked,) = review_check(_cycle(kingsmere["Adult home care"], 1))
    assert f"Also looked at ({len(checked.finding.context)})" in details
    assert 'class="govuk-details' in section
    assert HOME_CARE_CYCLE_2_FRAMEWORK in details


def test_a_finding_without_context_shows_no_empty_details(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = _cycle(kingsmere["0–19 public health nursing"], 2)
    (checked,) = review_check(cycle)
    assert checked.finding.context == ()  # the next cycle has not started
    body = client_for("auditor").get(f"/cycles/{cycle.pk}/review/").content.decode()
    table = body.split('data-testid="recommendations"')[1].split("</table>")[0]
    assert 'data-finding="cannot_tell"' in table
    assert "finding-context" not in table
    assert "Also looked at" not in table


def test_the_plan_response_form_shows_what_else_spiral_looked_at(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    recommendation = _cycle(kingsmere["Adult home care"], 1).recommendations.get()
    body = (
        client_for("commissioner")
        .get(f"/recommendations/{recommendation.pk}/plan-response/")
        .content.decode()
    )
    (details,) = _context_details(body)
    assert "Also looked at (" in details
    assert HOME_CARE_CYCLE_2_FRAMEWORK in details


def test_the_review_report_lists_what_else_spiral_looked_at_open_for_print(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = kingsmere["Adult home care"]
    body = client_for("auditor").get(f"/programmes/{programme.pk}/review-report/").content.decode()
    tables = body.split('data-testid="report-plan-check"')[1:]
    first = tables[0].split("</table>")[0]
    assert 'data-testid="report-finding-context"' in first
    assert "Also looked at:" in first
    assert HOME_CARE_CYCLE_2_FRAMEWORK in first
    assert "<details" not in body  # nothing folded away in the PDF


def test_the_api_gives_each_finding_s_context(
    kingsmere: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    home_care = kingsmere["Adult home care"]
    data = client_for("auditor").get(f"/api/programmes/{home_care.pk}/plan-check").json()
    first = next(d for d in data if d["recommendation"] == "R1.1")
    assert (
        f"the outcomes framework '{HOME_CARE_CYCLE_2_FRAMEWORK}' holds 1 outcome(s) and 1 target(s)"
    ) in first["context"]
    nursing = kingsmere["0–19 public health nursing"]
    data = client_for("auditor").get(f"/api/programmes/{nursing.pk}/plan-check").json()
    last = next(d for d in data if d["recommendation"] == "R2.1")
    assert last["status"] == "cannot_tell"
    assert last["context"] == []
