"""Red flags against Cardinal's own fixtures and documented examples.

Reference: open-contracting/cardinal-rs at commit b04158ab (MIT), copied to
``tests/reference/cardinal/`` (see its README):

- every ``indicators/*.jsonl`` fixture with an ``.expected`` file must give identical results,
  with the settings its file name encodes plus the global
  ``no_price_comparison_procurement_methods = NPC`` and ``[exclusions]
  procurement_method_details = EXC``;
- the fixtures without ``.expected`` are checked against results derived by hand from the
  definitions in Cardinal's documentation (``docs/cli/indicators/R/*.md``), the derivation
  written beside each (they agree with the ``.expected`` files that Cardinal's repository
  holds for these fixtures, for example R025 at commit f98573684d9a and R036, R058 at
  4bf620707c32, which were not part of the copied set);
- every example of ``docs_examples/expected_outputs.txt`` (command and output) must be
  reproduced exactly;
- the ``Meta`` example of ``docs/cli/indicators/index.md`` (R024: q1 66.6667, q3 100.0,
  lower fence 16.6667) is the Meta of the R024 fixture.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.ocds.flags import (
    FlagSettings,
    SettingsError,
    flag_bytes,
    flag_file,
    flag_lines,
    flag_releases,
    parse_settings,
)
from spiral.ocds.flags.quartiles import quantile_type8

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cardinal"
FIXTURES = REFERENCE / "indicators"
EXAMPLES = REFERENCE / "docs_examples"
GLOBAL = (
    "no_price_comparison_procurement_methods = NPC\n"
    "[exclusions]\nprocurement_method_details = EXC\n"
)


def settings_for(stem: str) -> FlagSettings:
    """The settings a fixture's file name encodes (see the reference README)."""
    code, *rest = stem.split("-")
    text = GLOBAL + f"[{code}]\n"
    if rest and rest[0] == "procurement_method_details":
        pairs = rest[1:]
        text += f"[{code}.procurement_method_details]\n"
        text += "".join(f"{pairs[i]} = {pairs[i + 1]}\n" for i in range(0, len(pairs), 2))
    elif rest and rest[0] != "tenderer":
        text += f"{rest[0]} = {'|'.join(rest[1].split('+'))}\n"
    return parse_settings(text)


def run_fixture(stem: str, *, meta: bool = False) -> dict[str, object]:
    return flag_file(FIXTURES / f"{stem}.jsonl", settings_for(stem), meta=meta).results


EXPECTED = sorted(path.stem for path in FIXTURES.glob("*.expected"))


def test_every_fixture_is_covered() -> None:
    stems = {path.stem for path in FIXTURES.glob("*.jsonl")}
    assert stems == set(EXPECTED) | set(HAND_DERIVED)
    assert len(EXPECTED) == 8


@pytest.mark.parametrize("stem", EXPECTED)
def test_it_reproduces_cardinals_expected_results(stem: str) -> None:
    expected = orjson.loads((FIXTURES / f"{stem}.expected").read_bytes())
    assert run_fixture(stem) == expected


