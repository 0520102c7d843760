"""Charts as accessible inline SVG, drawn server-side from plain data, each shown beside a table
of the same figures: funnel plots, trends, spine charts, bars, lines and control charts."""
