"""The outcome evidence assembles itself from the needs data and the outcomes frameworks.

A programme's key indicators are its outcomes frameworks' indicators linked to the needs
data; their series for the area and its comparator group come from the needs data as
counts, and each cycle's baseline and targets from the framework that plans that cycle.
When the areas hold nothing, the review's own figures are used. The figures checked here
are the ones stored by each test, so nothing is computed by the code under test first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pandas as pd
import pytest
from django.test import Client

from tests.workspace.reviews.test_services import _two_cycles
from workspace.cycles.models import Cycle, Programme
from workspace.demo.personas import Cast
from workspace.needs import services as needs_services
from workspace.needs.models import Area, ComparatorMember, Indicator
from workspace.plan import services as plan_services
from workspace.plan.models import OutcomeIndicator, OutcomesFramework
from workspace.reviews import history, services
from workspace.reviews.outcome_sources import framework_cycles, outcome_evidence

pytestmark = pytest.mark.django_db

PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23"]
COUNTS = {  # area → numerators over a denominator of 1,000, by period
    "E06099901": [600, 610, 680, 700],
    "E06099902": [590, 600, 605, 610],
    "E06099903": [620, 625, 630, 640],
}


def _needs(cast: Cast, *, statistic: str = Indicator.Statistic.PROPORTION) -> Indicator:
    """Kingsmere, two comparators in its group, and the council's own indicator."""
    kingsmere = Area.objects.create(
        code="E06099901", name="Kingsmere", area_type="Unitary authority", fictional=True
    )
    for rank, (code, name) in enumerate(
        [("E06099902", "Ashcombe"), ("E06099903", "Brindleford")], start=1
    ):
        area = Area.objects.create(code=code, name=name, area_type="UA", fictional=True)
        ComparatorMember.objects.create(
            area=kingsmere, comparator=area, rank=rank, method="test group"
        )
    Area.objects.create(code="E06000007", name="Warrington", area_type="UA")  # not in the group
    indicator = Indicator.objects.create(
        organisation=cast.organisations["council"],
        key="carers-supported",
        name="Carers who feel supported",
        statistic=statistic,
        multiplier=100,
        polarity=Indicator.Polarity.HIGH,
        unit="%",
        ci_method="Wilson",
        source="test",
    )
    rows = [
        {"area_code": code, "period": period, "numerator": n, "denominator": 1000}
        for code, numerators in {**COUNTS, "E06000007": [1, 2, 3, 4]}.items()
        for period, n in zip(PERIODS, numerators, strict=True)
    ]
    needs_services.indicator_values_store(
        indicator=indicator,
        counts=pd.DataFrame(rows),
        areas={a.code: a for a in Area.objects.all()},
    )
    return indicator


def _framework(
    cast: Cast,
    programme: Programme,
    indicator: Indicator,
    *,
    cycle: Cycle,
    title: str,
    written: dt.datetime | None = None,
    direction: str = "higher",
    baseline: tuple[float, str] | None = (60.0, "2019/20"),
    targets: tuple[tuple[str, float], ...] = (("2021/22", 65.0),),
) -> OutcomeIndicator:
    analyst = cast.users["analyst"]
    framework = plan_services.outcomes_framework_create(
        actor=analyst,
        programme=programme,
        title=title,
        cycle=cycle,
        at=written if written is not None else _written(cycle),
    )
    outcome = plan_services.outcome_add(actor=analyst, framework=framework, statement="Carers")
    linked = plan_services.indicator_add(
        actor=analyst,
        outcome=outcome,
        name="Carers supported",
        direction=direction,
        baseline_value=baseline[0] if baseline else None,
        baseline_period=baseline[1] if baseline else "",
        needs_indicator=indicator,
    )
    for period, value in targets:
        plan_services.target_set(
            actor=analyst,
            indicator=linked,
            period=period,
            value=value,
            set_by="Board",
            rationale="Test.",
        )
    return linked


def _written(cycle: Cycle, days: int = 30) -> dt.datetime:
    return cycle.started_at + dt.timedelta(days=days)


def test_the_series_come_from_the_needs_data_for_the_area_and_its_comparator_group(
    cast: Cast,
) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast)
    _framework(cast, programme, indicator, cycle=first, title="Carers 2020")
    data = history.programme_history(programme)
    assert data["programme"]["area"]["code"] == "E06099901"
    assert data["comparators"] == [
        {"code": "E06099902", "name": "Ashcombe"},
        {"code": "E06099903", "name": "Brindleford"},
    ]
    (series,) = data["indicators"]
    assert series["id"] == "carers-supported"
    assert series["name"] == "Carers supported"
    assert (series["polarity"], series["key"]) == ("higher_is_better", True)
    assert (series["measure"], series["multiplier"], series["unit"]) == ("proportion", 100, "%")
    held = {(v["area"], v["period"]): (v["numerator"], v["denominator"]) for v in series["values"]}
    assert held == {
        (code, period): (float(n), 1000.0)
        for code, numerators in COUNTS.items()
        for period, n in zip(PERIODS, numerators, strict=True)
    }  # Warrington's values are held but it is not in the group


