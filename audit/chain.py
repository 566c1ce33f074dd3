"""The chains of the audit trail: the keyed hash, appending, checking, and anchors.

Each entry's `hash` is HMAC-SHA256, keyed with `AUDIT_HMAC_KEY`, over its
content and the hash of the entry before it in its chain. The key is not in
the database, so someone who can write to the database but does not hold
the key cannot make an altered entry (or the entries after it) verify.

What the key cannot show is an end cut off: delete a chain's last entries
(or all of them) and set its head back, and what is left is a shorter chain
that verifies. `current_anchor` is every chain's head (count and hash), which
`manage.py audit_anchor` writes out of the database to a file the operator
keeps append-only; `verify` given its newest line finds every chain that no
longer reaches its anchored head.

Appends lock only their own chain's head row: appends to different cases do
not wait for each other. A transaction that appends to two chains takes two
locks; take them in the same order everywhere (or one chain per transaction).
"""

import datetime
import decimal
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import GENESIS, AuditEntry, ChainHead, chain_of
from civicreview.prepared import insert

KEY_DERIVATION_LABEL = b"civicreview audit chain key"


def signing_key():
    """AUDIT_HMAC_KEY; without it a key derived from SECRET_KEY (a deploy check warns about that)."""
    if settings.AUDIT_HMAC_KEY:
        return settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), KEY_DERIVATION_LABEL, hashlib.sha256).digest()


def canonical(value):
    """JSON text with sorted keys and no spaces: the same value always gives the same text."""
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    raise TypeError(f"{type(value).__name__} cannot go into the audit trail")


def entry_hash(entry, key=None):
    """HMAC-SHA256 over everything the entry says, its place, and the hash of the entry before it."""
    return hmac.new(key or signing_key(), canonical(entry_content(entry)).encode(), hashlib.sha256).hexdigest()


def entry_content(entry):
    """What an entry's hash covers."""
    return {
        "chain": entry.chain,
        "seq": entry.seq,
        "at": entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor": entry.actor_name,
        "action": entry.action,
        "case_id": entry.case_id,
        "case_number": entry.case_number,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }


# --- appending --------------------------------------------------------------------


def append(entry):
    """Link `entry` (unsaved, every field but its place and hash set) to the end of its case's
    chain and save it, inside the caller's transaction; the chain's head stays locked until commit."""
    entry.chain = chain_of(entry.case_id)
    with transaction.atomic(savepoint=False):
        head_id, last_seq, last_hash = _locked_head(entry.chain)
        entry.seq, entry.prev_hash, entry.at = last_seq + 1, last_hash, timezone.now()
        entry.hash = entry_hash(entry)
        move_head = f"UPDATE {ChainHead._meta.db_table} SET last_seq = %s, last_hash = %s WHERE id = %s"
        insert(entry, then=(move_head, [entry.seq, entry.hash, head_id]))
    return entry


def _locked_head(chain):
    """(id, last seq, last hash) of the chain's head, locked until the transaction ends."""
    head = _select_head(chain)
    if head is not None:
        return head
    # A new chain (or a head deleted past the triggers, or on SQLite: rebuilt from the chain's last entry).
    last = AuditEntry.objects.filter(chain=chain).order_by("-seq").first()
    ChainHead.objects.bulk_create(
        [ChainHead(chain=chain, last_seq=last.seq if last else 0, last_hash=last.hash if last else GENESIS)],
        ignore_conflicts=True,  # created meanwhile by another writer
    )
    return _select_head(chain)


def _select_head(chain):
    table = ChainHead._meta.db_table
    lock = connection.ops.for_update_sql() if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, last_seq, last_hash FROM {table} WHERE chain = %s {lock}", [chain])
        return cursor.fetchone()


# --- checking ---------------------------------------------------------------------


@dataclass
class Verification:
    entries: int = 0
    heads: dict = field(default_factory=dict)  # chain → (count, last hash), as the entries say
    at_anchor: dict = field(default_factory=dict)  # chain → hash of its entry where the anchor saw its head
    problems: list = field(default_factory=list)
    max_problems: int = 20

    @property
    def intact(self):
        return not self.problems

    @property
    def chains(self):
        return len(self.heads)

    def problem(self, text):
        if len(self.problems) < self.max_problems:
            self.problems.append(text)


