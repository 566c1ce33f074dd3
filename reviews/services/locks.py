"""Whether a version's markups may still change: the one rule, over HTTP and the websocket,
checked by `events.lock_for_change` under the version's row lock before every change.

A version is read-only when a newer version replaced it (a resubmittal: mark up the newer
one), or when its review ended approved (the approved set is locked). Any new markup, change,
deletion, reply or sheet scale is then refused with `VersionLocked` (409 over HTTP, a
`conflict` error on the socket), whose message says why and what to do instead.
"""

from civicreview.errors import Conflict
from civicreview.prepared import prepared
from documents.models import DocumentVersion
from reviews.services import review_state


class VersionLocked(Conflict):
    """The version is read-only; the message says why and what to do instead."""


def why_locked(version):
    """Why markups on `version` (a DocumentVersion or its id) may no longer change, or None."""
    return reason(_state(getattr(version, "pk", version)))


def state(version_id):
    """The version's row as `reason` reads it (a queryset of values, for callers to extend)."""
    return (
        DocumentVersion.objects.filter(pk=version_id)
        .order_by()
        .values("number", "superseded_by__number", "workflow__status")
    )


@prepared(key=lambda version_id: version_id)  # asked as every socket opens
def _state(version_id):
    return state(version_id)


def reason(row):
    """Why a version whose `state` is `row` (None: no such version) is read-only, or None."""
    if row is None:
        return None
    newer = row["superseded_by__number"]
    if newer is not None:
        return (
            f"Version {row['number']} is read-only: version {newer} replaced it. Mark up and answer on version {newer}."
        )
    label = review_state.locking_outcomes().get(row["workflow__status"])
    if label is not None:
        return f"This version was {label.lower()} and is locked: its markups can no longer change. Mark up a newer version instead."
    return None


def ensure_open(version):
    """Raise VersionLocked unless markups on `version` may change."""
    refused = why_locked(version)
    if refused is not None:
        raise VersionLocked(refused)
