"""The Spiral test: is a programme's commissioning an improvement spiral, or going round
in circles?

Read a programme's history (:func:`load_history`), run the test (:func:`run_spiral_test`)
and get, per cycle, the outcomes against comparators, real costs, value, process and
learning measures and a verdict with its evidence; draw the cycles as a spiral
(:func:`spiral_svg`).
"""

from spiral.spiral_test.assessment import (
    CycleAssessment,
    SpiralReport,
    cycle_table,
    evidence_table,
    report_as_dict,
    run_spiral_test,
)
from spiral.spiral_test.history import History, HistoryError, load_history, parse_history
from spiral.spiral_test.page import report_html
from spiral.spiral_test.picture import picture_table, spiral_svg
from spiral.spiral_test.summary import report_text
from spiral.spiral_test.verdict import VERDICT_LABELS, Reason, Verdict, VerdictRules

__all__ = [
    "VERDICT_LABELS",
    "CycleAssessment",
    "History",
    "HistoryError",
    "Reason",
    "SpiralReport",
    "Verdict",
    "VerdictRules",
    "cycle_table",
    "evidence_table",
    "load_history",
    "parse_history",
    "picture_table",
    "report_as_dict",
    "report_html",
    "report_text",
    "run_spiral_test",
    "spiral_svg",
]
