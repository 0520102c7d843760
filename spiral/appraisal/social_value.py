"""Social value measures with proxy values, supplied by the organisation.

HM Treasury Green Book (2022), Annex A2 (valuing non-market effects) and the Public Services
(Social Value) Act 2012: an organisation states the outcomes it counts as social value, each
with a unit and a proxy value in pounds per unit (in the appraisal's price base), and an
option's quantities of each are turned into monetised outcomes:
``value(year) = Σ quantity(measure, year) × proxy value(measure)``.

Spiral ships an illustrative set of its own (``data/social_value_example.yaml``); an
organisation replaces it with its own evidenced measures. Licensed frameworks are not
bundled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from spiral.exceptions import InputError


@dataclass(frozen=True)
class SocialValueMeasure:
    """One measure: its code, what it counts, the unit and the proxy value per unit (£)."""

    code: str
    name: str
    unit: str
    proxy_value: float
    source: str = ""


def measures_from_data(
    data: Any, where: str = "social_value_measures"
) -> tuple[SocialValueMeasure, ...]:
    """Build measures from plain data (a list of mappings), with errors naming the field.

    Examples
    --------
    >>> measures_from_data([{"code": "V1", "name": "Volunteer hours", "unit": "hour",
    ...                      "proxy_value": 10}])[0].proxy_value
    10.0
    >>> try:
    ...     measures_from_data([{"code": "V1", "name": "x", "unit": "hour", "proxy_value": -1}])
    ... except InputError as error:
    ...     print(error)
    social_value_measures[0] 'V1', field proxy_value: must be a number ≥ 0
    """
    if not isinstance(data, list):
        raise InputError(f"{where}: must be a list of measures")
    out: list[SocialValueMeasure] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise InputError(f"{where}[{i}]: must be a mapping")
        code = str(item.get("code", "")).strip()
        label = f"{where}[{i}] {code!r}"
        if not code:
            raise InputError(f"{where}[{i}], field code: every measure needs a code")
        if code in seen:
            raise InputError(f"{label}, field code: the code is used twice")
        seen.add(code)
        for key in ("name", "unit"):
            if not str(item.get(key, "")).strip():
                raise InputError(f"{label}, field {key}: missing")
        value = item.get("proxy_value")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not np.isfinite(value)
            or value < 0
        ):
            raise InputError(f"{label}, field proxy_value: must be a number ≥ 0")
        out.append(
            SocialValueMeasure(
                code,
                str(item["name"]),
                str(item["unit"]),
                float(value),
                str(item.get("source", "")),
            )
        )
    return tuple(out)


def read_measures(path: str | Path) -> tuple[SocialValueMeasure, ...]:
    """Read an organisation's measures from a YAML file (a list, or a mapping with ``measures``).

    Examples
    --------
    >>> read_measures("no-such-file.yaml")
    Traceback (most recent call last):
    ...
    spiral.exceptions.InputError: social_value_measures: cannot read no-such-file.yaml
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        raise InputError(f"social_value_measures: cannot read {path}") from None
    if isinstance(data, Mapping):
        data = data.get("measures")
    return measures_from_data(data, where=f"social_value_measures ({Path(path).name})")


def example_measures() -> tuple[SocialValueMeasure, ...]:
    """The illustrative measures shipped with Spiral (not a published framework).

    Examples
    --------
    >>> [m.code for m in example_measures()][:2]
    ['SV-JOBS', 'SV-APPR']
    """
    text = (
        resources.files("spiral.appraisal")
        .joinpath("data/social_value_example.yaml")
        .read_text(encoding="utf-8")
    )
    return measures_from_data(yaml.safe_load(text)["measures"])


def monetise(
    measures: Sequence[SocialValueMeasure],
    quantities: Mapping[str, Mapping[int, float]],
    option: str,
) -> dict[int, float]:
    """Value an option's social-value quantities by year, in pounds.

    Examples
    --------
    >>> m = (SocialValueMeasure("V1", "Volunteer hours", "hour", 10.0),)
    >>> monetise(m, {"V1": {1: 100, 2: 50}}, "Co-produce")
    {1: 1000.0, 2: 500.0}
    >>> try:
    ...     monetise(m, {"V9": {1: 1}}, "Co-produce")
    ... except InputError as error:
    ...     print(error)
    option 'Co-produce', field social_value.V9: no such social-value measure
    """
    by_code = {m.code: m for m in measures}
    out: dict[int, float] = {}
    for code, by_year in quantities.items():
        if code not in by_code:
            raise InputError(
                f"option {option!r}, field social_value.{code}: no such social-value measure"
            )
        for year, quantity in by_year.items():
            if not np.isfinite(quantity) or quantity < 0:
                raise InputError(
                    f"option {option!r}, field social_value.{code}, year {year}: "
                    "quantity must be a number ≥ 0"
                )
            out[int(year)] = out.get(int(year), 0.0) + float(quantity) * by_code[code].proxy_value
    return out
