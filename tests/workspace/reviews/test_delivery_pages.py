"""The review page and report show the delivery evidence the demo's areas hold, and to whom.

With Kingsmere's sourcing records and agreements loaded, a cycle's review page and the
programme's review report (HTML and PDF) show each agreement's KPI ratings and SPC signals
(a chart and a table of the same figures) and where each cost, process and delivery figure
came from. The provider whose agreement is evidence, and the other council's staff, still see
nothing of the review.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.workspace.permissions import COMMISSIONING_READERS, check_matrix
from workspace.cycles.models import Programme

pytestmark = pytest.mark.django_db


def test_the_cycle_review_shows_kpi_ratings_spc_signals_and_where_each_figure_came_from(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = demo["Domestic abuse support"].cycles.get(number=2)
    body = client_for("auditor").get(f"/cycles/{cycle.pk}/review/").content.decode()
    assert "KPI ratings and SPC signals, KBC-CS-C2" in body
    assert "from 12 accepted returns of agreement KBC-CS-C2" in body
    assert "People starting the service (service users; target 294)" in body
    assert 'role="img"' in body
    assert "The chart's figures: People starting the service" in body
    assert "from the sourcing record (Refuge and outreach grant)" in body
    assert "from 23 payments under 2 agreements (KBC-CS-0088, KBC-CS-C2)" in body
    assert "routes and delivery model compared with cycle 1&#39;s records" in body
    assert "entered in the review" in body  # analysis, planning and review effort


def test_the_review_report_carries_the_same_evidence_in_html_and_pdf(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Domestic abuse support"]
    client = client_for("approver")
    body = client.get(f"/programmes/{programme.pk}/review-report/").content.decode()
    assert "KPI ratings and SPC signals, KBC-CS-0088" in body
    assert "concern in 5 periods (June 2025 to November 2025)" in body
    assert "Cost, process and delivery: where the figures come from" in body
    assert "from the sourcing record (Refuge and outreach grant)" in body
    pdf = client.get(f"/programmes/{programme.pk}/review-report/pdf/")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "KPI ratings and SPC signals, KBC-CS-0088" in text
    assert "Days from referral to first contact" in text
    assert "Refuge and outreach grant" in text


def test_the_provider_and_the_outsider_see_nothing_of_a_review_built_on_the_providers_returns(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Adult home care"]  # KBC-ASC-0417 is the cast provider's agreement
    cycle = programme.cycles.get(number=3)
    for url in (
        f"/cycles/{cycle.pk}/review/",
        f"/programmes/{programme.pk}/spiral/",
        f"/programmes/{programme.pk}/history/",
        f"/programmes/{programme.pk}/review-report/",
        f"/programmes/{programme.pk}/review-report/pdf/",
    ):
        check_matrix(client_for, method="get", url=url, allowed=COMMISSIONING_READERS)
    portfolio = client_for("outsider").get("/portfolio/").content.decode()
    assert "Adult home care" not in portfolio
    assert client_for("provider").get("/portfolio/").status_code == 403
