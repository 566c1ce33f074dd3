"""The letters that go out to the applicant: a formal PDF under the case's header.

The corrections letter lists every open correction and note of the version
released to the applicant — never an internal markup nor an internal reply —
by department and sheet (label and title), numbered for answering, each
described by its text and, for a measurement, the value measured on the
sheet; a markup with neither says nothing a reader could act on and is left
to the marked-up sheets. An approved outcome gets an approval letter with its
conditions instead. Both are signed with the deciding head's full name and
title (documents.models.Signatory).

While a version is in review its reviewers can read the corrections letter
as a draft (its applicant cannot: nothing is released yet); when its review
ends with corrections required the engine issues it: the PDF is stored with
the workflow (its SHA-256 in the audit trail) and that issued letter is what
the endpoint serves from then on. Written as tagged PDF (civicreview.tagged_pdf).
"""

import hashlib
from collections import defaultdict

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

from civicreview.tagged_pdf import render_pdf
from documents.selectors import reviews_version, sheet_name, visible_version
from reviews.services import audience
from workflows.models import Task, Workflow

ORGANIZATION = settings.ORGANIZATION_NAME


def letter_for(user, version_id):
    """(pdf bytes, file name, issued?) for a version the user may see (404 otherwise; to its
    applicant, 404 too until the review has ended)."""
    version = visible_version(user, version_id)
    workflow = Workflow.objects.filter(version=version).select_related("case").first()
    finished = workflow.finished_at if workflow is not None and workflow.finished else None
    if finished is None and not reviews_version(user, version.pk):
        raise Http404
    kind = "approval" if finished and workflow.status in Workflow.APPROVED else "corrections"  # type: ignore[union-attr]
    name = f"{version.document.case.number}-v{version.number}-{kind}-letter.pdf"
    stored = workflow and (workflow.approval_letter if kind == "approval" else workflow.corrections_letter)
    if stored:
        with stored.open("rb") as issued:
            return issued.read(), name, True
    if finished is not None:
        return render(version, workflow, issued_at=finished), name, True
    return render(version, workflow), name, False


def issue(workflow, now):
    """Render and store the letter for a workflow that ended: the approval letter when it was
    approved (`approval_letter`), the corrections letter otherwise (`corrections_letter`)."""
    pdf = render(workflow.version, workflow, issued_at=now)
    case = workflow.case
    field = "approval_letter" if workflow.status in Workflow.APPROVED else "corrections_letter"
    kind = field.removesuffix("_letter")
    name = f"letters/{case.number}/{case.number}-v{workflow.version.number}-{kind}-{workflow.pk}.pdf"
    if default_storage.exists(name):  # left by an earlier attempt whose transaction rolled back
        default_storage.delete(name)
    setattr(workflow, field, default_storage.save(name, ContentFile(pdf)))
    return {"file": getattr(workflow, field).name, "sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf)}


# --- writing -----------------------------------------------------------------------


def _when(moment):
    return timezone.localtime(moment).strftime("%B %-d, %Y")


def render(version, workflow=None, *, issued_at=None):
    """The letter as tagged PDF bytes: issued (dated `issued_at`) or, without it, a draft; an
    approval letter when the workflow ended approved, a corrections letter otherwise."""
    case = version.document.case
    approved = workflow is not None and workflow.status in Workflow.APPROVED
    name = "Approval letter" if approved else "Corrections letter"
    pages = {page.number: page for page in version.pages.all()}
    items = audience.released_items(version, pages, issued=issued_at is not None)
    facts = [
        ["Case", f"{case.number} — {case.title}"],
        ["Kind", case.get_kind_display()],
        ["Site address", case.address or "—"],
        ["Parcel", case.parcel_id or "—"],
        ["Plans reviewed", f"{version.document.title}, version {version.number} ({version.page_count} sheets)"],
        ["File SHA-256", version.sha256],
    ]
    if workflow is not None:
        facts.append(["Submitted", f"{_when(workflow.submitted_at)} by {full_name(workflow.submitted_by)}"])
    data = {
        "title": f"{case.number} {name.lower()}",
        "author": ORGANIZATION,
        "subject": case.title,
        "footer": f"{case.number} · {version.document.title} v{version.number} · {name.lower()}"
        + ("" if issued_at else " (draft)"),
        "organization": ORGANIZATION,
        "department": case.lead_department.name,
        "date": _when(issued_at or timezone.now()),
        "heading": name if issued_at else f"{name} — DRAFT",
        "draft": not issued_at,
        "facts": facts,
        "approved": approved,
        "conditions": _conditions(workflow) if approved else [],
        "decisions": _decisions(workflow),
        "comments_heading": "Notes for your information" if approved else "Comments",
        "empty": None if approved else "There are no open comments on these plans.",
        "comments": _comments(items, pages),
        "signature": _signature(workflow, case),
    }
    return render_pdf("letter.typ", data, created=issued_at or timezone.now())


def _conditions(workflow):
    names = dict(workflow.case.departments.values_list("slug", "name"))
    return [
        {"text": condition["text"], "department": names.get(condition["department"], condition["department"])}
        for condition in workflow.conditions
    ]


def full_name(user):
    return user.get_full_name() or user.get_username()


def approving_head(workflow):
    """The head whose approval ended the review, else the case's lead department's first head (or None)."""
    last = (
        workflow.tasks.filter(kind=Task.Kind.APPROVAL, decided_by__isnull=False)
        .select_related("decided_by__signatory")
        .order_by("-decided_at")
        .first()
    )
    if last is not None:
        return last.decided_by
    return workflow.case.lead_department.heads.select_related("signatory").order_by("pk").first()


def _signature(workflow, case):
    """Signed by the head whose approval ended the review, else the lead department's head."""
    if workflow is not None:
        head = approving_head(workflow)
    else:
        head = case.lead_department.heads.select_related("signatory").order_by("pk").first()
    lines = []
    if head is not None:
        lines.append(full_name(head))
        signatory = getattr(head, "signatory", None)
        if signatory is not None:
            lines.append(signatory.title)
    lines.append(f"{case.lead_department.name} Department, for the reviewing departments")
    return lines


def _decisions(workflow):
    """One row per decided task: department (kind), decision, by, date, comment."""
    if workflow is None:
        return []
    decided = workflow.tasks.select_related("department", "decided_by", "stage").order_by(
        "stage__number", "department__name"
    )
    return [
        [
            f"{task.department.name} ({task.get_kind_display().lower()})",
            task.get_decision_display(),
            task.decided_by.get_username(),
            timezone.localtime(task.decided_at).strftime("%b %-d, %Y"),
            task.comment or "—",
        ]
        for task in decided
        if task.status == Task.Status.DONE
    ]


def _comments(items, pages):
    """The items by department, then by sheet: [{name, sheets: [{name, items}]}]."""
    by_department = defaultdict(lambda: defaultdict(list))
    for number, markup, text in items:
        about = f"{markup.get_category_display().lower()}, {markup.department.name}, {_when(markup.created_at)}"
        replies = [f"{full_name(r.author)} ({_when(r.created_at)}): {r.body}" for r in markup.comments.all()]
        item = {"number": number, "text": text, "about": about, "replies": replies}
        by_department[markup.department][markup.page].append(item)
    return [
        {
            "name": department.name,
            "sheets": [
                {"name": sheet_name(page, pages.get(page)), "items": found} for page, found in sorted(by_page.items())
            ],
        }
        for department, by_page in by_department.items()
    ]