# Derived by hand from the documented definitions; the reasoning is in each comment.
HAND_DERIVED: dict[str, dict[str, object]] = {
    # Tenderer F has valid bids in processes 0-8, 4 and F (its three bids in F count once):
    # 10 processes, 2 won (4 and F): 0.2. N: 1 process, none won: 0.0. 0-3 and 5-8: 1/1.
    # The cancelled tender is left out. Valid-bid counts [10, 1 x 9]: 75th percentile
    # (type 8) is 1, so every tenderer is a top tenderer. Ratios [0, 0.2, 1 x 8]:
    # Q1 = 0.2 + 0.9167 x 0.8 = 0.9333, Q3 = 1, lower fence 0.8333 > 0. Flagged: F, N.
    "R025": {"Tenderer": {"F": {"R025": 0.2}, "N": {"R025": 0.0}}},
    # Only F has a valid late bid (2000-04-01 after 2000-03-15) from an active award's
    # supplier: the losing bid is not the supplier's; pending and invalid awards are not
    # active; the cancelled tender is left out.
    "R030": {"OCID": {"F": {"R030": 1.0}}, "Tenderer": {"W": {"R030": 1.0}}},
    # Lowest submitted bid disqualified, with an active award and a valid bid with an amount:
    # F (1 < 2); invited and withdrawn (those bids are not submitted, so 10 is lowest);
    # equal (the first lowest, 1, is disqualified; the valid 1 is not lower). Not: pending
    # (the pending 1 is lowest), valid, nonfinal (no active award), cancelled tender,
    # missing amount (no valid bid with an amount), NPC and EXC.
    "R036": {
        "OCID": {
            "F": {"R036": 1.0},
            "invited": {"R036": 1.0},
            "withdrawn": {"R036": 1.0},
            "equal": {"R036": 1.0},
        }
    },
    # Tenderer D: 1 of 2 submitted bids disqualified (0.5); tenderers 0-3 have 1 bid each,
    # below the minimum of 2 submitted bids. Ratios {D: 0.5}: Q1 = Q3 = 0.5, fence 0.5.
    "R038-tenderer": {"Tenderer": {"D": {"R038": 0.5}}},
    # Buyer B and procuring entity P: 1 of 2 submitted bids disqualified (the cancelled
    # tender is left out); the others have one submitted bid each, below the minimum of 2.
    # Tenderers all have one bid each. Ratios {0.5}: fence 0.5, flagged.
    "R038": {"Buyer": {"B": {"R038": 0.5}}, "ProcuringEntity": {"P": {"R038": 0.5}}},
    # With minimum_contracting_processes = 1: F supplies classes 10 and 11 (2 prefixes),
    # 1-4 supply class 10 only; non-active awards, two suppliers, and the cancelled tender
    # are left out. Lengths [1, 1, 1, 1, 2]: Q1 = 1, Q3 = 1.3333, fence 1.8333: F flagged.
    "R048-minimum_contracting_processes-1": {"Tenderer": {"F": {"R048": 2.0}}},
    # Differences (second-lowest valid - winning) / winning: F 100; 1, 2, 3 and accept 0;
    # every other process is excluded (pending or invalid award, the winner's bid not valid,
    # winner not lowest, several awards, several tenderers on the other bid, several
    # suppliers, cancelled, NPC, EXC). [0, 0, 0, 0, 100]: Q1 = 0, Q3 = 33.33, upper fence
    # 83.33: F flagged, its winner W gets 0.0.
    "R058": {"OCID": {"F": {"R058": 100.0}}, "Tenderer": {"W": {"R058": 0.0}}},
}


@pytest.mark.parametrize("stem", sorted(HAND_DERIVED))
def test_it_gives_the_hand_derived_results(stem: str) -> None:
    assert run_fixture(stem) == HAND_DERIVED[stem]


def documented_examples() -> list[tuple[str, str, str]]:
    lines = (EXAMPLES / "expected_outputs.txt").read_text(encoding="utf-8").splitlines()
    cases = []
    for command, output in zip(lines[::2], lines[1::2], strict=True):
        words = command.split()
        settings = words[words.index("--settings") + 1]
        cases.append((settings, words[-1], output))
    return cases


@pytest.mark.parametrize(("settings", "data", "output"), documented_examples())
def test_it_reproduces_each_documented_example(settings: str, data: str, output: str) -> None:
    settings_path = EXAMPLES / Path(settings).name
    data_path = EXAMPLES / Path(data).name
    result = flag_file(
        data_path, parse_settings(settings_path.read_text(encoding="utf-8")), meta=False
    ).results
    assert result == json.loads(output)


def test_the_documented_example_count_is_eleven() -> None:
    assert len(documented_examples()) == 11


