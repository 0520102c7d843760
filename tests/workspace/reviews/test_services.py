"""Review services: the history assembled from the workspace, uploads, findings, plan responses.

Every change is audited; uploads land whole or not at all, with the engine's errors naming
the cycle or indicator and the field; nobody without EDIT changes anything.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from workspace.audit.models import AuditEvent
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Cycle, CycleFramework, Programme, Recommendation
from workspace.demo.personas import Cast
from workspace.reviews import history, services
from workspace.reviews.models import CycleFigures, PlanResponse, ProgrammeFigures

pytestmark = pytest.mark.django_db


def _two_cycles(cast: Cast) -> tuple[Programme, Cycle, Cycle]:
    frameworks = {f.key: f for f in cycle_services.framework_load_shipped()}
    free: CycleFramework = frameworks["free-form"]
    commissioner = cast.users["commissioner"]
    programme = cycle_services.programme_create(
        actor=commissioner,
        organisation=cast.organisations["council"],
        name="Carers' support",
        service_area="Adult social care",
    )
    first = cycle_services.cycle_start(
        actor=commissioner,
        programme=programme,
        framework=free,
        at=dt.datetime(2020, 4, 1, 10, tzinfo=dt.UTC),
    )
    for progress in first.stages.order_by("position"):
        for artefact in first.artefacts.filter(stage_id=progress.stage_id, required=True):
            cycle_services.artefact_update(
                actor=commissioner,
                artefact=artefact,
                title=artefact.title,
                summary="Done.",
                status="complete",
            )
        cycle_services.gate_submit(
            actor=commissioner, progress=progress, at=dt.datetime(2022, 3, 1, tzinfo=dt.UTC)
        )
        progress.refresh_from_db()
        cycle_services.gate_approve(
            actor=cast.users["approver"],
            progress=progress,
            checklist_confirmed=progress.stage.gate.checklist,
            at=dt.datetime(2022, 3, 20, tzinfo=dt.UTC),
        )
    for choice in ("vary", "co_produce"):
        cycle_services.recommendation_record(
            actor=commissioner,
            cycle=first,
            choice=choice,
            rationale=f"Recommend: {choice}.",
            at=dt.datetime(2022, 3, 25, tzinfo=dt.UTC),
        )
    second = cycle_services.cycle_start(
        actor=commissioner,
        programme=programme,
        framework=free,
        at=dt.datetime(2022, 4, 4, 10, tzinfo=dt.UTC),
    )
    first.refresh_from_db()
    return programme, first, second


def test_the_history_holds_the_cycles_dates_reviews_and_what_the_plan_took_up(
    cast: Cast,
) -> None:
    programme, first, _second = _two_cycles(cast)
    recs = list(first.recommendations.order_by("id"))
    services.plan_response_record(
        actor=cast.users["commissioner"], recommendation=recs[1], addressed=True, how="In plan."
    )
    services.plan_response_record(
        actor=cast.users["commissioner"], recommendation=recs[0], addressed=False, how="Not yet."
    )
    data = history.programme_history(programme, as_of=dt.date(2023, 1, 1))
    assert data["schema_version"] == 1
    assert data["as_of"] == "2023-01-01"
    assert data["programme"]["area"] == {"code": "E06099901", "name": "Kingsmere Borough Council"}
    one, two = data["cycles"]
    assert one["id"] == "cycle-1"
    assert one["start"] == "2020-04-01"
    assert one["end"] == "2022-03-20"
    assert one["review"]["date"] == "2022-03-25"
    assert [r["id"] for r in one["review"]["recommendations"]] == ["R1.1", "R1.2"]
    assert one["review"]["recommendations"][0]["text"] == "Vary: Recommend: vary."
    assert "end" not in two  # still running
    assert two["addresses"] == ["R1.2"]


def test_a_cycle_without_figures_is_too_early_to_tell_and_says_what_is_missing(
    cast: Cast,
) -> None:
    programme, _, _ = _two_cycles(cast)
    report = services.programme_assess(programme=programme).report
    assert report is not None
    assert {c.verdict.verdict for c in report.cycles} == {"too_early_to_tell"}
    assert report.cycles[0].verdict.missing


def test_an_upload_keeps_the_figures_and_every_change_is_audited(cast: Cast) -> None:
    programme, first, _second = _two_cycles(cast)
    data = history.programme_history(programme)
    data["comparators"] = [{"code": "E06099902", "name": "Ashcombe"}]
    data["deflator"] = {"base": "2022/23", "index": {"2020/21": 95, "2021/22": 97, "2022/23": 100}}
    data["cycles"][0]["spend"] = {"2020/21": 1_000_000, "2021/22": 1_050_000}
    data["cycles"][0]["transaction_costs"] = {"staff_days": 40, "external_costs": 2000}
    data["cycles"][0]["effort_days"] = {"analysis": 10, "procurement": 30}
    data["cycles"][0]["end"] = "2022-03-31"  # ignored: dates stay as the workspace has them
    services.history_upload(
        actor=cast.users["analyst"], programme=programme, content=json.dumps(data).encode()
    )
    figures = ProgrammeFigures.objects.get(programme=programme)
    assert figures.comparators == [{"code": "E06099902", "name": "Ashcombe"}]
    record = CycleFigures.objects.get(cycle=first)
    assert record.spend == {"2020/21": 1_000_000, "2021/22": 1_050_000}
    assert record.effort_days() == {"analysis": 10, "procurement": 30}
    assert history.programme_history(programme)["cycles"][0]["end"] == "2022-03-20"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("uploaded programme history") == 1
    assert actions.count("updated cycle figures") == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["cycles"].append({"id": "cycle-9", "start": "2030-01-01"}),
            "cycle 'cycle-9': field 'id': this programme has no such cycle",
        ),
        (
            lambda d: d["cycles"][0].update(spend={"2020/21": "lots"}),
            "cycle 'cycle-1': field 'spend.2020/21': must be a number, not 'lots'",
        ),
        (
            lambda d: (
                d.update(deflator={"base": "2022/23", "index": {"2022/23": 100}})
                or d["cycles"][0].update(spend={"2020/21": 5})
            ),
            "cycle 'cycle-1': field 'spend.2020/21': has no deflator value for its year",
        ),
        (lambda d: d.update(schema_version=2), "history: field 'schema_version': must be 1"),
    ],
)
def test_a_bad_upload_names_the_cycle_and_field_and_saves_nothing(
    cast: Cast, change: object, message: str
) -> None:
    programme, _, _ = _two_cycles(cast)
    data = history.programme_history(programme)
    change(data)  # type: ignore[operator]
    with pytest.raises(ValidationError) as raised:
        services.history_upload(
            actor=cast.users["analyst"], programme=programme, content=json.dumps(data).encode()
        )
    assert any(m.startswith(message) for m in raised.value.message_dict["file"])
    assert not ProgrammeFigures.objects.exists()
    assert not CycleFigures.objects.exists()
    assert not AuditEvent.objects.filter(action="uploaded programme history").exists()


def test_a_file_that_is_not_json_is_refused(cast: Cast) -> None:
    programme, _, _ = _two_cycles(cast)
    with pytest.raises(ValidationError, match="not JSON"):
        services.history_upload(
            actor=cast.users["analyst"], programme=programme, content=b"{not json"
        )


@pytest.mark.parametrize(
    "persona", ["approver", "auditor", "administrator", "provider", "outsider"]
)
def test_only_editors_change_review_records(cast: Cast, persona: str) -> None:
    programme, first, _ = _two_cycles(cast)
    user = cast.users[persona]
    recommendation = first.recommendations.first()
    assert recommendation is not None
    with pytest.raises(PermissionDenied):
        services.history_upload(actor=user, programme=programme, content=b"{}")
    with pytest.raises(PermissionDenied):
        services.cycle_figures_update(actor=user, cycle=first, population=1000)
    with pytest.raises(PermissionDenied):
        services.review_findings_save(
            actor=user, cycle=first, findings="x", reviewed_on=dt.date(2022, 3, 1)
        )
    with pytest.raises(PermissionDenied):
        services.plan_response_record(
            actor=user, recommendation=recommendation, addressed=True, how="x"
        )


def test_a_plan_response_needs_a_next_cycle_and_a_reason(cast: Cast) -> None:
    _programme, first, second = _two_cycles(cast)
    recommendation = first.recommendations.first()
    assert recommendation is not None
    with pytest.raises(ValidationError, match="Say why the plan does not"):
        services.plan_response_record(
            actor=cast.users["commissioner"],
            recommendation=recommendation,
            addressed=False,
            how=" ",
        )
    orphan = Recommendation.objects.create(
        cycle=second, choice="continue", rationale="Keep going.", recorded_at=second.started_at
    )
    with pytest.raises(ValidationError, match="no plan to check yet"):
        services.plan_response_record(
            actor=cast.users["commissioner"], recommendation=orphan, addressed=True, how="Yes."
        )
    response = services.plan_response_record(
        actor=cast.users["commissioner"], recommendation=recommendation, addressed=True, how="Yes."
    )
    again = services.plan_response_record(
        actor=cast.users["commissioner"], recommendation=recommendation, addressed=False, how="No."
    )
    assert again.pk == response.pk
    assert PlanResponse.objects.get().addressed is False
    event = AuditEvent.objects.filter(action="recorded plan response").last()
    assert event is not None
    assert event.before is not None


def test_findings_must_say_something_and_date_after_the_start(cast: Cast) -> None:
    _, first, _ = _two_cycles(cast)
    with pytest.raises(ValidationError, match="Enter the review's findings"):
        services.review_findings_save(
            actor=cast.users["commissioner"],
            cycle=first,
            findings=" ",
            reviewed_on=dt.date(2022, 1, 1),
        )
    with pytest.raises(ValidationError, match="after the cycle started"):
        services.review_findings_save(
            actor=cast.users["commissioner"],
            cycle=first,
            findings="Ok",
            reviewed_on=dt.date(2019, 1, 1),
        )
    review = services.review_findings_save(
        actor=cast.users["commissioner"],
        cycle=first,
        findings="Ok",
        reviewed_on=dt.date(2022, 3, 1),
    )
    assert history.programme_history(review.cycle.programme)["cycles"][0]["review"]["date"] == (
        "2022-03-25"
    )
