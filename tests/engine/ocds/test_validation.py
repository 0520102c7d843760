"""Offline validation against the shipped OCDS schemas, with explained, grouped errors.

References: the OCDS 1.1.5 schemas and codelists (open-contracting/standard tag ``1__1__5``) and
the 1.0.3 release schema, shipped in ``spiral/ocds/schema/``; the data in
``tests/reference/ocds/`` (see its README): the OCP fictional example, the Mexico City packages
and five Contracts Finder packages are valid; ``broken/bad-lines.jsonl`` has one fault per line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from referencing.exceptions import NoSuchResource

from spiral.ocds import validation
from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_files, validate_item, validator

REFERENCE = Path(__file__).parents[2] / "reference" / "ocds"


@pytest.mark.parametrize(
    "pattern",
    [
        "contracts_finder/*.json",
        "sample-fictional/*.json",
        "sample-fictional/record/*.json",
        "realdata/*.json",
        "expected/*.record-package.json",
    ],
)
def test_the_reference_data_is_valid(pattern: str) -> None:
    paths = sorted(REFERENCE.glob(pattern))
    assert paths
    report = validate_files(paths)
    if pattern.startswith("expected"):
        # ocdskit leaves the record package's uri and publishedDate empty unless told them, and
        # lists a package once per release package read (the fictional example's six packages
        # share one uri).
        found = {(p.kind, p.path) for shown in report.examples.values() for p in shown}
        assert found == {
            (validation.BAD_FORMAT, "uri"),
            (validation.BAD_FORMAT, "publishedDate"),
            (validation.REPEATED, "packages"),
        }
    else:
        assert report.counts == {}


def test_errors_are_grouped_by_kind_with_explanations() -> None:
    report = validate_files([REFERENCE / "broken" / "bad-lines.jsonl"])
    assert report.counts == {
        "invalid JSON": 2,
        validation.MISSING: 1,
        validation.BAD_FORMAT: 1,
        validation.WRONG_TYPE: 1,
        validation.NOT_IN_CODELIST: 1,
        "truncated file": 1,
    }
    [missing] = report.examples[validation.MISSING]
    assert (missing.where, missing.path, missing.message) == (
        "bad-lines.jsonl, line 3",
        "ocid",
        "`ocid` is missing, and it is required",
    )
    [code] = report.examples[validation.NOT_IN_CODELIST]
    assert code.message == (
        "`tender/value/currency` is the text 'XYZ', which is not a code of the closed currency "
        "codelist"
    )
    [date] = report.examples[validation.BAD_FORMAT]
    assert date.message == (
        "`date` should be a date and time with a time zone, like 2024-03-31T00:00:00Z, but is "
        "the text '15/03/2010'"
    )


def test_package_fields_and_each_release_are_checked() -> None:
    report = ProblemReport()
    package = {
        "uri": "https://example.com/p.json",
        "version": "1.1",
        "publishedDate": "yesterday",
        "publisher": {"name": "A Council"},
        "releases": [
            {
                "ocid": "o",
                "id": "1",
                "date": "2024-01-01T00:00:00Z",
                "tag": ["tender"],
                "initiationType": "tender",
                "tender": {"id": "t", "status": "ongoing"},
            },
        ],
    }
    validate_item(package, "p.json", report)
    assert [(p.where, p.path) for shown in report.examples.values() for p in shown] == [
        ("p.json", "publishedDate"),
        ("p.json, releases[0]", "tender/status"),
    ]
    assert report.counts == {validation.BAD_FORMAT: 1, validation.NOT_IN_CODELIST: 1}


def test_a_package_without_version_is_checked_against_ocds_1_0() -> None:
    report = ProblemReport()
    release = {
        "ocid": "o",
        "id": "1",
        "date": "2024-01-01T00:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "tender": {"id": "t", "procurementMethod": "open"},
    }
    validate_item(
        {
            "uri": "u",
            "publishedDate": "2024-01-01T00:00:00Z",
            "publisher": {"name": "p"},
            "releases": [release],
        },
        "p.json",
        report,
    )
    assert report.counts == {}


def test_schemas_resolve_offline_and_no_other_address() -> None:
    assert validator("record-package-schema.json").is_valid(
        {
            "uri": "https://example.com/r.json",
            "version": "1.1",
            "publisher": {"name": "p"},
            "publishedDate": "2024-01-01T00:00:00Z",
            "records": [
                {
                    "ocid": "o",
                    "releases": [
                        {
                            "url": "https://example.com/p.json#1",
                            "date": "2024-01-01T00:00:00Z",
                            "tag": ["tender"],
                        }
                    ],
                }
            ],
        }
    )
    with pytest.raises(NoSuchResource):
        validation._retrieve("https://example.com/schema.json")


@pytest.mark.parametrize("limit", [1 << 30, 100])
def test_a_truncated_package_is_reported_and_its_complete_releases_validated(limit: int) -> None:
    from spiral.ocds.reader import OCDSReader

    reader = OCDSReader(whole_file_limit=limit)
    report = validate_files([REFERENCE / "broken" / "truncated-package.json"], reader)
    assert report.counts == {"truncated file": 1}


def test_releases_that_are_not_a_list_are_an_error() -> None:
    report = ProblemReport()
    validate_item(
        {
            "uri": "https://example.com/p.json",
            "version": "1.1",
            "publisher": {"name": "p"},
            "publishedDate": "2024-01-01T00:00:00Z",
            "releases": "none",
        },
        "p.json",
        report,
    )
    assert report.counts == {validation.WRONG_TYPE: 1}
    assert report.examples[validation.WRONG_TYPE][0].message == "`releases` should be a list"
