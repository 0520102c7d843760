"""The Fingertips API client, against recorded answers (never the network).

Reference answers: ``tests/reference/fingertips_api/`` (see its README).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from spiral.exceptions import InputError
from spiral.indicators.fingertips_api import (
    FingertipsClient,
    FingertipsError,
    add_metadata,
    urllib_transport,
)

RECORDED = Path(__file__).parents[2] / "reference" / "fingertips_api"


class Recorder:
    """A transport answering from recorded files and noting what was asked."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, float]] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls.append((url, timeout))
        for fragment, name in self.answers.items():
            if fragment in url:
                return (RECORDED / name).read_bytes()
        raise FingertipsError(f"no recorded answer for {url}")


def test_indicator_data_asks_for_the_csv_export_and_reads_it() -> None:
    recorder = Recorder({"all_data/csv": "all_data_by_indicator_id_93085_502.csv"})
    client = FingertipsClient(transport=recorder, timeout=5)
    table = client.indicator_data([93085], child_area_type_id=502, parent_area_type_id=6)
    assert recorder.calls == [
        (
            "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id"
            "?indicator_ids=93085&child_area_type_id=502&parent_area_type_id=6",
            5,
        )
    ]
    assert len(table) == 10
    assert set(table["area_code"]) == {
        "E92000001",
        "E06000008",
        "E06000009",
        "E08000001",
        "E08000003",
    }


def test_several_indicator_ids_are_joined_with_commas() -> None:
    recorder = Recorder({"indicator_metadata": "indicator_metadata_93085.csv"})
    FingertipsClient(transport=recorder).indicator_metadata([93085, 90366])
    assert recorder.calls[0][0].endswith("?indicator_ids=93085,90366")


def test_metadata_gives_polarity_unit_and_value_type() -> None:
    recorder = Recorder({"indicator_metadata": "indicator_metadata_93085.csv"})
    meta = FingertipsClient(transport=recorder).indicator_metadata(93085)
    assert meta.iloc[0].to_dict() == {
        "indicator_id": "93085",
        "indicator_name": "Smoking status at time of delivery",
        "polarity": "RAG - Low is good",
        "unit": "%",
        "value_type": "Proportion",
    }


def test_metadata_fills_the_table_so_areas_can_be_compared() -> None:
    recorder = Recorder(
        {
            "all_data/csv": "all_data_by_indicator_id_93085_502.csv",
            "indicator_metadata": "indicator_metadata_93085.csv",
        }
    )
    client = FingertipsClient(transport=recorder)
    table = add_metadata(client.indicator_data(93085, 502), client.indicator_metadata(93085))
    assert set(table["polarity"]) == {"RAG - Low is good"}
    assert set(table["unit"]) == {"%"}


def test_area_types_come_back_as_a_list() -> None:
    recorder = Recorder({"area_types": "area_types.json"})
    types = FingertipsClient(transport=recorder).area_types()
    assert {item["Id"] for item in types} == {6, 15, 402, 502}


def test_it_rejects_an_indicator_id_that_is_not_a_number() -> None:
    with pytest.raises(InputError, match="indicator ids"):
        FingertipsClient(transport=Recorder({})).indicator_metadata(["abc"])  # type: ignore[list-item]


def test_the_standard_transport_turns_network_failures_into_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(request: urllib.request.Request, timeout: float) -> None:
        assert timeout == 7
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(FingertipsError, match="could not reach Fingertips"):
        urllib_transport("https://fingertips.phe.org.uk/api/area_types", 7)


def test_the_standard_transport_only_fetches_web_addresses() -> None:
    with pytest.raises(FingertipsError, match="not a web address"):
        urllib_transport("file:///etc/passwd", 1)
