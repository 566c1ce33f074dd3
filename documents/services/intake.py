"""Taking in uploads: validate in the request, store, then process on Celery.

validate → store → (task) render thumbnails, extract text and sheet labels,
and write a copy of the PDF arranged for the viewer → ready, or failed with
the reason. Each step can fail with a message for the user; a refused upload
leaves nothing stored, a failed one leaves a version marked failed and no
pages. A version without a web copy (qpdf could not make one) is still ready:
the viewer gets the upload itself.
"""

import hashlib
import logging
import os
import shutil
import tempfile
import time
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit import services as audit
from civicreview.celery import enqueue_on_commit
from civicreview.errors import UploadTooLarge
from civicreview.text import storable
from documents import pdf
from documents.models import Document, DocumentVersion, Page
from documents.services import runs
from documents.services.cases import may_upload_documents
from webhooks import services as webhooks

log = logging.getLogger(__name__)

MAX_PAGE_SIDE_PT = 14400  # 200 inches, the largest page the PDF format allows
MIN_PAGE_SIDE_PT = 1


MULTIPART_OVERHEAD = 64 * 1024  # form fields and boundaries around the file


def max_upload_bytes():
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def max_request_bytes():
    """The largest request body an upload may come in: the file and the form around it."""
    return max_upload_bytes() + MULTIPART_OVERHEAD


def check_upload_size(size):
    if size > max_upload_bytes():
        raise UploadTooLarge(
            f"The file is {size / 1024 / 1024:.1f} MB; uploads are limited to {settings.MAX_UPLOAD_MB} MB."
        )


def add_document(user, case, *, title, upload, kind=Document.Kind.PLAN_SET):
    """A new document in `case` whose first version is `upload`."""
    title = storable((title or "").strip(), "title") or os.path.splitext(getattr(upload, "name", "") or "")[0]
    storable(title, "title")
    if not title:
        raise ValidationError({"title": ["Give the document a title."]})
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": [f"Unknown kind {kind!r}; one of {', '.join(Document.Kind.values)}."]})
    with _validated(user, case, upload) as checked, _stored(checked) as name, transaction.atomic():
        document = Document.objects.create(case=case, title=title[:200], kind=kind)
        _create_version(user, document, checked, name)
    return document


def add_version(user, document, *, upload, partial=False):
    """A resubmittal: `upload` becomes the document's next version. `partial`: the upload holds
    only the changed sheets; each replaces the sheet with the same number (label) in the latest
    ready version, and the complete set so assembled becomes the next version."""
    with _validated(user, document.case, upload) as checked, ExitStack() as stack:
        if partial:
            checked = stack.enter_context(_assembled(document, checked))
        with _stored(checked) as name, transaction.atomic():
            Document.objects.select_for_update().get(pk=document.pk)  # one number per version
            _refuse_unchanged(document, checked)
            return _create_version(user, document, checked, name, partial=partial)


@contextmanager
def _assembled(document, sheets):
    """The latest ready version with the uploaded sheets in place of those with their labels."""
    latest = document.versions.filter(status=DocumentVersion.Status.READY).order_by("-number").first()
    if latest is None:
        raise ValidationError(
            {"file": ["There is no processed version to replace sheets of; upload the complete set."]}
        )
    replacements = _replacements(latest, _read_labels(sheets.path))
    with tempfile.TemporaryDirectory() as work, stored_file_path(latest, Path(work)) as base:
        dest = f"{work}/assembled.pdf"
        try:
            pdf.assemble(base, sheets.path, dest, replacements)
            sizes = pdf.inspect(dest)
        except pdf.PdfError as error:
            raise ValidationError({"file": [error.message]}) from None
        check_pages(sizes)
        with open(dest, "rb") as assembled:
            digest = hashlib.file_digest(assembled, "sha256").hexdigest()
        yield _Checked(dest, digest, os.path.getsize(dest), len(sizes))


def _read_labels(path):
    try:
        return pdf.read_sheet_labels(path)
    except pdf.PdfError as error:
        raise ValidationError({"file": [error.message]}) from None


