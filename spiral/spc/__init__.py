"""Statistical process control for contract performance.

XmR charts (individuals and moving range), p charts and u charts, with the run rules of
NHS England's *Making Data Count*, recalculation of limits after a change, and the
variation and assurance icons. Every chart returns a tidy table, one row per point.

References: NHS England and NHS Improvement, *Making Data Count* (2019); D. J. Wheeler,
*Understanding Variation* (1993).
"""

from spiral.spc.attribute import p_chart, u_chart
from spiral.spc.icons import Icon, assurance_icon, variation_icon
from spiral.spc.polarity import Polarity, normalise_polarity, polarity_sign
from spiral.spc.ratings import RATINGS, rate_chart, rate_periods
from spiral.spc.rules import RunRules, detect_signals
from spiral.spc.xmr import xmr_chart

__all__ = [
    "RATINGS",
    "Icon",
    "Polarity",
    "RunRules",
    "assurance_icon",
    "detect_signals",
    "normalise_polarity",
    "p_chart",
    "polarity_sign",
    "rate_chart",
    "rate_periods",
    "u_chart",
    "variation_icon",
    "xmr_chart",
]
