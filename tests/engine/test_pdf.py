"""PDF reports: real PDF files, paginated on A4, carrying the report's text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from spiral.pdf import html_to_pdf


def test_a_long_report_becomes_a_pdf_of_several_a4_pages_with_its_text() -> None:
    html = (
        "<html><body><h1>Home care: review 2025</h1>"
        '<svg width="200" height="100"><rect width="120" height="40" fill="#1d70b8"/></svg>'
        + "<p>Paragraph of findings.</p>" * 200
        + "</body></html>"
    )
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    assert len(reader.pages) >= 3
    first = reader.pages[0]
    assert round(float(first.mediabox.width) / 72 * 25.4) == 210  # A4 width in millimetres
    assert "Home care: review 2025" in first.extract_text()
    assert "Page 1 of" in first.extract_text()


def test_a_short_report_is_one_page() -> None:
    assert len(PdfReader(io.BytesIO(html_to_pdf("<p>One page.</p>"))).pages) == 1