def _replacements(latest, labels):
    """[(page of `latest`, page of the upload)] for the upload's sheets, found by their labels."""
    numbers = dict(latest.pages.exclude(label="").values_list("label", "number"))
    replacements, seen = [], set()
    for index, label in enumerate(labels, start=1):
        if not label:
            raise ValidationError(
                {"file": [f"Page {index} of the upload has no sheet number we could read; "
                          "a partial resubmittal replaces sheets by their numbers. Upload the complete set."]}
            )  # fmt: skip
        if label not in numbers:
            raise ValidationError(
                {"file": [f"Sheet {label} (page {index} of the upload) is not in version {latest.number}; "
                          "to add sheets, upload the complete set."]}
            )  # fmt: skip
        if label in seen:
            raise ValidationError({"file": [f"Sheet {label} is in the upload twice."]})
        seen.add(label)
        replacements.append((numbers[label], index))
    return replacements


def _refuse_unchanged(document, checked):
    latest = document.versions.order_by("-number").first()
    if latest is not None and latest.sha256 == checked.sha256:
        raise ValidationError(
            {"file": [f"This file is identical to version {latest.number}; upload the revised plans to resubmit."]}
        )


@dataclass(frozen=True)
class _Checked:
    path: str
    sha256: str
    size: int
    page_count: int


@contextmanager
def _validated(user, case, upload):
    """Check permission, size and content; yield the upload as a local file."""
    if not may_upload_documents(user, case):
        raise PermissionDenied(
            "Only members of the lead department and the applicant can upload documents to this case."
        )
    if upload is None:
        raise ValidationError({"file": ["Choose a PDF file to upload."]})
    check_upload_size(upload.size)
    with _local_copy(upload) as (path, sha256):
        try:
            sizes = pdf.inspect(path)
        except pdf.PdfError as error:
            raise ValidationError({"file": [error.message]}) from None
        check_pages(sizes)
        yield _Checked(path, sha256, upload.size, len(sizes))


def check_pages(sizes):
    if not sizes:
        raise ValidationError({"file": ["The PDF has no pages."]})
    if len(sizes) > settings.MAX_PAGES:
        raise ValidationError({"file": [f"The PDF has {len(sizes)} pages; at most {settings.MAX_PAGES} are accepted."]})
    for number, (width, height) in enumerate(sizes, start=1):
        if max(width, height) > MAX_PAGE_SIDE_PT or min(width, height) < MIN_PAGE_SIDE_PT:
            raise ValidationError(
                {
                    "file": [
                        f"Page {number} measures {width / 72:.1f} × {height / 72:.1f} in; "
                        f"pages must be between {MIN_PAGE_SIDE_PT / 72:.2f} and {MAX_PAGE_SIDE_PT // 72} in on a side."
                    ]
                }
            )


@contextmanager
def _local_copy(upload):
    """The upload as a file on local disk, with its sha256."""
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as local:
        for chunk in upload.chunks():
            digest.update(chunk)
            local.write(chunk)
        local.flush()
        yield local.name, digest.hexdigest()


@contextmanager
def _stored(checked):
    """Store the file under its sha256; remove it again if what follows fails."""
    name = DocumentVersion.file.field.generate_filename(checked, "upload.pdf")
    created = not default_storage.exists(name)
    if created:
        with open(checked.path, "rb") as source:
            name = default_storage.save(name, File(source))
    try:
        yield name
    except BaseException:
        if created and not DocumentVersion.objects.filter(file=name).exists():
            default_storage.delete(name)
        raise


def _create_version(user, document, checked, name, *, partial=False):
    """The version row, audited; processing starts once it is committed."""
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        file=name,
        sha256=checked.sha256,
        size=checked.size,
        page_count=checked.page_count,
        uploaded_by=user,
    )
    _store_case_status(document.case)  # a resubmittal changes what the case waits on
    _record_upload(user, version, partial)
    _process_after_commit(version)
    webhooks.emit(
        "case.received",
        {"document": document.pk, "document_kind": document.kind, "version": version.pk, "number": version.number},
        case=document.case_id,
    )
    return version


