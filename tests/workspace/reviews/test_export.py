"""The exported history gives, under ``spiral review``, the verdicts the workspace shows.

The demo's outcome evidence is assembled from the needs data and the outcomes frameworks,
so the exported file carries those series and each cycle's baseline and targets, and the
command line must read the same outcome against the plan as the workspace.

The history is downloaded through the page, written to a file and read by the command line
(``spiral review FILE -o report.json``); every cycle's verdict and deciding reason must
match the workspace's own Spiral test of the same programme.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from pypdf import PdfReader

from spiral.cli import main
from workspace.cycles.models import Programme
from workspace.reviews.delivery import kpi_evidence
from workspace.reviews.history import cycle_id
from workspace.reviews.services import programme_assess

pytestmark = pytest.mark.django_db


def test_spiral_review_on_the_exported_file_gives_the_workspace_verdicts(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client], tmp_path: Path
) -> None:
    client = client_for("auditor")
    for name, programme in demo.items():
        response = client.get(f"/programmes/{programme.pk}/history/")
        assert response["Content-Type"].startswith("application/json")
        exported = tmp_path / f"{programme.pk}.json"
        exported.write_bytes(response.content)
        out = tmp_path / f"{programme.pk}-report.json"
        result = CliRunner().invoke(main, ["review", str(exported), "-o", str(out)])
        assert result.exit_code == 0, result.output
        cli = json.loads(out.read_text())
        report = programme_assess(programme=programme).report
        assert report is not None, name
        workspace = [
            (c.cycle_id, c.verdict.verdict, c.verdict.reasons[0].text) for c in report.cycles
        ]
        command_line = [
            (c["cycle_id"], c["verdict"]["verdict"], c["verdict"]["reasons"][0]["text"])
            for c in cli["cycles"]
        ]
        assert command_line == workspace, name
        planned = [
            [(p.indicator_id, [t.status for t in p.targets]) for p in c.plans]
            for c in report.cycles
        ]
        cli_planned = [
            [(p["indicator_id"], [t["status"] for t in p["targets"]]) for p in c["plans"]]
            for c in cli["cycles"]
        ]
        assert cli_planned == planned, name
        assert any(planned), name  # the demo's outcomes frameworks give every programme plans


def test_the_review_report_pdf_is_readable_and_carries_the_verdicts(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["0–19 public health nursing"]
    response = client_for("approver").get(f"/programmes/{programme.pk}/review-report/pdf/")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "0–19 public health nursing" in text
    assert "Declining" in text
    assert "Improving spiral" in text
    assert "New birth visits within 14 days" in text


def test_the_review_report_pdf_draws_every_chart_with_its_table(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    """Each agreement shown has its KPI table, and each KPI with a chart has the chart and
    its table of figures, in the PDF itself: every SPC chart's legend ("Process limits") is
    text drawn in the PDF, so a chart laid out with no size would be missing."""
    client = client_for("approver")
    for name, programme in demo.items():
        report = programme_assess(programme=programme).report
        assert report is not None, name
        shown = {c.cycle_id for c in report.cycles}
        evidence = [
            agreement
            for cycle in programme.cycles.all()
            if cycle_id(cycle) in shown
            for agreement in kpi_evidence(cycle)
        ]
        charted = [kpi for agreement in evidence for kpi in agreement.kpis if kpi.svg]
        assert charted, name  # every demo programme has KPIs with charts
        response = client.get(f"/programmes/{programme.pk}/review-report/pdf/")
        reader = PdfReader(BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert text.count("KPI ratings and SPC signals,") == len(evidence), name
        assert text.count("Process limits") == len(charted), name
        assert text.count("The chart's figures:") == len(charted), name
        assert text.count(f"the Spiral test of {len(report.cycles)} cycle(s)") == 1, name


def test_the_review_report_html_has_the_spiral_its_table_and_the_findings(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Homelessness prevention"]
    body = client_for("finance").get(f"/programmes/{programme.pk}/review-report/").content.decode()
    assert body.startswith("<!DOCTYPE html>")
    assert "<svg" in body
    assert "The figures the spiral draws" in body
    assert "Decommission" in body  # the review's recommendation
    assert "Value worse" in body  # the evidence behind "declining"


def test_the_history_assembled_from_sourcing_and_contracts_gives_the_same_verdict_by_command(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client], tmp_path: Path
) -> None:
    programme = demo["Domestic abuse support"]
    response = client_for("analyst").get(f"/programmes/{programme.pk}/history/")
    exported = json.loads(response.content)
    second = exported["cycles"][1]
    assert second["sourcing_route"] == "Grant"  # the sourcing record's route
    assert second["reprocured_same_model"] is True  # grant again, for the same model
    assert second["transaction_costs"] == {
        "staff_days": 16.0,
        "external_costs": 0.0,
        "year": "2022/23",
    }
    assert second["effort_days"]["procurement"] == 8.0  # the days before the award
    assert second["service_users"] == 1240.0  # from the accepted returns
    path = tmp_path / "history.json"
    path.write_bytes(response.content)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["review", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    cli = json.loads(out.read_text())["cycles"][1]
    assert cli["verdict"]["verdict"] == "going_round_in_circles"
    assert "after re-procuring the same model" in cli["verdict"]["reasons"][0]["text"]
