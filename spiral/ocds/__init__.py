"""Open Contracting Data Standard: reading, validation, compilation, indicators and red flags."""
