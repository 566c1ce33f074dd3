"""The audit entry of each markup change (markups, replies, sheet settings), written by the
version's event log (`events.record`) in the change's own transaction."""

from audit import services as audit


def record_change(version, *, type, user, data):
    """One change from a version's event log: `type` such as "annotation.updated", `data` the
    object as the log holds it; the state before comes from the object's last entry."""
    noun, _, verb = type.partition(".")
    object_id = f"{version.pk}:{data.get('number')}" if noun == "page" else data.get("id", "")
    before = audit.last_state(noun, object_id) if verb in ("updated", "deleted") else None
    after = None if verb == "deleted" else data
    return audit.record(
        type,
        actor=user,
        case=version.document.case,
        obj=(noun, object_id),
        summary=_summary(user.get_username(), version.pk, noun, verb, object_id, before, after),
        before=before,
        after=after,
    )


def _summary(who, version_id, noun, verb, object_id, before, after):
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
