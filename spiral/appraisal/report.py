"""The appraisal report: every figure for an options file, as plain data, JSON or HTML.

:func:`appraise_options` runs the whole method on a validated options file — the Green Book
appraisal, switching values, Monte Carlo risk, tornado, multi-criteria scoring and the
neutrality checks — and returns an :class:`AppraisalReport`. The HTML report is one
self-contained page in the five-case vocabulary of the Green Book business case (strategic,
economic, commercial, financial, management), lists every assumption, and draws its charts
as inline SVG, each followed by a table of the same figures; ``spiral.pdf.html_to_pdf``
turns it into PDF.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from spiral.appraisal import charts
from spiral.appraisal.appraisal import AppraisalResult, appraise
from spiral.appraisal.file_format import FIVE_CASES, OptionsFile
from spiral.appraisal.mcda import (
    MCDAResult,
    WeightSwitch,
    score,
    weight_perturbation,
    weight_switching,
)
from spiral.appraisal.neutrality import NeutralityWarning, neutrality_warnings
from spiral.appraisal.options import CATEGORIES
from spiral.appraisal.risk import RiskResult, simulate
from spiral.appraisal.sensitivity import (
    SwitchingValue,
    TornadoBar,
    discount_rate_switching_value,
    switching_values,
    tornado,
)


@dataclass(frozen=True)
class AppraisalReport:
    """Everything computed for one options file."""

    file: OptionsFile
    result: AppraisalResult
    switching: tuple[SwitchingValue, ...]
    rate_switching: SwitchingValue
    risk: RiskResult | None
    tornado: tuple[TornadoBar, ...]
    mcda: MCDAResult | None
    weight_switches: tuple[WeightSwitch, ...]
    weight_first_shares: dict[str, float]
    warnings: tuple[NeutralityWarning, ...]

    def assumptions(self) -> list[dict[str, str]]:
        """Every assumption of the appraisal, as rows of topic, option, assumption, reason.

        Examples
        --------
        >>> from spiral.appraisal.file_format import parse_options
        >>> f = parse_options({"options": [{"name": "A", "delivery_model": "grant",
        ...     "cash_flows": {"operating": [1]}, "optimism_bias": {"operating": 10,
        ...     "reason": "new provider"}}]})
        >>> [row["reason"] for row in appraise_options(f).assumptions()
        ...  if row["topic"] == "optimism_bias"]
        ['new provider']
        """
        s = self.file.settings
        rows = [
            {
                "topic": "discounting",
                "option": "all",
                "assumption": (
                    f"{s.schedule_name()} STPR schedule, {s.convention.value.replace('_', '-')} "
                    "convention, compounded year by year (Green Book Annex A6)"
                ),
                "reason": "",
            },
            {
                "topic": "period",
                "option": "all",
                "assumption": (
                    f"years 0 to {int(self.result.years[-1])}"
                    + (f" (year 0 = {s.first_year})" if s.first_year is not None else "")
                ),
                "reason": "",
            },
            {
                "topic": "prices",
                "option": "all",
                "assumption": (
                    f"{s.prices} prices"
                    + (f", price base {s.price_base_year}" if s.price_base_year else "")
                    + (
                        " converted to real terms with the deflator given"
                        if s.prices == "nominal"
                        else ""
                    )
                ),
                "reason": "",
            },
        ]
        for category, chosen in s.category_schedules.items():
            name = chosen if isinstance(chosen, str) else chosen.name
            rows.append(
                {
                    "topic": "discounting",
                    "option": "all",
                    "assumption": f"{category} discounted with the {name} schedule",
                    "reason": "",
                }
            )
        for option in self.file.options:
            for category, pct in option.optimism_bias.items():
                rows.append(
                    {
                        "topic": "optimism_bias",
                        "option": option.name,
                        "assumption": f"{category} raised by {pct:g}%",
                        "reason": option.reason_for("optimism_bias"),
                    }
                )
            rows += [
                {"topic": a.topic, "option": option.name, "assumption": a.text, "reason": a.reason}
                for a in option.assumptions
            ]
        for u in self.file.inputs:
            params = ", ".join(f"{k} {v:g}" for k, v in u.params.items())
            scope = ", ".join(u.options) or "all"
            rows.append(
                {
                    "topic": "risk",
                    "option": scope,
                    "assumption": f"{u.name}: factor on {u.category}, {u.distribution} ({params})",
                    "reason": u.reason,
                }
            )
        for (first, second), rho in self.file.correlations.items():
            rows.append(
                {
                    "topic": "risk",
                    "option": "all",
                    "assumption": f"{first} and {second} correlated at {rho:g}",
                    "reason": "",
                }
            )
        for m in self.file.measures:
            rows.append(
                {
                    "topic": "social_value",
                    "option": "all",
                    "assumption": f"{m.code} {m.name}: £{m.proxy_value:g} per {m.unit}",
                    "reason": m.source,
                }
            )
        if self.risk is not None:
            rows.append(
                {
                    "topic": "risk",
                    "option": "all",
                    "assumption": f"Monte Carlo with {self.risk.npsv.shape[0]:,} draws, seed "
                    f"{self.risk.seed}; tornado at the 5th and 95th percentiles",
                    "reason": "",
                }
            )
        if self.mcda is not None:
            weights = ", ".join(
                f"{c} {w:.1%}" for c, w in zip(self.mcda.criteria, self.mcda.weights, strict=True)
            )
            rows.append(
                {
                    "topic": "mcda",
                    "option": "all",
                    "assumption": f"weights: {weights}; robustness by ±20% random perturbation",
                    "reason": "",
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """All figures as plain data (ready for JSON).

        Examples
        --------
        >>> from spiral.appraisal.file_format import parse_options
        >>> f = parse_options({"options": [{"name": "A", "delivery_model": "grant",
        ...     "cash_flows": {"operating": [1]}}]})
        >>> sorted(appraise_options(f).to_dict())[:4]
        ['assumptions', 'cases', 'mcda', 'method']
        """
        s = self.file.settings
        return {
            "title": self.file.title,
            "method": "HM Treasury Green Book (2022)",
            "settings": {
                "schedule": s.schedule_name(),
                "convention": s.convention.value,
                "category_schedules": {
                    k: v if isinstance(v, str) else v.name for k, v in s.category_schedules.items()
                },
                "prices": s.prices,
                "price_base_year": s.price_base_year,
                "first_year": s.first_year,
                "years": [int(self.result.years[0]), int(self.result.years[-1])],
            },
            "cases": dict(self.file.cases),
            "recommended": self.file.recommended,
            "preferred_by_npsv": self.result.preferred,
            "results": self.result.table(),
            "present_values_by_category": [
                {
                    "option": name,
                    **{c: float(self.result.pv[i, j]) for j, c in enumerate(CATEGORIES)},
                }
                for i, name in enumerate(self.result.names)
            ],
            "switching_values": [sv.as_dict() for sv in (*self.switching, self.rate_switching)],
            "risk": None if self.risk is None else self._risk_dict(self.risk),
            "tornado": [dataclasses.asdict(bar) for bar in self.tornado],
            "mcda": None
            if self.mcda is None
            else {
                "weights": dict(zip(self.mcda.criteria, self.mcda.weights.tolist(), strict=True)),
                "options": self.mcda.table(),
                "weight_switching": [dataclasses.asdict(w) for w in self.weight_switches],
                "share_first_under_perturbed_weights": self.weight_first_shares,
            },
            "neutrality_warnings": [dataclasses.asdict(w) for w in self.warnings],
            "assumptions": self.assumptions(),
        }

    @staticmethod
    def _risk_dict(risk: RiskResult) -> dict[str, Any]:
        edges, counts = risk.histogram()
        return {
            "simulations": int(risk.npsv.shape[0]),
            "seed": risk.seed,
            "options": risk.table(),
            "histogram": {
                "edges": edges.tolist(),
                "counts": {name: counts[i].tolist() for i, name in enumerate(risk.names)},
            },
        }

    def to_html(self) -> str:
        """A self-contained HTML page of the whole appraisal.

        Examples
        --------
        >>> from spiral.appraisal.file_format import parse_options
        >>> f = parse_options({"options": [{"name": "A", "delivery_model": "grant",
        ...     "cash_flows": {"operating": [1]}}]})
        >>> appraise_options(f).to_html().startswith("<!DOCTYPE html>")
        True
        """
        return _html(self)


def appraise_options(
    file: OptionsFile, simulations: int | None = None, seed: int | None = None
) -> AppraisalReport:
    """Run the whole appraisal for a validated options file.

    Parameters
    ----------
    file : OptionsFile
    simulations : int, optional
        Monte Carlo draws (default: the file's ``simulations``, else 10,000); 0 skips risk.
    seed : int, optional
        Seed for the draws (default: the file's ``seed``).

    Examples
    --------
    >>> from spiral.appraisal.file_format import parse_options
    >>> f = parse_options({"options": [
    ...     {"name": "A", "delivery_model": "in_house", "cash_flows": {"income": [0, 103.5]}}]})
    >>> round(appraise_options(f).to_dict()["results"][0]["npsv"], 6)
    100.0
    """
    result = appraise(file.options, file.settings)
    draws = file.simulations if simulations is None else simulations
    chosen_seed = file.seed if seed is None else seed
    risk = None
    if file.inputs and draws > 0:
        risk = simulate(result, file.inputs, draws, chosen_seed, correlations=file.correlations)
    mcda = None
    switches: tuple[WeightSwitch, ...] = ()
    shares: dict[str, float] = {}
    if file.weights:
        mcda = score(result.names, file.weights, file.scores)
        switches = tuple(weight_switching(mcda))
        shares = weight_perturbation(mcda, seed=chosen_seed)
    return AppraisalReport(
        file=file,
        result=result,
        switching=tuple(switching_values(result, file.inputs)),
        rate_switching=discount_rate_switching_value(file.options, file.settings),
        risk=risk,
        tornado=tuple(tornado(result, file.inputs)),
        mcda=mcda,
        weight_switches=switches,
        weight_first_shares=shares,
        warnings=tuple(neutrality_warnings(result, file.inputs, file.recommended, mcda, risk)),
    )


# ----------------------------------------------------------------------------- HTML

_STYLE = """
body{font-family:Arial,sans-serif;color:#0b0c0c;max-width:960px;margin:2em auto;padding:0 1em}
h1,h2,h3{line-height:1.2}table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border-bottom:1px solid #b1b4b6;padding:4px 10px;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.warning{border-left:5px solid #d4351c;padding:4px 12px;margin:6px 0}
caption{text-align:left;font-weight:bold;padding:4px 0}
"""


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="n">not computed</td>'
    if isinstance(value, float):
        if np.isnan(value):
            return '<td class="n">not computed</td>'
        return f'<td class="n">{escape(charts.money(value))}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n">{value}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(caption: str, rows: list[dict[str, Any]], headers: dict[str, str]) -> str:
    head = "".join(f"<th scope='col'>{escape(label)}</th>" for label in headers.values())
    body = "".join(
        "<tr>" + "".join(_cell(row.get(key)) for key in headers) + "</tr>" for row in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _points(value: float | None) -> str:
    return "no switch" if value is None else f"{value * 100:+.1f} pp"


def _percent(value: float | None) -> str:
    return "no switch" if value is None else f"{value * 100:+.1f}%"


def _economic(report: AppraisalReport) -> list[str]:
    r = report.result
    table = [
        {
            **row,
            "payback_year": "none in period"
            if row["payback_year"] is None
            else row["payback_year"],
        }
        for row in r.table()
    ]
    narrative = report.file.cases.get("economic")
    out = [
        "<h2 id='economic'>Economic case</h2>",
        f"<p>{escape(narrative)}</p>" if narrative else "",
        f"<p>Preferred option by net present social value: <strong>"
        f"{escape(r.preferred)}</strong>.</p>",
        charts.bar_chart("Net present social value by option", r.names, r.npsv.tolist()),
        _table(
            "Summary of the appraisal (present values, real prices)",
            table,
            {
                "option": "Option",
                "delivery_model": "Delivery model",
                "pv_costs": "PV costs",
                "pv_benefits": "PV benefits",
                "npsv": "NPSV",
                "bcr": "BCR",
                "npc": "Net present cost",
                "eac": "Equivalent annual cost",
                "payback_year": "Payback year",
                "rank": "Rank",
            },
        ),
    ]
    sv_rows = [
        {
            **sv.as_dict(),
            "increase": _percent(sv.increase),
            "decrease": _percent(sv.decrease),
            "option_after_increase": sv.option_after_increase or "",
            "option_after_decrease": sv.option_after_decrease or "",
        }
        for sv in report.switching
    ]
    rate = report.rate_switching
    sv_rows.append(
        {
            **rate.as_dict(),
            "increase": "no switch" if rate.increase is None else f"{rate.increase * 100:+.2f} pp",
            "decrease": "no switch" if rate.decrease is None else f"{rate.decrease * 100:+.2f} pp",
            "option_after_increase": rate.option_after_increase or "",
            "option_after_decrease": rate.option_after_decrease or "",
        }
    )
    out.append("<h3>Switching values</h3>")
    out.append(
        _table(
            "Change in each input at which the preferred option changes",
            sv_rows,
            {
                "input": "Input",
                "increase": "Increase",
                "option_after_increase": "Then preferred",
                "decrease": "Decrease",
                "option_after_decrease": "Then preferred",
                "method": "Method",
            },
        )
    )
    if report.risk is not None:
        rows = report.risk.table()
        out += [
            f"<h3>Risk: Monte Carlo ({report.risk.npsv.shape[0]:,} draws, seed "
            f"{report.risk.seed})</h3>",
            charts.range_chart(
                "NPSV distribution: 5th to 95th percentile, median marked",
                [row["option"] for row in rows],
                [row["p5"] for row in rows],
                [row["p50"] for row in rows],
                [row["p95"] for row in rows],
            ),
            _table(
                "Distribution of NPSV by option",
                [
                    {
                        **row,
                        "probability_best": f"{row['probability_best']:.1%}",
                        "probability_positive": f"{row['probability_positive']:.1%}",
                    }
                    for row in rows
                ],
                {
                    "option": "Option",
                    "mean": "Mean",
                    "sd": "SD",
                    "p5": "5th",
                    "p50": "Median",
                    "p95": "95th",
                    "probability_best": "P(best)",
                    "probability_positive": "P(NPSV > 0)",
                },
            ),
        ]
        edges, counts = report.risk.histogram()
        out += [
            charts.histogram_chart(
                "NPSV distribution: draws in each band, by option",
                edges.tolist(),
                r.names,
                counts.tolist(),
            ),
            _table(
                "Draws in each band of NPSV, by option",
                [
                    {
                        "from": float(edges[j]),
                        "to": float(edges[j + 1]),
                        **{name: int(counts[i, j]) for i, name in enumerate(r.names)},
                    }
                    for j in range(counts.shape[1])
                ],
                {"from": "From", "to": "To", **{name: name for name in r.names}},
            ),
        ]
    if report.tornado:
        bars = report.tornado
        out += [
            f"<h3>Tornado: NPSV of {escape(r.preferred)}, one input at a time</h3>",
            charts.tornado_chart(
                f"Tornado for {r.preferred}",
                float(r.npsv[r.names.index(r.preferred)]),
                [b.input for b in bars],
                [b.npsv_low for b in bars],
                [b.npsv_high for b in bars],
            ),
            _table(
                "Tornado: each input at its 5th and 95th percentile",
                [dataclasses.asdict(b) for b in bars],
                {
                    "input": "Input",
                    "low_value": "Low factor",
                    "high_value": "High factor",
                    "npsv_low": "NPSV (low)",
                    "npsv_high": "NPSV (high)",
                    "swing": "Swing",
                },
            ),
        ]
    if report.mcda is not None:
        m = report.mcda
        out += [
            "<h3>Multi-criteria scoring</h3>",
            _table(
                "Weights",
                [
                    {"criterion": c, "weight": f"{w:.1%}"}
                    for c, w in zip(m.criteria, m.weights.tolist(), strict=True)
                ],
                {"criterion": "Criterion", "weight": "Weight"},
            ),
            _table(
                "Scores and weighted totals",
                m.table(),
                {
                    "option": "Option",
                    **{c: c for c in m.criteria},
                    "total": "Total",
                    "rank": "Rank",
                },
            ),
            _table(
                "Weight change in percentage points (others rescaled) that changes the top option",
                [
                    {
                        **dataclasses.asdict(w),
                        "weight": f"{w.weight:.1%}",
                        "increase": _points(w.increase),
                        "decrease": _points(w.decrease),
                        "top_after_increase": w.top_after_increase or "",
                        "top_after_decrease": w.top_after_decrease or "",
                    }
                    for w in report.weight_switches
                ],
                {
                    "criterion": "Criterion",
                    "weight": "Weight",
                    "increase": "Increase",
                    "top_after_increase": "Then top",
                    "decrease": "Decrease",
                    "top_after_decrease": "Then top",
                },
            ),
            _table(
                "Share of perturbed weightings (±20%) under which each option is first",
                [{"option": k, "share": f"{v:.1%}"} for k, v in report.weight_first_shares.items()],
                {"option": "Option", "share": "Share first"},
            ),
        ]
    return out


def _html(report: AppraisalReport) -> str:
    f = report.file
    r = report.result
    cases = f.cases
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(f.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(f.title)}</h1>",
        "<p>Options appraisal in HM Treasury Green Book terms.</p>",
        "<h2 id='strategic'>Strategic case</h2>",
    ]
    if cases.get("strategic"):
        parts.append(f"<p>{escape(cases['strategic'])}</p>")
    parts.append(
        _table(
            "Options considered",
            [
                {
                    "option": o.name,
                    "delivery_model": o.delivery_model.value,
                    "description": o.description,
                }
                for o in f.options
            ],
            {"option": "Option", "delivery_model": "Delivery model", "description": "Description"},
        )
    )
    parts.append("<h3>Neutrality checks</h3>")
    if report.warnings:
        parts += [f"<p class='warning'>{escape(w.message)}</p>" for w in report.warnings]
    else:
        parts.append("<p>No neutrality warnings.</p>")
    if f.recommended:
        parts.append(f"<p>Recommended option: <strong>{escape(f.recommended)}</strong>.</p>")
    parts += _economic(report)
    parts.append("<h2 id='commercial'>Commercial case</h2>")
    if cases.get("commercial"):
        parts.append(f"<p>{escape(cases['commercial'])}</p>")
    t = CATEGORIES.index("transaction")
    parts.append(
        _table(
            "Sourcing route and its transaction costs (present value)",
            [
                {
                    "option": o.name,
                    "delivery_model": o.delivery_model.value,
                    "transaction": float(r.pv[i, t]),
                }
                for i, o in enumerate(f.options)
            ],
            {
                "option": "Option",
                "delivery_model": "Delivery model",
                "transaction": "PV transaction costs",
            },
        )
    )
    parts.append("<h2 id='financial'>Financial case</h2>")
    if cases.get("financial"):
        parts.append(f"<p>{escape(cases['financial'])}</p>")
    parts.append(
        _table(
            "Present value by category (after optimism bias)",
            report.to_dict()["present_values_by_category"],
            {"option": "Option", **{c: c.replace("_", " ") for c in CATEGORIES}},
        )
    )
    parts.append("<h2 id='management'>Management case</h2>")
    if cases.get("management"):
        parts.append(f"<p>{escape(cases['management'])}</p>")
    missing = [c for c in FIVE_CASES if not cases.get(c)]
    if missing:
        parts.append(f"<p>No narrative given for: {escape(', '.join(missing))}.</p>")
    parts.append("<h2 id='assumptions'>Assumptions</h2>")
    parts.append(
        _table(
            "Every assumption of this appraisal",
            report.assumptions(),
            {"topic": "Topic", "option": "Option", "assumption": "Assumption", "reason": "Reason"},
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)
