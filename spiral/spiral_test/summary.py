"""The Spiral test as plain text: a table of cycles, then each verdict with its evidence."""

from __future__ import annotations

from spiral.spiral_test.assessment import SpiralReport


def _money(value: float | None) -> str:
    return "–" if value is None else f"£{value:,.2f}"


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}g}"


def _percent(value: float | None) -> str:
    return "" if value is None else f" ({value * 100:+.1f}%)"


def report_text(report: SpiralReport) -> str:
    """A readable summary of a Spiral test for a terminal.

    Examples
    --------
    >>> from spiral.spiral_test import load_history, run_spiral_test
    >>> text = report_text(run_spiral_test(load_history("docs/examples/programme-history.json")))
    >>> print(text.splitlines()[0])
    The Spiral test: Home care for adults, Fernvale (fictional)
    >>> "home-care-2017: Improving spiral" in text
    True
    """
    prices = f"prices of {report.price_base}" if report.price_base else "cash prices"
    lines = [
        f"The Spiral test: {report.programme_name}, {report.area_name}",
        f"As of {report.as_of.isoformat()}; costs in {prices}; "
        f"{report.reprocurements_of_same_model} cycle(s) re-procured the same model.",
        "",
    ]
    header = ("Cycle", "Dates", "Verdict", "Outcome index", "Real cost a head", "Value per £")
    rows = [
        (
            c.cycle_id,
            f"{c.start.isoformat()} to {c.end.isoformat() if c.end else 'open'}",
            c.verdict.label,
            _number(c.outcome_index, 4),
            _money(c.cost.per_head) + _percent(c.cost_change),
            _number(c.value_per_pound) + _percent(c.value_change),
        )
        for c in report.cycles
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
    for cycle in report.cycles:
        lines += ["", f"{cycle.cycle_id}: {cycle.verdict.label}"]
        lines += [f"  - [{reason.rule}] {reason.text}" for reason in cycle.verdict.reasons]
        lines += [f"  - [missing] {item}" for item in cycle.verdict.missing]
    return "\n".join(lines)
