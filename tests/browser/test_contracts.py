"""A provider's return in a real browser: submit, be queried, resubmit; the commissioner
accepts. Screenshots of each page go to ``test-output/screenshots/``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.workspace.contracts.conftest import make_agreement
from workspace.contracts import services as contract_services
from workspace.contracts.models import Agreement, Milestone, Return
from workspace.cycles import services as cycle_services
from workspace.demo.personas import Cast

pytestmark = pytest.mark.browser


@pytest.fixture
def home_care_contract(browser_cast: Cast) -> Agreement:
    programme = cycle_services.programme_create(
        actor=browser_cast.users["commissioner"],
        organisation=browser_cast.organisations["council"],
        partner_organisation=None,
        name="Adult home care",
        service_area="Adult social care",
        description="Help at home.",
    )
    return make_agreement(browser_cast, programme, browser_cast.organisations["provider"], "HC-1")


@pytest.fixture
def mobilisation(browser_cast: Cast, home_care_contract: Agreement) -> Milestone:
    return contract_services.milestone_add(
        actor=browser_cast.users["commissioner"],
        agreement=home_care_contract,
        title="Mobilisation complete",
        due_date=dt.date(2024, 3, 31),
    )


def _fill(page: Page, on_time: str, days: str, narrative: str) -> None:
    page.get_by_label("Visits on time: numerator").fill(on_time)
    page.get_by_label("Visits on time: denominator").fill("100")
    page.get_by_label("Waiting days").fill(days)
    page.get_by_label("Spend this period (£)").fill("33000")
    page.get_by_label("Narrative").fill(narrative)


def test_a_provider_submits_is_queried_and_resubmits_a_return(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    home_care_contract: Agreement,
    live_server: object,
) -> None:
    sign_in("provider")
    page.get_by_role("link", name="Contracts").first.click()
    expect(page.get_by_test_id("agreements")).to_contain_text("HC-1")
    screenshot("contracts-provider-register")
    page.get_by_role("link", name="HC-1: Home care HC-1").click()
    screenshot("contracts-provider-agreement")
    page.goto(f"{live_server}/contracts/{home_care_contract.pk}/returns/2024-01-01/")
    _fill(page, "120", "4.5", "")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "cannot be more than its denominator"
    )
    screenshot("contracts-return-errors")
    _fill(page, "91", "4.5", "A steady month.")
    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    screenshot("contracts-return-submitted")
    ret = Return.objects.get()

    page.context.clear_cookies()
    sign_in("commissioner")
    page.goto(f"{live_server}/returns/{ret.pk}/")
    page.get_by_role("button", name="Query the return").click()
    page.get_by_label("Your question for the provider").fill("Waiting days look low: check?")
    page.get_by_role("button", name="Send query").click()
    expect(page.get_by_test_id("status")).to_have_text("Queried")

    page.context.clear_cookies()
    sign_in("provider")
    page.goto(f"{live_server}/returns/{ret.pk}/")
    page.get_by_role("button", name="Change and resubmit").click()
    expect(page.get_by_test_id("query")).to_contain_text("Waiting days look low")
    page.get_by_label("Waiting days").fill("6")
    page.get_by_label("Narrative").fill("Checked: 6 days. Two staff were off.")
    screenshot("contracts-return-resubmit")
    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    expect(page.get_by_test_id("version-1")).to_contain_text("4.5")
    expect(page.get_by_test_id("version-2")).to_contain_text("6")
    screenshot("contracts-return-versions")

    page.context.clear_cookies()
    sign_in("commissioner")
    page.goto(f"{live_server}/returns/{ret.pk}/")
    page.get_by_role("button", name="Accept return").click()
    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    page.goto(f"{live_server}/contracts/{home_care_contract.pk}/performance/")
    screenshot("contracts-performance")


def test_a_commissioner_marks_a_milestone_met_and_reads_the_renewals_calendar(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    mobilisation: Milestone,
    live_server: object,
) -> None:
    home_care_contract = mobilisation.agreement
    sign_in("commissioner")
    page.goto(f"{live_server}/contracts/{home_care_contract.pk}/")
    milestones = page.get_by_test_id("milestones")
    expect(milestones).to_contain_text("Overdue")
    page.get_by_label("Note (optional)").fill("All carers in post")
    page.get_by_role("button", name="Mark Mobilisation complete as met").click()
    expect(page.get_by_test_id("milestones")).to_contain_text("Met")
    expect(page.get_by_test_id("milestones")).to_contain_text("All carers in post")
    screenshot("contracts-milestone-met")
    page.goto(f"{live_server}/contracts/renewals/")
    expect(page.get_by_role("heading", name="Renewals and extensions")).to_be_visible()
    screenshot("contracts-renewals-calendar")
