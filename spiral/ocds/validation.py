"""Validate OCDS data offline against the shipped schemas, with errors explained in plain English.

The schemas are JSON Schema draft 4 (OCDS 1.1.5, and the 1.0.3 release schema for data that
declares no ``version``). They refer to each other by absolute address
(``https://standard.open-contracting.org/schema/1__1__5/release-schema.json``); a ``referencing``
registry maps every such address to the shipped file, and refuses any other, so validation
never touches the network.

Each error is reported with where it was found, its JSON path inside the release (or package) and
an explanation such as "`tender/value/amount` should be a number, but is the text '12,000'".
Errors are grouped by kind (a wrong type, a missing field, a code outside a closed codelist, a
badly formatted value...) and counted. Closed codelists are checked through the ``enum`` the
schema gives them; the message names the codelist.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

from spiral.ocds.problems import ProblemReport
from spiral.ocds.reader import (
    COMPILED_RELEASE,
    DATE_TIME,
    RECORD,
    RECORD_PACKAGE,
    RELEASE,
    RELEASE_PACKAGE,
    OCDSReader,
    is_array,
    kind_of,
)
from spiral.ocds.schema import BASE_URLS, load_schema

#: Kinds of validation error, as reported.
WRONG_TYPE = "wrong type"
MISSING = "missing required field"
NOT_IN_CODELIST = "code not in a closed codelist"
BAD_FORMAT = "badly formatted value"
BAD_VALUE = "value not allowed"
TOO_FEW = "too few items"
REPEATED = "repeated items"
OTHER = "other schema error"

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*\Z")
_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def _retrieve(uri: str) -> Resource:
    for tag, base in BASE_URLS.items():
        if uri.startswith(base):
            return Resource.from_contents(
                load_schema(uri[len(base) :], tag), default_specification=DRAFT4
            )
    raise NoSuchResource(uri)


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or DATE_TIME.match(value) is not None


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or _URI.match(value) is not None


_FORMATS = FormatChecker(["email"])
_FORMATS.checks("date-time")(_is_date_time)
_FORMATS.checks("uri")(_is_uri)


@cache
def validator(name: str = "release-schema.json", tag: str = "1__1__5") -> Draft4Validator:
    """A draft-4 validator for one shipped schema, resolving references offline.

    Examples
    --------
    >>> v = validator("release-package-schema.json")
    >>> v.is_valid({"uri": "https://example.com/p.json", "version": "1.1",
    ...             "publisher": {"name": "A Council"}, "publishedDate": "2024-01-01T00:00:00Z",
    ...             "releases": [{"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z",
    ...                           "tag": ["planning"], "initiationType": "tender"}]})
    True
    """
    schema = load_schema(name, tag)
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return Draft4Validator(schema, registry=registry, format_checker=_FORMATS)


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    return "a list"


def explain(error: ValidationError) -> tuple[str, str, str]:
    """Turn a jsonschema error into (kind, JSON path, plain-English explanation).

    Examples
    --------
    >>> [error] = validator().iter_errors({"ocid": "ocds-1", "id": "1",
    ...     "date": "2024-01-01T00:00:00Z", "tag": ["tender"], "initiationType": "tender",
    ...     "tender": {"id": "t", "value": {"amount": "12,000", "currency": "GBP"}}})
    >>> explain(error)
    ('wrong type', 'tender/value/amount', "`tender/value/amount` should be a number, but is the text '12,000'")
    """  # noqa: E501
    path = "/".join(str(part) for part in error.absolute_path)
    shown = f"`{path}`" if path else "the data"
    explainer = _EXPLAINERS.get(str(error.validator))
    if explainer is None:
        return OTHER, path, f"{shown}: {error.message}"
    return explainer(error, path, shown)


def _explain_type(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    expected: Any = error.validator_value
    names: list[str] = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names if name != "null")
    return WRONG_TYPE, path, f"{shown} should be {wanted}, but is {_describe(error.instance)}"


def _explain_required(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    missing = re.findall(r"'([^']+)' is a required property", error.message)
    name = missing[0] if missing else error.message
    full = f"{path}/{name}" if path else name
    return MISSING, full, f"`{full}` is missing, and it is required"


def _explain_enum(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    codelist = error.schema.get("codelist") if isinstance(error.schema, dict) else None
    value = _describe(error.instance)
    if not codelist:
        return BAD_VALUE, path, f"{shown} is {value}, which is not allowed"
    allowed: Any = error.validator_value
    codes = [str(code) for code in allowed if code is not None]
    listed = f" ({', '.join(codes)})" if len(codes) <= 12 else ""
    name = str(codelist).removesuffix(".csv")
    message = f"{shown} is {value}, which is not a code of the closed {name} codelist{listed}"
    return NOT_IN_CODELIST, path, message


def _explain_format(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    form = str(error.validator_value)
    hint = {
        "date-time": "a date and time with a time zone, like 2024-03-31T00:00:00Z",
        "uri": "a web address, like https://example.com/",
        "email": "an e-mail address",
    }.get(form, form)
    return BAD_FORMAT, path, f"{shown} should be {hint}, but is {_describe(error.instance)}"


def _explain_min_items(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    return TOO_FEW, path, f"{shown} should have at least {error.validator_value} item(s)"


def _explain_unique(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    return REPEATED, path, f"{shown} lists the same item more than once"


def _explain_value(error: ValidationError, path: str, shown: str) -> tuple[str, str, str]:
    return BAD_VALUE, path, f"{shown} is {_describe(error.instance)}, which is not allowed here"


_EXPLAINERS = {
    "type": _explain_type,
    "required": _explain_required,
    "enum": _explain_enum,
    "format": _explain_format,
    "minItems": _explain_min_items,
    "uniqueItems": _explain_unique,
    "pattern": _explain_value,
    "minLength": _explain_value,
    "minProperties": _explain_value,
    "minimum": _explain_value,
    "maximum": _explain_value,
}


def _add_errors(
    report: ProblemReport, errors: Iterable[ValidationError], where: str, prefix: str = ""
) -> None:
    for error in errors:
        kind, path, message = explain(error)
        if prefix:
            path = f"{prefix}/{path}" if path else prefix
        report.add(kind, where, message, path)


def _shell_validator(name: str) -> Draft4Validator:
    """A package schema whose ``releases``/``records`` are only checked to be a list."""
    return _shell(name)


@cache
def _shell(name: str) -> Draft4Validator:
    schema = dict(load_schema(name, "1__1__5"))
    properties = dict(schema["properties"])
    array = "releases" if "releases" in properties else "records"
    properties[array] = {"type": "array"}
    schema["properties"] = properties
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return Draft4Validator(schema, registry=registry, format_checker=_FORMATS)


def validate_item(item: Any, where: str, report: ProblemReport) -> None:
    """Validate one JSON value read from a file (a package, release or record), adding errors.

    Release packages are validated piece by piece: the package's own fields against the release
    package schema, then each release against the release schema (OCDS 1.1.5, or 1.0.3 for a
    package without ``version``), so that a big package never has to be held whole.

    Examples
    --------
    >>> report = ProblemReport()
    >>> validate_item({"ocid": "ocds-1", "id": "1", "date": "2024-13-01", "parties": [],
    ...                "tag": ["tender"], "initiationType": "tender",
    ...                "tender": {"id": "t", "procurementMethod": "auction"}}, "r.json", report)
    >>> report.counts
    {'badly formatted value': 1, 'code not in a closed codelist': 1}
    >>> print(report.examples["code not in a closed codelist"][0].message)
    `tender/procurementMethod` is the text 'auction', which is not a code of the closed method codelist (open, selective, limited, direct)
    """  # noqa: E501
    kind = kind_of(item)
    if kind == RELEASE_PACKAGE:
        version = item.get("version")
        tag = "1__0__3" if version is None else "1__1__5"
        if version is not None:
            shell = {k: v for k, v in item.items() if k != "releases"}
            shell["releases"] = []
            _add_errors(
                report, _shell_validator("release-package-schema.json").iter_errors(shell), where
            )
        releases = item.get("releases")
        if not is_array(releases):
            report.add(WRONG_TYPE, where, "`releases` should be a list", "releases")
        else:
            release_validator = validator("release-schema.json", tag)
            for index, release in enumerate(releases):
                _add_errors(
                    report,
                    release_validator.iter_errors(release),
                    f"{where}, releases[{index}]",
                )
    elif kind == RECORD_PACKAGE:
        records = item.get("records")
        shell = {k: v for k, v in item.items() if k != "records"}
        shell["records"] = []
        _add_errors(report, _shell("record-package-schema.json").iter_errors(shell), where)
        if not is_array(records):
            report.add(WRONG_TYPE, where, "`records` should be a list", "records")
        else:
            whole = validator("record-package-schema.json")
            for index, record in enumerate(records):
                errors = whole.iter_errors({**shell, "records": [record]})
                _add_errors(
                    report,
                    (e for e in errors if e.absolute_path and e.absolute_path[0] == "records"),
                    f"{where}, records[{index}]",
                )
    elif kind in (RELEASE, COMPILED_RELEASE):
        tag = "1__1__5" if "parties" in item or "version" in item else "1__0__3"
        _add_errors(report, validator("release-schema.json", tag).iter_errors(item), where)
    elif kind == RECORD:
        shell = {
            "uri": "placeholder:",
            "publisher": {"name": ""},
            "publishedDate": "2000-01-01T00:00:00Z",
            "version": "1.1",
            "records": [item],
        }
        _add_errors(report, validator("record-package-schema.json").iter_errors(shell), where)
    else:
        report.add(OTHER, where, "this is neither a release, a record nor a package")


def validate_files(
    paths: Iterable[str | os.PathLike[str]], reader: OCDSReader | None = None
) -> ProblemReport:
    """Validate OCDS files of any shape; return the errors grouped by kind, with counts.

    JSON that cannot be read is reported too (invalid JSON with its line and column, a truncated
    file); the rest of the file is still validated where it can be read. A ``reader`` may be
    given to set how files are read (see :class:`~spiral.ocds.reader.OCDSReader`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
    >>> _ = source.write_text('{"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z",'
    ...     ' "tag": ["tender"], "initiationType": "tender", "parties": [],'
    ...     ' "tender": {"id": "t", "value": {"amount": "12,000", "currency": "GBP"}}}\\n')
    >>> report = validate_files([source])
    >>> report.counts
    {'wrong type': 1}
    >>> str(report.examples["wrong type"][0])
    "r.jsonl at tender/value/amount: `tender/value/amount` should be a number, but is the text '12,000'"
    """  # noqa: E501
    reader = reader if reader is not None else OCDSReader()
    report = reader.report
    for path in paths:
        for item, where in reader.items(path):
            validate_item(item, where, report)
            reader.finish(item, where)
    return report
