"""Spiral: strategic commissioning of UK local public services.

This package is the engine: pure Python, no web framework. Statistics, appraisal,
procurement (OCDS), the Spiral test and cycle frameworks take plain data in and give
plain data out, so an analyst can ``import spiral`` in a notebook and the workspace can
call the same functions.
"""

__version__ = "0.1.0.dev0"
