"""Full-text search on PostgreSQL (SQLite searches without these): a generated, stored tsvector
column under a GIN index on cases, sheets, markups and replies (search/vectors.py says why).
Adding the columns rewrites those tables once."""

from django.db import migrations

from search import vectors


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for indexed in vectors.ALL:
        schema_editor.execute(
            f'ALTER TABLE "{indexed.table}" ADD COLUMN IF NOT EXISTS {vectors.STORED_COLUMN} tsvector '
            f"GENERATED ALWAYS AS ({indexed.sql}) STORED"
        )
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{indexed.name}" ON "{indexed.table}" USING gin ({vectors.STORED_COLUMN})'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for indexed in vectors.ALL:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{indexed.name}"')
        schema_editor.execute(f'ALTER TABLE "{indexed.table}" DROP COLUMN IF EXISTS {vectors.STORED_COLUMN}')


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_version_lease"),
        ("reviews", "0002_cycle_categories"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
