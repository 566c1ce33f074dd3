"""What goes out to the applicant when a review cycle ends.

Nothing of a review reaches the applicant while it runs. When the cycle's
workflow ends (whatever its outcome), every correction and note of its version
is released at once, with the copies a resubmittal carried forward meanwhile —
`released_at` set in the routing transaction that ends the workflow, so the
outcome and the release commit together — the release is written to the audit
trail, and the case's applicants are told by notification and e-mail (sent
after commit).
"""

from django.db.models import Count
from django.urls import reverse

from audit import services as audit
from notifications.services import notify
from reviews.models import RELEASED_CATEGORIES, Annotation
from webhooks import services as webhooks


def release_cycle(workflow, now):
    """Release the corrections and notes of the workflow's version; returns {category: count}."""
    version = workflow.version
    waiting = Annotation.objects.filter(version=version, category__in=RELEASED_CATEGORIES, released_at__isnull=True)
    counts = dict(waiting.values_list("category").annotate(n=Count("pk")).order_by())
    origins = list(waiting.values_list("pk", flat=True))
    waiting.update(released_at=now)
    copies = _release_carried_copies(origins, now)
    released = {category: counts.get(category, 0) for category in RELEASED_CATEGORIES}
    audit.record(
        "annotations.released",
        actor=None,
        case=workflow.case,
        obj=("version", version.pk),
        summary=f"{_count(released['correction'], 'correction')} and {_count(released['note'], 'note')} "
        f"of {version.document.title} v{version.number} released to the applicant",
        after={"workflow": workflow.pk, "status": workflow.status, **released, "carried_copies": copies},
    )
    _tell_applicants(workflow, released)
    webhooks.emit(
        "case.comments_released",
        {"workflow": workflow.pk, "version": version.pk, "corrections": released["correction"],
         "notes": released["note"]},
        case=workflow.case_id,
    )  # fmt: skip
    return released


def _release_carried_copies(origins, now):
    """A resubmittal may have carried the markups forward before their cycle ended: their copies
    (and the copies of those) are released with them, unless a reviewer made one internal since.
    Returns how many."""
    released = 0
    while origins:
        copies = Annotation.objects.filter(
            carried_from__in=origins, category__in=RELEASED_CATEGORIES, released_at__isnull=True
        )
        origins = list(copies.values_list("pk", flat=True))
        released += Annotation.objects.filter(pk__in=origins).update(released_at=now)
    return released


def _count(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _tell_applicants(workflow, released):
    case, version = workflow.case, workflow.version
    applicants = [invited.user for invited in case.applicants.select_related("user")]
    if not applicants:
        return
    outcome = workflow.get_status_display().lower()
    text = f"{case.number} {version.document.title} v{version.number}: the review ended — {outcome}."
    if released["correction"] or released["note"]:
        text += (
            f" {_count(released['correction'], 'correction')} and {_count(released['note'], 'note')} "
            "are ready for you to read"
            + (", and each correction is waiting for your answer." if released["correction"] else ".")
        )
    notify(
        applicants,
        kind="review.released",
        text=text,
        url=reverse("documents:case-detail", args=[case.pk]),
        subject=f"{case.number}: {workflow.get_status_display()}",
    )
