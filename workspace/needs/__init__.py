"""The Analyse stage's needs assessment: indicator data, comparators and the document."""
