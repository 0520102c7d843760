"""What the results page shows: the engine's figures as rows, and its charts as inline SVG.

Every chart is drawn by the engine (:mod:`spiral.appraisal.charts`, the same SVG the report
uses) and the page puts a GOV.UK table of the same figures after it.
"""

from __future__ import annotations

from typing import Any

from spiral.appraisal import charts
from spiral.appraisal.report import AppraisalReport
from workspace.plan.models import DELIVERY_MODEL_LABELS


def money(value: float | None) -> str:
    """Pounds for people, or "not computed" where the Green Book leaves a figure out."""
    return "not computed" if value is None else "£" + charts.money(value)


def _change(value: float | None, *, points: bool) -> str:
    if value is None:
        return "no switch"
    return f"{value * 100:+.2f} pp" if points else f"{value * 100:+.1f}%"


def results_context(report: AppraisalReport) -> dict[str, Any]:
    """The figures and charts of a report, ready for the results template."""
    r = report.result
    summary = sorted(r.table(), key=lambda row: row["rank"])
    for row in summary:
        row["delivery_model_label"] = DELIVERY_MODEL_LABELS.get(
            row["delivery_model"], row["delivery_model"]
        )
    context: dict[str, Any] = {
        "report": report,
        "money": money,
        "preferred": r.preferred,
        "recommended": report.file.recommended,
        "summary": summary,
        "npsv_chart": charts.bar_chart(
            "Net present social value by option", r.names, r.npsv.tolist()
        ),
        "warnings": list(report.warnings),
        "risk_rows": [],
        "risk_chart": "",
        "tornado_rows": [],
        "tornado_chart": "",
        "mcda_rows": [],
        "mcda_chart": "",
        "criteria": [],
        "switching": [
            {
                **sv.as_dict(),
                "increase": _change(sv.increase, points=sv is report.rate_switching),
                "decrease": _change(sv.decrease, points=sv is report.rate_switching),
            }
            for sv in (*report.switching, report.rate_switching)
        ],
        "assumptions": report.assumptions(),
    }
    if report.risk is not None:
        rows = report.risk.table()
        context["risk_rows"] = rows
        context["risk_draws"] = int(report.risk.npsv.shape[0])
        context["risk_seed"] = report.risk.seed
        context["risk_chart"] = charts.range_chart(
            "NPSV distribution: 5th to 95th percentile, median marked",
            [row["option"] for row in rows],
            [row["p5"] for row in rows],
            [row["p50"] for row in rows],
            [row["p95"] for row in rows],
        )
    if report.tornado:
        bars = report.tornado
        base = float(r.npsv[r.names.index(r.preferred)])
        context["tornado_rows"] = bars
        context["tornado_chart"] = charts.tornado_chart(
            f"Tornado for {r.preferred}",
            base,
            [b.input for b in bars],
            [b.npsv_low for b in bars],
            [b.npsv_high for b in bars],
        )
    if report.mcda is not None:
        m = report.mcda
        rows = sorted(m.table(), key=lambda row: row["rank"])
        context["criteria"] = list(zip(m.criteria, m.weights.tolist(), strict=True))
        context["mcda_rows"] = rows
        context["mcda_chart"] = charts.bar_chart(
            "Weighted multi-criteria score by option",
            [row["option"] for row in rows],
            [row["total"] for row in rows],
        )
        context["weight_shares"] = report.weight_first_shares
    return context
