"""Social-value measures with proxy values supplied by the organisation.

Reference: HM Treasury Green Book (2022) Annex A2 (valuing non-market effects): value =
quantity × proxy value per unit. The shipped measures are Spiral's own illustrative set.
"""

from __future__ import annotations

import pytest

from spiral.appraisal.social_value import (
    SocialValueMeasure,
    example_measures,
    measures_from_data,
    monetise,
)


def test_the_example_set_loads_with_units_and_proxy_values() -> None:
    measures = example_measures()
    assert len(measures) == 6
    assert all(m.proxy_value > 0 and m.unit and m.source for m in measures)
    assert all("illustrative" in m.source for m in measures)


def test_quantities_are_valued_at_the_proxy_and_summed_by_year() -> None:
    measures = (
        SocialValueMeasure("A", "Apprenticeships", "year", 5000.0),
        SocialValueMeasure("V", "Volunteer hours", "hour", 12.0),
    )
    value = monetise(measures, {"A": {1: 2}, "V": {1: 100, 2: 50}}, "Hubs")
    assert value == {1: 2 * 5000 + 100 * 12, 2: 50 * 12}


def test_it_names_the_option_and_measure_it_does_not_know() -> None:
    with pytest.raises(ValueError, match=r"option 'Hubs', field social_value\.X"):
        monetise(example_measures(), {"X": {1: 1}}, "Hubs")


def test_it_rejects_a_negative_quantity() -> None:
    measures = (SocialValueMeasure("V", "Volunteer hours", "hour", 12.0),)
    with pytest.raises(ValueError, match=r"social_value\.V, year 2: quantity"):
        monetise(measures, {"V": {2: -1}}, "Hubs")


def test_it_rejects_a_measure_without_a_unit() -> None:
    with pytest.raises(ValueError, match=r"social_value_measures\[0\] 'V', field unit"):
        measures_from_data([{"code": "V", "name": "x", "proxy_value": 1}])


def test_it_rejects_a_code_used_twice() -> None:
    item = {"code": "V", "name": "x", "unit": "hour", "proxy_value": 1}
    with pytest.raises(ValueError, match="the code is used twice"):
        measures_from_data([item, item])