def _record_upload(user, version, partial):
    document = version.document
    what = "a partial resubmittal of" if partial else "the plans for" if version.number == 1 else "a resubmittal of"
    audit.record(
        "version.uploaded", actor=user, case=document.case, obj=("version", version.pk),
        summary=f"{user.get_username()} uploaded {what} {document.title} as v{version.number} "
        f"({version.page_count} page{'s' if version.page_count != 1 else ''})",
        after={"document": document.pk, "title": document.title, "kind": document.kind, "number": version.number,
               "sha256": version.sha256, "size": version.size, "pages": version.page_count, "partial": partial},
    )  # fmt: skip


def _store_case_status(case):
    from workflows.services.engine import store_case_status  # workflows build on documents

    store_case_status(case, timezone.now())


def _process_after_commit(version):
    from documents.tasks import process_version  # the task module imports this one

    enqueue_on_commit(process_version, version.pk)


# --- processing, on Celery ---------------------------------------------------

PAGE_BATCH_SECONDS = 0.5  # pages are saved, and the progress shown moves, this often


def process_version(version_id):
    """Render and read every page of a processing version, and make its web copy; idempotent.

    Nothing happens while a live run holds the version (documents.services.runs). A
    database error that may pass (the task retries on it) leaves the version processing,
    for the retry to start over.
    """
    version = _claim(version_id)
    if version is None:
        return None  # already processed, deleted, or in a live run's hands
    with runs.run(version) as folder:
        return _run(version, folder)


def _run(version, folder):
    _discard_pages(version)
    try:
        with stored_file_path(version, folder) as path:
            web_copy = _start_web_copy(version, path, folder)
            with web_copy or nullcontext():  # made while the pages render
                _render_pages(version, path, folder)
                page_count = version.pages.count()
                web_file = _store_web_copy(version, web_copy, page_count)
    except _Superseded:
        return None  # a later run of the same version carries on
    except pdf.PdfError as error:
        return _fail(version, error.message)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        log.exception("processing version %s failed", version.pk)
        _fail(
            version, "Processing failed unexpectedly. Upload the file again; if it fails again, tell an administrator."
        )
        raise
    return _ready(version, page_count, web_file)


def _ready(version, page_count, web_file):
    """Mark the version ready and, for a resubmittal, start its review cycle in the same
    transaction: the previous version turns read-only and its open markups are carried over
    (reviews.services.cycles) before anyone can open the new one."""
    from reviews.services import cycles  # reviews builds on documents

    with transaction.atomic():
        marked = _current(version).update(
            status=DocumentVersion.Status.READY,
            error="",
            page_count=page_count,
            pages_done=page_count,
            web_file=web_file,
            processed_at=timezone.now(),
            lease_expires_at=None,
        )
        if not marked:
            return None  # superseded by a later run, which decides
        cycles.start_cycle(version)
    return DocumentVersion.Status.READY


class _Superseded(Exception):
    """Another run of the same version has started; this one must write nothing more."""


def _claim(version_id):
    """Start a run of a processing version that no live run holds: it takes the lease, and
    supersedes any earlier run."""
    now = timezone.now()
    with transaction.atomic():
        version = (
            DocumentVersion.objects.select_for_update()
            .filter(pk=version_id, status=DocumentVersion.Status.PROCESSING)
            .first()
        )
        if version is None:
            return None
        if runs.held_by_a_live_run(version, now):
            log.info("version %s is in the hands of a live run (attempt %s); leaving it", version.pk, version.attempt)
            return None
        runs.remove_if_dead(version.pk, version.attempt)
        version.attempt += 1
        version.progressed_at = now
        version.lease_expires_at = runs.lease_until(now)
        version.save(update_fields=["attempt", "progressed_at", "lease_expires_at"])
    return version


def _current(version):
    """The version's row, if this run is still the latest (locked, within a transaction)."""
    return DocumentVersion.objects.filter(pk=version.pk, attempt=version.attempt)


