"""What changed in a resubmittal, sheet by sheet, against the version it replaced.

On Celery, once the resubmittal is ready (its `VersionChanges` row made by
reviews.services.cycles.start_cycle): each sheet is matched to its previous
sheet (`match_sheets`: by label, then page number); a sheet without a match was
added; a matched one changed if its size or its text differs, or else if its
render at low resolution differs in more than a few pixels from the previous
sheet's (PDFium in sandbox children, as at intake). Sheets of the previous
version that nothing matched were removed. Idempotent: the result is written
once, while the row is still pending.
"""

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from documents import pdf
from documents.models import Page, VersionChanges

log = logging.getLogger(__name__)

SIZE_TOLERANCE_PT = 0.5


def match_sheets(previous_pages, pages):
    """{previous page number: page number} for two versions' sheets, each given as (number, label).

    A sheet is found by its label (when the label is unique in both sets); a sheet that has
    none, or whose label the new set does not have at all, by its page number, if that
    page is not another sheet's match by label — a relabelled sheet keeps its place. What
    neither finds is removed (and its markups unmatched)."""
    by_label = _unique_labels(pages)
    previous_labels = _unique_labels(previous_pages)
    matched = {
        number: by_label[label] for number, label in previous_pages if label in by_label and label in previous_labels
    }
    taken = set(matched.values())
    numbers = {number for number, _label in pages}
    for number, label in previous_pages:
        if number in matched or number not in numbers or number in taken:
            continue
        if label and label in by_label:
            continue  # its label is in the new set, only not unique: do not guess by position
        matched[number] = number
        taken.add(number)
    return matched


def _unique_labels(pages):
    seen: dict[str, int | None] = {}
    for number, label in pages:
        if label:
            seen[label] = None if label in seen else number
    return {label: number for label, number in seen.items() if number is not None}


def detect_changes(version_id):
    """Compare a resubmittal's sheets with the previous version's and store the result."""
    changes = (
        VersionChanges.objects.select_related("version", "previous")
        .filter(version_id=version_id, status=VersionChanges.Status.PENDING)
        .first()
    )
    if changes is None:
        return None  # computed already, or not a resubmittal
    sheets, removed = compare_versions(changes.previous, changes.version)
    VersionChanges.objects.filter(pk=changes.pk, status=VersionChanges.Status.PENDING).update(
        status=VersionChanges.Status.READY, sheets=sheets, removed=removed, computed_at=timezone.now()
    )
    return sheets


def restart_pending(*, now=None):
    """On beat, with the stalled-processing sweep: comparisons still pending PROCESSING_STALLED_AFTER_S
    after their version became ready (the message lost with Redis, the worker gone) are sent again.
    Returns their versions' ids."""
    from documents.tasks import detect_changes  # the task module imports this one

    since = (now or timezone.now()) - timedelta(seconds=settings.PROCESSING_STALLED_AFTER_S)
    stalled = list(
        VersionChanges.objects.filter(
            status=VersionChanges.Status.PENDING, version__processed_at__lt=since
        ).values_list("version_id", flat=True)
    )
    for version_id in stalled:
        detect_changes.delay(version_id)
    if stalled:
        log.warning("comparisons of versions %s were pending too long; sent again", stalled)
    return stalled


def compare_versions(previous, version):
    """(sheets, removed) as `GET /api/versions/{id}/changes/` shows them."""
    fields = ("number", "label", "width", "height", "text")
    old = {page["number"]: page for page in Page.objects.filter(version=previous).values(*fields)}
    new = {page["number"]: page for page in Page.objects.filter(version=version).values(*fields)}
    matched = match_sheets(
        [(n, p["label"]) for n, p in sorted(old.items())], [(n, p["label"]) for n, p in sorted(new.items())]
    )
    previous_of = {number: old_number for old_number, number in matched.items()}
    to_render = [
        (previous_of[number], number)
        for number in sorted(new)
        if number in previous_of and _alike(old[previous_of[number]], new[number])
    ]
    differing = _render_and_compare(previous, version, to_render) if to_render else {}
    sheets = []
    for number, page in sorted(new.items()):
        old_number = previous_of.get(number)
        if old_number is None:
            change = "added"
        elif 0 <= differing.get(number, -1) <= settings.CHANGE_DETECTION_PIXELS:
            change = "unchanged"
        else:  # its size, its text or its render differs
            change = "changed"
        sheets.append({"page": number, "label": page["label"], "previous_page": old_number, "change": change})
    removed = [{"page": n, "label": p["label"]} for n, p in sorted(old.items()) if n not in matched]
    return sheets, removed


def _alike(old, new):
    """Same size and same words: only then do the renders decide."""
    same_size = abs(old["width"] - new["width"]) <= SIZE_TOLERANCE_PT
    same_size = same_size and abs(old["height"] - new["height"]) <= SIZE_TOLERANCE_PT
    return same_size and old["text"].split() == new["text"].split()


def _render_and_compare(previous, version, pairs):
    from documents.services.intake import stored_file_path

    with tempfile.TemporaryDirectory() as work:
        old_dir, new_dir = Path(work) / "old", Path(work) / "new"
        old_dir.mkdir()
        new_dir.mkdir()
        with stored_file_path(previous, old_dir) as old_path, stored_file_path(version, new_dir) as new_path:
            return pdf.compare(
                old_path,
                new_path,
                pairs,
                width_px=settings.CHANGE_DETECTION_WIDTH_PX,
                tolerance=settings.CHANGE_DETECTION_TOLERANCE,
            )
