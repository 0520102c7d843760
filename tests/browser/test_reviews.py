"""The board's journey through the Spiral test, in a real browser.

Sign in as the approver → open the portfolio → filter to the programmes going round in
circles → open a programme's spiral → read the evidence behind a verdict → open the cycle's
review, with its outcomes against the plan and where the outcome evidence came from → open
the review report. Then a commissioner writes the review's findings. With the Plan,
sourcing and contracts records loaded, the approver sees where Spiral's check of the next
plan disagrees with the commissioner, and is warned at the Plan gate of a recommendation
the plan does not take up. A screenshot of each main page goes to
``test-output/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from workspace.contracts.demo import load_contracts_demo
from workspace.cycles import services as cycle_services
from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Artefact, Cycle, Programme
from workspace.demo.personas import Cast
from workspace.needs.demo import load_needs_demo
from workspace.plan.demo import load_plan_demo
from workspace.reviews.demo import load_reviews_demo
from workspace.reviews.history import programme_history
from workspace.sourcing.demo import load_sourcing_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def kingsmere(browser_cast: Cast) -> Cast:
    for load in (
        load_cycles_demo,
        load_needs_demo,
        load_sourcing_demo,
        load_contracts_demo,
        load_plan_demo,
        load_reviews_demo,
    ):
        load(cast=browser_cast, progress=lambda _: None)
    return browser_cast


def test_a_board_member_goes_from_the_portfolio_to_a_spiral_and_its_review_report(
    page: Page,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    kingsmere: Cast,
) -> None:
    sign_in("approver")
    page.get_by_role("link", name="Portfolio").click()
    table = page.get_by_test_id("portfolio")
    expect(table).to_contain_text("Domestic abuse support")
    expect(table).to_contain_text("Homelessness prevention")
    for verdict in ("Improving spiral", "Going round in circles", "Declining", "Too early to tell"):
        expect(table.get_by_text(verdict).first).to_be_visible()
    screenshot("reviews-portfolio")

    page.get_by_role("link", name="Last settled verdict").click()
    expect(table.locator("tbody tr").first).to_contain_text("Homelessness prevention")
    page.get_by_label("Show programmes with a cycle judged").select_option("going_round_in_circles")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("1 of 5 programme(s)")
    screenshot("reviews-portfolio-filtered")

    table.get_by_role("link", name="Domestic abuse support").click()
    expect(
        page.get_by_role("heading", name="The Spiral test: Domestic abuse support")
    ).to_be_visible()
    expect(page.get_by_test_id("spiral").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("picture-table")).to_contain_text("Going round in circles")
    expect(page.get_by_text("took up 0% of its review's recommendations").first).to_be_visible()
    screenshot("reviews-spiral")

    page.get_by_role("link", name="Open the review of cycle 2").click()
    expect(page.get_by_role("heading", name="Review: did it work, and what next?")).to_be_visible()
    expect(page.get_by_test_id("recommendations")).to_contain_text("Not taken up")
    provenance = page.get_by_test_id("outcome-provenance")
    expect(provenance).to_contain_text("the needs data and the outcomes frameworks")
    expect(provenance).to_contain_text("fictional: Ashcombe, Brindleford, Corrow, Dunsley")
    expect(provenance).to_contain_text("outcomes framework 'Domestic abuse support: outcomes")
    expect(page.get_by_test_id("plan-targets")).to_contain_text("20.8 by 2024/25: met")
    provenance = page.get_by_test_id("provenance")
    expect(provenance).to_contain_text("from the sourcing record (Refuge and outreach grant)")
    expect(provenance).to_contain_text("payments under 2 agreements (KBC-CS-0088, KBC-CS-C2)")
    evidence = page.get_by_test_id("kpi-evidence")
    expect(evidence).to_contain_text("from 12 accepted returns of agreement KBC-CS-C2")
    expect(evidence.locator("svg").first).to_be_visible()
    screenshot("reviews-cycle-review")

    page.get_by_role("link", name="Review report", exact=True).click()
    expect(
        page.get_by_role(
            "heading", name="Domestic abuse support: is commissioning an improvement spiral?"
        )
    ).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    expect(page.get_by_text("Where the outcome evidence comes from")).to_be_visible()
    expect(page.get_by_text("KPI ratings and SPC signals, KBC-CS-0088")).to_be_visible()
    screenshot("reviews-report")

    current = Programme.objects.get(name="Domestic abuse support").cycles.get(number=3)
    page.goto(page.url.split("/programmes/")[0] + f"/cycles/{current.pk}/review/")
    evidence = page.get_by_test_id("kpi-evidence").first
    expect(evidence).to_contain_text("Days from referral to first contact")
    expect(evidence).to_contain_text("concern in 5 periods (June 2025 to November 2025)")
    screenshot("reviews-cycle-review-kpis")


def test_a_commissioner_writes_the_findings_of_a_review(
    page: Page,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    kingsmere: Cast,
) -> None:
    sign_in("commissioner")
    page.get_by_role("link", name="Portfolio").click()
    page.get_by_test_id("portfolio").get_by_role("link", name="Homelessness prevention").click()
    page.get_by_role("link", name="Open the review of cycle 2").click()
    page.get_by_role("link", name="Write the findings").click()
    page.get_by_role("button", name="Save findings").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the review's findings")
    screenshot("reviews-findings-error")
    page.get_by_label("Findings").fill(
        "Preventions held level against the comparators while real cost per head rose 9.6%."
    )
    page.get_by_role("button", name="Save findings").click()
    expect(page.get_by_test_id("message")).to_contain_text("Findings saved")
    expect(page.get_by_text("Preventions held level against the comparators")).to_be_visible()
    screenshot("reviews-findings-saved")


def test_an_analyst_uploads_a_history_with_mistakes_and_sees_each_one(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    kingsmere: Cast,
    tmp_path: Path,
) -> None:
    programme = Programme.objects.get(name="Adult home care")
    data = programme_history(programme)
    data["cycles"][0]["spend"]["2018/19"] = "a lot"
    data["indicators"][0]["values"][0]["denominator"] = 0
    bad = tmp_path / "home-care-history.json"
    bad.write_text(json.dumps(data), encoding="utf-8")

    sign_in("analyst")
    page.get_by_role("link", name="Portfolio").click()
    page.get_by_test_id("portfolio").get_by_role("link", name="Adult home care").click()
    page.get_by_role("button", name="Upload figures").click()
    page.get_by_label("History file (JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    problems = page.get_by_test_id("upload-problems")
    expect(problems).to_contain_text("There is a problem: nothing was saved")
    expect(problems).to_contain_text("The file has 2 problem(s)")
    expect(problems).to_contain_text("cycle 'cycle-1': field 'spend.2018/19': must be a number")
    expect(problems).to_contain_text("field 'denominator': must be greater than 0")
    screenshot("reviews-upload-errors")


def _complete(cycle: Cycle, stage_id: str, cast: Cast) -> None:
    for artefact in cycle.artefacts.filter(stage_id=stage_id, required=True):
        cycle_services.artefact_update(
            actor=cast.users["commissioner"],  # type: ignore[arg-type]
            artefact=artefact,
            title=artefact.title,
            summary="Written for the browser test.",
            status=Artefact.Status.COMPLETE,
        )


def test_an_approver_sees_where_the_plan_check_disagrees_and_is_warned_at_the_plan_gate(
    page: Page,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    kingsmere: Cast,
) -> None:
    # The kingsmere fixture has loaded the Plan, sourcing and contracts records.
    # Domestic abuse support's cycle 3: the Analyse gate signed, the Plan gate submitted.
    cycle = Programme.objects.get(name="Domestic abuse support").cycles.get(number=3)
    analyse, plan = (stage.id for stage in cycle.definition.stages[:2])
    _complete(cycle, analyse, kingsmere)
    progress = cycle.stages.get(stage_id=analyse)
    cycle_services.gate_submit(actor=kingsmere.users["commissioner"], progress=progress)  # type: ignore[arg-type]
    progress.refresh_from_db()
    cycle_services.gate_approve(
        actor=kingsmere.users["approver"],  # type: ignore[arg-type]
        progress=progress,
        checklist_confirmed=progress.stage.gate.checklist,
        at=dt.datetime.now(tz=dt.UTC),
    )
    _complete(cycle, plan, kingsmere)
    cycle_services.gate_submit(
        actor=kingsmere.users["commissioner"],  # type: ignore[arg-type]
        progress=cycle.stages.get(stage_id=plan),
    )

    sign_in("approver")
    page.get_by_role("link", name="Portfolio").click()
    page.get_by_test_id("portfolio").get_by_role("link", name="Drug and alcohol treatment").click()
    page.get_by_role("link", name="Open the review of cycle 3").click()
    check = page.get_by_test_id("plan-check")
    expect(check).to_contain_text("Contradicted")
    expect(check).to_contain_text("Taken up")
    expect(check).to_contain_text("Disagrees with the commissioner")
    expect(page.get_by_test_id("plan-check-disagreements")).to_contain_text(
        "disagrees with the commissioner on R2.1"
    )
    page.get_by_test_id("plan-check").scroll_into_view_if_needed()
    screenshot("reviews-plan-check")
    also = check.get_by_test_id("finding-context").last
    expect(also).to_contain_text("Also looked at (7)")
    also.get_by_text("Also looked at").click()
    expect(also).to_contain_text("the outcomes framework 'Treatment and recovery outcomes'")
    also.scroll_into_view_if_needed()
    screenshot("reviews-plan-check-context")

    page.get_by_role("link", name="Portfolio").click()
    page.get_by_test_id("portfolio").get_by_role("link", name="Domestic abuse support").click()
    page.get_by_role("link", name="Open the review of cycle 2").click()
    own = page.get_by_test_id("recommendations")
    expect(own).to_contain_text("Not taken up")
    expect(own).to_contain_text("Not addressed")
    expect(own).to_contain_text("Survivor-led community network")
    own.scroll_into_view_if_needed()
    screenshot("reviews-plan-check-not-addressed")

    page.get_by_role("link", name="Review report", exact=True).click()
    expect(page.get_by_test_id("report-plan-check").first).to_contain_text("Addressed")
    expect(page.get_by_test_id("report-plan-check").last).to_contain_text("Not addressed")
    expect(page.get_by_test_id("report-plan-check").last).to_contain_text("Not taken up")
    screenshot("reviews-report-plan-check")

    page.goto(f"{live_server}/approvals/")
    page.get_by_role("link", name="Sign off or send back Plan, Domestic abuse support").click()
    warning = page.get_by_test_id("sign-off-warning")
    expect(warning).to_contain_text("Recommendation R2.1 'vary'")
    expect(warning).to_contain_text("the plan does not take it up")
    screenshot("reviews-plan-gate-warning")
