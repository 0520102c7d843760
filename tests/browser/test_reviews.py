"""The board's journey through the Spiral test, in a real browser.

Sign in as the approver → open the portfolio → filter to the programmes going round in
circles → open a programme's spiral → read the evidence behind a verdict → open the cycle's
review → open the review report. Then a commissioner writes the review's findings. A
screenshot of each main page goes to ``test-output/screenshots/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from workspace.contracts.demo import load_contracts_demo
from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.reviews.demo import load_reviews_demo
from workspace.reviews.history import programme_history
from workspace.sourcing.demo import load_sourcing_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def kingsmere(browser_cast: Cast) -> Cast:
    load_cycles_demo(cast=browser_cast, progress=lambda _: None)
    load_sourcing_demo(cast=browser_cast, progress=lambda _: None)
    load_contracts_demo(cast=browser_cast, progress=lambda _: None)
    load_reviews_demo(cast=browser_cast, progress=lambda _: None)
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
