"""Settings: secure outside local development, and loud about values they cannot read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment for the child process: the browser tests' async override and any
    # database or debug setting of this run must not leak into the deployment being checked.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SPIRAL_"))}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "workspace.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_deployment_passes_djangos_security_checks() -> None:
    result = _run(
        "import sys, django; from django.core.management import call_command; django.setup();"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        SPIRAL_DEBUG="false",
        SPIRAL_SECRET_KEY="x" * 60 + "a-real-deployment-key-with-enough-variety-123",
    )
    assert result.returncode == 0, result.stderr


def test_a_deployment_without_a_secret_key_refuses_to_start() -> None:
    result = _run("import django; django.setup()", SPIRAL_DEBUG="false")
    assert result.returncode != 0
    assert "Set SPIRAL_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SPIRAL_DEBUG", "maybe", "SPIRAL_DEBUG must be true or false"),
        ("SPIRAL_LOGIN_MAX_FAILURES", "five", "SPIRAL_LOGIN_MAX_FAILURES must be a whole number"),
    ],
)
def test_an_unreadable_value_stops_start_up_naming_the_variable(
    name: str, value: str, message: str
) -> None:
    result = _run("import django; django.setup()", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr
