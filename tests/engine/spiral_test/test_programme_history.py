"""Reading a programme's history: the documented JSON format (schema version 1), and errors
that name the cycle or indicator and the field."""

import json
from pathlib import Path
from typing import Any

import pytest
from spiral_scenarios import scenario

from spiral.spiral_test import HistoryError, load_history, parse_history
from spiral.spiral_test.periods import parse_period

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "programme-history.json"


def problems(history: Any) -> list[str]:
    with pytest.raises(HistoryError) as caught:
        parse_history(history)
    return caught.value.problems


def test_the_example_programme_history_reads() -> None:
    history = load_history(EXAMPLE)
    assert history.programme_id == "fernvale-home-care"
    assert [c.id for c in history.cycles] == ["home-care-2014", "home-care-2017", "home-care-2021"]
    assert len(history.comparators) == 4
    assert {i.id for i in history.indicators} == {
        "reablement-91-days",
        "care-satisfaction",
        "care-home-admissions-65",
    }
    assert history.deflator is not None
    assert history.deflator.base == "2022/23"


def test_cycles_are_put_in_order_of_start() -> None:
    data = scenario()
    data["cycles"].reverse()
    assert [c.id for c in parse_history(data).cycles] == ["A", "B"]


def test_it_rejects_an_unknown_schema_version() -> None:
    data = scenario()
    data["schema_version"] = 2
    assert problems(data) == ["history: field 'schema_version': must be 1, not 2"]


def test_it_names_the_cycle_and_field_of_a_bad_amount() -> None:
    data = scenario()
    data["cycles"][1]["spend"]["2022/23"] = "lots"
    assert problems(data) == ["cycle 'B': field 'spend.2022/23': must be a number, not 'lots'"]


def test_it_names_the_cycle_and_field_of_a_bad_date() -> None:
    data = scenario()
    data["cycles"][0]["end"] = "31/03/2022"
    assert problems(data) == [
        "cycle 'A': field 'end': must be a date written YYYY-MM-DD, not '31/03/2022'"
    ]


def test_it_rejects_a_cycle_that_ends_before_it_starts() -> None:
    data = scenario()
    data["cycles"][0]["end"] = "2019-01-01"
    assert problems(data) == ["cycle 'A': field 'end': 2019-01-01 is before the start 2020-04-01"]


def test_it_rejects_overlapping_cycles() -> None:
    data = scenario()
    data["cycles"][1]["start"] = "2021-04-01"
    assert problems(data) == ["cycle 'B': field 'start': 2021-04-01 is before cycle 'A' ends"]


def test_it_rejects_an_addressed_recommendation_that_was_never_made() -> None:
    data = scenario(recommendations=2)
    data["cycles"][1]["addresses"] = ["R1", "R9"]
    assert problems(data) == [
        "cycle 'B': field 'addresses': 'R9' is not a recommendation of cycle 'A'"
    ]


def test_it_rejects_a_repeated_cycle_id() -> None:
    data = scenario()
    data["cycles"][1]["id"] = "A"
    assert "cycle 'A': field 'id': repeats" in problems(data)


def test_it_names_the_indicator_value_with_a_bad_field() -> None:
    data = scenario()
    data["indicators"][0]["values"][3]["value"] = None
    data["indicators"][0]["values"][4]["period"] = "2023-24"
    found = problems(data)
    assert found[0] == (
        "indicator 'indicator-1', value 4 (E06000001, 2022/23): field 'value': "
        "is required (or give numerator and denominator)"
    )
    assert found[1].startswith("indicator 'indicator-1', value 5: field 'period': period '2023-24'")


def test_it_rejects_a_value_for_an_area_that_is_neither_area_nor_comparator() -> None:
    data = scenario()
    data["indicators"][0]["values"][0]["area"] = "E09000033"
    assert problems(data) == [
        "indicator 'indicator-1', value 1: field 'area': 'E09000033' is neither the area "
        "nor a comparator"
    ]


def test_it_rejects_a_repeated_period_for_one_area() -> None:
    data = scenario()
    data["indicators"][0]["values"][1]["period"] = "2019/20"
    assert problems(data) == [
        "indicator 'indicator-1', value 2: field 'period': 2019/20 repeats for E06000001"
    ]


def test_it_requires_a_direction_of_improvement() -> None:
    data = scenario()
    data["indicators"][0]["polarity"] = "sideways"
    assert problems(data)[0].startswith("indicator 'indicator-1': field 'polarity': polarity must")


