"""Fixtures for reviews: the demo council's programmes with their cycles and figures.

Loading the whole Kingsmere demo takes several seconds, so a module loads it once and its
tests share it. The load runs inside an outer transaction opened before the module's first
test that asks for ``demo`` and rolled back after its last test, so nothing of it reaches
another module. Each test runs inside its own savepoint within that transaction (the
ordinary ``db`` fixture: Django's ``TestCase`` nests), so what one test changes is rolled back
before the next one starts. Rolling back is not an ``UPDATE`` or ``DELETE``: the triggers
that keep the audit trail append-only stay in force throughout.

Within each module, the tests that do not ask for the demo run first, before it is loaded,
so they never see it. Two guards keep this honest: a test that did not ask for the demo may
not run while a module's shared demo is loaded, nor may a test that commits
(``transactional_db``, ``live_server``), which would need the tables emptied under the outer
transaction; and every test using the demo starts by checking that each table holds as many
rows as the load left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from pytest_django import DjangoDbBlocker

from workspace.contracts.demo import load_contracts_demo
from workspace.cycles.demo import load_cycles_demo
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast, create_cast
from workspace.needs.demo import load_needs_demo
from workspace.plan.demo import load_plan_demo
from workspace.reviews.demo import load_reviews_demo
from workspace.sourcing.demo import load_sourcing_demo

LOADERS = (
    load_cycles_demo,
    load_needs_demo,
    load_sourcing_demo,
    load_contracts_demo,
    load_plan_demo,
    load_reviews_demo,
)
"""In the order ``make demo`` loads them: the review's evidence comes from all the other areas."""

COMMITTING = frozenset({"transactional_db", "live_server", "browser_cast"})


@dataclass(frozen=True)
class SharedDemo:
    """The demo loaded once for a module: where, and how many rows each table held after."""

    module: str
    rows: dict[str, int]


_loaded: list[SharedDemo] = []
"""The shared demo of the module now running, if it has one (at most one at a time)."""


def row_counts() -> dict[str, int]:
    """Rows in every table of every installed model, keyed by table name."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each module here, run the tests without the demo before those with it."""
    here = Path(__file__).parent
    first: dict[Path, int] = {}
    for position, item in enumerate(items):
        first.setdefault(item.path, position)
    original = {id(item): position for position, item in enumerate(items)}

    def shares_the_demo(item: pytest.Item) -> bool:
        return item.path.parent == here and "demo" in getattr(item, "fixturenames", ())

    items.sort(key=lambda item: (first[item.path], shares_the_demo(item), original[id(item)]))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _only_demo_tests_while_the_demo_is_shared(request: pytest.FixtureRequest) -> None:
    if not _loaded:
        return
    if "demo" not in request.fixturenames:
        pytest.fail(
            f"{request.node.nodeid} does not ask for the demo but runs while {_loaded[0].module} "
            "shares it: move the test to a module without demo tests."
        )
    if COMMITTING & set(request.fixturenames):
        pytest.fail(
            f"{request.node.nodeid} commits, which cannot happen inside the shared demo's "
            "transaction: move it to a module without demo tests."
        )


@pytest.fixture(scope="module")
def shared_demo(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[SharedDemo]:
    """The cast and the whole demo, loaded once for the module inside a transaction that is
    rolled back when the module's tests are done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = create_cast(password=None)
            for load in LOADERS:
                load(cast=cast, progress=lambda _: None)
            if connection.vendor == "postgresql":
                # The planner has no statistics for rows never committed; gathered inside
                # the transaction, they are rolled back with the demo.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            shared = SharedDemo(module=request.module.__name__, rows=row_counts())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    _loaded.append(shared)
    try:
        yield shared
    finally:
        _loaded.remove(shared)
        with django_db_blocker.unblock():
            assert connection.in_atomic_block, "the shared demo's transaction was lost"
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(shared_demo: SharedDemo, db: None, cast: Cast) -> dict[str, Programme]:
    """Kingsmere's five programmes with their cycles, needs data, outcomes frameworks,
    sourcing records, contracts and review figures, keyed by name.

    Fetched afresh for each test from the module's shared load; ``cast`` finds the same
    people and organisations.
    """
    assert row_counts() == shared_demo.rows, "a previous test's changes were not rolled back"
    return {p.name: p for p in Programme.objects.filter(organisation=cast.organisations["council"])}
