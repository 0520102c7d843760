"""Settings of the red flags, read from Cardinal's INI settings file.

The file has global properties at its top, an ``[exclusions]`` section and one section per
indicator; a section enables its indicator, even when empty. For example::

    currency = GBP
    no_price_comparison_procurement_methods = Random Selection|Lottery

    [exclusions]
    procurement_method_details = Emergency

    [R003]
    threshold = 15
    procurement_methods = open|selective

    [R003.procurement_method_details]
    emergency = 10

    [R024]
    threshold = 0.05

Lists are written with ``|`` between items, as Cardinal does. Comments start with ``;`` or
``#`` (inline after a space). The sections of Cardinal's ``prepare`` command (``[defaults]``,
``[redactions]``, ``[corrections]``, ``[modifications]``, ``[codelists.*]``) are accepted and
ignored, so one file serves both. Anything else unknown is an error, as in Cardinal.

Reference: open-contracting/cardinal-rs, ``docs/cli/indicators`` and ``src/lib.rs`` (``init``).
"""

from __future__ import annotations

import configparser
import math
from dataclasses import dataclass, field
from pathlib import Path

from spiral.exceptions import InputError

__all__ = [
    "INDICATORS",
    "FlagSettings",
    "SettingsError",
    "parse_settings",
    "read_settings",
]

#: The indicator codes, in Cardinal's order.
INDICATORS: tuple[str, ...] = (
    "R003",
    "R018",
    "R024",
    "R025",
    "R028",
    "R030",
    "R035",
    "R036",
    "R038",
    "R048",
    "R058",
)

_GLOBAL = "__global__"
_PREPARE_SECTIONS = ("defaults", "redactions", "corrections", "modifications")
_GLOBAL_KEYS = {
    "currency",
    "no_price_comparison_procurement_methods",
    "price_comparison_procurement_methods",
}
_SECTION_KEYS: dict[str, set[str]] = {
    "exclusions": {"procurement_method_details"},
    "R003": {"threshold", "procurement_methods"},
    "R018": {"procurement_methods"},
    "R024": {"threshold"},
    "R025": {"percentile", "threshold"},
    "R028": set(),
    "R030": set(),
    "R035": {"threshold"},
    "R036": set(),
    "R038": {"threshold", "minimum_submitted_bids", "minimum_contracting_processes"},
    "R048": {"digits", "threshold", "minimum_contracting_processes"},
    "R058": {"threshold"},
}


class SettingsError(InputError):
    """A settings file that cannot be used; the message names the section and property."""


@dataclass(frozen=True)
class FlagSettings:
    """Which red flags to compute, and how.

    Every field mirrors a property of Cardinal's settings file; ``None`` means "use the
    default" (for fences, "compute it from the data").

    Examples
    --------
    >>> settings = FlagSettings(enabled=frozenset({"R003"}))
    >>> settings.r003_threshold, sorted(settings.r018_procurement_methods)
    (15, ['open', 'selective'])
    """

    enabled: frozenset[str] = frozenset(INDICATORS)
    currency: str | None = None
    no_price_comparison_procurement_methods: frozenset[str] = frozenset()
    price_comparison_procurement_methods: frozenset[str] = frozenset()
    exclude_procurement_method_details: frozenset[str] = frozenset()
    r003_threshold: int = 15
    r003_procurement_methods: frozenset[str] = frozenset()
    r003_procurement_method_details: dict[str, int] = field(default_factory=dict)
    r018_procurement_methods: frozenset[str] = frozenset({"open", "selective"})
    r024_threshold: float | None = None
    r025_percentile: int = 75
    r025_threshold: float | None = None
    r035_threshold: int = 1
    r038_threshold: float | None = None
    r038_minimum_submitted_bids: int = 2
    r038_minimum_contracting_processes: int = 2
    r048_digits: int = 2
    r048_threshold: int | None = None
    r048_minimum_contracting_processes: int = 20
    r058_threshold: float | None = None


def _split(value: str) -> frozenset[str]:
    """Split a ``|``-separated list as Cardinal does (a trailing ``|`` adds nothing)."""
    parts = value.split("|")
    if parts and parts[-1] == "":
        parts.pop()
    return frozenset(parts)


