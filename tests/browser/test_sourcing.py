"""The sourcing journey in a real browser: route → transaction costs → evaluation → award → OCDS.

A procurement officer chooses the route for a cycle, records its transaction costs, sets the
award criteria, records bids (removing one entered in error and correcting another), awards
the contract (into the decision log), finds the bids fixed after the award, and downloads the
OCDS release package, which is validated against the shipped OCDS schema. A commissioner
filters the programme's market to the service's CPV codes. Screenshots of
each page go to ``test-output/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from playwright.sync_api import Page, expect

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from workspace.cycles import services
from workspace.cycles.models import Cycle, Decision
from workspace.demo.personas import Cast

pytestmark = pytest.mark.browser


@pytest.fixture
def home_care_cycle(browser_cast: Cast) -> Cycle:
    frameworks = {f.key: f for f in services.framework_load_shipped()}
    programme = services.programme_create(
        actor=browser_cast.users["commissioner"],
        organisation=browser_cast.organisations["council"],
        partner_organisation=browser_cast.organisations["icb"],
        name="Adult home care",
        service_area="Adult social care",
        description="Help at home for adults with care and support needs.",
    )
    return services.cycle_start(
        actor=browser_cast.users["commissioner"],
        programme=programme,
        framework=frameworks["ipc-analyse-plan-do-review"],
    )


def _bid(page: Page, bidder: str, price: str, quality: str, social: str) -> None:
    page.get_by_role("button", name="Record a bid").click()
    page.get_by_label("Bidder").fill(bidder)
    page.get_by_label("Price over the contract term (£)").fill(price)
    page.get_by_label("Quality score (0 to 100, after moderation)").fill(quality)
    page.get_by_label("Social value score (0 to 100, after moderation)").fill(social)
    page.get_by_label("Moderation notes").fill("Agreed at moderation.")
    page.get_by_label("Small or medium-sized enterprise").check()
    page.get_by_role("button", name="Record bid").click()
    expect(page.get_by_test_id("message")).to_contain_text(f"Bid recorded: {bidder}")


def test_procurement_secures_the_service_and_publishes_it_as_ocds(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    home_care_cycle: Cycle,
    tmp_path: Path,
) -> None:
    sign_in("procurement")
    page.get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Adult home care").click()
    page.get_by_role("link", name="Cycle 1", exact=False).first.click()
    page.get_by_role("link", name="Sourcing: route, transaction costs, bids and award").click()
    screenshot("sourcing-list")

    page.get_by_role("button", name="Choose a sourcing route").click()
    page.get_by_role("button", name="Save route").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what is being secured")
    page.get_by_label("What is being secured").fill("Home care, rural north zone")
    page.get_by_label("Competitive flexible procedure (Procurement Act 2023)").check()
    page.get_by_label("Why this route").fill("A negotiated stage lets providers shape the zones.")
    page.get_by_label("Contract value over its whole term (£)").fill("4800000")
    page.get_by_label("Route chosen on").fill("2025-03-03")
    page.get_by_label("Tender opens (optional)").fill("2025-04-07")
    page.get_by_label("Tender closes (optional)").fill("2025-05-09")
    screenshot("sourcing-route")
    page.get_by_role("button", name="Save route").click()
    expect(page.get_by_test_id("message")).to_contain_text("Route chosen")

    page.get_by_role("button", name="Add a milestone").click()
    page.get_by_label("Milestone", exact=True).fill("Provider engagement event")
    page.get_by_label("Engagement with providers or users").check()
    page.get_by_label("Due on").fill("2025-03-20")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.get_by_test_id("milestones")).to_contain_text("Provider engagement event")

    page.get_by_role("button", name="Record transaction costs").click()
    page.get_by_label("Staff day rate (£)").fill("320")
    page.get_by_label("Staff days on writing the specification").fill("25")
    page.get_by_label("Staff days on evaluation").fill("30")
    page.get_by_label("External costs of legal work (£)").fill("8500")
    page.get_by_label("Staff days on contract monitoring").fill("24")
    page.get_by_label("Cost of preparing one bid (£)").fill("3000")
    page.get_by_label("Where the per-bid cost comes from").fill(
        "Five days of a bid writer at £600 a day (local provider survey)."
    )
    page.get_by_label("Expected saving (% of contract value)").fill("3")
    screenshot("sourcing-costs")
    page.get_by_role("button", name="Save transaction costs").click()
    expect(page.get_by_test_id("costs")).to_contain_text("Whole transaction cost")

    page.get_by_role("button", name="Set award criteria").click()
    page.get_by_label("Price (%)").fill("40")
    page.get_by_label("Quality (%)").fill("50")
    page.get_by_label("Social value (%)").fill("20")
    page.get_by_role("button", name="Save criteria").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("sum to 110")
    screenshot("sourcing-criteria-error")
    page.get_by_label("Social value (%)").fill("10")
    page.get_by_role("button", name="Save criteria").click()

    _bid(page, "Carewell Homecare Ltd", "4650000", "78", "60")
    _bid(page, "Kingsmere Community Care CIC", "4720000", "82", "90")
    _bid(page, "Entered Twice Ltd", "4700000", "50", "50")
    expect(page.get_by_test_id("bids")).to_contain_text("Kingsmere Community Care CIC")

    # A bid entered in error is removed, after a confirmation page.
    page.get_by_role("link", name="Remove the bid from Entered Twice Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove the bid from Entered Twice Ltd?"
    )
    screenshot("sourcing-bid-remove")
    page.get_by_role("button", name="Yes, remove the bid").click()
    expect(page.get_by_test_id("message")).to_contain_text("Bid removed: Entered Twice Ltd")
    expect(page.get_by_test_id("bids")).not_to_contain_text("Entered Twice Ltd")

    # A moderated score is corrected on the bid's own form.
    page.get_by_role("link", name="Change the bid from Carewell Homecare Ltd").click()
    expect(page.get_by_label("Bidder")).to_have_value("Carewell Homecare Ltd")
    page.get_by_label("Quality score (0 to 100, after moderation)").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the quality score")
    page.get_by_label("Quality score (0 to 100, after moderation)").fill("80")
    screenshot("sourcing-bid-edit")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("message")).to_contain_text("Bid changed: Carewell Homecare Ltd")
    expect(page.get_by_test_id("bids")).to_contain_text("80.00")
    screenshot("sourcing-evaluation")

    page.get_by_role("button", name="Award the contract").click()
    page.get_by_label("Kingsmere Community Care CIC", exact=False).check()
    page.get_by_label("Awarded on").fill("2025-06-02")
    page.get_by_label("Why this bid").fill("Highest weighted score and social value offer.")
    page.get_by_label("Contract starts (optional)").fill("2025-09-01")
    page.get_by_label("Contract ends (optional)").fill("2030-08-31")
    screenshot("sourcing-award")
    page.get_by_role("button", name="Award and record the decision").click()
    expect(page.get_by_test_id("award")).to_contain_text("Kingsmere Community Care CIC")
    expect(page.get_by_test_id("notices")).to_contain_text("UK7 Contract details notice")
    screenshot("sourcing-detail")
    # Once awarded, the bids are the evidence behind the decision: no change links, and the
    # bid's page says why.
    expect(page.get_by_test_id("bids-fixed")).to_be_visible()
    expect(
        page.get_by_role("link", name="Change the bid from Carewell Homecare Ltd")
    ).to_have_count(0)
    carewell = home_care_cycle.sourcings.get().bids.get(bidder="Carewell Homecare Ltd")
    detail_url = page.url.split("#")[0]
    page.goto(f"{detail_url}bids/{carewell.pk}/edit/")
    expect(page.get_by_test_id("locked")).to_contain_text("rewrite the evidence")
    screenshot("sourcing-bid-locked")
    page.goto(detail_url)
    assert Decision.objects.filter(
        cycle=home_care_cycle, title__contains="Kingsmere Community Care CIC"
    ).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the OCDS release package (JSON)").click()
    path = tmp_path / "export.json"
    download.value.save_as(path)
    package = orjson.loads(path.read_bytes())
    report = ProblemReport()
    validate_item(package, "download", report)
    assert not report, report.text()
    assert [r["tag"][0] for r in package["releases"]] == ["planning", "tender", "award", "contract"]


def test_an_analyst_imports_ocds_and_spend_and_drafts_the_market_statement(
    page: Page,
    *,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    home_care_cycle: Cycle,
    tmp_path: Path,
) -> None:
    from tests.workspace.sourcing.test_services import PACKAGES, SPEND

    programme = home_care_cycle.programme
    sign_in("analyst")
    page.goto(f"{live_server}/programmes/{programme.pk}/market/")
    page.get_by_role("button", name="Import OCDS data").click()
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(
        b'{"ocid": "ocds-1", "id": "1", "date": "15/03/2010", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": []}\n{"ocid": "ocds-2"\n'
        b'{"ocid": "ocds-3", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],'
        b' "initiationType": "tender", "parties": []}\n'
    )
    page.get_by_label("File").set_input_files(str(broken))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("nothing was imported")
    expect(page.get_by_test_id("report-heading")).to_be_visible()
    screenshot("market-ocds-import-errors")
    page.get_by_label("File").set_input_files(str(sorted(PACKAGES.glob("*.json"))[0]))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("message")).to_contain_text("Imported 1 contracting process")

    page.get_by_role("button", name="Import a spend file").click()
    spend = tmp_path / "spend.csv"
    spend.write_bytes(SPEND)
    page.get_by_label("File").set_input_files(str(spend))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("spend-shares")).to_contain_text("Carewell Ltd")
    screenshot("market")

    page.get_by_role("button", name="Market position statement").click()
    expect(page.get_by_label("Market position statement")).to_contain_text(
        "Market position statement: Adult home care"
    )
    screenshot("market-statement")
    page.get_by_role("button", name="Save statement").click()
    expect(page.get_by_test_id("statement")).to_contain_text("Adult home care")


def test_a_commissioner_filters_the_market_to_the_service(
    page: Page,
    *,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    browser_cast: Cast,
    home_care_cycle: Cycle,
) -> None:
    from tests.workspace.sourcing.test_services import PACKAGES
    from workspace.sourcing import services as sourcing_services

    programme = home_care_cycle.programme
    sourcing_services.ocds_import_paths(
        actor=browser_cast.users["analyst"],
        programmes=[programme],
        paths=sorted(PACKAGES.glob("*.json")),
        file_name="Contracts Finder sample (100 packages)",
    )
    sign_in("commissioner")
    page.goto(f"{live_server}/programmes/{programme.pk}/market/")
    expect(page.get_by_test_id("market-filter")).to_contain_text(
        "Figures cover all 100 contracting processes imported"
    )
    page.get_by_role("button", name="Filter the market").click()
    expect(page.get_by_test_id("cpv-codes-imported")).to_contain_text("85000000")
    page.get_by_label("CPV codes or prefixes (optional)").fill("85000000, home care")
    page.get_by_role("button", name="Save the filter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("'home' is not a CPV code")
    screenshot("market-filter-error")
    page.get_by_label("CPV codes or prefixes (optional)").fill("85000000")
    page.get_by_role("button", name="Save the filter").click()
    expect(page.get_by_test_id("message")).to_contain_text("Market filter saved")
    expect(page.get_by_test_id("market-filter")).to_contain_text(
        "Figures cover 15 of the 100 contracting processes imported"
    )
    expect(page.get_by_test_id("market-filter")).to_contain_text(
        "CPV 85: Health and social work services"
    )
    expect(page.get_by_test_id("cpv-codes")).not_to_contain_text("45000000")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    screenshot("market-filtered")

    page.get_by_role("button", name="Market position statement").click()
    expect(page.get_by_label("Market position statement")).to_contain_text(
        "The contract figures cover contracts classified under CPV 85000000"
    )
