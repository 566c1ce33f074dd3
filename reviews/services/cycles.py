"""Review cycles: a resubmittal that becomes ready replaces the version before it.

In the transaction that marks the new version ready (documents.services.intake), `start_cycle`
locks the previous version, makes it read-only (`superseded_by`: every change of it is then
refused, in `reviews.services.events.record`), and carries every open correction and note of
it onto the matching sheet of the new one — matched by sheet label, then by page number — as
new markups pointing at their origin (`carried_from`), each with a copy of its thread (the
applicant's answers included) and its release. A markup whose sheet is not found is never
dropped: it is listed (`VersionChanges.unmatched_annotations`) for a reviewer to place by
hand (`place_unmatched`). The version's `VersionChanges` row is made once, so running this
twice carries nothing twice; the comparison of the sheets follows on Celery
(documents.services.changes).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from civicreview.celery import enqueue_on_commit
from documents.models import Document, DocumentVersion, Page, VersionChanges
from documents.selectors import reviews_version, visible_version
from documents.services.changes import match_sheets
from reviews.models import RELEASED_CATEGORIES, Annotation, Comment, VersionEvent
from reviews.services import events
from reviews.services.annotations import annotation_json, require_department

# --- which sheet is which --------------------------------------------------------------


def _sheets(version):
    return list(Page.objects.filter(version=version).order_by("number").values_list("number", "label"))


def _sizes(version):
    return {
        number: (w, h) for number, w, h in Page.objects.filter(version=version).values_list("number", "width", "height")
    }


def sheet_match(changes):
    return match_sheets(_sheets(changes.previous), _sheets(changes.version))


# --- a new cycle -------------------------------------------------------------------------


def start_cycle(version):
    """Called in the transaction that marks `version` ready: it replaces the latest ready version
    before it, whose open corrections and notes are carried onto it. Versions may become ready out
    of order: one that finds a later version ready already is replaced by it in turn (or, when that
    later version replaced the same one, compared only). Returns its VersionChanges, or None for a
    first version."""
    Document.objects.select_for_update().only("pk").get(pk=version.document_id)  # one document's cycles in turn
    existing = VersionChanges.objects.filter(version=version).first()
    if existing is not None:
        return existing  # carried before: a run repeated
    ready = DocumentVersion.objects.filter(document_id=version.document_id, status=DocumentVersion.Status.READY)
    previous = ready.select_for_update().filter(number__lt=version.number).order_by("-number").first()
    if previous is None:
        changes = None
    elif previous.superseded_by is not None and previous.superseded_by.number > version.number:
        # a later version replaced the same one first: this one is only compared with it
        DocumentVersion.objects.filter(pk=version.pk).update(superseded_by=previous.superseded_by)
        return _compare_later(VersionChanges.objects.create(version=version, previous=previous))
    else:
        changes = _replace(previous, version)
    later = ready.filter(number__gt=version.number, changes__isnull=True).order_by("number").first()
    if later is not None:  # ready while this one was still processing: it found nothing to replace then
        _replace(version, later)
    return changes


def _replace(previous, version):
    """`version` replaces `previous`: read-only from now, its open markups carried, its sockets told."""
    DocumentVersion.objects.filter(pk=previous.pk).update(superseded_by=version)
    changes = VersionChanges.objects.create(version=version, previous=previous)
    carry_forward(changes)
    _announce_replaced(previous, version)
    return _compare_later(changes)


def _compare_later(changes):
    from documents.tasks import detect_changes  # the task module imports the services

    enqueue_on_commit(detect_changes, changes.version_id)
    return changes


def _announce_replaced(previous, version):
    """Log `version.superseded` on the replaced version, so that its open viewers show the banner
    at once (and a socket that was away gets it on resume). Its row is locked already (the caller
    replaced it), as `events.record` would lock it for the next seq."""
    event = VersionEvent.objects.create(
        version_id=previous.pk,
        seq=events.latest_seq(previous.pk) + 1,
        type="version.superseded",
        user_id=version.uploaded_by_id,
        data={"id": version.pk, "number": version.number, "url": reverse("documents:viewer", args=[version.pk])},
    )
    message = event.message()
    transaction.on_commit(lambda: events.broadcast(previous.pk, message), robust=True)


def carry_forward(changes):
    """Copy the previous version's open corrections and notes onto the matching sheets of the new one."""
    previous, version = changes.previous, changes.version
    matched = sheet_match(changes)
    old_sizes, new_sizes = _sizes(previous), _sizes(version)
    waiting = list(
        Annotation.objects.filter(version=previous, status=Annotation.Status.OPEN, category__in=RELEASED_CATEGORIES)
        .select_related("author", "department")
        .order_by("page", "id")
    )
    carried = [
        _copy(origin, version, matched[origin.page], old_sizes[origin.page], new_sizes[matched[origin.page]])
        for origin in waiting
        if origin.page in matched
    ]
    created = _store_copies(version, carried)
    changes.unmatched_annotations = [origin.pk for origin in waiting if origin.page not in matched]
    changes.carried_at = timezone.now()
    changes.save(update_fields=["unmatched_annotations", "carried_at"])
    audit.record(
        "annotations.carried",
        actor=None,
        case=version.document.case,
        obj=("version", version.pk),
        summary=f"{len(created)} open markup(s) of {version.document.title} v{previous.number} carried to "
        f"v{version.number}; {len(changes.unmatched_annotations)} without a matching sheet, to place by hand",
        after={
            "previous": previous.pk,
            "carried": {str(copy.carried_from_id): copy.pk for copy in created},
            "unmatched": changes.unmatched_annotations,
        },
    )
    return created


