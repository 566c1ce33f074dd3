"""Existing entries move to the new scheme: each into its case's chain (or "system"), numbered
within it, and re-hashed with the HMAC key (AUDIT_HMAC_KEY, see audit.chain).

The old single chain (plain SHA-256) is checked first: a trail that does not verify under the old
scheme is not re-signed, since that would make its tampering verify. The migration stops with what
is wrong; restore the trail from a backup (or, in development, rebuild the database with seed_demo).
Migrating back is possible only while the trail is empty."""

import hashlib

from django.db import migrations

from audit.chain import canonical, entry_content, entry_hash
from audit.models import GENESIS, chain_of

BATCH = 1000


def old_entry_hash(entry):
    """The scheme before: plain SHA-256 over the same content, without the chain's name."""
    content = {name: value for name, value in entry_content(entry).items() if name != "chain"}
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def ids_of_the_verified_old_chain(AuditEntry, ChainHead):
    ids, previous_hash, expected_seq = [], GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=BATCH):
        if entry.seq != expected_seq or entry.prev_hash != previous_hash or old_entry_hash(entry) != entry.hash:
            raise RuntimeError(
                f"The audit trail does not verify (entry #{entry.seq} was altered, removed or moved): "
                "not re-signing it with the HMAC key. Restore it from a backup, then migrate."
            )
        ids.append(entry.pk)
        previous_hash, expected_seq = entry.hash, entry.seq + 1
    head = ChainHead.objects.filter(pk=1).first()
    if ids and (head is None or (head.last_seq, head.last_hash) != (expected_seq - 1, previous_hash)):
        raise RuntimeError("The audit trail's head does not name its last entry: entries were removed from the end.")
    return ids


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    ids = ids_of_the_verified_old_chain(AuditEntry, ChainHead)
    on_postgresql = schema_editor.connection.vendor == "postgresql"
    if on_postgresql:
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
    heads = {}
    for start in range(0, len(ids), BATCH):
        batch = AuditEntry.objects.in_bulk(ids[start : start + BATCH])
        entries = [batch[pk] for pk in ids[start : start + BATCH]]
        for entry in entries:
            entry.chain = chain_of(entry.case_id)
            count, entry.prev_hash = heads.get(entry.chain, (0, GENESIS))
            entry.seq = count + 1
            entry.hash = entry_hash(entry)
            heads[entry.chain] = (entry.seq, entry.hash)
        AuditEntry.objects.bulk_update(entries, ["chain", "seq", "prev_hash", "hash"])
    if on_postgresql:
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
    ChainHead.objects.all().delete()
    ChainHead.objects.bulk_create(
        ChainHead(chain=chain, last_seq=count, last_hash=last_hash) for chain, (count, last_hash) in heads.items()
    )


def only_when_empty(apps, schema_editor):
    if apps.get_model("audit", "AuditEntry").objects.exists():
        raise RuntimeError(
            "The audit trail is not written back to the old scheme: migrate back only while it is empty."
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_per_case")]

    operations = [migrations.RunPython(rechain, only_when_empty)]
