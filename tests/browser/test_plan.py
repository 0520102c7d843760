"""An options appraisal from long list to signed-off decision, in a real browser.

The commissioner starts an appraisal in the Plan stage, builds the long list, drops one
option with its reason; finance uploads cash flows (a file with mistakes first), adds an
uncertain input and scores the options; the commissioner reads the results, recommends an
option and submits the Plan gate; the approver signs it off, and the recommendation is in
the decision log. An analyst writes an outcomes framework for the programme's current
cycle, then moves it to the earlier cycle it really plans. A screenshot of each main page
goes to ``test-output/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from workspace.cycles import services
from workspace.cycles.models import Artefact, Cycle, CycleFramework
from workspace.demo.personas import Cast

pytestmark = pytest.mark.browser

OPTIONS = (
    ("In-house service", "In-house"),
    ("Zoned external contracts", "External contract"),
    ("Co-produced neighbourhood teams", "Co-production with users and communities"),
    ("Decommission", "Decommission"),
    ("Shared service with Westmoor", "Shared service"),
)
BAD_CSV = b"option,category,year,amount\nIn-house service,operating,one,100\nNobody,rent,1,5\n"
GOOD_CSV = b"option,category,year,amount\n" + b"".join(
    f"{name},operating,{year},{cost}\n{name},monetised_outcomes,{year},{benefit}\n".encode()
    for name, cost, benefit in (
        ("In-house service", 100, 150),
        ("Zoned external contracts", 95, 125),
        ("Co-produced neighbourhood teams", 85, 160),
        ("Decommission", 10, 15),
    )
    for year in (1, 2, 3)
)


@pytest.fixture
def plan_cycle(browser_cast: Cast) -> Cycle:
    """A cycle whose Analyse gate is signed off, so its Plan stage is open."""
    services.framework_load_shipped()
    commissioner = browser_cast.users["commissioner"]
    programme = services.programme_create(
        actor=commissioner,
        organisation=browser_cast.organisations["council"],
        name="Adult home care",
        service_area="Adult social care",
    )
    cycle = services.cycle_start(
        actor=commissioner,
        programme=programme,
        framework=CycleFramework.objects.get(key="ipc-analyse-plan-do-review", organisation=None),
    )
    for artefact in cycle.artefacts.filter(stage_id="analyse", required=True):
        services.artefact_update(
            actor=commissioner,
            artefact=artefact,
            title=artefact.title,
            summary="Written.",
            status=Artefact.Status.COMPLETE,
            file=SimpleUploadedFile("evidence.txt", b"evidence"),
        )
    progress = services.gate_submit(
        actor=commissioner, progress=cycle.stages.get(stage_id="analyse")
    )
    services.gate_approve(
        actor=browser_cast.users["approver"],
        progress=progress,
        checklist_confirmed=list(progress.stage.gate.checklist),
    )
    return cycle


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_an_appraisal_goes_from_long_list_to_a_signed_off_decision(
    page: Page,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    plan_cycle: Cycle,
) -> None:
    sign_in("commissioner")
    page.goto(f"{live_server}/cycles/{plan_cycle.pk}/")
    page.get_by_role("link", name="Options appraisals").click()
    page.get_by_role("button", name="Start an options appraisal").click()
    page.get_by_label("Title of the appraisal").fill("Home care: options appraisal")
    page.get_by_role("button", name="Start appraisal").click()
    expect(page.get_by_test_id("message")).to_contain_text("Appraisal started")

    for name, model in OPTIONS:
        page.get_by_role("button", name="Add an option").click()
        page.get_by_label("Option name").fill(name)
        page.get_by_label(model, exact=True).check()
        page.get_by_role("button", name="Add option").click()
        expect(page.get_by_test_id("message")).to_contain_text(f"Option added: {name}")
    screenshot("plan-long-list")

    page.get_by_role("link", name=re.compile(r"^Drop from the short list\W+Shared service")).click()
    page.get_by_role("button", name="Drop").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the option is dropped")
    page.get_by_label("Why is this option dropped").fill("Westmoor has no capacity before 2029.")
    page.get_by_role("button", name="Drop").click()
    expect(page.get_by_test_id("long-list")).to_contain_text("Westmoor has no capacity")
    _sign_out(page)

    sign_in("finance")
    page.goto(f"{live_server}/cycles/{plan_cycle.pk}/appraisals/")
    page.get_by_role("link", name="Home care: options appraisal").click()
    page.get_by_role("button", name="Upload cash flows").click()
    page.get_by_label("Upload cash flows").set_input_files(
        files=[{"name": "flows.csv", "mimeType": "text/csv", "buffer": BAD_CSV}]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("option 'In-house service', row 2, column year")
    expect(alert).to_contain_text("row 3, column option: no option is called 'Nobody'")
    screenshot("plan-upload-errors")
    page.get_by_label("Upload cash flows").set_input_files(
        files=[{"name": "flows.csv", "mimeType": "text/csv", "buffer": GOOD_CSV}]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_test_id("message")).to_contain_text("Cash flows uploaded")

    page.get_by_role("link", name=re.compile(r"^Cash flows\W+for Zoned external")).click()
    page.get_by_label("Transaction (sourcing route), year 0").fill("20")
    screenshot("plan-cash-flows")
    page.get_by_role("button", name="Save cash flows").click()
    expect(page.get_by_test_id("message")).to_contain_text("Cash flows saved")

    page.get_by_role("link", name="Uncertain inputs for the risk analysis").click()
    page.get_by_label("Name of the uncertain input").fill("demand")
    page.get_by_label("Cash flows it scales").select_option("operating")
    page.get_by_label("Triangular (min, mode, max)").check()
    page.get_by_label("Minimum factor").fill("0.9")
    page.get_by_label("Most likely factor").fill("1")
    page.get_by_label("Maximum factor").fill("1.3")
    page.get_by_label("Where the range comes from").fill("Population projections.")
    page.get_by_role("button", name="Add uncertain input").click()
    expect(page.get_by_test_id("message")).to_contain_text("Uncertain input added: demand")
    page.get_by_role("link", name="Back to the appraisal").click()

    page.get_by_role("link", name="Multi-criteria scoring").click()
    page.get_by_label("Criteria and weights").fill(
        "quality: 40\nwhat_users_said: 40\ndeliverability: 20"
    )
    page.get_by_role("button", name="Save scoring").click()  # adds the columns first
    expect(page.get_by_test_id("message")).to_contain_text("Criteria changed")
    scores = {
        "In-house service": (7, 6, 6),
        "Zoned external contracts": (6, 4, 7),
        "Co-produced neighbourhood teams": (7, 9, 5),
        "Decommission": (1, 1, 8),
    }
    for option, values in scores.items():
        for criterion, value in zip(
            ("quality", "what_users_said", "deliverability"), values, strict=True
        ):
            page.get_by_label(f"{option}: {criterion}", exact=True).fill(str(value))
    screenshot("plan-scoring")
    page.get_by_role("button", name="Save scoring").click()
    expect(page.get_by_test_id("message")).to_contain_text("Criteria, weights and scores saved")
    _sign_out(page)

    sign_in("commissioner")
    page.goto(f"{live_server}/cycles/{plan_cycle.pk}/appraisals/")
    page.get_by_role("link", name="Home care: options appraisal").click()
    page.get_by_role("button", name="See the results").click()
    expect(page.get_by_test_id("summary")).to_contain_text("Co-produced neighbourhood teams")
    expect(page.locator("svg[role=img]")).to_have_count(4)
    expect(page.get_by_text("Preferred by net present social value")).to_contain_text(
        "Co-produced neighbourhood teams"
    )
    screenshot("plan-results")

    page.get_by_role("button", name="Recommend an option").click()
    page.get_by_label("Co-produced neighbourhood teams").check()
    page.get_by_label("Why").fill("Best value for money, and what people asked for.")
    page.get_by_role("button", name="Recommend").click()
    expect(page.get_by_test_id("message")).to_contain_text("Recommendation recorded")
    screenshot("plan-appraisal-recommended")

    # The other Plan artefacts are written elsewhere; here they are completed directly.
    for artefact in plan_cycle.artefacts.filter(stage_id="plan", required=True).exclude(
        kind="options_appraisal"
    ):
        services.artefact_update(
            actor=plan_cycle.started_by,
            artefact=artefact,
            title=artefact.title,
            summary="Written.",
            status=Artefact.Status.COMPLETE,
        )
    page.goto(f"{live_server}/cycles/{plan_cycle.pk}/stages/plan/gate/")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_test_id("message")).to_contain_text("Plan gate submitted for sign-off")
    _sign_out(page)

    sign_in("approver")
    page.get_by_role("link", name="Awaiting sign-off").click()
    page.get_by_role("link", name="Sign off or send back").click()
    expect(page.get_by_text("recommends Co-produced neighbourhood teams")).to_be_visible()
    page.get_by_label("Sign off the gate").check()
    progress = plan_cycle.stages.get(stage_id="plan")
    for item in progress.stage.gate.checklist:
        page.get_by_label(item).check()
    screenshot("plan-sign-off")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("message")).to_contain_text("Plan gate signed off")

    page.goto(f"{live_server}/cycles/{plan_cycle.pk}/decisions/")
    expect(
        page.get_by_role(
            "heading",
            name="Preferred option: Co-produced neighbourhood teams "
            "(Co-production with users and communities)",
        )
    ).to_be_visible()
    expect(page.get_by_text("Westmoor has no capacity before 2029.").first).to_be_visible()
    screenshot("plan-decision-log")


def test_the_demo_councils_appraisals_and_outcomes(
    page: Page,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    browser_cast: Cast,
) -> None:
    from workspace.cycles.demo import load_cycles_demo
    from workspace.plan.demo import load_plan_demo

    load_cycles_demo(cast=browser_cast, progress=lambda message: None)
    appraisals = {
        a.cycle.programme.name: a
        for a in load_plan_demo(cast=browser_cast, progress=lambda message: None)
    }
    sign_in("approver")
    drugs = appraisals["Drug and alcohol treatment"]
    page.goto(f"{live_server}/appraisals/{drugs.pk}/")
    expect(page.get_by_text("Decided at the gate")).to_be_visible()
    screenshot("plan-demo-in-house-appraisal")
    page.get_by_role("button", name="See the results").click()
    expect(page.get_by_text("Preferred by net present social value")).to_contain_text(
        "Bring the alcohol care team in-house"
    )
    screenshot("plan-demo-in-house-results")
    abuse = appraisals["Domestic abuse support"]
    page.goto(f"{live_server}/appraisals/{abuse.pk}/results/")
    expect(page.get_by_text("Preferred by net present social value")).to_contain_text(
        "Survivor-led community network"
    )
    screenshot("plan-demo-co-production-results")
    page.goto(f"{live_server}/programmes/{drugs.cycle.programme.pk}/outcomes/")
    page.get_by_role("link", name="Treatment and recovery outcomes").click()
    expect(page.get_by_text("Baseline 2023/24")).to_be_visible()
    current = drugs.cycle.programme.current_cycle()
    assert current is not None
    expect(page.get_by_test_id("framework-cycle")).to_contain_text(f"Cycle {current.number} (")
    screenshot("plan-demo-outcomes-framework")


def test_an_analyst_chooses_the_cycle_an_outcomes_framework_plans(
    page: Page,
    live_server: object,
    sign_in: Callable[[str], None],
    screenshot: Callable[[str], None],
    browser_cast: Cast,
) -> None:
    from tests.workspace.reviews.test_services import _two_cycles

    programme, _, _ = _two_cycles(browser_cast)
    sign_in("analyst")
    page.goto(f"{live_server}/programmes/{programme.pk}/outcomes/")
    page.get_by_role("button", name="Create an outcomes framework").click()
    current = page.get_by_label("Cycle 2 (in progress, started 4 April 2022)")
    expect(current).to_be_checked()
    page.get_by_label("Title").fill("Carers' outcomes")
    screenshot("plan-outcomes-framework-new")
    page.get_by_role("button", name="Create outcomes framework").click()
    expect(page.get_by_test_id("message")).to_contain_text("Outcomes framework created")
    expect(page.get_by_test_id("framework-cycle")).to_contain_text("Cycle 2 (in progress")

    page.get_by_role("button", name="Change title, purpose or cycle").click()
    page.get_by_label("Cycle 1 (complete, started 1 April 2020)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("message")).to_contain_text("Outcomes framework saved")
    expect(page.get_by_test_id("framework-cycle")).to_contain_text(
        "Cycle 1 (complete, started 1 April 2020)"
    )
    screenshot("plan-outcomes-framework-cycle")
    page.get_by_role("link", name="Cycle 1 (complete, started 1 April 2020)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1")
