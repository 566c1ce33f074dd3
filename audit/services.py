"""Writing and checking the audit trail.

`record` appends one entry inside the caller's transaction: the entry stands
or falls with the change it describes. Appends take a row lock on the chain's
head, so call `record` last in a transaction that takes other locks (it is
held until commit).

Who acted: the `actor` given, else the user set by `acting_as` (the engine,
and `audit.middleware.ActorMiddleware` for every request), else "system".
"""

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import GENESIS, AuditEntry, ChainHead

SYSTEM = "system"
_UNSET = object()
_actor = contextvars.ContextVar("audit_actor", default=None)


# --- who is acting ----------------------------------------------------------------


@contextlib.contextmanager
def acting_as(user):
    """Entries recorded inside the block without an explicit actor are by `user`."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    user = _actor.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- the hash ---------------------------------------------------------------------


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


def canonical(value):
    """JSON text with sorted keys and no spaces: the same value always gives the same text."""
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def entry_hash(entry):
    """SHA-256 over everything the entry says, and the hash of the entry before it."""
    content = {
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
    return hashlib.sha256(canonical(content).encode()).hexdigest()


# --- appending --------------------------------------------------------------------


def record(action, *, summary, actor=_UNSET, case=None, obj=None, before=None, after=None):
    """Append an entry: `action` such as "task.decided", `summary` in words, `obj` as
    (type, id), `before`/`after` as JSON-able values (None: there was / is none)."""
    actor = current_actor() if actor is _UNSET else actor
    object_type, object_id = obj if obj else ("", "")
    with transaction.atomic(savepoint=False):  # within a change's transaction, part of it
        head = _locked_head()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_name=actor.get_username() if actor is not None else SYSTEM,
            action=action,
            case_id=getattr(case, "pk", case),
            case_number=getattr(case, "number", "") or "",
            object_type=object_type,
            object_id=str(object_id),
            summary=summary[:500],
            before=canonical(before),
            after=canonical(after),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


def _locked_head():
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-seq").first()
    try:
        with transaction.atomic():
            ChainHead.objects.create(pk=1, last_seq=last.seq if last else 0, last_hash=last.hash if last else GENESIS)
    except IntegrityError:
        pass  # created meanwhile by another writer
    return ChainHead.objects.select_for_update().get(pk=1)


def last_state(object_type, object_id):
    """The object's state after its latest recorded change, or None."""
    latest = (
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    return json.loads(latest) if latest else None


# --- what the other apps record ---------------------------------------------------

MARKUP_OBJECTS = {"annotation": "annotation", "comment": "comment", "page": "page"}


def record_markup_change(version, *, type, user, data):
    """One change from a version's event log (reviews.services.events.record)."""
    version_id = version.pk
    noun, _, verb = type.partition(".")
    if noun == "page":
        object_id = f"{version_id}:{data.get('number')}"
    else:
        object_id = data.get("id", "")
    before = last_state(noun, object_id) if verb in ("updated", "deleted") else None
    after = None if verb == "deleted" else data
    return record(
        type,
        actor=user,
        case=version.document.case,
        obj=(noun, object_id),
        summary=_markup_summary(user, version_id, noun, verb, object_id, before, after),
        before=before,
        after=after,
    )


def _markup_summary(user, version_id, noun, verb, object_id, before, after):
    who = user.get_username()
    if noun == "annotation":
        shown = after or before or {}
        what = f"{shown.get('kind', 'markup')} #{object_id} on page {shown.get('page', '?')} of version {version_id}"
        if verb == "updated" and before and after:
            changed = sorted(k for k in after if k not in ("revision", "updated_at") and after.get(k) != before.get(k))
            return f"{who} changed {what}: {', '.join(changed) or 'nothing visible'}"
        return f"{who} {verb} {what}"
    if noun == "comment":
        return f"{who} replied on markup #{(after or {}).get('annotation')} (comment #{object_id})"
    if noun == "page":
        return f"{who} changed the settings of page {object_id.split(':')[-1]} of version {version_id}"
    return f"{who}: {noun}.{verb} #{object_id}"


PERMISSION_WORDS = {"view_case": "see the case", "upload_case": "upload its documents"}


def record_permission_change(case, *, before, after):
    """The case's object permissions went from `before` to `after`, each a set of
    (codename, group id); nothing is recorded when they are the same."""
    if set(before) == set(after):
        return None
    from django.contrib.auth.models import Group

    names = dict(Group.objects.filter(pk__in={g for _, g in (*before, *after)}).values_list("pk", "name"))

    def listed(grants):
        return sorted(f"{codename}:{names.get(group_id, group_id)}" for codename, group_id in grants)

    def described(grants, verb):
        by_permission = {}
        for codename, group_id in sorted(grants):
            by_permission.setdefault(codename, []).append(str(names.get(group_id, group_id)))
        return [
            f"{', '.join(sorted(groups))} {verb} {PERMISSION_WORDS.get(codename, codename)}"
            for codename, groups in by_permission.items()
        ]

    parts = described(set(after) - set(before), "may now") + described(set(before) - set(after), "may no longer")
    return record(
        "case.permissions",
        case=case,
        obj=("case", case.pk),
        summary=f"Access to {case.number}: {'; '.join(parts)}",
        before=listed(before),
        after=listed(after),
    )


# --- reading and checking ---------------------------------------------------------


def entries_for_case(case_id, limit=None):
    entries = AuditEntry.objects.for_case(case_id)
    if limit:
        return list(reversed(entries.order_by("-seq")[:limit]))
    return list(entries)


def entry_json(entry):
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_name,
        "action": entry.action,
        "object": f"{entry.object_type}:{entry.object_id}" if entry.object_type else None,
        "summary": entry.summary,
        "before": entry.before_data,
        "after": entry.after_data,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


@dataclass
class Verification:
    entries: int = 0
    last_hash: str = GENESIS
    problems: list = field(default_factory=list)

    @property
    def intact(self):
        return not self.problems


def verify(*, chunk_size=2000, max_problems=20):
    """Walk the whole chain: every entry's hash matches its content, links to the one before,
    and follows it in `seq`; the head names the last entry."""
    result = Verification()
    previous_hash, expected_seq = GENESIS, 1

    def problem(text):
        if len(result.problems) < max_problems:
            result.problems.append(text)

    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            problem(
                f"entries #{expected_seq}–#{entry.seq - 1} are missing"
                if entry.seq > expected_seq
                else f"entry #{entry.seq} is out of order"
            )
        if entry.prev_hash != previous_hash:
            problem(f"entry #{entry.seq} does not link to the entry before it (its prev_hash is not that entry's hash)")
        if entry_hash(entry) != entry.hash:
            problem(f"entry #{entry.seq} was altered: its content no longer matches its hash")
        previous_hash, expected_seq = entry.hash, entry.seq + 1
        result.entries += 1
    result.last_hash = previous_hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq, head.last_hash) != (expected_seq - 1, previous_hash):
        problem(
            f"the chain's head names entry #{head.last_seq}, but the last entry is #{expected_seq - 1}: entries were removed from the end"
        )
    if head is None and result.entries:
        problem("the chain's head is missing")
    return result
