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
    """The case's chain, oldest first (its last `limit` entries)."""
    entries = AuditEntry.objects.for_case(case_id)
    if limit:
        return list(reversed(entries.order_by("-seq")[:limit]))
    return list(entries)
