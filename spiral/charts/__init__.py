"""Charts drawn as accessible inline SVG, each with a table of the same figures beside it."""
