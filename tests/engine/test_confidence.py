"""Confidence levels and multipliers.

Reference: the multipliers 1.959964 (95%) and 3.090232 (99.8%) that Fingertips and
PHEindicatormethods use for the two control-limit levels.
"""

import pytest

from spiral.stats.confidence import ci_suffix, normalise_confidence, normalise_confidences, z_value


@pytest.mark.parametrize(("given", "expected"), [(95, 0.95), (0.95, 0.95), (99.8, 0.998)])
def test_it_reads_a_level_written_either_way(given: float, expected: float) -> None:
    assert normalise_confidence(given) == expected


@pytest.mark.parametrize("bad", [0, 100, 1, 20, -5, 150])
def test_it_rejects_a_level_that_is_not_a_confidence(bad: float) -> None:
    with pytest.raises(ValueError, match="confidence level"):
        normalise_confidence(bad)


def test_the_multipliers_are_the_official_ones() -> None:
    assert z_value(95) == pytest.approx(1.959963984540054, abs=1e-12)
    assert z_value(99.8) == pytest.approx(3.090232306167813, abs=1e-12)


def test_levels_keep_their_order_without_repeats() -> None:
    assert normalise_confidences([99.8, 95, 0.998]) == (0.998, 0.95)
    assert [ci_suffix(c) for c in (0.95, 0.998)] == ["95", "99_8"]
