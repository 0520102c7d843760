"""Charts as accessible inline SVG (funnel plots, trends with intervals, spine charts)."""
"""Charts drawn as accessible inline SVG, each with a table of the same figures beside it."""