def test_each_cycle_gets_the_baseline_and_targets_of_the_framework_written_in_it(
    cast: Cast,
) -> None:
    programme, first, second = _two_cycles(cast)
    indicator = _needs(cast)
    _framework(cast, programme, indicator, cycle=first, title="Carers 2020")
    _framework(
        cast,
        programme,
        indicator,
        cycle=second,
        title="Carers 2022",
        baseline=(68.0, "2021/22"),
        targets=(("2022/23", 72.0), ("2023/24", 74.0)),
    )
    (series,) = history.programme_history(programme)["indicators"]
    assert series["plans"] == [
        {
            "cycle": "cycle-1",
            "source": "outcomes framework 'Carers 2020' of cycle 1",
            "baseline": {"period": "2019/20", "value": 60.0},
            "targets": [{"period": "2021/22", "value": 65.0}],
        },
        {
            "cycle": "cycle-2",
            "source": "outcomes framework 'Carers 2022' of cycle 2",
            "baseline": {"period": "2021/22", "value": 68.0},
            "targets": [
                {"period": "2022/23", "value": 72.0},
                {"period": "2023/24", "value": 74.0},
            ],
        },
    ]
    report = services.programme_assess(programme=programme, as_of=dt.date(2023, 6, 30)).report
    assert report is not None
    one, two = (c.plans[0] for c in report.cycles)
    # cycle 1 (2020-04-01 to 2022-03-20): latest 2020/21 (2021/22 ends after the cycle's end)
    assert (one.latest_period, one.latest_value) == ("2020/21", pytest.approx(61.0))
    assert [(t.period, t.status) for t in one.targets] == [("2021/22", "met")]  # 68 ≥ 65
    assert [(t.period, t.status) for t in two.targets] == [
        ("2022/23", "missed"),  # 70 < 72
        ("2023/24", "not_due"),
    ]


def test_a_framework_belongs_to_the_cycle_it_names_whenever_it_was_written(
    cast: Cast,
) -> None:
    programme, first, second = _two_cycles(cast)
    indicator = _needs(cast)
    early = _framework(
        cast, programme, indicator, cycle=second, written=_written(first, 100), title="Early"
    ).outcome.framework  # written during cycle 1 for cycle 2
    late = _framework(
        cast, programme, indicator, cycle=first, written=_written(second, 400), title="Late"
    ).outcome.framework  # written (or corrected) during cycle 2 for cycle 1
    assert framework_cycles([early, late], [first, second]) == {
        early.pk: second,
        late.pk: first,
    }
    (series,) = history.programme_history(programme)["indicators"]
    assert [(p["cycle"], p["source"]) for p in series["plans"]] == [
        ("cycle-1", "outcomes framework 'Late' of cycle 1"),
        ("cycle-2", "outcomes framework 'Early' of cycle 2"),
    ]


def test_a_framework_naming_no_cycle_is_the_cycles_in_which_it_was_written(cast: Cast) -> None:
    programme, first, second = _two_cycles(cast)
    indicator = _needs(cast)
    before = _framework(
        cast,
        programme,
        indicator,
        cycle=first,
        written=first.started_at - dt.timedelta(days=90),
        title="Before",
    ).outcome.framework
    during = _framework(
        cast, programme, indicator, cycle=first, written=_written(second, 400), title="During"
    ).outcome.framework
    # As a framework written before the programme's first cycle is left: naming none.
    OutcomesFramework.objects.filter(pk__in=[before.pk, during.pk]).update(cycle=None)
    before.refresh_from_db()
    during.refresh_from_db()
    owner = framework_cycles([before, during], [first, second])
    assert owner == {before.pk: first, during.pk: second}


def test_a_context_indicator_is_kept_out_of_the_verdict_with_the_needs_polarity(
    cast: Cast,
) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast)
    _framework(cast, programme, indicator, cycle=first, title="T", direction="neither")
    (series,) = history.programme_history(programme)["indicators"]
    assert (series["polarity"], series["key"]) == ("higher_is_better", False)


def test_a_rate_keeps_its_measure_and_multiplier(cast: Cast) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast, statistic=Indicator.Statistic.RATE)
    _framework(cast, programme, indicator, cycle=first, title="T")
    (series,) = history.programme_history(programme)["indicators"]
    assert (series["measure"], series["multiplier"]) == ("rate", 100)