def _render_pages(version, path, outdir):
    pages = _PageBatches(version)
    try:
        for rendered in pdf.render(path, outdir):
            _add_page(pages, rendered)
    finally:
        pages.save()  # whatever stops the loop, pages_done counts the pages saved


class _PageBatches:
    """A version's pages saved together: one transaction, and one progress update, per PAGE_BATCH_SECONDS.

    The first page is saved at once, so that progress shows as soon as there is any.
    """

    def __init__(self, version):
        self.version, self.pending, self.saved_at = version, [], None

    def add(self, page):
        self.pending.append(page)
        if self.saved_at is None or time.monotonic() - self.saved_at >= PAGE_BATCH_SECONDS:
            self.save()

    def save(self):
        if self.pending:
            with transaction.atomic():
                if not _current(self.version).select_for_update().exists():
                    raise _Superseded
                Page.objects.bulk_create(self.pending)
                _current(self.version).update(pages_done=self.pending[-1].number, progressed_at=timezone.now())
            self.pending = []
        self.saved_at = time.monotonic()


def _add_page(pages, rendered):
    """Store the page's thumbnail and add its row to `pages`, a `_PageBatches`."""
    page = Page(
        version=pages.version,
        number=rendered.number,
        width=rendered.width,
        height=rendered.height,
        rotation=rendered.rotation,
        label=rendered.label,
        title=rendered.title.replace("\x00", ""),
        text=rendered.text.replace("\x00", ""),
    )
    page.scale = rendered.scale
    name = page.thumbnail.field.generate_filename(page, "thumbnail.png")
    if not default_storage.exists(name):
        with open(rendered.thumbnail, "rb") as source:
            name = default_storage.save(name, File(source))
    page.thumbnail.name = name
    pages.add(page)


def _web_copy_name(version):
    return version.web_file.field.generate_filename(version, "web.pdf")


def _start_web_copy(version, path, outdir):
    """The version's web copy, started in a sandbox child; None when an identical file has one already."""
    if default_storage.exists(_web_copy_name(version)):
        return None
    return pdf.WebCopy(path, f"{outdir}/web.pdf")


def _store_web_copy(version, web_copy, page_count):
    """The name of the version's web copy in storage, stored beside the upload; "" when there is none.

    A copy is kept only if it has the pages PDFium read (see documents.pdf.WebCopy).
    """
    name = _web_copy_name(version)
    if web_copy is None:
        return name  # stored for an identical file before
    copied_pages = web_copy.wait()
    if copied_pages != page_count:
        if copied_pages is not None:
            log.warning("no web copy of version %s: %s pages, not %s", version.pk, copied_pages, page_count)
        return ""
    with open(web_copy.dest, "rb") as source:
        stored = default_storage.save(name, File(source))
    if stored != name:  # another worker stored the same file meanwhile: keep theirs
        default_storage.delete(stored)
    return name


def _fail(version, message):
    if not _current(version).exists():
        return None  # superseded: the latest run decides
    _discard_pages(version)
    _current(version).update(
        status=DocumentVersion.Status.FAILED,
        error=message,
        pages_done=0,
        processed_at=timezone.now(),
        lease_expires_at=None,
    )
    _store_case_status(version.document.case)  # the case waits on the version before it again
    return DocumentVersion.Status.FAILED


def _discard_pages(version):
    """Remove the version's pages, and their thumbnails where no other version shares them."""
    names = list(version.pages.exclude(thumbnail="").values_list("thumbnail", flat=True))
    version.pages.all().delete()
    shared = set(Page.objects.filter(thumbnail__in=names).values_list("thumbnail", flat=True))
    for name in set(names) - shared:
        default_storage.delete(name)


@contextmanager
def stored_file_path(version, folder):
    try:
        local_path = version.file.path
    except NotImplementedError:  # remote storage
        local_path = None
    if local_path:
        yield local_path
        return
    local = folder / "upload.pdf"
    with local.open("wb") as copy, version.file.open("rb") as source:
        shutil.copyfileobj(source, copy)
    yield str(local)


