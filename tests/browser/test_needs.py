"""The analyst's needs assessment journey in a real browser.

Sign in → the programme's cycle → its needs assessment's summary (the written summary, the
spine chart with every indicator's name whole, the comparison table) → an indicator's own
page (its areas, funnel plot, trend and forecast, each chart's figures beside it) → choose
the indicators and contents → try an upload with mistakes and see them by row and column →
upload good data → open the document. A screenshot of each page goes to
``test-output/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from workspace.cycles import services
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.needs.demo import load_needs_demo

pytestmark = pytest.mark.browser

#: The summary page must stay short enough to put in front of a board (pixels, at 1280 wide).
SUMMARY_HEIGHT = 5000


def _height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def _spine_labels(page: Page) -> list[str]:
    """Each indicator's name as the spine chart prints it (its wrapped lines joined)."""
    spine = page.locator('svg[role="img"]').first
    return [
        " ".join(text.locator("tspan").all_text_contents())
        for text in spine.locator("text:has(tspan)").all()
    ]


@pytest.fixture
def home_care_cycle(browser_cast: Cast) -> Cycle:
    frameworks = {record.key: record for record in services.framework_load_shipped()}
    programme = services.programme_create(
        actor=browser_cast.users["commissioner"],
        organisation=browser_cast.organisations["council"],
        partner_organisation=None,
        name="Adult home care",
        service_area="Adult social care",
        description="Help at home for adults with care and support needs.",
    )
    cycle = services.cycle_start(
        actor=browser_cast.users["commissioner"],
        programme=programme,
        framework=frameworks["ipc-analyse-plan-do-review"],
    )
    load_needs_demo(cast=browser_cast, progress=lambda _: None)
    return cycle