def _integer(section: str, key: str, value: str, *, minimum: int = 0) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise SettingsError(f"[{section}] {key} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SettingsError(f"[{section}] {key} must be at least {minimum}, not {number}")
    return number


def _decimal(section: str, key: str, value: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise SettingsError(f"[{section}] {key} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise SettingsError(f"[{section}] {key} must be a finite number, not {value!r}")
    return number


def parse_settings(text: str) -> FlagSettings:
    """Parse the text of a Cardinal settings file.

    Parameters
    ----------
    text : str
        The INI text.

    Returns
    -------
    FlagSettings
        Only the indicators whose section is present are enabled.

    Raises
    ------
    SettingsError
        On an unknown section or property, or a value of the wrong kind.

    Examples
    --------
    >>> s = parse_settings("no_price_comparison_procurement_methods = NPC\\n"
    ...                    "[R003]\\nthreshold = 10\\n[R003.procurement_method_details]\\nx = 5\\n")
    >>> sorted(s.enabled), s.r003_threshold, s.r003_procurement_method_details
    (['R003'], 10, {'x': 5})
    >>> sorted(s.no_price_comparison_procurement_methods)
    ['NPC']
    """
    parser = configparser.ConfigParser(
        interpolation=None,
        comment_prefixes=(";", "#"),
        inline_comment_prefixes=(";", "#"),
        default_section="\x00unused",
        strict=True,
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(f"[{_GLOBAL}]\n{text}")
    except configparser.Error as error:
        message = str(error).splitlines()[0]
        raise SettingsError(f"settings file is not valid INI: {message}") from None

    values: dict[str, object] = {}
    enabled: set[str] = set()
    for section in parser.sections():
        options = dict(parser.items(section))
        if section == _GLOBAL:
            _global(options, values)
        elif section in _PREPARE_SECTIONS or section.startswith("codelists."):
            continue
        elif section == "R003.procurement_method_details":
            enabled.add("R003")
            values["r003_procurement_method_details"] = {
                key: _integer(section, key, value, minimum=-(2**62))
                for key, value in options.items()
            }
        elif section in _SECTION_KEYS:
            unknown = sorted(set(options) - _SECTION_KEYS[section])
            if unknown:
                raise SettingsError(f"[{section}] has an unknown property: {unknown[0]}")
            if section == "exclusions":
                if "procurement_method_details" in options:
                    values["exclude_procurement_method_details"] = _split(
                        options["procurement_method_details"]
                    )
                continue
            enabled.add(section)
            _indicator(section, options, values)
        else:
            raise SettingsError(f"unknown section [{section}]")
    return FlagSettings(enabled=frozenset(enabled), **values)  # type: ignore[arg-type]


def _global(options: dict[str, str], values: dict[str, object]) -> None:
    for key, value in options.items():
        if key not in _GLOBAL_KEYS:
            raise SettingsError(f"unknown global property: {key}")
        if key == "currency":
            values["currency"] = value.strip()
        else:
            values[key] = _split(value)


def _indicator(section: str, options: dict[str, str], values: dict[str, object]) -> None:
    prefix = section.lower()
    for key, value in options.items():
        name = f"{prefix}_{key}"
        if key == "procurement_methods":
            values[name] = _split(value)
        elif section == "R035" and key == "threshold":
            # Cardinal raises a threshold of 0 to 1: a flag needs one disqualified tenderer.
            values[name] = max(_integer(section, key, value), 1)
        elif (section, key) in {("R003", "threshold")}:
            values[name] = _integer(section, key, value, minimum=-(2**62))
        elif key in {"minimum_submitted_bids", "minimum_contracting_processes", "digits"} or (
            section == "R048" and key == "threshold"
        ):
            values[name] = _integer(section, key, value)
        elif key == "percentile":
            values[name] = _integer(section, key, value)
            if not 0 <= int(str(values[name])) <= 100:
                raise SettingsError(f"[{section}] percentile must be between 0 and 100")
        else:
            values[name] = _decimal(section, key, value)


def read_settings(path: str | Path) -> FlagSettings:
    """Read a Cardinal settings file from disk (UTF-8).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as handle:
    ...     _ = handle.write("[R018]\\n[R048]\\nminimum_contracting_processes = 1\\n")
    >>> settings = read_settings(handle.name)
    >>> sorted(settings.enabled), settings.r048_minimum_contracting_processes
    (['R018', 'R048'], 1)
    >>> os.unlink(handle.name)
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SettingsError(f"cannot read settings file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"settings file {path} is not UTF-8 text") from None
    return parse_settings(text)
