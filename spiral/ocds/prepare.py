"""Prepare OCDS data for analysis: correct known publisher quirks, and count every change.

Preparing is a step of its own, before any indicator or red flag is computed, so that what was
changed is visible and can be switched off. Each correction is set in :class:`PrepareSettings`
and counted in the :class:`PrepareReport`:

- ``procurement_method``: fill a missing ``tender.procurementMethod`` with a default (off unless
  set; Contracts Finder leaves it out of most notices);
- ``add_missing_tags``: a release tagged ``tender`` that carries ``awards`` (or ``contracts``) is
  also tagged ``award`` (or ``contract``), as Contracts Finder's releases need;
- ``duplicate_ids``: of releases with the same ``ocid`` and ``id``, an exact copy is dropped; one
  that differs is kept under a new ``id`` (``<id>-duplicate-<n>``) so that both survive merging
  and stay distinct in a versioned release;
- ``amounts_from_text``: an amount written as text (``"12,000"``, ``"£1,500.50"``) becomes a
  number when it reads as one;
- ``currency_case``: a currency code in lower case (``"gbp"``) is written in capitals when that
  is an ISO 4217 code;
- ``default_currency``: a value with an amount but no currency gets this currency (off unless
  set);
- ``date_only``: a date without a time (``"2024-03-31"``) becomes midnight UTC
  (``"2024-03-31T00:00:00Z"``), the form OCDS asks for.

The same preparation applies to releases and to compiled releases. This follows the idea of the
``prepare`` command of open-contracting/cardinal-rs (defaults and corrections set in a settings
file, with a report of what changed); the corrections are Spiral's.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from spiral.ocds.problems import ProblemReport
from spiral.ocds.schema import codelist

FILLED_PROCUREMENT_METHOD = "tender/procurementMethod filled with the default"
ADDED_AWARD_TAG = "tag 'award' added to a release that carries awards"
ADDED_CONTRACT_TAG = "tag 'contract' added to a release that carries contracts"
DROPPED_DUPLICATE = "exact duplicate release dropped"
RENAMED_DUPLICATE = "release with a repeated id given a new id"
AMOUNT_FROM_TEXT = "amount converted from text to a number"
AMOUNT_NOT_CONVERTED = "amount given as text left as it is (not a number)"
CURRENCY_CAPITALISED = "currency code put in capitals"
CURRENCY_FILLED = "currency filled with the default"
DATE_COMPLETED = "date without a time set to midnight UTC"

_VALUE_KEYS = ("value", "minValue", "amount")
_AWARD_TAGS = frozenset({"award", "awardUpdate", "awardCancellation", "compiled"})
_CONTRACT_TAGS = frozenset(
    {"contract", "contractUpdate", "contractAmendment", "contractTermination", "compiled"}
)
_NUMBER_TEXT = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?\Z")
_DATE_ONLY = re.compile(r"\d{4}-\d\d-\d\d\Z")
_DATE_KEYS = frozenset(
    {
        "date",
        "startDate",
        "endDate",
        "maxExtentDate",
        "dateSigned",
        "datePublished",
        "dateModified",
        "dateMet",
        "dueDate",
        "dateAmended",
    }
)


@dataclass(frozen=True)
class PrepareSettings:
    """Which corrections to make, and the defaults to fill in.

    Examples
    --------
    >>> PrepareSettings(procurement_method="open").procurement_method
    'open'
    """

    procurement_method: str | None = None
    add_missing_tags: bool = True
    duplicate_ids: bool = True
    amounts_from_text: bool = True
    currency_case: bool = True
    default_currency: str | None = None
    date_only: bool = True


@dataclass
class PrepareReport:
    """How many times each correction was made."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, correction: str, count: int = 1) -> None:
        """Count a correction."""
        self.counts[correction] = self.counts.get(correction, 0) + count

    def text(self) -> str:
        """One line per correction, with its count."""
        if not self.counts:
            return "no changes"
        return "\n".join(f"{count:>8}  {name}" for name, count in self.counts.items())