def verify(*, anchor=None, chunk_size=2000, max_problems=20):
    """Walk every chain: each entry's keyed hash matches its content, it links to the entry before
    it and follows it in `seq`, it is in its case's chain, and the chain's head names its last
    entry. With `anchor` (a parsed anchor line), every anchored head must still be in its chain."""
    result = Verification(max_problems=max_problems)
    key, anchored = signing_key(), (anchor or {}).get("heads", {})
    chain, previous_hash, expected_seq = None, GENESIS, 1
    for entry in AuditEntry.objects.order_by("chain", "seq").iterator(chunk_size=chunk_size):
        if entry.chain != chain:
            chain, previous_hash, expected_seq = entry.chain, GENESIS, 1
        _check_entry(result, entry, key, previous_hash, expected_seq)
        if anchored.get(chain, (0,))[0] == entry.seq:
            result.at_anchor[chain] = entry.hash
        previous_hash, expected_seq = entry.hash, entry.seq + 1
        result.heads[chain] = (entry.seq, entry.hash)
        result.entries += 1
    _check_heads(result)
    if anchor is not None:
        _check_anchor(result, anchor)
    return result


def _check_entry(result, entry, key, previous_hash, expected_seq):
    where = f"{entry.chain}: entry #{entry.seq}"
    if entry.seq != expected_seq:
        result.problem(
            f"{entry.chain}: entries #{expected_seq}–#{entry.seq - 1} are missing"
            if entry.seq > expected_seq
            else f"{where} is out of order"
        )
    if entry.prev_hash != previous_hash:
        result.problem(f"{where} does not link to the entry before it (its prev_hash is not that entry's hash)")
    if not hmac.compare_digest(entry_hash(entry, key), entry.hash):
        result.problem(f"{where} was altered: its content no longer matches its hash (or the key is not the one it was written with)")  # fmt: skip
    if entry.chain != chain_of(entry.case_id):
        result.problem(f"{where} names case {entry.case_id} but sits in another chain")


def _check_heads(result):
    heads = {head.chain: (head.last_seq, head.last_hash) for head in ChainHead.objects.all()}
    for chain, (count, last_hash) in sorted(result.heads.items()):
        head = heads.get(chain)
        if head is None:
            result.problem(f"{chain}: the chain's head is missing")
        elif head[0] > count:
            result.problem(f"{chain}: the chain's head names entry #{head[0]}, but the last entry is #{count}: entries were removed from the end")  # fmt: skip
        elif head != (count, last_hash):
            result.problem(f"{chain}: the chain's head does not name its last entry (#{count})")
    for chain, (count, _) in sorted(heads.items()):
        if chain not in result.heads and count:
            result.problem(f"{chain}: the chain's head names entry #{count}, but the chain has no entries: they were removed")  # fmt: skip


# --- anchors ----------------------------------------------------------------------


def current_anchor(now=None):
    """When, and every chain's head (count, hash) as the heads say now; `canonical` makes it a line."""
    heads = {head.chain: [head.last_seq, head.last_hash] for head in ChainHead.objects.order_by("chain")}
    return {
        "at": (now or timezone.now()).astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "entries": sum(count for count, _ in heads.values()),
        "heads": heads,
    }


class BadAnchor(ValueError):
    pass


def newest_anchor(path):
    """The last line of an anchor file, parsed; BadAnchor naming what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = [(number, line) for number, line in enumerate(file, 1) if line.strip()]
    except OSError as error:
        raise BadAnchor(f"cannot read the anchor file {path}: {error.strerror}") from error
    if not lines:
        raise BadAnchor(f"the anchor file {path} holds no anchor")
    number, line = lines[-1]
    try:
        anchor = json.loads(line)
        heads = {chain: (int(count), str(last_hash)) for chain, (count, last_hash) in anchor["heads"].items()}
        return {"at": str(anchor["at"]), "heads": heads}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BadAnchor(f"line {number} of {path} is not an anchor written by audit_anchor ({error})") from error


def _check_anchor(result, anchor):
    for chain, (count, anchored_hash) in sorted(anchor["heads"].items()):
        if count == 0:
            continue
        have = result.heads.get(chain, (0, GENESIS))[0]
        if have < count:
            removed = f"entries #{have + 1}–#{count} were removed" if have else "all its entries were removed"
            result.problem(
                f"{chain}: the anchor of {anchor['at']} saw {count} entries, the database has {have}: {removed}"
            )
            continue
        if result.at_anchor.get(chain) != anchored_hash:
            result.problem(f"{chain}: entry #{count} is not the one the anchor of {anchor['at']} saw: the chain was rewritten up to there")  # fmt: skip