def _copy(origin, version, page, old_size, new_size):
    """An unsaved copy of `origin` on `page` of `version`, its points scaled if the sheet's size changed."""
    sx, sy = new_size[0] / old_size[0], new_size[1] / old_size[1]
    points = [
        [min(max(x * sx, 0.0), new_size[0]), min(max(y * sy, 0.0), new_size[1])]
        for x, y in origin.geometry.get("points", [])
    ]
    return Annotation(
        version=version,
        page=page,
        kind=origin.kind,
        geometry={**origin.geometry, "points": points},
        style=origin.style,
        text=origin.text,
        status=origin.status,
        category=origin.category,
        released_at=origin.released_at,
        carried_from=origin,
        author=origin.author,
        department=origin.department,
    )


def _store_copies(version, copies, *, user=None):
    """Save carried markups with their threads, and log each as created on `version` (its own seq)."""
    if not copies:
        return []
    seq = events.lock_for_change(version.pk)
    created = Annotation.objects.bulk_create(copies)
    _copy_threads(created)
    logged = VersionEvent.objects.bulk_create(
        VersionEvent(
            version_id=version.pk,
            seq=seq + n,
            type="annotation.created",
            user=user or copy.author,
            data=annotation_json(copy),
        )
        for n, copy in enumerate(created, start=1)
    )
    messages = [event.message() for event in logged]
    transaction.on_commit(lambda: [events.broadcast(version.pk, m) for m in messages], robust=True)
    return created


def _copy_threads(created):
    copy_of = {copy.carried_from_id: copy.pk for copy in created}
    replies = Comment.objects.filter(annotation_id__in=copy_of).order_by("created_at", "id")
    copies = [
        Comment(
            annotation_id=copy_of[reply.annotation_id],
            author_id=reply.author_id,
            body=reply.body,
            visibility=reply.visibility,
            created_at=reply.created_at,
        )
        for reply in replies
    ]
    saved = Comment.objects.bulk_create(copies)  # auto_now_add stamps them now: give back their dates
    for copy, reply in zip(saved, replies, strict=True):
        copy.created_at = reply.created_at
    Comment.objects.bulk_update(saved, ["created_at"], batch_size=500)


# --- placing by hand ---------------------------------------------------------------------


def place_unmatched(user, version_id, annotation_id, page):
    """Carry one of the previous version's unmatched markups onto `page` of the version, by hand."""
    version = visible_version(user, version_id)
    require_department(user, version)
    with transaction.atomic():
        changes = VersionChanges.objects.select_for_update().filter(version=version).first()
        if changes is None or annotation_id not in changes.unmatched_annotations:
            raise ValidationError(
                {"annotation": ["That markup is not waiting to be placed on this version (placed already?)."]}
            )
        sizes = _sizes(version)
        if not isinstance(page, int) or isinstance(page, bool) or page not in sizes:
            raise ValidationError({"page": [f"Choose a page from 1 to {len(sizes)}."]})
        origin = Annotation.objects.select_related("author", "department").get(pk=annotation_id)
        old_size = Page.objects.filter(version_id=origin.version_id, number=origin.page).values_list("width", "height")
        copy = _copy(origin, version, page, old_size.get(), sizes[page])
        (placed,) = _store_copies(version, [copy], user=user)
        changes.unmatched_annotations = [pk for pk in changes.unmatched_annotations if pk != annotation_id]
        changes.save(update_fields=["unmatched_annotations"])
        audit.record(
            "annotation.placed",
            actor=user,
            case=version.document.case,
            obj=("annotation", placed.pk),
            summary=f"{user.get_username()} placed markup #{origin.pk} of v{changes.previous.number} "
            f"on page {page} of v{version.number}",
            after=annotation_json(placed),
        )
    return placed


# --- what a version's page shows -----------------------------------------------------------


def changes_json(user, version_id):
    """`GET /api/versions/{id}/changes/`: what changed against the previous version, and which of
    its markups wait to be placed (those the user may read)."""
    version = visible_version(user, version_id)
    changes = VersionChanges.objects.filter(version=version).first()
    if changes is None:  # a first version, or one whose predecessor is not ready yet (ready out of order)
        earlier = (
            version.document.versions.filter(number__lt=version.number)
            .exclude(status=DocumentVersion.Status.FAILED)
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
        first = earlier is None and version.status == DocumentVersion.Status.READY
        return {
            "previous": earlier,
            "status": VersionChanges.Status.READY if first else VersionChanges.Status.PENDING,
            "sheets": [
                {"page": number, "label": label, "previous_page": None, "change": "added"}
                for number, label in (_sheets(version) if first else [])
            ],
            "removed": [],
            "unmatched_annotations": [],
        }
    waiting = Annotation.objects.filter(pk__in=changes.unmatched_annotations)
    readable = waiting if reviews_version(user, changes.previous_id) else waiting.released()
    ready = changes.status == VersionChanges.Status.READY
    return {
        "previous": changes.previous_id,
        "status": changes.status,
        "sheets": changes.sheets if ready else [],
        "removed": changes.removed if ready else [],
        "unmatched_annotations": sorted(readable.values_list("pk", flat=True)),
    }
