"""Each chain's `seq` is unique; and on PostgreSQL the database refuses TRUNCATE of the audit
entries (UPDATE and DELETE are refused since 0002), and refuses deleting, truncating or winding
back a chain's head (the function audit_entry_append_only is 0002's). Only a superuser who turns triggers off (`session_replication_role =
replica`) or drops them gets past; an anchor (`audit_anchor`) still shows what they removed."""

from django.db import migrations, models

from audit.migrations import on_postgresql

CREATE = """
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();

CREATE OR REPLACE FUNCTION audit_chainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain = OLD.chain AND NEW.last_seq >= OLD.last_seq THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit chain heads only move forward: % of a head is refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chainhead_forward_only BEFORE UPDATE OR DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chainhead_forward_only();
CREATE TRIGGER audit_chainhead_no_truncate BEFORE TRUNCATE ON audit_chainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chainhead_forward_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_chainhead_forward_only ON audit_chainhead;
DROP TRIGGER IF EXISTS audit_chainhead_no_truncate ON audit_chainhead;
DROP FUNCTION IF EXISTS audit_chainhead_forward_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_rekey_and_rechain")]

    operations = [
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq"),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