def test_values_the_engine_cannot_read_are_left_out_and_said_so(cast: Cast) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast)
    kingsmere = Area.objects.get(code="E06099901")
    indicator.values.create(
        area=kingsmere,
        period="Winter 2020",
        numerator=5,
        denominator=10,
        value=50,
        method="Wilson",
    )
    _framework(cast, programme, indicator, cycle=first, title="T")
    evidence = outcome_evidence(programme)
    periods = {v["period"] for v in evidence.indicators[0]["values"]}
    assert "Winter 2020" not in periods
    assert any(
        "Left out: E06099901 Winter 2020: a period the Spiral test cannot read" in n
        for n in evidence.notes
    )
    assert services.programme_assess(programme=programme).report is not None


def test_the_review_figures_are_used_when_the_areas_hold_nothing(cast: Cast) -> None:
    programme, _, _ = _two_cycles(cast)
    data = history.programme_history(programme)
    data["comparators"] = [{"code": "E06099902", "name": "Ashcombe"}]
    data["indicators"] = [
        {
            "id": "typed",
            "name": "Typed in",
            "polarity": "higher_is_better",
            "values": [
                {"area": data["programme"]["area"]["code"], "period": "2019/20", "value": 1}
            ],
        }
    ]
    services.history_upload(
        actor=cast.users["analyst"], programme=programme, content=json.dumps(data).encode()
    )
    evidence = outcome_evidence(programme)
    assert not evidence.assembled
    assert evidence.source == "entered in the review"
    assert [i["id"] for i in history.programme_history(programme)["indicators"]] == ["typed"]
    analyst = cast.users["analyst"].get_username()
    assert f"entered in the review (uploaded or typed by {analyst}," in evidence.notes[0]
    assert evidence.notes[0].endswith("Typed in; 1 comparator area(s).")


def test_a_linked_indicator_without_values_for_the_area_falls_back(cast: Cast) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast)
    indicator.values.filter(area__code="E06099901").delete()
    _framework(cast, programme, indicator, cycle=first, title="T")
    evidence = outcome_evidence(programme)
    assert not evidence.assembled
    assert evidence.source == "none recorded"
    assert history.programme_history(programme)["indicators"] == []


def test_the_needs_data_win_over_an_uploaded_copy(cast: Cast) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast)
    _framework(cast, programme, indicator, cycle=first, title="T")
    exported = history.programme_history(programme)
    services.history_upload(
        actor=cast.users["analyst"], programme=programme, content=json.dumps(exported).encode()
    )
    indicator.values.filter(area__code="E06099901", period="2022/23").update(numerator=720)
    (series,) = history.programme_history(programme)["indicators"]
    latest = next(
        v for v in series["values"] if (v["area"], v["period"]) == ("E06099901", "2022/23")
    )
    assert latest["numerator"] == 720


def test_the_cycle_review_page_and_report_say_where_the_outcome_evidence_came_from(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    programme, first, _ = _two_cycles(cast)
    indicator = _needs(cast)
    _framework(cast, programme, indicator, cycle=first, title="Carers 2020")
    page = client_for("auditor").get(f"/cycles/{first.pk}/review/").content.decode()
    assert "Where the outcome evidence comes from" in page
    assert "the needs data and the outcomes frameworks" in page
    assert "Kingsmere&#39;s comparator group in the needs data, 2 area(s) (test group)" in page
    assert "values for 2 of the 2 areas in its comparator group" in page
    assert "baseline and targets from the outcomes framework &#39;Carers 2020&#39; of cycle 1" in (
        page
    )
    assert 'data-testid="plan-targets"' in page
    assert "65.0 by 2021/22" in page
    report = client_for("approver").get(f"/programmes/{programme.pk}/review-report/")
    text = report.content.decode()
    assert "Where the outcome evidence comes from" in text
    assert "Outcomes against the plan's baseline and targets" in text


def test_the_page_says_when_the_evidence_was_entered_in_the_review(
    cast: Cast, client_for: Callable[[str | None], Client]
) -> None:
    programme, first, _ = _two_cycles(cast)
    page = client_for("analyst").get(f"/cycles/{first.pk}/review/").content.decode()
    assert "Where the outcome evidence comes from: <strong>none recorded</strong>" in page
    data = history.programme_history(programme)
    data["indicators"] = [
        {
            "id": "typed",
            "polarity": "higher_is_better",
            "values": [
                {"area": data["programme"]["area"]["code"], "period": "2019/20", "value": 1}
            ],
        }
    ]
    services.history_upload(
        actor=cast.users["analyst"], programme=programme, content=json.dumps(data).encode()
    )
    page = client_for("analyst").get(f"/cycles/{first.pk}/review/").content.decode()
    assert "Where the outcome evidence comes from: <strong>entered in the review</strong>" in page
