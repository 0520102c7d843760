"""Accessible inline SVG charts, drawn server-side from plain data (no JavaScript)."""