def test_an_analyst_builds_and_exports_the_needs_assessment(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    home_care_cycle: Cycle,
    tmp_path: Path,
) -> None:
    sign_in("analyst")
    page.get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Adult home care").click()
    page.get_by_role("link", name="Cycle 1").first.click()
    page.get_by_role("link", name="Needs assessment figures").click()
    expect(page.get_by_role("heading", name="Needs assessment: Adult home care")).to_be_visible()
    expect(page.get_by_text("Kingsmere is a fictional council")).to_be_visible()
    expect(page.locator('svg[role="img"]')).to_have_count(1)  # the spine chart only
    table = page.get_by_test_id("comparison-table")
    names = table.locator("tbody th a").all_inner_texts()
    assert len(names) == 6
    # the spine chart prints every name whole, inside the chart, left of the plot
    assert _spine_labels(page) == names
    chart = page.locator('svg[role="img"]').first.bounding_box()
    assert chart is not None
    for text in page.locator('svg[role="img"] text:has(tspan)').all():
        box = text.bounding_box()
        assert box is not None
        assert box["x"] >= chart["x"]
        assert box["x"] + box["width"] <= chart["x"] + 260
    page.get_by_text("The chart's figures").click()
    expect(page.get_by_role("table", name="Figures in the spine chart")).to_be_visible()
    assert _height(page) < SUMMARY_HEIGHT
    screenshot("needs-assessment")

    # an indicator's own page: areas, funnel plot, trend, forecast
    table.get_by_role("link", name="Deaths in hospital", exact=True).click()
    expect(page.get_by_role("heading", name="Deaths in hospital", level=1)).to_be_visible()
    expect(page.get_by_text("Indicator 1 of 6")).to_be_visible()
    expect(page.get_by_role("heading", name="Funnel plot, 2023")).to_be_visible()
    expect(page.get_by_role("heading", name="Trend")).to_be_visible()
    expect(page.get_by_role("heading", name="Demand forecast")).to_be_visible()
    expect(page.locator('svg[role="img"]')).to_have_count(2)
    expect(page.get_by_text("The chart's figures")).to_have_count(2)
    page.get_by_text("The chart's figures").first.click()
    expect(page.get_by_role("table", name="Figures in the funnel plot")).to_be_visible()
    screenshot("needs-indicator")
    page.get_by_role("link", name="Next").click()
    expect(
        page.get_by_role("heading", name="Deaths in hospital (85+ yrs)", level=1)
    ).to_be_visible()
    page.get_by_role("link", name="Back to the summary of the needs assessment").click()

    page.get_by_role("button", name="Change indicators and contents").click()
    page.get_by_label("Preventable sight loss from diabetic eye disease").uncheck()
    page.get_by_label("Summary of need").fill(
        "Deaths in hospital are higher than England's; home care should support dying at home."
    )
    page.get_by_label("Demand forecast").uncheck()
    screenshot("needs-assessment-edit")
    page.get_by_role("button", name="Save needs assessment").click()
    expect(page.get_by_test_id("message")).to_contain_text("Needs assessment saved")
    expect(page.get_by_text("home care should support dying at home")).to_be_visible()

    page.get_by_role("button", name="Upload local data").click()
    page.get_by_label("Indicator id").fill("local-falls-65")
    page.get_by_label("Indicator name").fill("Falls in people aged 65+")
    page.get_by_label("Proportion (Wilson score interval)").check()
    page.get_by_label("Percentage (per 100)").check()
    page.get_by_label("Low is good").check()
    page.get_by_label("Unit").fill("%")
    bad = tmp_path / "falls.csv"
    bad.write_text("area_code,period,numerator,denominator\nE06099901,2023,40,30\nE9,2023,1,9\n")
    page.get_by_label("CSV or Excel file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 1, numerator")
    expect(page.get_by_role("alert")).to_contain_text("Row 2, area_code")
    screenshot("needs-upload-errors")

    good = tmp_path / "falls-fixed.csv"
    good.write_text(
        "area_code,period,numerator,denominator\nE06099901,2023,412,38000\n"
        "E08000007,2023,530,57000\nE92000001,2023,91000,10100000\n"
    )
    page.get_by_label("Indicator id").fill("local-falls-65")
    page.get_by_label("Indicator name").fill("Falls in people aged 65+")
    page.get_by_label("Proportion (Wilson score interval)").check()
    page.get_by_label("Percentage (per 100)").check()
    page.get_by_label("Low is good").check()
    page.get_by_label("Unit").fill("%")
    page.get_by_label("CSV or Excel file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("message")).to_contain_text("Imported Falls in people aged 65+")
    page.get_by_label("Falls in people aged 65+").check()
    page.get_by_role("button", name="Save needs assessment").click()
    page.get_by_test_id("comparison-table").get_by_role(
        "link", name="Falls in people aged 65+"
    ).click()
    expect(page.get_by_role("heading", name="Falls in people aged 65+", level=1)).to_be_visible()
    expect(page.get_by_text("Too few areas with data for a funnel plot.")).to_be_visible()
    expect(page.get_by_role("heading", name="Demand forecast")).to_have_count(0)
    screenshot("needs-assessment-with-local-data")
    page.get_by_role("link", name="Needs assessment", exact=True).click()

    page.get_by_role("link", name="Open the document (HTML)").click()
    expect(
        page.get_by_role("heading", name="Needs assessment: Adult home care, cycle 1")
    ).to_be_visible()
    # the document keeps every indicator in full
    expect(page.get_by_role("heading", name="Falls in people aged 65+")).to_be_visible()
    expect(page.get_by_role("heading", name="Funnel plot, 2023").first).to_be_visible()
    screenshot("needs-assessment-document")


def test_an_analyst_reads_a_dsr_and_uploads_data_by_age_band(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    home_care_cycle: Cycle,
    tmp_path: Path,
) -> None:
    sign_in("analyst")
    page.get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Adult home care").click()
    page.get_by_role("link", name="Cycle 1").first.click()
    page.get_by_role("link", name="Needs assessment figures").click()
    dsr_name = "Under-75 mortality from causes considered preventable (fictional data)"
    table = page.get_by_test_id("comparison-table")
    expect(
        table.get_by_role("link", name="Life expectancy at birth, females (fictional data)")
    ).to_be_visible()
    # the DSR's own page (the last, by name): table with intervals, funnel plot, trend
    table.get_by_role("link", name=dsr_name, exact=True).click()
    expect(page.get_by_role("heading", name=dsr_name, exact=True, level=1)).to_be_visible()
    expect(page.get_by_text("Directly standardised rate (Dobson method)").first).to_be_visible()
    expect(page.get_by_text("Indicator 6 of 6")).to_be_visible()
    expect(page.get_by_role("heading", name="Funnel plot, 2023")).to_be_visible()
    for summary in page.get_by_text("The chart's figures").all():
        summary.click()
    expect(page.get_by_role("table", name="Figures in the funnel plot")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "needs-dsr-indicator.png"), full_page=True)
    page.get_by_role("link", name="Previous").click()
    expect(
        page.get_by_role("heading", name="Preventable sight loss from diabetic eye disease")
    ).to_be_visible()
    page.get_by_role("link", name="Needs assessment", exact=True).click()

    page.get_by_role("button", name="Upload data by age band").click()
    expect(page.get_by_role("heading", name="Upload local data by age band")).to_be_visible()
    page.get_by_label("Indicator id").fill("local-u75-cvd")
    page.get_by_label("Indicator name").fill("Under-75 mortality from cardiovascular disease")
    page.get_by_label("Directly standardised rate (Dobson method)").check()
    page.get_by_label("European Standard Population 2013").check()
    page.get_by_label("Per 100,000").check()
    page.get_by_label("Low is good").check()
    page.get_by_label("Unit").fill("per 100,000")
    bands = [f"{age}-{age + 4}" for age in range(0, 75, 5)]
    lines = ["area_code,period,age_band,count,population"]
    for code, size in (("E06099901", 1), ("E08000007", 1), ("E92000001", 300)):
        lines += [
            f"{code},2023,{band},{(i + 2) * size},{12000 * size}" for i, band in enumerate(bands)
        ]
    bad = tmp_path / "cvd.csv"
    bad.write_text("\n".join([*lines[:2], "E06099901,2023,5-9,lots,12000", *lines[3:]]) + "\n")
    page.get_by_label("CSV or Excel file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 2, count: 'lots' is not a number")
    screenshot("needs-upload-age-bands-errors")

    good = tmp_path / "cvd-fixed.csv"
    good.write_text("\n".join(lines) + "\n")
    page.get_by_label("Indicator id").fill("local-u75-cvd")
    page.get_by_label("Indicator name").fill("Under-75 mortality from cardiovascular disease")
    page.get_by_label("Directly standardised rate (Dobson method)").check()
    page.get_by_label("Low is good").check()
    page.get_by_label("Unit").fill("per 100,000")
    page.get_by_label("CSV or Excel file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("message")).to_contain_text(
        "Imported Under-75 mortality from cardiovascular disease: 45 age-band rows, 3 values"
    )
    page.get_by_label("Under-75 mortality from cardiovascular disease").check()
    page.get_by_role("button", name="Save needs assessment").click()
    page.get_by_test_id("comparison-table").get_by_role(
        "link", name="Under-75 mortality from cardiovascular disease"
    ).click()
    expect(
        page.get_by_role("heading", name="Under-75 mortality from cardiovascular disease")
    ).to_be_visible()
