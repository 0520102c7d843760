"""Suite-wide rules. In CI a skipped test is a failure: nothing may be skipped there."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(
                f"CI: {skipped} test(s) skipped; in CI a skip is a failure.", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _audit_guards_for_flushing_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that really commit (live server, transactional) end by emptying every table;
    the audit guards would refuse that, so they are lifted just for the clean-up."""
    if not {"transactional_db", "live_server", "browser_cast"} & set(request.fixturenames):
        yield
        return
    from django.db import connection

    from workspace.audit.guards import install_guards, remove_guards

    request.getfixturevalue("transactional_db")
    install_guards(connection)
    yield
    remove_guards(connection)
