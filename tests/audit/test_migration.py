"""The migration to a chain per case and the keyed hash (audit 0003–0005): a trail written under the
old scheme (one chain, plain SHA-256) is re-chained and re-signed if, and only if, it verifies."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit import services as audit
from audit.models import GENESIS, AuditEntry, ChainHead

pytestmark = pytest.mark.django_db(transaction=True)

OLD = ("audit", "0002_append_only_trigger")
OLD_CASES = [1, None, 1, 2, None]


@pytest.fixture
def old_scheme():
    """The database at audit 0002; `write(tamper=False)` writes OLD_CASES' entries as the old code did."""
    rekey = importlib.import_module("audit.migrations.0004_rekey_and_rechain")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([OLD])
    apps = executor.loader.project_state([OLD]).apps
    Entry, Head = apps.get_model("audit", "AuditEntry"), apps.get_model("audit", "ChainHead")

    def write(tamper=False):
        previous, at = GENESIS, datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
        for seq, case in enumerate(OLD_CASES, 1):
            entry = Entry(seq=seq, at=at + datetime.timedelta(minutes=seq), actor_name="system", action="test.old",
                          case_id=case, summary=f"old {seq}", prev_hash=previous)  # fmt: skip
            entry.chain = "system"  # not a column yet: entry_content reads it, the old hash leaves it out
            entry.hash = previous = rekey.old_entry_hash(entry)
            entry.save()
        Head.objects.create(pk=1, last_seq=len(OLD_CASES), last_hash=previous)
        if tamper:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_auditentry SET summary = 'changed' WHERE seq = 3")

    yield write
    executor = MigrationExecutor(connection)
    executor.migrate(latest)


def migrate_to_the_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="tampering past the trigger: PostgreSQL")
def test_a_tampered_old_trail_is_not_re_signed(old_scheme):
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        old_scheme(tamper=True)
        cursor.execute("SET session_replication_role = DEFAULT")

    with pytest.raises(RuntimeError, match=r"entry #3 was altered, removed or moved"):
        migrate_to_the_latest()
    assert AuditEntry.objects.filter(summary="changed").exists()  # left as it was, for a restore
    with connection.cursor() as cursor:  # so that the fixture can migrate to the latest again
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute("SET session_replication_role = DEFAULT")


def test_an_old_trail_is_re_chained_per_case_and_re_signed_with_the_key(old_scheme):
    old_scheme()

    migrate_to_the_latest()

    result = audit.verify()
    assert result.intact, result.problems
    assert result.heads == {
        chain: (count, AuditEntry.objects.get(chain=chain, seq=count).hash)
        for chain, count in (("case:1", 2), ("case:2", 1), ("system", 2))
    }
    assert list(AuditEntry.objects.order_by("id").values_list("chain", "seq", "summary")) == [
        ("case:1", 1, "old 1"), ("system", 1, "old 2"), ("case:1", 2, "old 3"), ("case:2", 1, "old 4"),
        ("system", 2, "old 5"),
    ]  # fmt: skip
    assert set(ChainHead.objects.values_list("chain", flat=True)) == {"case:1", "case:2", "system"}