def test_the_meta_of_r024_matches_the_documented_example() -> None:
    meta = run_fixture("R024", meta=True)["Meta"]
    assert meta == {"R024": {"q1": 66.6667, "q3": 100.0, "lower_fence": 16.6667}}


def test_meta_is_left_out_on_request_and_present_otherwise() -> None:
    assert "Meta" not in run_fixture("R003")
    assert run_fixture("R003", meta=True)["Meta"] == {}


def test_a_fixed_threshold_replaces_the_fence_in_meta() -> None:
    settings = parse_settings(GLOBAL + "[R024]\nthreshold = 0.5\n")
    results = flag_file(FIXTURES / "R024.jsonl", settings).results
    assert results["Meta"] == {"R024": {"lower_fence": 0.5}}
    assert results["OCID"] == {"F": {"R024": 0.0}, "repeat tenderers": {"R024": 0.0}}


def test_an_outlier_flag_is_skipped_when_its_fence_is_not_positive() -> None:
    # Every difference is 0: Q1 = Q3 = 0 and the fence is 0, so R024 is skipped rather
    # than flagging every process.
    lines = [
        {
            "ocid": str(i),
            "bids": {
                "details": [
                    {
                        "status": "valid",
                        "tenderers": [{"id": "W"}],
                        "value": {"amount": 1, "currency": "USD"},
                    },
                    {
                        "status": "valid",
                        "tenderers": [{"id": "L"}],
                        "value": {"amount": 1, "currency": "USD"},
                    },
                ]
            },
            "awards": [{"status": "active", "suppliers": [{"id": "W"}]}],
        }
        for i in range(5)
    ]
    data = b"\n".join(orjson.dumps(line) for line in lines)
    results = flag_bytes(data, parse_settings("[R024]")).results
    assert results == {"Meta": {"R024": {"q1": 0.0, "q3": 0.0, "lower_fence": 0.0}}}


def test_invalid_lines_are_skipped_and_reported_by_number() -> None:
    data = b'{"ocid":"F","tender":{"numberOfTenderers":1,"procurementMethod":"open"}}\n\nnope\n'
    run = flag_bytes(data, parse_settings("[R018]"), meta=False)
    assert run.results == {"OCID": {"F": {"R018": 1.0}}}
    assert (run.invalid_lines, run.invalid_count, run.releases) == ([3], 1, 1)


def _parallel_file(tmp_path: Path) -> Path:
    lines = []
    for fixture in sorted(FIXTURES.glob("*.jsonl")):
        for number, line in enumerate(fixture.read_bytes().splitlines()):
            release = orjson.loads(line)
            release["ocid"] = f"{fixture.stem}/{number}/{release['ocid']}"
            lines.append(orjson.dumps(release))
    path = tmp_path / "all.jsonl"
    path.write_bytes(b"\n".join(lines * 3) + b"\n")
    return path


def test_two_processes_give_the_same_results_as_one(tmp_path: Path) -> None:
    path = _parallel_file(tmp_path)
    settings = parse_settings(GLOBAL + (EXAMPLES / "settings.ini").read_text())
    single = flag_bytes(path.read_bytes(), settings).results
    parallel = flag_file(path, settings, processes=2, piece_bytes=2048).results
    assert parallel == single
    assert list(parallel) == list(single)


def test_the_main_currency_is_the_first_in_file_order_however_the_file_is_cut(
    tmp_path: Path,
) -> None:
    def release(ocid: str, currency: str) -> bytes:
        return orjson.dumps(
            {
                "ocid": ocid,
                "bids": {
                    "details": [
                        {"status": "disqualified", "value": {"amount": 1, "currency": currency}},
                        {"status": "valid", "value": {"amount": 2, "currency": currency}},
                    ]
                },
                "awards": [{"status": "active"}],
            }
        )

    lines = [release(f"cad{i}", "CAD") for i in range(20)]
    lines += [release(f"usd{i}", "USD") for i in range(20)]
    path = tmp_path / "currencies.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    settings = parse_settings("[R036]")
    parallel = flag_file(path, settings, processes=2, piece_bytes=1000, meta=False).results
    assert parallel == {"OCID": {f"cad{i}": {"R036": 1.0} for i in range(20)}}
    usd = parse_settings("currency = USD\n[R036]")
    assert set(flag_file(path, usd, meta=False).results["OCID"]) == {f"usd{i}" for i in range(20)}


