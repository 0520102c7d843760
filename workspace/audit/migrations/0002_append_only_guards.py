"""Make the database itself refuse any UPDATE or DELETE of audit events."""

from typing import Any

from django.db import migrations

from workspace.audit.guards import install_guards, remove_guards


def forwards(apps: Any, schema_editor: Any) -> None:
    install_guards(schema_editor.connection)


def backwards(apps: Any, schema_editor: Any) -> None:
    remove_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
