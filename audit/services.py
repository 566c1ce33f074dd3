"""Writing and reading the audit trail (the chains themselves: `audit.chain`).

`record` appends one entry inside the caller's transaction: the entry stands
or falls with the change it describes. Appends take a row lock on the head of
the case's chain (`audit.chain`), so call `record` last in a transaction that
takes other locks (it is held until commit).

Who acted: the `actor` given, else the user set by `acting_as` (the engine,
and `audit.middleware.ActorMiddleware` for every request), else "system".
"""

import contextlib
import contextvars
import json

from audit.chain import append, canonical, verify
from audit.models import AuditEntry

__all__ = ["acting_as", "canonical", "record", "verify"]  # canonical and verify: audit.chain's, for callers here

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


# --- appending --------------------------------------------------------------------


def record(action, *, summary, actor=_UNSET, case=None, obj=None, before=None, after=None):
    """Append an entry: `action` such as "task.decided", `summary` in words, `obj` as
    (type, id), `before`/`after` as JSON-able values (None: there was / is none)."""
    actor = current_actor() if actor is _UNSET else actor
    object_type, object_id = obj if obj else ("", "")
    entry = AuditEntry(
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
    )
    return append(entry)


def last_state(object_type, object_id):
    """The object's state after its latest recorded change, or None."""
    latest = (
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .order_by("-id")
        .values_list("after", flat=True)
        .first()
    )
    return json.loads(latest) if latest else None


# --- reading and checking ---------------------------------------------------------


def entries_for_case(case_id, limit=None):
    """The case's chain, oldest first (its last `limit` entries)."""
    entries = AuditEntry.objects.for_case(case_id)
    if limit:
        return list(reversed(entries.order_by("-seq")[:limit]))
    return list(entries)
