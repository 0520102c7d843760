"""Red flags in compiled OCDS releases, compatible with Cardinal (open-contracting/cardinal-rs).

Eleven indicators: R003 short submission period, R018 single bid, R024 price close to the
winning bid, R025 excessive unsuccessful bids, R028 identical bid prices, R030 late bid won,
R035 all bids but the winner's disqualified, R036 lowest bid disqualified, R038 excessive
disqualified bids, R048 heterogeneous supplier, R058 heavily discounted bid. Settings come
from Cardinal's INI file; results have Cardinal's JSON shape.

Examples
--------
>>> from spiral.ocds.flags import flag_releases, parse_settings
>>> flag_releases([{"ocid": "F", "tender": {"numberOfTenderers": 1,
...     "procurementMethod": "open"}}], parse_settings("[R018]"), meta=False)
{'OCID': {'F': {'R018': 1.0}}}
"""

from __future__ import annotations

from spiral.ocds.flags.runner import FlagRun, flag_bytes, flag_file, flag_lines, flag_releases
from spiral.ocds.flags.settings import (
    INDICATORS,
    FlagSettings,
    SettingsError,
    parse_settings,
    read_settings,
)

__all__ = [
    "INDICATORS",
    "FlagRun",
    "FlagSettings",
    "SettingsError",
    "flag_bytes",
    "flag_file",
    "flag_lines",
    "flag_releases",
    "parse_settings",
    "read_settings",
]
