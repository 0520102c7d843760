"""A database trigger that refuses an outcomes framework linked to another programme's cycle.

A check constraint cannot look at another table, and Django has no composite foreign key,
so the rule "the cycle a framework plans is a cycle of the framework's programme" is held
by a trigger on insert and update, for SQLite and PostgreSQL alike. The model's ``clean``
and the services check it first and give a field error; the trigger is the last line.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "plan_outcomesframework"
MESSAGE = "an outcomes framework plans a cycle of its own programme"
_MISMATCH = (
    "NEW.cycle_id IS NOT NULL AND NEW.programme_id <> "
    "(SELECT programme_id FROM cycles_cycle WHERE id = NEW.cycle_id)"
)

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_cycle_insert BEFORE INSERT ON {TABLE} "
    f"WHEN {_MISMATCH} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_cycle_update BEFORE UPDATE ON {TABLE} "
    f"WHEN {_MISMATCH} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_cycle_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_cycle_update",
]
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_same_programme() RETURNS trigger AS $$
    BEGIN
        IF {_MISMATCH} THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_cycle ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_cycle BEFORE INSERT OR UPDATE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_same_programme()",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_cycle ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_same_programme()",
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    raise NotImplementedError(f"no outcomes framework guard for {connection.vendor}")


def install_guards(connection: BaseDatabaseWrapper) -> None:
    """Make the database refuse a framework linked to another programme's cycle."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def remove_guards(connection: BaseDatabaseWrapper) -> None:
    """Lift the guard (the migration's reverse)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)
