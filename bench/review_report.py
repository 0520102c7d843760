"""Benchmark: the Review stage's report of each demo programme, as HTML and as PDF.

Creates a SQLite database in a temporary folder (or uses ``--database FILE``, kept between
runs), migrates it and loads the fictional Kingsmere demo (``workspace.demo.loader``), then,
for each of the demo council's programmes, signed in as the approver through Django's test
client:

- **HTML**: the report page (``/programmes/<id>/review-report/``): assembling the history,
  running the Spiral test, reading the KPI evidence and drawing the charts, rendering the
  template; with the number of database queries it made;
- **PDF**: the same HTML laid out by WeasyPrint (``spiral.pdf.html_to_pdf``);
- **request**: the PDF download (``/programmes/<id>/review-report/pdf/``), both together.

Prints the best and mean wall-clock time and the best CPU time of ``--repeat`` runs (after one
warm-up; on a machine shared with other work the CPU time is the steadier), the size of the HTML,
how many ``<svg>`` charts and SVG elements it holds, and the PDF's pages. ``--programmes N``
keeps only the first N programmes (a quick run); ``--profile`` prints the functions taking
most time in one report of the largest programme (cProfile).

    python bench/review_report.py [--repeat 3] [--programmes N] [--database FILE] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from workspace.accounts.models import Organisation

    if not Organisation.objects.filter(slug="kingsmere").exists():
        from django.conf import settings

        from workspace.demo.loader import load_demo

        start = time.perf_counter()
        load_demo(password=settings.SPIRAL_DEMO_PASSWORD, progress=lambda _: None)
        print(f"demo loaded in {time.perf_counter() - start:.1f} s")


def _timed(repeat: int, run: Callable[[], Any]) -> tuple[list[float], list[float], Any]:
    """Wall-clock and CPU seconds of each of ``repeat`` runs after a warm-up, and the result."""
    run()
    wall, cpu = [], []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, result


def _ms(wall: list[float], cpu: list[float]) -> str:
    """Best and mean wall-clock milliseconds, and the best CPU milliseconds."""
    return f"{min(wall) * 1000:6.0f} {statistics.mean(wall) * 1000:6.0f} {min(cpu) * 1000:6.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--programmes", type=int, default=None, help="only the first N")
    parser.add_argument("--database", type=Path, default=None, help="a SQLite file to keep")
    parser.add_argument("--profile", action="store_true", help="cProfile one report")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = args.database or Path(folder) / "bench.sqlite3"
        os.environ.setdefault("SPIRAL_MEDIA_ROOT", str(Path(folder) / "media"))
        _setup(database)
        run(args)


def _counts(html: str) -> tuple[int, int]:
    """The ``<svg>`` charts in the HTML and the elements inside them."""
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    return len(charts), sum(len(re.findall(r"<[a-zA-Z]", chart)) for chart in charts)


def _profile(name: str, run: Callable[[], Any]) -> None:
    """Print the 40 functions with the most time (cumulative) in one run."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(f"\ncProfile of the PDF request for {name}:")
    print(out.getvalue())


def _counter(queries: list[str]) -> Callable[..., Any]:
    """A database execute wrapper noting each query (Django clears ``connection.queries``
    when a request starts, so ``CaptureQueriesContext`` around a request sees none)."""

    def wrapper(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    return wrapper


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from pypdf import PdfReader

    from spiral.pdf import html_to_pdf
    from workspace.accounts.models import Organisation
    from workspace.cycles.models import Programme

    council = Organisation.objects.get(slug="kingsmere")
    programmes = list(Programme.objects.filter(organisation=council).order_by("name"))
    programmes = programmes[: args.programmes] if args.programmes else programmes
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="ann.jones"))

    def page(programme: Programme) -> str:
        response = client.get(f"/programmes/{programme.pk}/review-report/")
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    def download(programme: Programme) -> bytes:
        response = client.get(f"/programmes/{programme.pk}/review-report/pdf/")
        assert response.status_code == 200, response.status_code
        return response.content

    timing = "wall best, wall mean, CPU best (ms)"
    print(f"{args.repeat} timed runs of each after one warm-up; times are {timing}")
    print(
        f"{'programme':<28} {'HTML':>20} {'queries':>7} {'KiB':>4} {'charts':>6} "
        f"{'SVG elts':>8} {'table cells':>11} {'PDF (WeasyPrint)':>20} {'pages':>5} "
        f"{'PDF request':>20}"
    )
    totals = {"html": [0.0, 0.0], "pdf": [0.0, 0.0], "request": [0.0, 0.0]}
    largest: tuple[int, Programme | None] = (0, None)
    for programme in programmes:
        html_wall, html_cpu, html = _timed(args.repeat, lambda p=programme: page(p))
        queries: list[str] = []
        with connection.execute_wrapper(_counter(queries)):
            page(programme)
        pdf_wall, pdf_cpu, pdf = _timed(args.repeat, lambda h=html: html_to_pdf(h))
        request_wall, request_cpu, _ = _timed(args.repeat, lambda p=programme: download(p))
        charts, elements = _counts(html)
        cells = len(re.findall(r"<t[dh]\b", html))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{programme.name[:28]:<28} {_ms(html_wall, html_cpu):>20} {len(queries):>7} "
            f"{len(html) / 1024:>4.0f} {charts:>6} {elements:>8} {cells:>11} "
            f"{_ms(pdf_wall, pdf_cpu):>20} {pages:>5} {_ms(request_wall, request_cpu):>20}"
        )
        for key, wall, cpu in (
            ("html", html_wall, html_cpu),
            ("pdf", pdf_wall, pdf_cpu),
            ("request", request_wall, request_cpu),
        ):
            totals[key][0] += min(wall)
            totals[key][1] += min(cpu)
        if len(html) > largest[0]:
            largest = (len(html), programme)
    summed = {key: f"{w * 1000:6.0f} {'':>6} {c * 1000:6.0f}" for key, (w, c) in totals.items()}
    print(
        f"{'all (sum of the best)':<28} {summed['html']:>20} {'':>7} {'':>4} {'':>6} {'':>8} "
        f"{'':>11} {summed['pdf']:>20} {'':>5} {summed['request']:>20}"
    )
    import django
    import weasyprint

    print(
        f"python {platform.python_version()}, django {django.__version__}, "
        f"weasyprint {weasyprint.__version__}, {connection.vendor}"
    )
    if args.profile and largest[1] is not None:
        _profile(largest[1].name, lambda: download(largest[1]))


if __name__ == "__main__":
    main()