def test_settings_enable_only_the_sections_present() -> None:
    settings = parse_settings("; comment\n[R018]\nprocurement_methods = open|limited\n")
    assert settings.enabled == frozenset({"R018"})
    assert settings.r018_procurement_methods == frozenset({"open", "limited"})


def test_settings_ignore_the_prepare_sections() -> None:
    settings = parse_settings("[defaults]\ncurrency = USD\n[codelists.bid_status]\nq = valid\n")
    assert settings.enabled == frozenset()


def test_settings_raise_r035_threshold_to_one() -> None:
    assert parse_settings("[R035]\nthreshold = 0").r035_threshold == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[R999]", "unknown section [R999]"),
        ("[R024]\nfence = 1", "[R024] has an unknown property: fence"),
        ("[R024]\nthreshold = low", "[R024] threshold must be a number, not 'low'"),
        ("[R048]\ndigits = two", "[R048] digits must be a whole number, not 'two'"),
        ("colour = red", "unknown global property: colour"),
        ("[R025]\npercentile = 101", "[R025] percentile must be between 0 and 100"),
    ],
)
def test_it_rejects_bad_settings_naming_the_section_and_property(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        parse_settings(text)
    assert str(error.value) == message


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50),
    st.floats(0, 1),
)
def test_quantiles_are_hyndman_fan_type_8(values: list[float], probability: float) -> None:
    # numpy's "median_unbiased" method is Hyndman and Fan's definition 8.
    expected = float(np.quantile(values, probability, method="median_unbiased"))
    assert math.isclose(quantile_type8(values, probability), expected, rel_tol=1e-9, abs_tol=1e-6)


def test_reading_only_the_needed_fields_changes_no_result(tmp_path: Path) -> None:
    # Every fixture line, plus lines whose members have unexpected types, gives the same
    # results through the file reader (selective decoding) as through full parsing.
    lines = _parallel_file(tmp_path).read_bytes().splitlines()
    odd = [
        b'{"ocid":"t","tender":"open","awards":[{"status":"active"}]}',
        b'{"ocid":"a","awards":["x",{"status":"active","items":null}],"bids":{"details":[]}}',
        b'{"ocid":"b","bids":{"details":[1,{"status":"valid"}]},"awards":[]}',
        b'{"ocid":"i","awards":[{"status":"active","suppliers":[{"id":"S"}],'
        b'"items":[3,{"classification":{"id":"10"}}]}]}',
        b"[1, 2]",
        b'{"ocid":5,"tender":{"numberOfTenderers":1}}',
    ]
    data = b"\n".join(lines + odd) + b"\n"
    settings = parse_settings(GLOBAL + (EXAMPLES / "settings.ini").read_text())
    parsed = [orjson.loads(line) for line in lines + odd]
    assert flag_bytes(data, settings).results == flag_releases(parsed, settings)


def test_a_stream_read_in_pieces_gives_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.ocds.flags import runner

    data = _parallel_file(tmp_path).read_bytes() + b"not json\n"
    settings = parse_settings(GLOBAL + (EXAMPLES / "settings.ini").read_text())
    whole = flag_bytes(data, settings)
    monkeypatch.setattr(runner, "PIECE_BYTES", 500)
    streamed = flag_lines(iter(data.splitlines(keepends=True)), settings)
    assert streamed.results == whole.results
    assert streamed.invalid_lines == whole.invalid_lines == [len(data.splitlines())]
