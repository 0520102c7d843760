"""Age-banded indicators in the needs assessment: the all-or-nothing upload by age band, the
values stored equal the engine's (and so the reference-tested methods), and the pages,
exports and API show DSRs and life expectancy with intervals and significance.

The engine's methods are tested against PHEindicatormethods' reference data in
``tests/engine/stats`` and ``tests/engine/indicators/test_age_bands.py``; here every stored
value is recomputed from the stored bands by calling the methods directly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import numpy as np
import openpyxl
import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from spiral.exceptions import ImportErrors
from spiral.indicators.age_bands import LIFE_EXPECTANCY_BANDS, allowed_bands
from spiral.stats.dsr import dsr, standard_population
from spiral.stats.isr import isr_ratio
from spiral.stats.life_expectancy import phe_life_expectancy
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Cycle
from workspace.demo.personas import Cast
from workspace.needs import services
from workspace.needs.analysis import assessment_figures, figures_csv_rows
from workspace.needs.demo import LE_FEMALE, PREVENTABLE
from workspace.needs.models import (
    AgeBandCount,
    Area,
    ComparatorMember,
    Indicator,
    IndicatorValue,
    NeedsAssessment,
)

pytestmark = pytest.mark.django_db

KINGSMERE = "E06099901"
ENGLAND = "E92000001"
WARRINGTON = "E06000007"
FIVE_YEAR = allowed_bands("dsr")


@pytest.fixture
def areas() -> dict[str, Area]:
    made = {}
    for code, name in ((KINGSMERE, "Kingsmere"), (WARRINGTON, "Warrington"), (ENGLAND, "England")):
        made[code] = Area.objects.create(code=code, name=name, area_type="test")
    return made


def _rows(
    bands: tuple[str, ...] = FIVE_YEAR,
    codes: tuple[str, ...] = (KINGSMERE, WARRINGTON, ENGLAND),
    periods: tuple[str, ...] = ("2022", "2023"),
) -> list[list[str]]:
    rows = [["area_code", "period", "age_band", "count", "population"]]
    for area_number, code in enumerate(codes):
        size = 1000 if code == ENGLAND else 1
        for year, period in enumerate(periods):
            for index, band in enumerate(bands):
                deaths = (3 + index * index // 4 + area_number + year) * size
                rows.append([code, period, band, str(deaths), str((8000 - 200 * index) * size)])
    return rows


def _file(rows: list[list[str]], name: str = "bands.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def _import(
    cast: Cast, cycle: Cycle, upload: SimpleUploadedFile, statistic: str = "dsr", **extra: object
) -> Indicator:
    options: dict[str, object] = {
        "key": "local-u75",
        "name": "Under-75 mortality (local)",
        "statistic": statistic,
        "multiplier": 100_000.0,
        "polarity": Indicator.Polarity.LOW,
        "unit": "per 100,000",
        **extra,
    }
    return services.age_band_import(
        actor=cast.users["analyst"],
        cycle=cycle,
        upload=upload,
        **options,  # type: ignore[arg-type]
    )


def _stored(indicator: Indicator) -> pd.DataFrame:
    values = IndicatorValue.objects.filter(indicator=indicator).values(
        "area__code", "period", "numerator", "denominator", "value", "lower_ci_95",
        "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8", "method",
    )  # fmt: skip
    frame = pd.DataFrame(list(values)).rename(columns={"area__code": "area_code"})
    return frame.sort_values(["area_code", "period"]).reset_index(drop=True)


def _bands(indicator: Indicator) -> pd.DataFrame:
    return services.age_bands_frame(indicator)


def _assert_same(stored: pd.DataFrame, expected: pd.DataFrame) -> None:
    for column in ("value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8"):
        np.testing.assert_allclose(
            stored[column].astype(float), expected[column].astype(float), rtol=1e-12
        )


# --- the upload -------------------------------------------------------------------------


def test_a_good_dsr_file_stores_its_bands_and_the_engines_values(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    indicator = _import(cast, cycle, _file(_rows()))
    assert indicator.organisation == cast.organisations["council"]
    assert (indicator.statistic, indicator.standard_population) == ("dsr", "esp2013")
    assert AgeBandCount.objects.filter(indicator=indicator).count() == 3 * 2 * 19
    stored = _stored(indicator)
    assert len(stored) == 6
    # the engine's DSR called directly on the stored bands, ESP2013 matched by position
    bands = _bands(indicator)
    expected = dsr(
        bands, "count", "population", standard="esp2013", group_by=["area_code", "period"],
        multiplier=100_000, confidence=[95, 99.8],
    ).sort_values(["area_code", "period"]).reset_index(drop=True)  # fmt: skip
    _assert_same(stored, expected)
    assert stored["numerator"].tolist() == expected["total_count"].tolist()
    assert set(stored["method"]) == {"Dobson"}
    event = AuditEvent.objects.get(action="indicator.import")
    assert event.after is not None
    assert (event.after["rows"], event.after["values"]) == (114, 6)
    assert indicator in services.indicators_available(cast.organisations["council"])
    assert indicator not in services.indicators_available(cast.organisations["other_council"])


def test_a_dsr_of_the_bands_under_75_with_esp1976_uses_those_weights(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    under_75 = FIVE_YEAR[:15]
    indicator = _import(cast, cycle, _file(_rows(bands=under_75)), standard_population="esp1976")
    weights = standard_population("esp1976")["population"].to_numpy()[:15]
    expected = dsr(
        _bands(indicator), "count", "population", standard=weights,
        group_by=["area_code", "period"], multiplier=100_000, confidence=[95, 99.8],
    ).sort_values(["area_code", "period"]).reset_index(drop=True)  # fmt: skip
    _assert_same(_stored(indicator), expected)


def test_an_excel_life_expectancy_file_gives_the_engines_life_expectancy_at_birth(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = _rows(bands=LIFE_EXPECTANCY_BANDS)
    rows[0].append("sex")
    for row in rows[1:]:
        row.append("Female")
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    upload = SimpleUploadedFile("le.xlsx", stream.getvalue())
    indicator = _import(
        cast, cycle, upload, statistic="life_expectancy", key="local-le", unit="years",
        polarity=Indicator.Polarity.HIGH,
    )  # fmt: skip
    assert (indicator.multiplier, indicator.sex) == (1.0, "Female")
    bands = _bands(indicator)
    expected = phe_life_expectancy(
        bands, "count", "population", "age_band", group_by=["area_code", "period"],
        confidence=[95, 99.8], age_contents=LIFE_EXPECTANCY_BANDS,
    )  # fmt: skip
    at_birth = expected[expected["age_band"] == "0"].sort_values(["area_code", "period"])
    _assert_same(_stored(indicator), at_birth.reset_index(drop=True))


def test_an_isr_against_england_is_the_engines_ratio_with_england_at_100(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    indicator = _import(cast, cycle, _file(_rows()), statistic="isr", key="local-smr")
    assert (indicator.multiplier, indicator.reference) == (100.0, "england")
    bands = _bands(indicator)
    england = bands[bands["area_code"] == ENGLAND][["period", "age_band", "count", "population"]]
    joined = bands.merge(
        england.rename(columns={"count": "ref_count", "population": "ref_pop"}),
        on=["period", "age_band"],
    )
    expected = isr_ratio(
        joined, "count", "population", "ref_count", "ref_pop",
        group_by=["area_code", "period"], refvalue=100, confidence=[95, 99.8],
    ).sort_values(["area_code", "period"]).reset_index(drop=True)  # fmt: skip
    stored = _stored(indicator)
    _assert_same(stored, expected)
    assert stored.loc[stored["area_code"] == ENGLAND, "value"].tolist() == pytest.approx(
        [100.0, 100.0]
    )


def test_an_isr_against_england_without_englands_rows_is_refused(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    with pytest.raises(ImportErrors) as error:
        _import(cast, cycle, _file(_rows(codes=(KINGSMERE,))), statistic="isr")
    assert [str(p) for p in error.value.problems] == [
        f"row 1, period: no England ({ENGLAND}) rows for 2022: an indirectly standardised "
        "ratio against England needs England's counts by age band",
        f"row 20, period: no England ({ENGLAND}) rows for 2023: an indirectly standardised "
        "ratio against England needs England's counts by age band",
    ]
    assert not Indicator.objects.filter(key="local-u75").exists()


def test_a_bad_file_saves_nothing_and_names_every_row_and_field(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    rows = _rows(codes=(KINGSMERE, WARRINGTON), periods=("2023",))
    rows[1][0] = "E6000001"  # ill-formed area code
    rows[2][3] = "many"  # text for a count
    rows[3][3] = "-2"  # negative count
    rows[4][4] = "0"  # no population
    rows[5][3] = "90000"  # more deaths than people
    rows[6][2] = "100+"  # a band not of the standard
    rows[7][4] = ""  # blank population
    rows[20][0] = "E08000009"  # an area Spiral does not hold (Trafford is not loaded here)
    rows.append(list(rows[22]))  # a repeated band
    with pytest.raises(ImportErrors) as error:
        _import(cast, cycle, _file(rows))
    found = {(p.row, p.field) for p in error.value.problems}
    assert {
        (1, "area_code"),
        (2, "count"),
        (3, "count"),
        (4, "population"),
        (5, "count"),
        (6, "age_band"),
        (7, "population"),
        (39, "age_band"),
    } <= found
    assert not Indicator.objects.filter(key="local-u75").exists()
    assert not AgeBandCount.objects.exists()
    assert not AuditEvent.objects.filter(action="indicator.import").exists()


def test_an_area_spiral_does_not_hold_is_named(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    rows = _rows(codes=(KINGSMERE, "E08000009"), periods=("2023",))
    with pytest.raises(ImportErrors) as error:
        _import(cast, cycle, _file(rows))
    assert str(error.value.problems[0]) == (
        "row 20, area_code: E08000009 is not an area Spiral holds"
    )
    assert len(error.value.problems) == 19


def test_a_missing_column_and_a_wrong_file_type_are_problems_with_the_file(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    rows = [row[:4] for row in _rows()]
    with pytest.raises(ImportErrors) as error:
        _import(cast, cycle, _file(rows))
    assert [str(p) for p in error.value.problems] == ["file, population: column missing"]
    with pytest.raises(ImportErrors) as error:
        _import(cast, cycle, _file(_rows(), name="bands.pdf"))
    assert error.value.problems[0].field == "file"


def test_an_id_already_used_or_a_plain_statistic_is_refused(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    _import(cast, cycle, _file(_rows()))
    with pytest.raises(ValidationError) as error:
        _import(cast, cycle, _file(_rows()))
    assert "key" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _import(cast, cycle, _file(_rows()), statistic="proportion", key="other")
    assert "statistic" in error.value.message_dict


@pytest.mark.parametrize("persona", ["finance", "procurement", "approver", "provider", "outsider"])
def test_only_commissioners_and_analysts_upload_age_bands(
    cast: Cast, cycle: Cycle, areas: dict[str, Area], persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.age_band_import(
            actor=cast.users[persona], cycle=cycle, key="x", name="x", statistic="dsr",
            multiplier=100_000.0, polarity=Indicator.Polarity.LOW, unit="per 100,000",
            upload=_file(_rows()),
        )  # fmt: skip


def test_the_upload_page_shows_every_problem_gov_uk_style(
    cycle: Cycle, areas: dict[str, Area], client_for: Callable[[str | None], Client]
) -> None:
    rows = _rows()
    rows[2][3] = "lots"
    response = client_for("analyst").post(
        f"/cycles/{cycle.pk}/needs-assessment/upload-age-bands/",
        {
            "key": "local-u75",
            "name": "Under-75 mortality (local)",
            "statistic": "dsr",
            "standard_population": "esp2013",
            "multiplier": "100000",
            "polarity": Indicator.Polarity.LOW,
            "unit": "per 100,000",
            "file": _file(rows),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Row 2, count: &#39;lots&#39; is not a number" in html
    assert 'data-testid="upload-problems"' in html
    assert not Indicator.objects.filter(key="local-u75").exists()


def test_a_good_upload_through_the_page_goes_on_to_choosing_indicators(
    cycle: Cycle, areas: dict[str, Area], client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("commissioner").post(
        f"/cycles/{cycle.pk}/needs-assessment/upload-age-bands/",
        {
            "key": "local-u75",
            "name": "Under-75 mortality (local)",
            "statistic": "dsr",
            "polarity": Indicator.Polarity.LOW,
            "unit": "per 100,000",
            "file": _file(_rows()),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cycles/{cycle.pk}/needs-assessment/edit/"
    indicator = Indicator.objects.get(key="local-u75")
    assert (indicator.multiplier, indicator.standard_population) == (100_000.0, "esp2013")


def test_the_upload_form_names_the_missing_fields(
    cycle: Cycle, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("analyst").post(
        f"/cycles/{cycle.pk}/needs-assessment/upload-age-bands/", {}
    )
    html = response.content.decode()
    for message in (
        "Enter an indicator id",
        "Choose a directly standardised rate, a ratio or life expectancy",
        "Choose a CSV or Excel file",
    ):
        assert message in html


# --- the demo's age-banded indicators in the assessment ---------------------------------


def test_every_stored_demo_value_is_the_engines_from_the_stored_bands(
    assessment: NeedsAssessment,
) -> None:
    for indicator in Indicator.objects.filter(statistic__in=["dsr", "life_expectancy"]):
        bands = _bands(indicator)
        if indicator.statistic == "dsr":
            weights = standard_population("esp2013")["population"].to_numpy()[:15]
            expected = dsr(
                bands, "count", "population", standard=weights,
                group_by=["area_code", "period"], multiplier=100_000, confidence=[95, 99.8],
            )  # fmt: skip
        else:
            result = phe_life_expectancy(
                bands, "count", "population", "age_band", group_by=["area_code", "period"],
                confidence=[95, 99.8], age_contents=LIFE_EXPECTANCY_BANDS,
            )  # fmt: skip
            expected = result[result["age_band"] == "0"]
        expected = expected.sort_values(["area_code", "period"]).reset_index(drop=True)
        stored = _stored(indicator)
        # every area and year of the ONS bands (some areas were formed in 2023)
        assert stored[["area_code", "period"]].equals(expected[["area_code", "period"]])
        assert {KINGSMERE, ENGLAND} <= set(stored["area_code"])
        assert len(stored) > 140
        _assert_same(stored, expected)


def test_the_demo_deaths_are_the_same_every_time(cast: Cast, assessment: NeedsAssessment) -> None:
    from workspace.needs.demo import _fictional_deaths

    areas = {area.code: area for area in Area.objects.all()}
    first, second = _fictional_deaths(areas), _fictional_deaths(areas)
    for key in first:
        pd.testing.assert_frame_equal(first[key], second[key])
    stored = _bands(Indicator.objects.get(key=PREVENTABLE))
    made = first[PREVENTABLE].sort_values(["area_code", "period", "band_order"])
    assert stored["count"].tolist() == made["count"].tolist()


def test_the_assessment_compares_a_dsr_and_life_expectancy_with_significance(
    assessment: NeedsAssessment,
) -> None:
    figures = assessment_figures(assessment)
    by_key = {item.indicator.key: item for item in figures.indicators}
    for key in (PREVENTABLE, LE_FEMALE):
        item = by_key[key]
        assert item.period == "2023"
        assert item.area_row is not None
        assert item.area_row["lower"] < item.area_row["value"] < item.area_row["upper"]
        assert item.vs_england in {"better", "similar", "worse"}
        assert item.vs_comparators in {"better", "similar", "worse"}
        assert item.trend_label != "could not be calculated"
        assert item.forecast_table == []
    dsr_item = by_key[PREVENTABLE]
    assert dsr_item.funnel_svg.startswith("<svg")
    assert "exact Poisson" in dsr_item.funnel_note
    assert by_key[LE_FEMALE].funnel_svg == ""
    # the comparator group's value is the engine's DSR of the group's pooled bands
    bands = _bands(dsr_item.indicator)
    members = bands[
        (bands["period"] == "2023") & bands["area_code"].isin([c.code for c in figures.comparators])
    ]
    pooled = members.groupby("band_order", as_index=False)[["count", "population"]].sum()
    weights = standard_population("esp2013")["population"].to_numpy()[:15]
    expected = dsr(pooled, "count", "population", standard=weights, multiplier=100_000)
    assert dsr_item.comparator_value == pytest.approx(float(expected["value"].iloc[0]))


def test_the_page_document_csv_and_api_show_the_dsr_and_life_expectancy(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    c = assessment.cycle_id
    figures = assessment_figures(assessment)
    dsr_item = next(i for i in figures.indicators if i.indicator.key == PREVENTABLE)
    assert dsr_item.area_row is not None
    interval = f"{dsr_item.area_row['lower']:,.1f} to {dsr_item.area_row['upper']:,.1f}"
    dsr_page = f"/cycles/{c}/needs-assessment/indicators/{dsr_item.indicator.pk}/"
    le_item = next(i for i in figures.indicators if i.indicator.key == LE_FEMALE)
    le_page = f"/cycles/{c}/needs-assessment/indicators/{le_item.indicator.pk}/"
    summary = client_for("auditor").get(f"/cycles/{c}/needs-assessment/").content.decode()
    document = client_for("auditor").get(f"/cycles/{c}/needs-assessment/document/")
    # the summary compares both; their methods and sources are on their own pages and in
    # the document
    for html in (summary, document.content.decode()):
        assert "Under-75 mortality from causes considered preventable (fictional data)" in html
        assert "Life expectancy at birth, females (fictional data)" in html
        assert interval in html
        assert f">{dsr_item.vs_england}</strong>" in html
    assert f'href="{dsr_page}"' in summary
    assert f'href="{le_page}"' in summary
    dsr_html = client_for("auditor").get(dsr_page).content.decode()
    le_html = client_for("auditor").get(le_page).content.decode()
    for html in (dsr_html, document.content.decode()):
        assert "Directly standardised rate (Dobson method)" in html
        assert interval in html
        assert f">{dsr_item.vs_england}</strong>" in html
        assert "FICTIONAL deaths by age band" in html
    assert "Life expectancy at birth, females (fictional data)</h1>" in le_html
    assert "FICTIONAL deaths by age band" in le_html
    rows = list(
        csv.reader(
            io.StringIO(
                client_for("auditor")
                .get(f"/cycles/{c}/needs-assessment/figures.csv")
                .content.decode()
            )
        )
    )
    dsr_rows = [r for r in rows if r[1].startswith("Under-75 mortality") and r[2] == KINGSMERE]
    assert {r[0] for r in dsr_rows} == {"comparison", "comparator group", "funnel", "trend"}
    body = client_for("finance").get(f"/api/cycles/{c}/needs-assessment").json()
    api = {item["indicator"]: item for item in body["indicators"]}
    le = api["Life expectancy at birth, females (fictional data)"]
    assert le["lower_ci_95"] < le["value"] < le["upper_ci_95"]
    assert le["unit"] == "years"
    assert figures_csv_rows(figures)[0][0] == "section"


def _assess(cast: Cast, cycle: Cycle, indicator: Indicator) -> NeedsAssessment:
    return services.needs_assessment_save(
        actor=cast.users["analyst"],
        cycle=cycle,
        area=Area.objects.get(code=KINGSMERE),
        indicators=[indicator],
        summary="",
    )


def test_an_isr_against_england_is_funnelled_around_100_and_compared(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    others = ("E08000001", "E08000002", "E08000003")
    for code in others:
        Area.objects.create(code=code, name=f"Area {code}", area_type="test")
        ComparatorMember.objects.create(
            area=areas[KINGSMERE], comparator=Area.objects.get(code=code), rank=len(code)
        )
    rows = _rows(codes=(KINGSMERE, WARRINGTON, *others, ENGLAND))
    indicator = _import(cast, cycle, _file(rows), statistic="isr", key="local-smr")
    figures = assessment_figures(_assess(cast, cycle, indicator))
    item = figures.indicators[0]
    assert item.funnel_svg.startswith("<svg")
    assert item.funnel_note.startswith("Reference: 100.0.")
    assert {row["significance"] for row in item.funnel_table} <= {
        "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant",
    }  # fmt: skip
    assert item.england_value == pytest.approx(100.0)
    # the comparator group's value pools observed over expected events
    stored = _stored(indicator).set_index("area_code").loc[list(others)]
    stored = stored[stored["period"] == "2023"]
    pooled = 100 * stored["numerator"].sum() / stored["denominator"].sum()
    assert item.comparator_value == pytest.approx(pooled)
    assert item.vs_comparators in {"better", "similar", "worse"}


def test_an_isr_against_each_areas_comparator_group_is_compared_with_100(
    cast: Cast, cycle: Cycle, areas: dict[str, Area]
) -> None:
    ComparatorMember.objects.create(area=areas[KINGSMERE], comparator=areas[WARRINGTON], rank=1)
    indicator = _import(
        cast, cycle, _file(_rows()), statistic="isr", key="local-smr", reference="comparators"
    )
    stored = _stored(indicator).set_index(["area_code", "period"])
    bands = _bands(indicator)
    own = bands[bands["area_code"] == KINGSMERE]
    group = bands[bands["area_code"] == WARRINGTON][["period", "age_band", "count", "population"]]
    joined = own.merge(
        group.rename(columns={"count": "ref_count", "population": "ref_pop"}),
        on=["period", "age_band"],
    )
    expected = isr_ratio(
        joined, "count", "population", "ref_count", "ref_pop", group_by=["period"],
        refvalue=100, confidence=[95, 99.8],
    )  # fmt: skip
    assert stored.loc[KINGSMERE, "value"].tolist() == pytest.approx(expected["value"].tolist())
    # Warrington and England have no comparator group: no value, and the reason
    assert stored.loc[WARRINGTON, "value"].isna().all()
    assert set(stored.loc[ENGLAND, "method"]) == {"not computed: no reference rates for every band"}
    item = assessment_figures(_assess(cast, cycle, indicator)).indicators[0]
    assert item.comparator_value == 100.0
    assert item.vs_comparators in {"better", "similar", "worse"}
    assert item.vs_england == "not compared"
    assert item.funnel_svg == ""
    assert "own comparator group" in item.funnel_note
