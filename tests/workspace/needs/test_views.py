"""Needs assessment pages and API: every view against every persona, the summary page and
each indicator's own page, the forms' GOV.UK errors, and the exported documents (HTML, PDF
read back with pypdf, CSV), which keep every figure the assessment includes.

Kingsmere's readers (commissioner, analyst, finance, procurement, approver, auditor,
administrator) read the assessment; only its commissioner and analyst change it or upload
data. The provider and the outsider (another council) see nothing of it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from tests.workspace.permissions import COMMISSIONING_READERS, check_matrix
from workspace.audit.models import AuditEvent
from workspace.needs.models import Indicator, NeedsAssessment

pytestmark = pytest.mark.django_db

EDITORS = frozenset({"commissioner", "analyst"})
UPLOAD = {
    "key": "local-falls",
    "name": "Falls in people aged 65+",
    "statistic": "proportion",
    "multiplier": "100",
    "polarity": "RAG - Low is good",
    "unit": "%",
}


def _indicator_url(assessment: NeedsAssessment, indicator: Indicator) -> str:
    return f"/cycles/{assessment.cycle_id}/needs-assessment/indicators/{indicator.pk}/"


def _main(html: str) -> str:
    return html.rsplit("<main", maxsplit=1)[-1].split("</main>", maxsplit=1)[0]


def _pages(assessment: NeedsAssessment) -> list[tuple[str, str, frozenset[str]]]:
    c = assessment.cycle_id
    base = f"/cycles/{c}/needs-assessment/"
    first = assessment.indicators.order_by("name").first()
    assert first is not None
    return [
        ("get", base, COMMISSIONING_READERS),
        ("get", _indicator_url(assessment, first), COMMISSIONING_READERS),
        ("get", f"{base}edit/", EDITORS),
        ("get", f"{base}upload/", EDITORS),
        ("get", f"{base}upload-age-bands/", EDITORS),
        ("get", f"{base}document/", COMMISSIONING_READERS),
        ("get", f"{base}document.pdf", COMMISSIONING_READERS),
        ("get", f"{base}figures.csv", COMMISSIONING_READERS),
        ("post", f"{base}edit/", EDITORS),
        ("post", f"{base}upload/", EDITORS),
        ("post", f"{base}upload-age-bands/", EDITORS),
    ]


def test_every_view_lets_in_exactly_the_right_personas(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    # one indicator keeps the 80 requests (seven PDFs among them) quick
    assessment.indicators.set([Indicator.objects.get(organisation__isnull=True, key="93474")])
    for method, url, allowed in _pages(assessment):
        check_matrix(client_for, method=method, url=url, allowed=allowed)


def test_the_matrix_covers_every_route_of_the_app(assessment: NeedsAssessment) -> None:
    from django.urls import resolve

    from workspace.needs.urls import urlpatterns

    covered = {resolve(url).url_name for _, url, _ in _pages(assessment)}
    assert covered == {pattern.name for pattern in urlpatterns}


def test_the_api_lets_in_exactly_the_readers(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    url = f"/api/cycles/{assessment.cycle_id}/needs-assessment"
    check_matrix(client_for, method="get", url=url, allowed=COMMISSIONING_READERS)
    body = client_for("finance").get(url).json()
    assert body["area_code"] == "E06099901"
    assert body["fictional"] is True
    assert len(body["comparators"]) == 10
    assert {item["compared_with_england"] for item in body["indicators"]} <= {
        "better",
        "similar",
        "worse",
        "higher",
        "lower",
        "not compared",
    }


def test_the_outsider_and_the_provider_see_nothing(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    indicator = assessment.indicators.order_by("name").first()
    assert indicator is not None
    for persona in ("outsider", "provider"):
        for url in (
            f"/cycles/{assessment.cycle_id}/needs-assessment/",
            _indicator_url(assessment, indicator),
        ):
            response = client_for(persona).get(url)
            assert response.status_code == 403
            main = _main(response.content.decode())
            assert "Kingsmere" not in main
            assert indicator.name not in main


def test_the_summary_page_leads_with_the_spine_chart_and_the_comparison(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    html = _main(
        client_for("approver")
        .get(f"/cycles/{assessment.cycle_id}/needs-assessment/")
        .content.decode()
    )
    # one chart, the spine, with its figures beside it; the funnel plots, trends and
    # forecasts are on each indicator's own page
    assert html.count('role="img"') == 1
    assert "The chart's figures" in html
    assert "Figures in the spine chart" in html
    assert 'data-testid="comparison-table"' in html
    for absent in ("Funnel plot", "Recent trend", "Demand forecast", "Figures in the funnel"):
        assert absent not in html
    assert "Kingsmere is a fictional council" in html
    assert "Change indicators and contents" not in html  # approvers read only
    # the summary of need and the spine chart come before the table
    assert html.index("Summary of need") < html.index('role="img"')
    assert html.index('role="img"') < html.index('data-testid="comparison-table"')


def test_each_indicator_on_the_summary_page_links_to_its_own_page(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    html = client_for("finance").get(f"/cycles/{assessment.cycle_id}/needs-assessment/")
    table = html.content.decode().split('data-testid="comparison-table"')[1].split("</table>")[0]
    linked = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a>', table)
    chosen = list(assessment.indicators.order_by("name"))
    assert linked == [(_indicator_url(assessment, i), i.name) for i in chosen]


def test_without_the_spine_chart_the_summary_still_leads_to_every_indicator(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    assessment.include_spine = False
    assessment.save()
    html = _main(
        client_for("analyst")
        .get(f"/cycles/{assessment.cycle_id}/needs-assessment/")
        .content.decode()
    )
    assert 'role="img"' not in html
    assert "The chart's figures" not in html
    for indicator in assessment.indicators.all():
        assert f'href="{_indicator_url(assessment, indicator)}"' in html


def test_an_indicator_page_shows_its_charts_each_with_a_table_of_its_figures(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("approver")
    for indicator in assessment.indicators.all():
        response = client.get(_indicator_url(assessment, indicator))
        assert response.status_code == 200
        html = _main(response.content.decode())
        assert f">{indicator.name}</h1>" in html
        # a trend chart and a funnel plot (none for life expectancy), each with its table
        funnel = indicator.statistic != "life_expectancy"
        charts = html.count('role="img"')
        assert charts == 1 + funnel
        assert html.count("The chart's figures") == charts
        assert html.count('<table class="govuk-table">') >= charts + 1  # and the areas
        assert "Areas compared" in html
        assert "Recent trend" in html
        assert ("Figures in the funnel plot" in html) == funnel
        assert "Demand forecast" in html
        assert "Kingsmere is a fictional council" in html
        assert "Change indicators and contents" not in html


def test_indicator_pages_lead_from_one_to_the_next_and_back_to_the_summary(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    chosen = list(assessment.indicators.order_by("name"))
    client = client_for("auditor")
    first = client.get(_indicator_url(assessment, chosen[0])).content.decode()
    assert f'href="{_indicator_url(assessment, chosen[1])}"' in first
    assert f"Indicator 1 of {len(chosen)}" in first
    assert f'href="/cycles/{assessment.cycle_id}/needs-assessment/"' in _main(first)
    last = client.get(_indicator_url(assessment, chosen[-1])).content.decode()
    assert f'href="{_indicator_url(assessment, chosen[-2])}"' in last
    assert "govuk-pagination__next" not in last


def test_an_indicator_outside_the_assessment_has_no_page(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    chosen = assessment.indicators.values_list("pk", flat=True)
    other = Indicator.objects.exclude(pk__in=chosen).first()
    assert other is not None
    client = client_for("analyst")
    assert client.get(_indicator_url(assessment, other)).status_code == 404
    first = assessment.indicators.first()
    assert first is not None
    cycle = assessment.cycle
    assessment.indicators.clear()
    assessment.delete()
    url = f"/cycles/{cycle.pk}/needs-assessment/indicators/{first.pk}/"
    assert client.get(url).status_code == 404


def test_a_cycle_without_an_assessment_offers_to_start_one(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    cycle = assessment.cycle
    assessment.indicators.clear()
    assessment.delete()
    html = client_for("analyst").get(f"/cycles/{cycle.pk}/needs-assessment/").content.decode()
    assert "Start the needs assessment" in html
    assert (
        client_for("analyst").get(f"/cycles/{cycle.pk}/needs-assessment/figures.csv").status_code
        == 404
    )


def test_the_edit_form_shows_gov_uk_errors_and_saves_nothing(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    before = AuditEvent.objects.count()
    response = client_for("analyst").post(
        f"/cycles/{assessment.cycle_id}/needs-assessment/edit/",
        {"area": assessment.area_id, "summary": "Changed"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Choose at least one indicator" in html
    assert AuditEvent.objects.count() == before
    assessment.refresh_from_db()
    assert assessment.summary != "Changed"


def test_the_edit_form_chooses_indicators_and_contents(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    smoking = Indicator.objects.get(organisation__isnull=True, key="93085")
    response = client_for("commissioner").post(
        f"/cycles/{assessment.cycle_id}/needs-assessment/edit/",
        {
            "area": assessment.area_id,
            "indicators": [smoking.pk],
            "summary": "Smoking first.",
            "include_spine": "on",
            "include_trends": "on",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert list(assessment.indicators.all()) == [smoking]
    assert (assessment.include_funnel, assessment.include_forecast) == (False, False)
    html = client_for("commissioner").get(response["Location"]).content.decode()
    assert "Smoking first." in html
    page = client_for("commissioner").get(_indicator_url(assessment, smoking)).content.decode()
    assert "Recent trend" in page
    assert "Funnel plot" not in page
    assert "Demand forecast" not in page
    document = client_for("commissioner").get(
        f"/cycles/{assessment.cycle_id}/needs-assessment/document/"
    )
    assert "Recent trend" in document.content.decode()
    assert "Funnel plot" not in document.content.decode()
    assert "Demand forecast" not in document.content.decode()


def test_an_upload_with_errors_lists_each_row_and_field_and_saves_nothing(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    bad = b"area_code,period,numerator,denominator\nE06099901,2023,5,10\nX1,2023,abc,10\n"
    response = client_for("analyst").post(
        f"/cycles/{assessment.cycle_id}/needs-assessment/upload/",
        {**UPLOAD, "file": SimpleUploadedFile("falls.csv", bad)},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Row 2, area_code:" in html
    assert "Row 2, numerator:" in html
    assert 'href="#id_file"' in html
    assert not Indicator.objects.filter(key="local-falls").exists()


def test_an_upload_missing_its_fields_names_them(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("analyst").post(
        f"/cycles/{assessment.cycle_id}/needs-assessment/upload/", {}
    )
    html = response.content.decode()
    for message in (
        "Enter an indicator id",
        "Choose a CSV or Excel file",
        "Choose which direction is better",
    ):
        assert message in html


def test_a_good_upload_lands_and_can_be_chosen(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    good = b"area_code,period,numerator,denominator\nE06099901,2023,412,38000\n"
    client = client_for("analyst")
    response = client.post(
        f"/cycles/{assessment.cycle_id}/needs-assessment/upload/",
        {**UPLOAD, "file": SimpleUploadedFile("falls.csv", good)},
    )
    assert response.status_code == 302
    assert "Falls in people aged 65+" in client.get(response["Location"]).content.decode()


def test_the_html_document_is_self_contained_with_charts_and_tables(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("auditor").get(
        f"/cycles/{assessment.cycle_id}/needs-assessment/document/?download=1"
    )
    html = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().startswith("<!DOCTYPE html>")
    assert "<link" not in html
    assert "<script" not in html
    assert "Needs assessment: Adult home care, cycle 1" in html
    assert "Kingsmere is a fictional council" in html
    # everything the assessment includes, every table printed (nothing folded away): the
    # spine chart, then each indicator in full with its funnel plot, trend and forecast
    chosen = list(assessment.indicators.order_by("name"))
    funnels = sum(indicator.statistic != "life_expectancy" for indicator in chosen)
    assert html.count('role="img"') == 1 + len(chosen) + funnels
    assert "<details" not in html
    assert "Figures in the spine chart" in html
    assert html.count("Figures in the funnel plot") == funnels
    assert html.count("Recent trend") == len(chosen)
    assert html.count("Demand forecast") == len(chosen)
    positions = [html.index(f'id="indicator-{indicator.pk}"') for indicator in chosen]
    assert html.index("Summary of need") < html.index("Figures in the spine chart")
    assert html.index("Figures in the spine chart") < positions[0]
    assert positions == sorted(positions)
    for indicator in chosen:
        assert f'href="#indicator-{indicator.pk}"' in html


def test_the_pdf_reads_back_with_the_figures(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("finance").get(
        f"/cycles/{assessment.cycle_id}/needs-assessment/document.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Needs assessment: Adult home care, cycle 1" in text
    assert "Kingsmere is a fictional council" in text
    for indicator in assessment.indicators.all():
        assert indicator.name in text
    for section in ("Figures in the spine chart", "Figures in the funnel plot", "Recent trend"):
        assert section in text
    assert "Demand forecast" in text


def test_the_csv_has_a_row_per_figure(
    assessment: NeedsAssessment, client_for: Callable[[str | None], Client]
) -> None:
    response = client_for("procurement").get(
        f"/cycles/{assessment.cycle_id}/needs-assessment/figures.csv"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["section", "indicator", "area_code", "area"]
    kingsmere = [r for r in rows if r[0] == "comparison" and r[2] == "E06099901"]
    assert len(kingsmere) == assessment.indicators.count()
    assert all(float(r[8]) <= float(r[7]) <= float(r[9]) for r in kingsmere)
    for section in ("comparator group", "funnel", "trend", "forecast"):
        assert any(r[0] == section for r in rows), section