def reprocess(user, version):
    """`user` (an admin) has a version processed again, e.g. after a failure from a lost worker."""
    with transaction.atomic():
        version = DocumentVersion.objects.select_for_update().select_related("document__case").get(pk=version.pk)
        before = {"status": version.status, "error": version.error, "restarts": version.restarts}
        DocumentVersion.objects.filter(pk=version.pk).update(
            status=DocumentVersion.Status.PROCESSING, error="", pages_done=0, processed_at=None,
            progressed_at=timezone.now(), restarts=0,
        )  # fmt: skip
        audit.record(
            "version.reprocessed", actor=user, case=version.document.case, obj=("version", version.pk),
            summary=f"{user.get_username()} had {version.document.title} v{version.number} processed again "
            f"(it was {version.get_status_display().lower()})",
            before=before, after={"status": DocumentVersion.Status.PROCESSING, "error": "", "restarts": 0},
        )  # fmt: skip
        _process_after_commit(version)


# --- stalled processing: on a worker's start, and swept on beat ---------------------


def restart_stalled(*, now=None):
    """Take up again every version whose processing stalled: its run died on this machine
    (see take_up_dead_runs), its lease passed (its worker gone), or it has shown no sign of
    life for PROCESSING_STALLED_AFTER_S (its message lost with Redis, its run stuck). One that
    stalls again after PROCESSING_MAX_RESTARTS restarts fails with the reason. Returns
    {version id: "restarted" or "failed"}.

    Only restarts of a version that had started count: one still waiting behind a
    long queue is queued again for nothing (the first message to run processes it,
    the other then finds it processed) but is never failed for waiting.
    """
    now = now or timezone.now()
    outcomes = take_up_dead_runs(now=now)
    stalled = DocumentVersion.objects.filter(status=DocumentVersion.Status.PROCESSING).filter(
        Q(lease_expires_at__lt=now) | Q(progressed_at__lt=now - timedelta(seconds=settings.PROCESSING_STALLED_AFTER_S))
    )
    for version_id in stalled.values_list("pk", flat=True):
        outcomes.update(_take_up(stalled.filter(pk=version_id), now))
    if outcomes:
        log.warning("the sweep found %d stalled version(s): %s", len(outcomes), outcomes)
    return outcomes


def take_up_dead_runs(*, now=None):
    """Remove the work folders of the runs that died on this machine (a worker killed, its
    machine restarted) and take their versions up at once, without waiting for their
    leases to pass. Called when a worker starts and by the sweep."""
    now = now or timezone.now()
    outcomes = {}
    for version_id, attempt in runs.dead_runs():
        processing = DocumentVersion.objects.filter(status=DocumentVersion.Status.PROCESSING)
        outcomes.update(_take_up(processing.filter(pk=version_id, attempt=attempt), now))
    if outcomes:
        log.warning("runs that died on this machine: %s", outcomes)
    return outcomes


def _take_up(versions, now):
    """Restart, or give up on, the version `versions` holds if it still does once locked."""
    try:
        with transaction.atomic():
            version = versions.select_for_update(skip_locked=True).first()
            if version is None:  # taken up, or locked by a run, since
                return {}
            given_up = version.restarts >= settings.PROCESSING_MAX_RESTARTS
            return {version.pk: _give_up(version) if given_up else _restart(version, now)}
    except Exception:
        log.exception("taking up stalled processing failed; the next sweep tries again")
        return {}


def _restart(version, now):
    version.progressed_at = now
    if version.attempt:
        version.restarts += 1
    if version.lease_expires_at is not None:  # its run, if alive somewhere, writes nothing more
        version.attempt += 1
        version.lease_expires_at = None
    version.save(update_fields=["progressed_at", "restarts", "attempt", "lease_expires_at"])
    _process_after_commit(version)
    return "restarted"


def _give_up(version):
    version.attempt += 1  # a run still alive somewhere writes nothing more
    version.save(update_fields=["attempt"])
    _fail(
        version,
        f"Processing stopped {version.restarts + 1} times before it finished. "
        "Upload the file again; if it stops again, tell an administrator.",
    )
    return "failed"
