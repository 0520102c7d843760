"""A small client for the public Fingertips API (OHID), using only the standard library.

Endpoints used (documented at ``https://fingertips.phe.org.uk/api``):

- ``/api/all_data/csv/by_indicator_id?indicator_ids=..&child_area_type_id=..
  [&parent_area_type_id=..]`` — every value of the indicators for one area type, as the
  data-export CSV that :func:`spiral.indicators.fingertips_csv.fingertips_table` reads;
- ``/api/indicator_metadata/csv/by_indicator_id?indicator_ids=..`` — one row per indicator,
  with its ``Polarity``, ``Unit`` and ``Value type`` among other columns;
- ``/api/area_types`` — the area types (JSON list of objects with ``Id`` and ``Name``).

The network is reached through a *transport*: a function ``(url, timeout) -> bytes``. The
default one uses :func:`urllib.request.urlopen`; tests and offline work pass their own.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from spiral.exceptions import InputError, SpiralError
from spiral.indicators.fingertips_csv import fingertips_table

__all__ = ["FingertipsClient", "FingertipsError", "add_metadata", "urllib_transport"]

DEFAULT_BASE_URL = "https://fingertips.phe.org.uk"
Transport = Callable[[str, float], bytes]


class FingertipsError(SpiralError):
    """Fingertips could not be reached or answered with an error."""


def urllib_transport(url: str, timeout: float) -> bytes:
    """Fetch ``url`` with :func:`urllib.request.urlopen`; errors become FingertipsError."""
    if not url.startswith(("https://", "http://")):
        raise FingertipsError(f"not a web address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "spiral"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        raise FingertipsError(f"Fingertips answered {error.code} for {url}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FingertipsError(f"could not reach Fingertips ({error}) for {url}") from error


def _ids(indicator_ids: int | Iterable[int]) -> str:
    items = [indicator_ids] if isinstance(indicator_ids, int) else list(indicator_ids)
    if not items or not all(isinstance(item, int) and item > 0 for item in items):
        raise InputError(f"indicator ids must be positive whole numbers, not {indicator_ids!r}")
    return ",".join(str(item) for item in items)


@dataclass
class FingertipsClient:
    """Fetch indicator data and metadata from Fingertips.

    Examples
    --------
    A transport that answers from memory instead of the network:

    >>> def transport(url, timeout):
    ...     return b'[{"Id": 402, "Name": "Upper tier local authorities (4/21-3/23)"}]'
    >>> FingertipsClient(transport=transport).area_types()
    [{'Id': 402, 'Name': 'Upper tier local authorities (4/21-3/23)'}]
    >>> FingertipsClient(transport=transport).url("/api/area_types")
    'https://fingertips.phe.org.uk/api/area_types'
    """

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 60.0
    transport: Transport = field(default=urllib_transport)

    def url(self, path: str, **query: str | int) -> str:
        """The address of an endpoint with its query string."""
        text = f"{self.base_url.rstrip('/')}{path}"
        if query:
            text += "?" + urllib.parse.urlencode(query, safe=",")
        return text

    def get(self, path: str, **query: str | int) -> bytes:
        """Fetch an endpoint's body."""
        return self.transport(self.url(path, **query), self.timeout)

    def indicator_data(
        self,
        indicator_ids: int | Iterable[int],
        child_area_type_id: int,
        parent_area_type_id: int | None = None,
    ) -> pd.DataFrame:
        """Every value of the indicators for one area type, as the indicator table."""
        query: dict[str, str | int] = {
            "indicator_ids": _ids(indicator_ids),
            "child_area_type_id": child_area_type_id,
        }
        if parent_area_type_id is not None:
            query["parent_area_type_id"] = parent_area_type_id
        body = self.get("/api/all_data/csv/by_indicator_id", **query)
        raw = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return fingertips_table(raw)

    def indicator_metadata(self, indicator_ids: int | Iterable[int]) -> pd.DataFrame:
        """Metadata of the indicators: ``indicator_id``, ``indicator_name``, ``polarity``,
        ``unit``, ``value_type`` (missing where Fingertips gives none)."""
        body = self.get(
            "/api/indicator_metadata/csv/by_indicator_id", indicator_ids=_ids(indicator_ids)
        )
        raw = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if "Indicator ID" not in raw.columns:
            raise FingertipsError("the metadata answer has no 'Indicator ID' column")
        names = {
            "Indicator ID": "indicator_id",
            "Indicator": "indicator_name",
            "Polarity": "polarity",
            "Unit": "unit",
            "Value type": "value_type",
        }
        result = pd.DataFrame(
            {
                name: raw[header].str.strip() if header in raw.columns else pd.NA
                for header, name in names.items()
            }
        )
        return result.astype("string").replace("", pd.NA)

    def area_types(self) -> list[dict[str, Any]]:
        """The area types Fingertips knows (``Id``, ``Name`` and more)."""
        try:
            answer = json.loads(self.get("/api/area_types"))
        except json.JSONDecodeError as error:
            raise FingertipsError("the area types answer is not JSON") from error
        if not isinstance(answer, list):
            raise FingertipsError("the area types answer is not a list")
        return answer


def add_metadata(table: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """Fill ``polarity``, ``unit`` and ``value_type`` of an indicator table from metadata.

    Values already in the table are kept; only missing ones are filled.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"indicator_id": ["1", "2"], "polarity": [pd.NA, pd.NA],
    ...                       "unit": ["%", pd.NA], "value_type": [pd.NA, pd.NA]})
    >>> meta = pd.DataFrame({"indicator_id": ["1", "2"], "polarity": ["RAG - Low is good",
    ...                      "RAG - High is good"], "unit": ["per cent", "per 1,000"],
    ...                      "value_type": ["Proportion", "Crude rate"]})
    >>> add_metadata(table, meta)[["polarity", "unit"]].values.tolist()
    [['RAG - Low is good', '%'], ['RAG - High is good', 'per 1,000']]
    """
    columns = ["polarity", "unit", "value_type"]
    lookup = metadata.drop_duplicates("indicator_id").set_index("indicator_id")
    result = table.copy()
    for column in columns:
        if column not in lookup.columns:
            continue
        filled = result["indicator_id"].map(lookup[column])
        current = result[column] if column in result.columns else pd.Series(pd.NA, result.index)
        result[column] = current.astype("string").fillna(filled.astype("string"))
    return result
