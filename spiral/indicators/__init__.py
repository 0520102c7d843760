"""Indicator data: the tidy indicator table, its validation, and readers for its sources.

Every reader returns the same table (:mod:`spiral.indicators.table`) or raises
:class:`spiral.exceptions.ImportErrors` listing every problem it found: an import is all or
nothing.
"""
