"""The Spiral test as one self-contained HTML page: the spiral, then the figures as tables.

The page carries its own small stylesheet and the SVG inline, so it can be mailed or
archived as a single file; every figure in the picture is also in a table.
"""

from __future__ import annotations

from html import escape
from typing import Any

from spiral.spiral_test.assessment import SpiralReport, cycle_table
from spiral.spiral_test.picture import Measure, spiral_svg

_STYLE = """
body { font-family: Arial, sans-serif; color: #0b0c0c; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0 2rem; width: 100%; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.4rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #f3f2f1; }
.scroll { overflow-x: auto; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; padding: 0.1rem 0.4rem; color: #fff; font-weight: bold; }
.improving_spiral { background: #00703c; } .going_round_in_circles { background: #f47738; }
.declining { background: #d4351c; } .too_early_to_tell { background: #505a5f; }
"""


def _cell(value: Any) -> str:
    if value is None:
        return "<td>–</td>"
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
        return f'<td class="number">{text}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(rows: list[dict[str, Any]], caption: str) -> str:
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{escape(k.replace("_", " "))}</th>' for k in rows[0])
    body = "".join("<tr>" + "".join(_cell(v) for v in row.values()) + "</tr>" for row in rows)
    return (
        f'<div class="scroll"><table><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def report_html(report: SpiralReport, *, measure: Measure = "value") -> str:
    """The whole report as an HTML page (a string).

    Examples
    --------
    >>> from spiral.spiral_test import load_history, run_spiral_test
    >>> page = report_html(run_spiral_test(load_history("docs/examples/programme-history.json")))
    >>> page.startswith("<!DOCTYPE html>") and "<svg" in page and "Improving spiral" in page
    True
    """
    title = f"The Spiral test: {report.programme_name}, {report.area_name}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>As of {report.as_of.isoformat()}. Costs in "
        + (f"prices of {escape(report.price_base)}" if report.price_base else "cash prices")
        + f". {report.reprocurements_of_same_model} cycle(s) re-procured the same model.</p>",
        f"<figure>{spiral_svg(report, measure=measure)}</figure>",
        "<h2>Cycles</h2>",
        _table(cycle_table(report), "Headline figures of each cycle"),
    ]
    for cycle in report.cycles:
        verdict = cycle.verdict
        parts.append(
            f'<h2 id="{escape(cycle.cycle_id)}">{escape(cycle.name)} '
            f'<span class="tag {verdict.verdict}">{escape(verdict.label)}</span></h2>'
        )
        parts.append(
            "<ul>"
            + "".join(
                f"<li><strong>{escape(r.rule)}</strong>: {escape(r.text)}</li>"
                for r in verdict.reasons
            )
            + "</ul>"
        )
        if verdict.missing:
            parts.append(
                "<p>Missing:</p><ul>"
                + "".join(f"<li>{escape(item)}</li>" for item in verdict.missing)
                + "</ul>"
            )
        outcome_rows = [{"name": o.name, **o.figures()} for o in cycle.outcomes]
        parts.append(_table(outcome_rows, f"Outcomes of {cycle.cycle_id} against comparators"))
        plan_rows = [
            {
                "indicator": p.name,
                "baseline": p.baseline_value,
                "baseline_period": p.baseline_period,
                "latest": p.latest_value,
                "latest_period": p.latest_period,
                "change_from_baseline": p.change_from_baseline,
                "targets": "; ".join(f"{t.target:g} by {t.period}: {t.label}" for t in p.targets),
                "source": p.source,
            }
            for p in cycle.plans
        ]
        parts.append(_table(plan_rows, f"Outcomes of {cycle.cycle_id} against its plan"))
    parts.append("</body></html>")
    return "\n".join(parts)
