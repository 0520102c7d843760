"""PDF documents from self-contained HTML (reports, committee papers), via WeasyPrint.

WeasyPrint lays out HTML and CSS for print, inline SVG charts included, without a browser.
It needs the Pango text library from the operating system (Debian: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``); when that is missing, :func:`html_to_pdf` says so plainly.
"""

from __future__ import annotations

from spiral.exceptions import SpiralError

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10.5pt; }
table { border-collapse: collapse; page-break-inside: auto; }
tr { page-break-inside: avoid; }
svg { max-width: 100%; }
"""


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes, on A4 with page numbers.

    Parameters
    ----------
    html : str
        A whole HTML document; charts should be inline SVG.
    base_url : str, optional
        Where relative links and images are resolved from.

    Returns
    -------
    bytes
        The PDF file.

    Raises
    ------
    SpiralError
        When the operating system lacks the libraries WeasyPrint needs.

    Examples
    --------
    >>> html_to_pdf("<h1>Home care review</h1>")[:5]
    b'%PDF-'
    """
    try:
        import weasyprint
    except OSError as error:  # the shared libraries, not the Python package, are missing
        raise SpiralError(
            "PDF output needs the Pango text library: on Debian or Ubuntu, "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from error
    document = weasyprint.HTML(string=html, base_url=base_url)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=PRINT_CSS)])
    return pdf
