"""GIN expression indexes for full-text search (PostgreSQL only; SQLite searches without them)."""

from django.db import migrations

from search import vectors


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for indexed in vectors.ALL:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{indexed.name}" ON "{indexed.table}" USING gin (({indexed.sql}))'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for indexed in vectors.ALL:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{indexed.name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_version_lease"),
        ("reviews", "0002_cycle_categories"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
