"""The per-version event log: every change gets the version's next `seq`, then is broadcast.

`record` runs inside the change's own transaction and takes a row lock on
the version, so writers in any number of server processes queue up and the
log has no gaps and no duplicates. The broadcast goes out after commit;
a client that misses one sees a gap in `seq` and resumes from the log.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from civicreview.errors import Conflict
from civicreview.prepared import insert, prepared
from civicreview.text import storable
from documents.models import DocumentVersion
from reviews.models import VersionEvent
from reviews.services import locks, markup_audit


def group_name(version_id):
    return f"version-{version_id}"


def record(version, *, type, user, ref, data):
    """Log one change of `version` (its document's case loaded, for the audit trail)."""
    seq = lock_for_change(version.pk) + 1
    event = insert(VersionEvent(version_id=version.pk, seq=seq, type=type, ref=ref or "", user=user, data=data))
    # robust: with the channel layer down the change still stands; clients catch up from the log.
    # Registered first, so the broadcast goes out before what the audit entry sets off (the case page's push).
    transaction.on_commit(lambda: broadcast(version.pk, event.message()), robust=True)
    markup_audit.record_change(version, type=type, user=user, data=data)
    return event


def lock_for_change(version_id):
    """Lock the version's row until the transaction ends, for a change and its `seq`; a change of
    a read-only version (replaced, or approved and locked: reviews.services.locks) is refused here.
    Returns the version's latest `seq`."""
    if _lock_version(version_id) is None:
        raise DocumentVersion.DoesNotExist
    state = _state_after_lock(version_id)  # its own statement: it sees what whoever held the lock before committed
    refused = locks.reason(state)
    if refused is not None:
        raise locks.VersionLocked(refused)
    return state["latest_seq"]


def apply_once(version_id, user, ref, change):
    """Run `change()` (which records one event) in a transaction, once per `ref`.

    A command sent again — after a reconnect, say — gets back the event it
    produced the first time instead of being applied twice. The log's unique
    (version, user, ref) keeps the first try free of lookups: only a refused
    change asks whether its ref was applied before. Sent again, a creation or
    a reply meets that unique ref, an edit its own new revision, a deletion a
    markup gone. `version_id` None (over HTTP, by annotation): any version.
    """
    check_ref(ref)
    try:
        with transaction.atomic():
            return change()
    except (IntegrityError, Conflict, Http404, PermissionDenied):
        earlier = _earlier(version_id, user, ref)
        if earlier:
            return earlier
        raise


MAX_REF = 64


def check_ref(ref):
    """A client's `ref`: a string of up to MAX_REF characters the database can store (or none)."""
    if ref in (None, ""):
        return
    if not isinstance(ref, str) or len(ref) > MAX_REF:
        raise ValidationError({"ref": [f"ref must be a string of up to {MAX_REF} characters."]})
    storable(ref, "ref")


def _earlier(version_id, user, ref):
    """The event a ref already produced, marked `replayed`."""
    if not ref:
        return None
    found = VersionEvent.objects.filter(user=user, ref=ref).select_related("user").order_by("-pk")
    event = (found.filter(version_id=version_id) if version_id is not None else found).first()
    if event:
        event.replayed = True  # type: ignore[attr-defined]  # read by the consumer
    return event


@prepared(key=lambda version_id: version_id)
def _lock_version(version_id):
    return DocumentVersion.objects.select_for_update().filter(pk=version_id).order_by().values("pk")


@prepared(key=lambda version_id: version_id)
def _state_after_lock(version_id):
    latest = VersionEvent.objects.filter(version_id=OuterRef("pk")).order_by("-seq").values("seq")[:1]
    return locks.state(version_id).annotate(latest_seq=Coalesce(Subquery(latest), 0))


@prepared(key=lambda version_id: version_id)
def _latest_event(version_id):
    return VersionEvent.objects.filter(version_id=version_id).order_by("-seq").values("seq")


def latest_seq(version_id):
    latest = _latest_event(version_id)
    return latest["seq"] if latest else 0


def events_after(version_id, seq):
    return VersionEvent.objects.filter(version_id=version_id, seq__gt=seq).select_related("user").order_by("seq")


def broadcast(version_id, message):
    """Send `message` to every socket on the version, in every server process."""
    send = async_to_sync(get_channel_layer().group_send)
    try:
        send(group_name(version_id), layer_message(version_id, message))
    except Exception:  # a pooled Redis connection goes stale when Redis restarts: try once more
        send(group_name(version_id), layer_message(version_id, message))


def layer_message(version_id, message):
    return {"type": "version.message", "version": version_id, "message": message}
