"""Taking in uploads: validate in the request, store, then process on Celery.

validate → store → (task) render thumbnails, extract text and sheet labels
→ ready, or failed with the reason. Each step can fail with a message for
the user; a refused upload leaves nothing stored, a failed one leaves a
version marked failed and no pages.
"""

import hashlib
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from civicreview.celery import enqueue_on_commit
from civicreview.errors import UploadTooLarge
from documents import pdf
from documents.models import Document, DocumentVersion, Page
from documents.services.cases import can_upload

log = logging.getLogger(__name__)

MAX_PAGE_SIDE_PT = 14400  # 200 inches, the largest page the PDF format allows
MIN_PAGE_SIDE_PT = 1


def max_upload_bytes():
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def check_upload_size(size):
    if size > max_upload_bytes():
        raise UploadTooLarge(
            f"The file is {size / 1024 / 1024:.1f} MB; uploads are limited to {settings.MAX_UPLOAD_MB} MB."
        )


def add_document(user, case, *, title, upload, kind=Document.Kind.PLAN_SET):
    """A new document in `case` whose first version is `upload`."""
    title = (title or "").strip() or os.path.splitext(getattr(upload, "name", "") or "")[0]
    if not title:
        raise ValidationError({"title": ["Give the document a title."]})
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": [f"Unknown kind {kind!r}; one of {', '.join(Document.Kind.values)}."]})
    with _validated(user, case, upload) as checked, _stored(checked) as name, transaction.atomic():
        document = Document.objects.create(case=case, title=title[:200], kind=kind)
        _create_version(user, document, checked, name)
    return document


def add_version(user, document, *, upload):
    """A resubmittal: `upload` becomes the document's next version."""
    with _validated(user, document.case, upload) as checked, _stored(checked) as name, transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)  # one number per version
        return _create_version(user, document, checked, name)


@dataclass(frozen=True)
class _Checked:
    path: str
    sha256: str
    size: int
    page_count: int


@contextmanager
def _validated(user, case, upload):
    """Check permission, size and content; yield the upload as a local file."""
    if not can_upload(user, case):
        raise PermissionDenied("Only members of the lead department can upload documents to this case.")
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
        raise ValidationError(
            {"file": [f"The PDF has {len(sizes)} pages; at most {settings.MAX_PAGES} are accepted."]}
        )
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


def _create_version(user, document, checked, name):
    """The version row; processing starts once it is committed."""
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
    _process_after_commit(version)
    return version


def _process_after_commit(version):
    from documents.tasks import process_version  # the task module imports this one

    enqueue_on_commit(process_version, version.pk)


# --- processing, on Celery ---------------------------------------------------


def process_version(version_id):
    """Render and read every page of a processing version; idempotent."""
    version = DocumentVersion.objects.filter(pk=version_id, status=DocumentVersion.Status.PROCESSING).first()
    if version is None:
        return None  # already processed, or deleted
    _discard_pages(version)
    try:
        with _stored_file_path(version) as path, tempfile.TemporaryDirectory() as outdir:
            for rendered in pdf.render(path, outdir):
                _add_page(version, rendered)
    except pdf.PdfError as error:
        return _fail(version, error.message)
    except Exception:
        log.exception("processing version %s failed", version_id)
        _fail(version, "Processing failed unexpectedly. Upload the file again; if it fails again, tell an administrator.")
        raise
    page_count = version.pages.count()
    DocumentVersion.objects.filter(pk=version.pk).update(
        status=DocumentVersion.Status.READY, page_count=page_count, pages_done=page_count, processed_at=timezone.now()
    )
    return DocumentVersion.Status.READY


def _add_page(version, rendered):
    page = Page(
        version=version,
        number=rendered.number,
        width=rendered.width,
        height=rendered.height,
        rotation=rendered.rotation,
        label=rendered.label,
        text=rendered.text.replace("\x00", ""),
    )
    page.scale = rendered.scale
    name = page.thumbnail.field.generate_filename(page, "thumbnail.png")
    if not default_storage.exists(name):
        with open(rendered.thumbnail, "rb") as source:
            name = default_storage.save(name, File(source))
    page.thumbnail.name = name
    page.save()
    DocumentVersion.objects.filter(pk=version.pk).update(pages_done=rendered.number)


def _fail(version, message):
    _discard_pages(version)
    DocumentVersion.objects.filter(pk=version.pk).update(
        status=DocumentVersion.Status.FAILED, error=message, pages_done=0, processed_at=timezone.now()
    )
    return DocumentVersion.Status.FAILED


def _discard_pages(version):
    """Remove the version's pages, and their thumbnails where no other version shares them."""
    names = list(version.pages.exclude(thumbnail="").values_list("thumbnail", flat=True))
    version.pages.all().delete()
    shared = set(Page.objects.filter(thumbnail__in=names).values_list("thumbnail", flat=True))
    for name in set(names) - shared:
        default_storage.delete(name)


@contextmanager
def _stored_file_path(version):
    try:
        local_path = version.file.path
    except NotImplementedError:  # remote storage
        local_path = None
    if local_path:
        yield local_path
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as local, version.file.open("rb") as source:
        shutil.copyfileobj(source, local)
        local.flush()
        yield local.name


def reprocess(version):
    """Process a version again (an admin's action, e.g. after a failure from a lost worker)."""
    with transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(
            status=DocumentVersion.Status.PROCESSING, error="", pages_done=0, processed_at=None
        )
        _process_after_commit(version)
