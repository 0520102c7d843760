"""Plan services: outcomes frameworks, the appraisal's long and short lists, uploads, the
engine's figures, and the recommendation recorded as a decision when the Plan gate is signed.

The figures checked against the engine are re-derived here by hand from the Green Book's
standard schedule (3.5%, end of year; Green Book 2022 Annex A6), not taken from the code.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from workspace.audit.models import AuditEvent
from workspace.audit.services import audit_verify
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Artefact, Cycle, Decision, StageProgress
from workspace.demo.personas import Cast
from workspace.plan import services
from workspace.plan.models import Appraisal, AppraisalOption, Target

pytestmark = pytest.mark.django_db

DF1, DF2 = 1 / 1.035, 1 / 1.035**2


# --- outcomes frameworks ------------------------------------------------------------------


def test_an_outcomes_framework_holds_outcomes_indicators_baselines_and_targets(
    cast: Cast, programme: object
) -> None:
    analyst = cast.users["analyst"]
    framework = services.outcomes_framework_create(
        actor=analyst, programme=programme, title="Home care outcomes"
    )
    outcome = services.outcome_add(
        actor=analyst, framework=framework, statement="People stay independent at home"
    )
    indicator = services.indicator_add(
        actor=analyst,
        outcome=outcome,
        name="Still at home 91 days after reablement",
        code="90585",
        unit="%",
        direction="higher",
        baseline_value=78.4,
        baseline_period="2024/25",
        baseline_source="ASCOF 2B(1)",
    )
    target = services.target_set(
        actor=cast.users["commissioner"],
        indicator=indicator,
        period="2027/28",
        value=85.0,
        set_by="Health and Wellbeing Board",
        rationale="Top quartile of comparators.",
    )
    assert (target.set_by, target.value, indicator.code) == (
        "Health and Wellbeing Board",
        85.0,
        "90585",
    )
    again = services.target_set(
        actor=cast.users["commissioner"],
        indicator=indicator,
        period="2027/28",
        value=83.0,
        set_by="Health and Wellbeing Board",
        rationale="Revised for workforce limits.",
    )
    assert again.pk == target.pk
    assert Target.objects.get(pk=target.pk).value == 83.0
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        "created outcomes framework",
        "added outcome",
        "added outcome indicator",
        "set target",
        "changed target",
    ):
        assert action in actions
    assert audit_verify().ok


def test_a_target_needs_who_set_it_and_why(cast: Cast, programme: object) -> None:
    framework = services.outcomes_framework_create(
        actor=cast.users["analyst"], programme=programme, title="Outcomes"
    )
    outcome = services.outcome_add(actor=cast.users["analyst"], framework=framework, statement="X")
    indicator = services.indicator_add(
        actor=cast.users["analyst"], outcome=outcome, name="Y", direction="lower"
    )
    with pytest.raises(ValidationError) as error:
        services.target_set(
            actor=cast.users["analyst"],
            indicator=indicator,
            period="2027",
            value=1.0,
            set_by="",
            rationale=" ",
        )
    assert set(error.value.message_dict) == {"set_by", "rationale"}
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    "persona", ["approver", "auditor", "administrator", "provider", "outsider"]
)
def test_only_editors_change_outcomes_frameworks(
    cast: Cast, programme: object, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.outcomes_framework_create(
            actor=cast.users[persona], programme=programme, title="Outcomes"
        )


# --- appraisals ---------------------------------------------------------------------------


def test_an_appraisal_belongs_to_the_stage_that_asks_for_one(cast: Cast, plan_cycle: Cycle) -> None:
    appraisal = services.appraisal_create(
        actor=cast.users["commissioner"], cycle=plan_cycle, title="Options"
    )
    assert appraisal.stage_id == "plan"
    assert appraisal.first_year == plan_cycle.started_at.year + 1


def test_the_engine_figures_are_the_green_book_present_values(appraisal: Appraisal) -> None:
    report = services.appraisal_run(appraisal=appraisal, simulations=0)
    rows = {row["option"]: row for row in report.result.table()}
    assert set(rows) == {"In-house", "External contract", "Co-produced hubs", "Do minimum"}
    assert rows["In-house"]["npsv"] == pytest.approx(50 * DF1 + 50 * DF2)
    assert rows["External contract"]["npsv"] == pytest.approx(30 * DF1 + 30 * DF2 - 20)
    # Standard Buildings: upper bound 24%, half its causes mitigated: 12% on capital.
    assert rows["Co-produced hubs"]["pv_costs"] == pytest.approx(30 * 1.12 + 80 * DF1 + 80 * DF2)
    assert report.result.preferred == "Co-produced hubs"


def test_the_dropped_option_is_left_out_of_the_figures_but_kept_with_its_reason(
    appraisal: Appraisal,
) -> None:
    dropped = appraisal.options.get(name="Shared service with Westmoor")
    assert not dropped.shortlisted
    assert dropped.discard_reason == "Westmoor has no capacity before 2029."
    document = appraisal.as_options_document()
    assert "Shared service with Westmoor" not in [o["name"] for o in document["options"]]
    assert "Westmoor has no capacity before 2029." in document["appraisal"]["cases"]["strategic"]


def test_neutrality_warnings_reach_the_workspace(appraisal: Appraisal) -> None:
    report = services.appraisal_run(appraisal=appraisal, simulations=0)
    codes = {w.code for w in report.warnings}
    # transaction costs on the external contract only, with no stated reason
    assert "uneven_transaction" in codes
    assert "no_in_house" not in codes


def test_a_negative_cash_flow_is_refused_naming_the_cell(appraisal: Appraisal, cast: Cast) -> None:
    option = appraisal.options.get(name="In-house")
    before = dict(option.cash_flows)
    with pytest.raises(ValidationError) as error:
        services.option_cash_flows_set(
            actor=cast.users["finance"], option=option, cash_flows={"operating": {1: -5.0}}
        )
    assert "operating_1" in error.value.message_dict
    option.refresh_from_db()
    assert option.cash_flows == before


def test_mitigated_bias_needs_a_reason(appraisal: Appraisal, cast: Cast) -> None:
    option = appraisal.options.get(name="In-house")
    with pytest.raises(ValidationError) as error:
        services.option_bias_set(
            actor=cast.users["finance"],
            option=option,
            bias={"operating": {"project_type": "Outsourcing", "mitigated": 70}},
            reason="",
        )
    assert "reason" in error.value.message_dict


def test_a_bias_table_entry_must_suit_the_category(appraisal: Appraisal, cast: Cast) -> None:
    option = appraisal.options.get(name="In-house")
    with pytest.raises(ValidationError) as error:
        services.option_bias_set(
            actor=cast.users["finance"],
            option=option,
            bias={"capital": {"project_type": "Outsourcing", "mitigated": 0}},
            reason="test",
        )
    assert "apply to operating costs" in error.value.message_dict["capital_project_type"][0]


def test_impossible_distribution_parameters_are_refused_naming_the_field(
    appraisal: Appraisal, cast: Cast
) -> None:
    with pytest.raises(ValidationError) as error:
        services.appraisal_input_add(
            actor=cast.users["finance"],
            appraisal=appraisal,
            name="prices",
            category="operating",
            distribution="triangular",
            params={"min": 1.2, "mode": 1.0, "max": 1.5},
            options=[],
            reason="market test",
        )
    assert "min" in error.value.message_dict
    appraisal.refresh_from_db()
    assert [i["name"] for i in appraisal.uncertain_inputs] == ["demand", "hub outcomes"]


def test_weights_that_do_not_add_up_are_refused(appraisal: Appraisal, cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        services.appraisal_mcda_set(
            actor=cast.users["analyst"],
            appraisal=appraisal,
            criteria={"quality": 40, "deliverability": 40},
            scores={o.name: {"quality": 1, "deliverability": 1} for o in appraisal.short_list()},
        )
    assert "criteria" in error.value.message_dict


def test_the_risk_analysis_is_reproducible_with_its_seed(appraisal: Appraisal) -> None:
    first = services.appraisal_run(appraisal=appraisal)
    second = services.appraisal_run(appraisal=appraisal)
    assert first.risk is not None
    assert second.risk is not None
    assert first.risk.table() == second.risk.table()
    assert first.risk.npsv.shape == (2000, 4)


# --- uploads ------------------------------------------------------------------------------


def test_a_csv_upload_replaces_the_named_options_cash_flows(
    appraisal: Appraisal, cast: Cast
) -> None:
    content = (
        b"option,category,year,amount\n"
        b"In-house,operating,1,110\nIn-house,operating,2,110\n"
        b"In-house,monetised_outcomes,2,300\n"
    )
    changed = services.appraisal_cash_flows_upload(
        actor=cast.users["finance"], appraisal=appraisal, content=content, filename="flows.csv"
    )
    assert [o.name for o in changed] == ["In-house"]
    option = AppraisalOption.objects.get(appraisal=appraisal, name="In-house")
    assert option.cash_flows == {
        "operating": {"1": 110.0, "2": 110.0},
        "monetised_outcomes": {"2": 300.0},
    }
    assert AuditEvent.objects.filter(action="uploaded option cash flows").count() == 1


def test_an_upload_with_bad_rows_saves_nothing_and_names_option_row_and_column(
    appraisal: Appraisal, cast: Cast
) -> None:
    before = {o.name: o.cash_flows for o in appraisal.options.all()}
    content = (
        b"option,category,year,amount\n"
        b"In-house,operating,1,110\n"
        b"In-house,operating,2,lots\n"
        b"Outsourced,operating,1,5\n"
        b"External contract,rent,1,5\n"
    )
    with pytest.raises(ValidationError) as error:
        services.appraisal_cash_flows_upload(
            actor=cast.users["finance"], appraisal=appraisal, content=content, filename="f.csv"
        )
    problems = error.value.message_dict["file"]
    assert "option 'In-house', row 3, column amount: 'lots' is not a number" in problems
    assert "row 4, column option: no option is called 'Outsourced'" in problems
    assert any(p.startswith("option 'External contract', row 5, column category") for p in problems)
    assert {o.name: o.cash_flows for o in appraisal.options.all()} == before


def test_an_excel_upload_is_read_from_its_first_sheet(appraisal: Appraisal, cast: Cast) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["option", "category", "year", "amount"], ["Do minimum", "operating", 1, 95]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    services.appraisal_cash_flows_upload(
        actor=cast.users["finance"],
        appraisal=appraisal,
        content=buffer.getvalue(),
        filename="f.xlsx",
    )
    assert AppraisalOption.objects.get(appraisal=appraisal, name="Do minimum").cash_flows == {
        "operating": {"1": 95.0}
    }


def test_a_yaml_upload_past_the_period_is_refused(appraisal: Appraisal, cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        services.appraisal_cash_flows_upload(
            actor=cast.users["finance"],
            appraisal=appraisal,
            content=b"In-house:\n  operating: [0, 100, 100, 100]\n",
            filename="flows.yaml",
        )
    assert "year 3 is after the appraisal period" in error.value.message_dict["file"][0]


# --- recommendation and decision ----------------------------------------------------------


def _submit_plan(cast: Cast, appraisal: Appraisal) -> StageProgress:
    commissioner = cast.users["commissioner"]
    for artefact in appraisal.cycle.artefacts.filter(stage_id="plan", required=True).exclude(
        kind="options_appraisal"
    ):
        cycle_services.artefact_update(
            actor=commissioner,
            artefact=artefact,
            title=artefact.title,
            summary="Written.",
            status=Artefact.Status.COMPLETE,
        )
    progress = appraisal.cycle.stages.get(stage_id="plan")
    return cycle_services.gate_submit(actor=commissioner, progress=progress)


def test_a_recommendation_completes_the_artefact_and_becomes_a_decision_at_the_gate(
    appraisal: Appraisal, cast: Cast
) -> None:
    hubs = appraisal.options.get(name="Co-produced hubs")
    services.appraisal_recommend(
        actor=cast.users["commissioner"],
        appraisal=appraisal,
        option=hubs,
        rationale="Highest NPSV and what people asked for.",
    )
    artefact = appraisal.cycle.artefacts.get(stage_id="plan", kind="options_appraisal")
    assert artefact.status == Artefact.Status.COMPLETE
    assert "Co-produced hubs" in artefact.summary
    progress = _submit_plan(cast, appraisal)
    with pytest.raises(ValidationError):
        services.option_add(
            actor=cast.users["finance"], appraisal=appraisal, name="Late", delivery_model="grant"
        )
    progress.refresh_from_db()
    cycle_services.gate_approve(
        actor=cast.users["approver"],
        progress=progress,
        checklist_confirmed=list(progress.stage.gate.checklist),
    )
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.DECIDED
    decision = appraisal.decision
    assert decision is not None
    assert (
        decision.title
        == "Preferred option: Co-produced hubs (Co-production with users and communities)"
    )
    assert decision.decided_by == cast.users["approver"]
    assert "Shared service with Westmoor: Westmoor has no capacity before 2029." in (
        decision.options_considered
    )
    assert decision.rationale == "Highest NPSV and what people asked for."
    assert Decision.objects.filter(cycle=appraisal.cycle, stage_id="plan").count() == 2
    assert AuditEvent.objects.filter(action="decided appraisal").exists()
    assert audit_verify().ok


def test_sending_the_gate_back_records_no_decision(appraisal: Appraisal, cast: Cast) -> None:
    services.appraisal_recommend(
        actor=cast.users["commissioner"],
        appraisal=appraisal,
        option=appraisal.options.get(name="In-house"),
        rationale="Control of quality.",
    )
    progress = _submit_plan(cast, appraisal)
    cycle_services.gate_send_back(
        actor=cast.users["approver"], progress=progress, reason="Explain the neutrality warning."
    )
    appraisal.refresh_from_db()
    assert appraisal.decision is None
    assert appraisal.status == Appraisal.Status.RECOMMENDED


def test_a_dropped_option_cannot_be_recommended(appraisal: Appraisal, cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        services.appraisal_recommend(
            actor=cast.users["commissioner"],
            appraisal=appraisal,
            option=appraisal.options.get(name="Shared service with Westmoor"),
            rationale="x",
        )
    assert "option" in error.value.message_dict


@pytest.mark.parametrize(
    "persona", ["approver", "auditor", "administrator", "provider", "outsider"]
)
def test_only_editors_change_an_appraisal(appraisal: Appraisal, cast: Cast, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.option_add(
            actor=cast.users[persona], appraisal=appraisal, name="Mine", delivery_model="grant"
        )
