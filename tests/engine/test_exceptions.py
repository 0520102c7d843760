"""Every error the engine raises about its input is a ``spiral.exceptions.InputError``.

Callers (the workspace, a notebook) catch one base class, and the command line shows any of
them as a one-line ``Error:`` message rather than a traceback.
"""

from __future__ import annotations

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from spiral.appraisal.file_format import OptionsFileError
from spiral.cli import main
from spiral.exceptions import ImportErrors, InputError, NotFoundError, Problem, SpiralError
from spiral.frameworks import shipped_framework
from spiral.frameworks.errors import FrameworkError
from spiral.ocds.flags.settings import SettingsError
from spiral.spend.payments import SpendValidationError, read_payments
from spiral.spiral_test.history import HistoryError
from spiral.stats.funnel import assign_funnel_significance
from spiral.stats.proportions import proportion
from spiral.stats.tables import StatisticsInputError


@pytest.mark.parametrize(
    "error",
    [
        StatisticsInputError,
        OptionsFileError,
        FrameworkError,
        HistoryError,
        SettingsError,
        SpendValidationError,
        ImportErrors,
    ],
)
def test_every_engine_error_class_is_an_input_error(error: type[Exception]) -> None:
    assert issubclass(error, InputError)
    assert issubclass(error, SpiralError)
    assert issubclass(error, ValueError)


def test_an_unknown_framework_or_stage_is_a_not_found_error() -> None:
    with pytest.raises(NotFoundError, match="no-such-cycle"):
        shipped_framework("no-such-cycle")
    with pytest.raises(SpiralError, match="no stage"):
        shipped_framework("free-form").stage("no-such-stage")


def test_a_statistics_error_is_caught_as_an_input_error() -> None:
    table = pd.DataFrame({"x": [1, 2], "n": [10, 0]})
    with pytest.raises(InputError, match="row 2"):
        proportion(table, "x", "n")


def test_a_funnel_error_is_caught_as_an_input_error() -> None:
    table = pd.DataFrame({"obs": [1, -2], "pop": [10, 10]})
    with pytest.raises(InputError, match="row 2, column 'obs'"):
        assign_funnel_significance(table, "obs", "pop", statistic="proportion")


def test_spend_problems_are_the_shared_problem_rows() -> None:
    with pytest.raises(SpendValidationError) as caught:
        read_payments(b"Date,Amount,Supplier\nnot a date,12,Acme\n")
    assert isinstance(caught.value, ImportErrors)
    assert all(isinstance(problem, Problem) for problem in caught.value.problems)
    assert str(caught.value).startswith("spend file: 1 problem(s): row 2, ")


def test_an_engine_error_a_command_leaves_is_a_one_line_message() -> None:
    group = type(main)(name="spiral")

    @group.command(name="boom")
    def boom() -> None:
        raise InputError("row 3, value: 'x' is not a number")

    result = CliRunner().invoke(group, ["boom"])
    assert result.exit_code == 1
    assert result.output == "Error: row 3, value: 'x' is not a number\n"
    assert isinstance(group, click.Group)
