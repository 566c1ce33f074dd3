"""Migrations of the audit app; `on_postgresql` runs SQL (triggers) on PostgreSQL only."""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: "%" is plpgsql's

    return run