@pytest.mark.parametrize(
    ("polarity", "message"),
    [
        (None, "is required (higher_is_better or lower_is_better)"),
        ("neutral", "must say which direction is better"),
    ],
)
def test_an_indicator_must_have_a_better_direction(polarity: str | None, message: str) -> None:
    data = scenario()
    data["indicators"][0]["polarity"] = polarity
    assert problems(data) == [f"indicator 'indicator-1': field 'polarity': {message}"]


def test_it_rejects_spend_in_a_year_the_deflator_does_not_cover() -> None:
    data = scenario()
    data["deflator"] = {"name": "d", "base": "2021/22", "index": {"2021/22": 100.0}}
    found = problems(data)
    assert "cycle 'A': field 'spend.2020/21': has no deflator value for its year" in found
    assert "previous_arrangement: field 'spend.2019/20': has no deflator value" in found


def test_it_rejects_a_deflator_base_outside_its_index() -> None:
    data = scenario()
    data["deflator"] = {"name": "d", "base": "2030/31", "index": dict.fromkeys(["2019/20"], 100.0)}
    assert "deflator: field 'base': '2030/31' has no value in the index" in problems(data)


def test_it_rejects_a_numerator_above_its_denominator() -> None:
    data = scenario()
    data["indicators"][0]["values"][0] = {
        "area": "E06000001",
        "period": "2019/20",
        "numerator": 12,
        "denominator": 10,
    }
    assert problems(data) == [
        "indicator 'indicator-1', value 1 (E06000001, 2019/20): field 'numerator': is larger "
        "than the denominator"
    ]


def test_it_lists_every_problem_at_once() -> None:
    found = problems({"schema_version": 1, "programme": {}, "cycles": "none"})
    assert found == [
        "programme: field 'id': is required",
        "programme: field 'area': must be an object",
        "history: field 'as_of': is required",
        "history: field 'cycles': must be a list of at least one cycle",
    ]


def test_a_file_that_is_not_json_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text('{"schema_version": 1,,}', encoding="utf-8")
    with pytest.raises(HistoryError, match=r"is not valid JSON: .* at line 1, column 22"):
        load_history(path)


def test_a_written_history_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(scenario()), encoding="utf-8")
    assert [c.id for c in load_history(path).cycles] == ["A", "B"]


def test_a_confidence_interval_gives_the_standard_error() -> None:
    """95% interval 47.0 to 53.0: standard error 6 / (2 × 1.959964) = 1.530640."""
    data = scenario()
    data["indicators"][0]["values"][0] = {
        "area": "E06000001",
        "period": "2019/20",
        "value": 50.0,
        "lower": 47.0,
        "upper": 53.0,
    }
    observation = parse_history(data).indicators[0].observations[0]
    assert observation.se == pytest.approx(1.530640, abs=1e-6)


def test_counts_give_the_value_and_standard_error() -> None:
    """Proportion 300/400 as a percentage: 75.0, standard error 100 × √(0.75 × 0.25 / 400)
    = 100 × 0.0216506 = 2.16506. Rate 49 per 20,000 per 100,000: 245.0, standard error
    100,000 × √49 / 20,000 = 35.0."""
    data = scenario()
    data["indicators"][0]["multiplier"] = 100
    data["indicators"][0]["values"][0] = {
        "area": "E06000001",
        "period": "2019/20",
        "numerator": 300,
        "denominator": 400,
    }
    proportion = parse_history(data).indicators[0].observations[0]
    assert proportion.value == pytest.approx(75.0)
    assert proportion.se == pytest.approx(2.16506, abs=1e-5)
    data["indicators"][0].update({"multiplier": 100_000, "measure": "rate"})
    data["indicators"][0]["values"][0].update({"numerator": 49, "denominator": 20_000})
    rate = parse_history(data).indicators[0].observations[0]
    assert (rate.value, rate.se) == (pytest.approx(245.0), pytest.approx(35.0))


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2019", "2019-01-01", "2019-12-31"),
        ("2019/20", "2019-04-01", "2020-03-31"),
        ("2019/2020", "2019-04-01", "2020-03-31"),
        ("2099/00", "2099-04-01", "2100-03-31"),
        ("2020-Q1", "2020-01-01", "2020-03-31"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2020-04-01/2021-06-30", "2020-04-01", "2021-06-30"),
    ],
)
def test_periods_read_as_their_first_and_last_days(label: str, start: str, end: str) -> None:
    period = parse_period(label)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("label", ["2019/21", "2019-13", "2011-12-01", "next year", "2020/19"])
def test_it_rejects_a_period_it_cannot_read(label: str) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(label)
