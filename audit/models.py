"""The audit trail: an append-only, hash-chained record of who did what, when, and what changed.

The trail is a set of chains: one per case ("case:17") and one for entries
about no case ("system"). Every entry carries the hash of the entry before
it in its chain (`prev_hash`) and its own hash, an HMAC keyed with
`AUDIT_HMAC_KEY` (never stored in the database) over its content and that
link, so altering, removing or reordering any entry breaks its chain from
there on (`manage.py verify_audit` finds where). Entries are written only by
`audit.chain.append`, under a lock on their chain's `ChainHead` row, so a
chain has no forks and its `seq` no gaps, and appends to different cases do
not wait for each other.

Rows point at users and cases without a database constraint and keep their
names as text, so the record outlives a renamed user or a deleted case.
"""

import json

from django.conf import settings
from django.db import models

GENESIS = "0" * 64  # the `prev_hash` of a chain's first entry
SYSTEM_CHAIN = "system"  # the chain of entries about no case


def chain_of(case_id):
    """The name of the chain an entry about `case_id` (None: no case) belongs to."""
    return SYSTEM_CHAIN if case_id is None else f"case:{case_id}"


class AppendOnly(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The audit trail is append-only: entries are never updated.")

    def delete(self):
        raise AppendOnly("The audit trail is append-only: entries are never deleted.")

    def for_case(self, case_id):
        return self.filter(chain=chain_of(case_id)).order_by("seq")


class AuditEntry(models.Model):
    chain = models.CharField(
        max_length=32, editable=False, help_text="The chain the entry belongs to: 'case:<id>' or 'system'."
    )
    seq = models.PositiveBigIntegerField(editable=False, help_text="Position in its chain: 1, 2, 3 … without gaps.")
    at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", editable=False,
    )  # fmt: skip
    actor_name = models.CharField(
        max_length=150, editable=False, help_text="The user's name at the time; 'system' for the engine."
    )
    action = models.CharField(max_length=64, editable=False, db_index=True)
    case = models.ForeignKey(
        "documents.Case", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", editable=False,
    )  # fmt: skip
    case_number = models.CharField(max_length=32, blank=True, editable=False)
    object_type = models.CharField(max_length=32, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    summary = models.CharField(max_length=500, editable=False)
    before = models.TextField(
        blank=True, editable=False, help_text="The state before, as canonical JSON ('' when there was none)."
    )
    after = models.TextField(
        blank=True, editable=False, help_text="The state after, as canonical JSON ('' when there is none)."
    )
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_id")]

    def __str__(self):
        return f"{self.chain} #{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("The audit trail is append-only: entries are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The audit trail is append-only: entries are never deleted.")

    @property
    def before_data(self):
        return json.loads(self.before) if self.before else None

    @property
    def after_data(self):
        return json.loads(self.after) if self.after else None


class ChainHead(models.Model):
    """A chain's end: the lock every append to the chain takes, and its last entry's seq and hash
    (so that entries cut off the end are noticed too, and `audit_anchor` can copy them out)."""

    chain = models.CharField(max_length=32, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self):
        return f"audit chain {self.chain} at #{self.last_seq}"
