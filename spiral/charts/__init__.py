"""Charts as accessible inline SVG (funnel plots, trends with intervals, spine charts)."""