class Preparer:
    """Prepare releases one at a time, remembering ids to find duplicates.

    Releases are corrected in place (they are usually fresh from the reader).

    Examples
    --------
    >>> preparer = Preparer(PrepareSettings(procurement_method="open"))
    >>> release = {"ocid": "ocds-1", "id": "1", "date": "2024-01-01", "tag": ["tender"],
    ...            "tender": {"id": "t", "value": {"amount": "12,000", "currency": "gbp"}},
    ...            "awards": [{"id": "a"}]}
    >>> prepared = preparer.prepare(release)
    >>> prepared["tag"], prepared["date"], prepared["tender"]
    (['tender', 'award'], '2024-01-01T00:00:00Z', {'id': 't', 'value': {'amount': 12000.0, 'currency': 'GBP'}, 'procurementMethod': 'open'})
    >>> preparer.prepare(dict(release)) is None  # the same release again
    True
    >>> print(preparer.report.text())
           1  tag 'award' added to a release that carries awards
           1  date without a time set to midnight UTC
           1  amount converted from text to a number
           1  currency code put in capitals
           1  tender/procurementMethod filled with the default
           1  exact duplicate release dropped
    """  # noqa: E501

    def __init__(self, settings: PrepareSettings | None = None) -> None:
        self.settings = settings or PrepareSettings()
        self.report = PrepareReport()
        self._seen: dict[tuple[str, str], list[bytes]] = {}
        self._currencies = codelist("currency.csv")

    def prepare(self, release: dict[str, Any]) -> dict[str, Any] | None:
        """Correct one release; ``None`` when it is an exact duplicate to drop."""
        settings = self.settings
        if settings.add_missing_tags:
            self._tags(release)
        if (
            settings.date_only
            or settings.amounts_from_text
            or settings.currency_case
            or (settings.default_currency)
        ):
            self._walk(release)
        tender = release.get("tender")
        if (
            settings.procurement_method
            and isinstance(tender, dict)
            and not tender.get("procurementMethod")
        ):
            tender["procurementMethod"] = settings.procurement_method
            self.report.add(FILLED_PROCUREMENT_METHOD)
        if settings.duplicate_ids and "ocid" in release:
            return self._deduplicate(release)
        return release

    def _tags(self, release: dict[str, Any]) -> None:
        tag = release.get("tag")
        if not isinstance(tag, list):
            return
        if release.get("awards") and not _AWARD_TAGS.intersection(tag):
            tag.append("award")
            self.report.add(ADDED_AWARD_TAG)
        if release.get("contracts") and not _CONTRACT_TAGS.intersection(tag):
            tag.append("contract")
            self.report.add(ADDED_CONTRACT_TAG)

    def _walk(self, node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                if isinstance(item, dict | list):
                    self._walk(item)
            return
        for key, value in node.items():
            if isinstance(value, dict):
                if key in _VALUE_KEYS and ("amount" in value or "currency" in value):
                    self._value(value)
                self._walk(value)
            elif isinstance(value, list):
                self._walk(value)
            elif (
                self.settings.date_only
                and key in _DATE_KEYS
                and isinstance(value, str)
                and _DATE_ONLY.match(value)
            ):
                node[key] = f"{value}T00:00:00Z"
                self.report.add(DATE_COMPLETED)

    def _value(self, value: dict[str, Any]) -> None:
        settings = self.settings
        amount = value.get("amount")
        if settings.amounts_from_text and isinstance(amount, str):
            text = amount.strip().lstrip("£$€").replace(" ", "")
            if _NUMBER_TEXT.match(text):
                value["amount"] = float(text.replace(",", ""))
                self.report.add(AMOUNT_FROM_TEXT)
            else:
                self.report.add(AMOUNT_NOT_CONVERTED)
        currency = value.get("currency")
        if (
            settings.currency_case
            and isinstance(currency, str)
            and currency not in self._currencies
            and currency.upper() in self._currencies
        ):
            value["currency"] = currency.upper()
            self.report.add(CURRENCY_CAPITALISED)
        if settings.default_currency and value.get("amount") is not None and not currency:
            value["currency"] = settings.default_currency
            self.report.add(CURRENCY_FILLED)

    def _deduplicate(self, release: dict[str, Any]) -> dict[str, Any] | None:
        key = (str(release.get("ocid")), str(release.get("id")))
        digest = hashlib.blake2b(
            orjson.dumps(release, option=orjson.OPT_SORT_KEYS), digest_size=16
        ).digest()
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = [digest]
            return release
        if digest in seen:
            self.report.add(DROPPED_DUPLICATE)
            return None
        seen.append(digest)
        release["id"] = f"{release.get('id')}-duplicate-{len(seen) - 1}"
        self.report.add(RENAMED_DUPLICATE)
        return release


def prepare_releases(
    releases: Iterable[dict[str, Any]],
    settings: PrepareSettings | None = None,
    report: PrepareReport | None = None,
) -> Iterator[dict[str, Any]]:
    """Prepare a stream of releases (or compiled releases), counting changes in ``report``.

    Examples
    --------
    >>> report = PrepareReport()
    >>> releases = [{"ocid": "o", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],
    ...              "tender": {"id": "t"}}] * 2
    >>> [r["tender"] for r in prepare_releases(releases, PrepareSettings(procurement_method="open"),
    ...                                        report)]
    [{'id': 't', 'procurementMethod': 'open'}]
    >>> report.counts
    {'tender/procurementMethod filled with the default': 1, 'exact duplicate release dropped': 1}
    """
    preparer = Preparer(settings)
    if report is not None:
        preparer.report = report
    for release in releases:
        prepared = preparer.prepare(release)
        if prepared is not None:
            yield prepared


@dataclass
class PrepareResult:
    """What a prepare run read, wrote and changed, and the problems it met reading."""

    changes: PrepareReport
    problems: ProblemReport
    read: int = 0
    written: int = 0


def write_prepared(
    paths: Iterable[str | os.PathLike[str]],
    out: IO[bytes],
    settings: PrepareSettings | None = None,
) -> PrepareResult:
    """Read OCDS files, prepare every release and write them as JSON Lines, one per line.

    Examples
    --------
    >>> import io, pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
    >>> _ = source.write_text('{"ocid": "o", "id": "1", "date": "2024-01-01", "tag": ["tender"],'
    ...                       ' "tender": {"id": "t"}, "awards": [{"id": "a"}]}\\n')
    >>> buffer = io.BytesIO()
    >>> result = write_prepared([source], buffer, PrepareSettings(procurement_method="open"))
    >>> buffer.getvalue()
    b'{"ocid":"o","id":"1","date":"2024-01-01T00:00:00Z","tag":["tender","award"],"tender":{"id":"t","procurementMethod":"open"},"awards":[{"id":"a"}]}\\n'
    >>> result.changes.counts[FILLED_PROCUREMENT_METHOD], result.read, result.written
    (1, 1, 1)
    """
    from spiral.ocds.reader import OCDSReader

    reader = OCDSReader()
    result = PrepareResult(PrepareReport(), reader.report)
    preparer = Preparer(settings)
    preparer.report = result.changes
    dumps = orjson.dumps
    for entry in reader.releases(paths):
        result.read += 1
        prepared = preparer.prepare(entry.release)
        if prepared is not None:
            out.write(dumps(prepared))
            out.write(b"\n")
            result.written += 1
    return result
