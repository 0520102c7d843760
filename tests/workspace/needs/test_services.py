"""Indicator data and needs assessments: values from the engine, Kingsmere's derivation, the
comparator group, saving with audit, and uploads that land whole or not at all."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from spiral.comparators import nearest_neighbours
from spiral.exceptions import ImportErrors
from spiral.indicators.fingertips_counts import demo_file, read_fingertips_counts
from spiral.stats.comparison import compare_to_benchmark
from spiral.stats.proportions import proportion
from spiral.stats.rates import rate
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.needs import services
from workspace.needs.analysis import (
    ENGLAND,
    assessment_figures,
    assessment_indicator_figures,
    assessment_indicators,
    figures_csv_rows,
)
from workspace.needs.demo import (
    COMPARATOR_WEIGHTS,
    KINGSMERE,
    KINGSMERE_FACTORS,
    SCALE,
    TEMPLATE,
    load_needs_demo,
)
from workspace.needs.models import (
    BANDED,
    Area,
    ComparatorMember,
    Indicator,
    IndicatorValue,
    NeedsAssessment,
)

pytestmark = pytest.mark.django_db


def _frame(values: list[IndicatorValue]) -> pd.DataFrame:
    return pd.DataFrame(
        {"numerator": [v.numerator for v in values], "denominator": [v.denominator for v in values]}
    )


def test_stored_values_are_the_engines_official_methods(assessment: NeedsAssessment) -> None:
    for indicator in Indicator.objects.exclude(statistic__in=BANDED):
        values = list(indicator.values.order_by("pk"))
        method = proportion if indicator.statistic == "proportion" else rate
        expected = method(
            _frame(values),
            "numerator",
            "denominator",
            multiplier=indicator.multiplier,
            confidence=[95, 99.8],
        )
        for stored, (_, row) in zip(values, expected.iterrows(), strict=True):
            assert stored.value == pytest.approx(row["value"], rel=1e-12)
            assert stored.lower_ci_95 == pytest.approx(row["lower_ci_95"], rel=1e-12)
            assert stored.upper_ci_99_8 == pytest.approx(row["upper_ci_99_8"], rel=1e-12)


def test_real_counts_are_loaded_as_published(assessment: NeedsAssessment) -> None:
    counts = read_fingertips_counts(demo_file("counts"))
    row = counts[
        (counts["indicator_id"] == "93085")
        & (counts["area_code"] == "E08000009")
        & (counts["period"] == "2023")
    ].iloc[0]
    stored = IndicatorValue.objects.get(
        indicator__key="93085", area__code="E08000009", period="2023"
    )
    assert (stored.numerator, stored.denominator) == (row["numerator"], row["denominator"])
    assert Area.objects.get(code="E08000009").name == "Trafford"


def test_kingsmere_is_fictional_and_scaled_from_warrington(assessment: NeedsAssessment) -> None:
    kingsmere = Area.objects.get(code=KINGSMERE)
    assert kingsmere.fictional
    assert "Warrington" in kingsmere.derivation
    template = IndicatorValue.objects.get(
        indicator__key="93085", area__code=TEMPLATE, period="2023"
    )
    made = IndicatorValue.objects.get(indicator__key="93085", area__code=KINGSMERE, period="2023")
    assert made.denominator == round(template.denominator * SCALE)
    assert made.numerator == round(template.numerator * SCALE * KINGSMERE_FACTORS["93085"])


def test_kingsmere_comparators_are_its_nearest_neighbours(assessment: NeedsAssessment) -> None:
    areas = [a for a in Area.objects.all() if all(k in a.context for k in COMPARATOR_WEIGHTS)]
    context = pd.DataFrame(
        [{"area_code": a.code, **{k: a.context[k] for k in COMPARATOR_WEIGHTS}} for a in areas]
    )
    expected = nearest_neighbours(context, COMPARATOR_WEIGHTS, k=10)
    expected = expected[expected["area_code"] == KINGSMERE]["comparator_code"].tolist()
    stored = ComparatorMember.objects.filter(area__code=KINGSMERE).order_by("rank")
    assert [m.comparator.code for m in stored] == expected
    assert ENGLAND not in expected
    assert KINGSMERE not in expected
    assert len(expected) == 10


def test_the_demo_writes_an_assessment_per_cycle_and_runs_twice_harmlessly(
    cast: Cast, assessment: NeedsAssessment
) -> None:
    before = (IndicatorValue.objects.count(), NeedsAssessment.objects.count())
    load_needs_demo(cast=cast, progress=lambda _: None)
    assert (IndicatorValue.objects.count(), NeedsAssessment.objects.count()) == before
    assert assessment.area.code == KINGSMERE
    assert assessment.indicators.count() == 6
    assert {i.statistic for i in assessment.indicators.all()} >= {"dsr", "life_expectancy"}
    assert assessment.artefact is not None
    assert assessment.artefact.kind == "needs_assessment"


def test_the_comparison_follows_the_engine_and_the_polarity(assessment: NeedsAssessment) -> None:
    figures = assessment_figures(assessment)
    assert figures.indicators
    for item in figures.indicators:
        assert item.area_row is not None
        expected = compare_to_benchmark(
            pd.DataFrame(
                {
                    "lower_ci_95": [item.area_row["lower"]],
                    "upper_ci_95": [item.area_row["upper"]],
                    "polarity": [item.indicator.polarity],
                }
            ),
            benchmark=item.england_value if item.england_value is not None else float("nan"),
        )["comparison"].iloc[0]
        assert item.vs_england == expected
        assert item.trend_svg.startswith("<svg")
        if item.indicator.statistic != "life_expectancy":
            assert item.funnel_svg.startswith("<svg")
        if not item.indicator.age_banded:
            assert len(item.forecast_table) == 5
            assert all(r["lower"] <= r["demand"] <= r["upper"] for r in item.forecast_table)
    assert figures.spine_svg.startswith("<svg")


def test_the_csv_holds_every_table_of_the_assessment(assessment: NeedsAssessment) -> None:
    rows = figures_csv_rows(assessment_figures(assessment))
    assert rows[0][:3] == ["section", "indicator", "area_code"]
    sections = {row[0] for row in rows[1:]}
    assert sections == {"comparison", "comparator group", "funnel", "trend", "forecast"}
    england = [r for r in rows if r[0] == "comparison" and r[2] == ENGLAND]
    assert len(england) == assessment.indicators.count()
    # every area of every funnel plot, with its place against the limits
    figures = assessment_figures(assessment)
    funnel = [r for r in rows if r[0] == "funnel"]
    assert len(funnel) == sum(len(item.funnel_table) for item in figures.indicators) > 0
    assert all(r[11].startswith("funnel plot: ") for r in funnel)


def test_the_csv_leaves_out_the_funnel_plots_when_the_assessment_does(
    assessment: NeedsAssessment,
) -> None:
    assessment.include_funnel = False
    assessment.save()
    sections = {row[0] for row in figures_csv_rows(assessment_figures(assessment))[1:]}
    assert sections == {"comparison", "comparator group", "trend", "forecast"}


def test_the_summary_figures_hold_the_comparison_and_the_spine_only(
    assessment: NeedsAssessment,
) -> None:
    full = assessment_figures(assessment)
    summary = assessment_figures(assessment, details=False)
    assert summary.spine_svg == full.spine_svg
    assert summary.spine_rows == full.spine_rows
    assert len(summary.spine_rows) == len(summary.indicators)
    for brief, whole in zip(summary.indicators, full.indicators, strict=True):
        assert (brief.table, brief.vs_england, brief.vs_comparators) == (
            whole.table,
            whole.vs_england,
            whole.vs_comparators,
        )
        assert (brief.funnel_svg, brief.trend_svg, brief.forecast_table) == ("", "", [])


def test_one_indicator_s_figures_are_those_of_the_whole_assessment(
    assessment: NeedsAssessment,
) -> None:
    full = assessment_figures(assessment)
    chosen = assessment_indicators(assessment)
    assert [item.indicator for item in full.indicators] == chosen
    for indicator, whole in zip(chosen, full.indicators, strict=True):
        one = assessment_indicator_figures(assessment, indicator)
        assert one.spine_svg == ""
        (item,) = one.indicators
        assert (item.table, item.funnel_table, item.trend_table, item.forecast_table) == (
            whole.table,
            whole.funnel_table,
            whole.trend_table,
            whole.forecast_table,
        )
        assert one.comparators == full.comparators


def test_saving_an_assessment_is_audited_with_before_and_after(
    cast: Cast, assessment: NeedsAssessment
) -> None:
    one = Indicator.objects.get(organisation__isnull=True, key="93085")
    services.needs_assessment_save(
        actor=cast.users["commissioner"],
        cycle=assessment.cycle,
        area=assessment.area,
        indicators=[one],
        summary="Smoking in pregnancy is the priority.",
        include_funnel=False,
    )
    event = AuditEvent.objects.filter(action="needs_assessment.save").latest("id")
    assert event.before is not None
    assert len(event.before["indicators"]) == 6
    assert event.after is not None
    assert event.after["indicators"] == [one.pk]
    assessment.refresh_from_db()
    assert not assessment.include_funnel


@pytest.mark.parametrize("persona", ["finance", "procurement", "approver", "provider", "outsider"])
def test_only_commissioners_and_analysts_change_an_assessment(
    cast: Cast, assessment: NeedsAssessment, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.needs_assessment_save(
            actor=cast.users[persona],
            cycle=assessment.cycle,
            area=assessment.area,
            indicators=list(assessment.indicators.all()),
            summary="",
        )


def test_an_assessment_needs_an_indicator(cast: Cast, assessment: NeedsAssessment) -> None:
    with pytest.raises(ValidationError) as error:
        services.needs_assessment_save(
            actor=cast.users["analyst"],
            cycle=assessment.cycle,
            area=assessment.area,
            indicators=[],
            summary="",
        )
    assert "indicators" in error.value.message_dict


def _upload(cast: Cast, cycle: Cycle, content: bytes, name: str = "falls.csv") -> Indicator:
    return services.indicator_import(
        actor=cast.users["analyst"],
        cycle=cycle,
        key="local-falls",
        name="Falls in people 65+",
        statistic="proportion",
        multiplier=100,
        polarity="RAG - Low is good",
        unit="%",
        upload=SimpleUploadedFile(name, content),
    )


GOOD = (
    b"area_code,period,numerator,denominator\n"
    b"E06099901,2023,412,38000\nE08000007,2023,530,57000\nE92000001,2023,90000,10000000\n"
)


def test_a_good_upload_lands_with_engine_values_and_an_audit_event(
    cast: Cast, assessment: NeedsAssessment
) -> None:
    indicator = _upload(cast, assessment.cycle, GOOD)
    assert indicator.organisation == cast.organisations["council"]
    value = indicator.values.get(area__code=KINGSMERE)
    expected = proportion(pd.DataFrame({"n": [412], "d": [38000]}), "n", "d", multiplier=100).iloc[
        0
    ]
    assert value.value == pytest.approx(expected["value"])
    assert value.lower_ci_95 == pytest.approx(expected["lower_ci_95"])
    event = AuditEvent.objects.get(action="indicator.import")
    assert event.after is not None
    assert event.after["rows"] == 3
    assert indicator in services.indicators_available(cast.organisations["council"])
    assert indicator not in services.indicators_available(cast.organisations["other_council"])


def test_an_excel_upload_lands_too(cast: Cast, assessment: NeedsAssessment) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [("area_code", "period", "numerator", "denominator"), ("E06099901", "2023", 5, 90)]:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    indicator = _upload(cast, assessment.cycle, stream.getvalue(), name="falls.xlsx")
    assert indicator.values.count() == 1


def test_a_bad_upload_saves_nothing_and_names_every_row_and_field(
    cast: Cast, assessment: NeedsAssessment
) -> None:
    bad = (
        b"area_code,period,numerator,denominator\n"
        b"E06099901,2023,412,38000\n"
        b"E6000001,2023,5,10\n"
        b"E08000007,2023,n/a,57000\n"
        b"E08000009,2023,70,50\n"
        b"E06000001,2023,1,10\n"
        b"E08000010,2023,1,0\n"
    )
    with pytest.raises(ImportErrors) as error:
        _upload(cast, assessment.cycle, bad)
    found = {(p.row, p.field) for p in error.value.problems}
    assert {(2, "area_code"), (3, "numerator"), (4, "numerator"), (5, "area_code")} <= found
    assert 6 in {row for row, _ in found}  # 1 event over a denominator of 0
    assert not Indicator.objects.filter(key="local-falls").exists()
    assert not AuditEvent.objects.filter(action="indicator.import").exists()


def test_an_upload_refuses_a_file_that_is_not_a_table(
    cast: Cast, assessment: NeedsAssessment
) -> None:
    with pytest.raises(ImportErrors) as error:
        _upload(cast, assessment.cycle, b"%PDF-1.4", name="falls.pdf")
    assert error.value.problems[0].field == "file"


def test_an_upload_cannot_reuse_an_indicator_id(cast: Cast, assessment: NeedsAssessment) -> None:
    _upload(cast, assessment.cycle, GOOD)
    with pytest.raises(ValidationError) as error:
        _upload(cast, assessment.cycle, GOOD)
    assert "key" in error.value.message_dict
