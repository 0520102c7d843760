"""The commissioner's journey through a cycle, and the approver's sign-off, in a real browser.

Sign in → open a programme → start a cycle → complete the first stage's artefacts → submit
its gate → record a decision → the approver signs the gate off. A screenshot of each main
page goes to ``test-output/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from workspace.cycles import services
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast

pytestmark = pytest.mark.browser


@pytest.fixture
def home_care(browser_cast: Cast) -> Programme:
    services.framework_load_shipped()
    return services.programme_create(
        actor=browser_cast.users["commissioner"],
        organisation=browser_cast.organisations["council"],
        partner_organisation=browser_cast.organisations["icb"],
        name="Adult home care",
        service_area="Adult social care",
        description="Help at home for adults with care and support needs.",
    )


def _complete_artefact(
    page: Page, name: str, summary: str, screenshot: Callable[[str], None]
) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Complete").check()
    screenshot(f"artefact-edit-{name.lower().replace(' ', '-')}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("message")).to_contain_text(f"Saved: {name}")


def test_a_commissioner_runs_a_stage_and_the_approver_signs_it_off(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    home_care: Programme,
) -> None:
    sign_in("commissioner")
    page.get_by_role("link", name="Programmes").click()
    expect(page.get_by_test_id("programmes")).to_contain_text("Adult home care")
    screenshot("programmes")

    page.get_by_role("link", name="Adult home care").click()
    screenshot("programme")
    page.get_by_role("button", name="Start the first cycle").click()
    expect(
        page.get_by_label("Analyse, plan, do, review (Institute of Public Care), version 1")
    ).to_be_checked()
    screenshot("start-cycle")
    page.get_by_role("button", name="Start cycle").click()
    expect(page.get_by_role("heading", name="Cycle 1", exact=True)).to_be_visible()
    screenshot("cycle-task-list")

    # A mistake first: marking the artefact complete without a summary is refused.
    page.get_by_role("link", name="Needs assessment", exact=True).click()
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Complete").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter a summary before marking the artefact complete"
    )
    screenshot("artefact-error")
    page.get_by_label("Summary").fill(
        "Demand for home care grows 3% a year; rural wards wait longest."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("message")).to_contain_text("Saved: Needs assessment")

    _complete_artefact(
        page,
        "Market position statement",
        "Forty-one agencies; the largest five hold 60%.",
        screenshot,
    )

    page.get_by_role("link", name="Gate: Needs, resources and market understood").click()
    page.get_by_label("Note for the approver (optional)").fill("Both artefacts are complete.")
    screenshot("gate")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_test_id("message")).to_contain_text("Analyse gate submitted for sign-off")

    page.get_by_role("button", name="Record a decision").first.click()
    page.get_by_label("What was decided?").fill("Plan home care by zones")
    page.get_by_label("Options considered").fill("Spot purchase; framework; zoned contracts")
    page.get_by_label("Rationale").fill("Zones cut travel time in rural wards.")
    screenshot("decision-new")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", name="Plan home care by zones")).to_be_visible()
    screenshot("decision-log")

    page.get_by_role("button", name="Sign out").click()
    sign_in("approver")
    page.get_by_role("link", name="Awaiting sign-off").click()
    expect(page.get_by_test_id("approvals")).to_contain_text("Adult home care, cycle 1")
    screenshot("approvals")
    page.get_by_role("link", name="Sign off or send back").click()
    expect(page.get_by_text("Both artefacts are complete.")).to_be_visible()
    page.get_by_label("Sign off the gate").check()
    for item in (
        "The needs assessment uses current data and says where it is weak",
        "Current provision, its cost and its results are known",
        "People who use the service and their carers have been heard",
    ):
        page.get_by_label(item).check()
    screenshot("sign-off")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("message")).to_contain_text("Analyse gate signed off")
    expect(page.get_by_test_id("approvals")).to_contain_text("Nothing is waiting for you.")

    page.goto(page.url.replace("/approvals/", f"/programmes/{home_care.pk}/"))
    page.get_by_role("link", name="Cycle 1").first.click()
    expect(page.get_by_role("heading", name="1. Analyse")).to_contain_text("Signed off")
    screenshot("cycle-after-sign-off")


def test_the_demo_councils_history_reads_as_successive_cycles(
    page: Page,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    browser_cast: Cast,
) -> None:
    from workspace.cycles.demo import load_cycles_demo

    load_cycles_demo(cast=browser_cast, progress=lambda message: None)
    sign_in("commissioner")
    page.get_by_role("link", name="Programmes").click()
    table = page.get_by_test_id("programmes")
    for name in ("Adult home care", "Drug and alcohol treatment", "Homelessness prevention"):
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("Procuring services: awaiting sign-off")
    screenshot("demo-programmes")

    page.get_by_role("link", name="Adult home care").click()
    expect(page.get_by_test_id("cycles")).to_contain_text("Co-produce")
    screenshot("demo-programme-history")
    page.get_by_role("link", name="Cycle 3").click()
    expect(page.get_by_text("Carried forward from cycle 2")).to_be_visible()
    screenshot("demo-cycle-with-starting-evidence")
    page.get_by_role("link", name="Decision log").click()
    expect(
        page.get_by_role(
            "heading", name="Plan home care and discharge support as one pathway with the ICB"
        )
    ).to_be_visible()
    screenshot("demo-decision-log")
    page.go_back()
    page.get_by_role("link", name="Co-production log").click()
    expect(
        page.get_by_text("Carers' own needs added as an outcome of the pathway.")
    ).to_be_visible()
    screenshot("demo-co-production-log")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Homelessness prevention").click()
    page.get_by_role("link", name="Cycle 2").click()
    page.get_by_role("link", name="Decommissioning").first.click()
    expect(page.get_by_role("heading", name="Decommissioning")).to_be_visible()
    expect(page.get_by_text("Provider exit plan")).to_be_visible()
    screenshot("demo-decommissioning")
