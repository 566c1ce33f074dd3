"""Whether a version's markups may still change: the one rule, over HTTP and the websocket.

A version whose review ended approved is the approved set: it is locked, and
any new markup, change, deletion or reply is refused with `VersionLocked`
(409 over HTTP, a `conflict` error on the socket). Other reasons a version is
read-only (a newer version superseding it) belong here too, raising the same
error.
"""

from civicreview.errors import Conflict
from workflows.models import Workflow

APPROVED = (Workflow.Status.APPROVED, Workflow.Status.APPROVED_WITH_CONDITIONS)


class VersionLocked(Conflict):
    """The version is read-only; the message says why and what to do instead."""


def why_locked(version):
    """Why markups on `version` (a DocumentVersion or its id) may no longer change, or None."""
    version_id = getattr(version, "pk", version)
    approved = Workflow.objects.filter(version_id=version_id, status__in=APPROVED).values_list("status", flat=True)
    status = approved.first()
    if status is None:
        return None
    label = Workflow.Status(status).label.lower()
    return f"This version was {label} and is locked: its markups can no longer change. Mark up a newer version instead."


def ensure_open(version):
    """Raise VersionLocked unless markups on `version` may change."""
    reason = why_locked(version)
    if reason is not None:
        raise VersionLocked(reason)
