"""The approved plan set: the version with every sheet stamped, written by a worker after an approval.

The stamp names the approving body (ORGANIZATION_NAME and the approving head's
department), the case number, the date of approval, the approver's full name and
title, and — when the approval has conditions — a reference to them in the
approval letter. It is drawn once as vector graphics (reportlab) and overlaid on
each sheet in a sandbox child (documents.pdf.stamping): the sheets are not
rasterised. The file is stored with the workflow (`approved_set`), its SHA-256
goes to the audit trail, and the applicants are told it is ready.

Writing is idempotent: a workflow that has its set is left alone, and two runs at
once store one file (the second finds it under the row lock and drops its own). A
file the stamping cannot read fails once, with the reason (`approved_set_error`),
and is not tried again by the sweep.
"""

import hashlib
import io
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from audit import services as audit
from documents import pdf
from documents.selectors import visible_version
from notifications.services import notify
from workflows.models import Workflow
from workflows.services.letters import approving_head, full_name

log = logging.getLogger(__name__)

STAMP_WIDTH = 320.0  # points: 4.4 in on the sheet, less on a small page
TEXT_SIZE, LEADING = 8.5, 11.0
INK = colors.HexColor("#14532d")  # the stamp's green, drawn at 100 % so it survives copying


def stamp_lines(workflow):
    """The stamp's words, top to bottom: (heading, [lines])."""
    head = approving_head(workflow)
    department = _approving_department(workflow, head)
    approver = full_name(head) if head is not None else ""
    title = getattr(getattr(head, "signatory", None), "title", "") if head is not None else ""
    lines = [
        settings.ORGANIZATION_NAME,
        f"{department.name} Department",
        f"Case {workflow.case.number}",
        f"Date {timezone.localtime(workflow.finished_at).strftime('%B %-d, %Y')}",
        f"By {approver}" + (f", {title}" if title else ""),
    ]
    if workflow.status == Workflow.Status.APPROVED_WITH_CONDITIONS:
        count = len(workflow.conditions)
        lines.append(f"Subject to {count} condition{'s' if count != 1 else ''} in the approval letter")
    heading = "APPROVED WITH CONDITIONS" if workflow.status == Workflow.Status.APPROVED_WITH_CONDITIONS else "APPROVED"
    return heading, lines


def _approving_department(workflow, head):
    if head is not None:
        task = workflow.tasks.filter(decided_by=head, kind="approval").select_related("department").first()
        if task is not None:
            return task.department
    return workflow.case.lead_department


def draw_stamp(heading, lines):
    """The stamp as a one-page PDF of vector drawing and text (Helvetica: nothing embedded)."""
    size = 16 if len(heading) < 12 else 13
    width, height = STAMP_WIDTH, 24 + size + LEADING * len(lines)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.setFillColor(colors.white)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(2)
    canvas.roundRect(2, 2, width - 4, height - 4, 6, stroke=1, fill=1)
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(width / 2, height - 8 - size, heading)
    canvas.setFont("Helvetica", TEXT_SIZE)
    y = height - 14 - size
    for line in lines:
        y -= LEADING
        canvas.drawString(10, y, _fit(canvas, line, width - 20))
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _fit(canvas, text, room):
    while text and canvas.stringWidth(text, "Helvetica", TEXT_SIZE) > room:
        text = text[:-2] + "…"
    return text


def write(workflow_id):
    """Write the approved set of an approved workflow; returns its audit facts, or None when
    there is nothing to do (not approved, or already written)."""
    workflow = Workflow.objects.select_related("case__lead_department", "version__document").get(pk=workflow_id)
    if workflow.status not in Workflow.APPROVED or workflow.approved_set or workflow.approved_set_error:
        return None
    heading, lines = stamp_lines(workflow)
    version = workflow.version
    with tempfile.TemporaryDirectory(prefix="civicreview-stamp-") as work:
        source, stamp, dest = Path(work, "source.pdf"), Path(work, "stamp.pdf"), Path(work, "approved.pdf")
        with version.file.open("rb") as stored, source.open("wb") as copy:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                copy.write(chunk)
        stamp.write_bytes(draw_stamp(heading, lines))
        try:
            sheets = pdf.stamp(source, stamp, dest)
        except pdf.PdfError as error:
            return _give_up(workflow.pk, error.message)
        data = dest.read_bytes()
    return _store(workflow.pk, data, sheets)


def _give_up(workflow_id, reason):
    """A file the stamping cannot read fails the same way every time: say so once, and let the
    sweep leave it alone."""
    with audit.acting_as(None), transaction.atomic():
        workflow = _locked(workflow_id)
        if workflow.approved_set or workflow.approved_set_error:
            return None
        version = workflow.version
        workflow.approved_set_error = (
            f"The approved set of {version.document.title} v{version.number} could not be written: {reason} "
            "Ask an administrator to check the file."
        )
        workflow.save(update_fields=["approved_set_error", "changed_at"])
        audit.record(
            "workflow.approved_set_failed", case=workflow.case, obj=("workflow", workflow.pk),
            summary=workflow.approved_set_error, after={"reason": reason},
        )  # fmt: skip
    log.warning("workflow %s: %s", workflow_id, workflow.approved_set_error)
    return {"failed": workflow.approved_set_error}


def _store(workflow_id, data, sheets):
    with audit.acting_as(None), transaction.atomic():
        workflow = _locked(workflow_id)
        if workflow.approved_set:
            return None
        case, version = workflow.case, workflow.version
        name = f"approved/{case.number}/{case.number}-v{version.number}-approved-{workflow.pk}.pdf"
        if default_storage.exists(name):  # left by an attempt whose transaction rolled back
            default_storage.delete(name)
        workflow.approved_set = default_storage.save(name, ContentFile(data))
        workflow.save(update_fields=["approved_set", "changed_at"])
        facts = {"file": workflow.approved_set.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                 "sheets": sheets}  # fmt: skip
        audit.record(
            "workflow.approved_set_written", case=case, obj=("workflow", workflow.pk),
            summary=f"The approved set of {version.document.title} v{version.number} was written: "
            f"{sheets} sheet{'s' if sheets != 1 else ''} stamped",
            after=facts,
        )  # fmt: skip
        _tell_applicants(workflow)
    return facts


def _locked(workflow_id):
    return (
        Workflow.objects.select_for_update(of=("self",)).select_related("case", "version__document").get(pk=workflow_id)
    )


def _tell_applicants(workflow):
    case, version = workflow.case, workflow.version
    notify(
        [invited.user for invited in case.applicants.select_related("user")],
        kind="approved_set.ready",
        text=f"{case.number} {version.document.title} v{version.number} is approved: "
        "the stamped approved set is ready to download from the case page.",
        url=reverse("documents:case-detail", args=[case.pk]),
        subject=f"{case.number}: the approved set is ready",
    )


def approved_set_for(user, version_id):
    """(the stored file, its download name) for a version the user may see; 404 when it has no set yet."""
    version = visible_version(user, version_id)
    workflow = Workflow.objects.filter(version=version).exclude(approved_set="").first()
    if workflow is None:
        raise Http404
    return workflow.approved_set, f"{version.document.case.number}-v{version.number}-approved-set.pdf"


def missing(*, older_than):
    """Approved workflows finished before `older_than` whose set is not written (a lost message)."""
    return list(
        Workflow.objects.filter(
            status__in=Workflow.APPROVED, approved_set="", approved_set_error="", finished_at__lt=older_than
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
