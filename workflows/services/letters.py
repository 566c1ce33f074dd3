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
the endpoint serves from then on.
"""

import hashlib
import io
from collections import defaultdict

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from civicreview import printing
from documents.selectors import reviews_version, sheet_name, visible_version
from reviews.services import audience
from workflows.models import Task, Workflow


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


# --- drawing ----------------------------------------------------------------------


def _when(moment):
    return timezone.localtime(moment).strftime("%B %-d, %Y")


def render(version, workflow=None, *, issued_at=None):
    """The letter as PDF bytes: issued (dated `issued_at`) or, without it, a draft; an approval
    letter when the workflow ended approved, a corrections letter otherwise."""
    printing.fonts()
    st = printing.styles()
    case = version.document.case
    approved = workflow is not None and workflow.status in Workflow.APPROVED
    name = "Approval letter" if approved else "Corrections letter"
    pages = {page.number: page for page in version.pages.all()}
    items = audience.released_items(version, pages, issued=issued_at is not None)
    story = [
        Table(
            [
                [
                    Paragraph(printing.text(printing.ORGANIZATION), st["org"]),
                    Paragraph(_when(issued_at or timezone.now()), st["date"]),
                ],
                [Paragraph(f"{printing.text(case.lead_department.name)} Department", st["dept"]), ""],
            ],
            colWidths=printing.columns(4.8, 2.2),
            style=TableStyle(
                [
                    ("LINEBELOW", (0, 1), (-1, 1), 1.2, printing.INK),
                    ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        ),  # fmt: skip
        Paragraph(name if issued_at else f"{name} — DRAFT", st["title"]),
    ]
    if not issued_at:
        story.append(
            Paragraph("Draft: the review is not finished, and the comments below may still change.", st["draft"])
        )
    facts = [
        ("Case", f"{case.number} — {case.title}"),
        ("Kind", case.get_kind_display()),
        ("Site address", case.address or "—"),
        ("Parcel", case.parcel_id or "—"),
        ("Plans reviewed", f"{version.document.title}, version {version.number} ({version.page_count} sheets)"),
        ("File SHA-256", version.sha256),
    ]
    if workflow is not None:
        facts.append(("Submitted", f"{_when(workflow.submitted_at)} by {full_name(workflow.submitted_by)}"))
    story += [
        Spacer(0, 6),
        Table(
            [
                [Paragraph(f"<b>{printing.text(k)}</b>", st["cell"]), Paragraph(printing.text(v), st["cell"])]
                for k, v in facts
            ],
            colWidths=printing.columns(1.4, 5.6),
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                ]
            ),
        ),  # fmt: skip
        Spacer(0, 10),
    ]
    if approved:
        story += _approval(workflow, st)
        story += _decisions(workflow, st)
        story += _comments(items, pages, st, heading="Notes for your information", empty=None)
    else:
        story.append(
            Paragraph(
                "The departments named below reviewed the plans and require the corrections listed. Please revise "
                "the sheets, cloud every change, and resubmit the complete set with a written response to each "
                "numbered correction. Comments are grouped by department and by sheet.",
                st["body"],
            )
        )
        story += _decisions(workflow, st)
        story += _comments(items, pages, st)
    story += _signature(workflow, case, st)

    out = io.BytesIO()
    footer = f"{case.number} · {version.document.title} v{version.number} · {name.lower()}" + (
        "" if issued_at else " (draft)"
    )
    document = SimpleDocTemplate(
        out, pagesize=LETTER, leftMargin=printing.MARGIN, rightMargin=printing.MARGIN, topMargin=0.7 * inch, bottomMargin=0.8 * inch,
        title=f"{case.number} {name.lower()}", author=printing.ORGANIZATION, subject=case.title, invariant=1,
    )  # fmt: skip
    document.build(story, canvasmaker=printing.numbered(footer))
    return out.getvalue()


def _approval(workflow, st):
    story = [
        Paragraph(
            "The departments named below reviewed the plans and approved them"
            + (", subject to the conditions listed." if workflow.conditions else "."),
            st["body"],
        )
    ]
    if workflow.conditions:
        names = dict(workflow.case.departments.values_list("slug", "name"))
        story.append(Paragraph("Conditions of approval", st["h2"]))
        for number, condition in enumerate(workflow.conditions, start=1):
            department = names.get(condition["department"], condition["department"])
            story.append(
                Paragraph(
                    f"<b>{number}.</b>&nbsp;&nbsp;{printing.text(condition['text'])} ({printing.text(department)})",
                    st["item"],
                )
            )
    return story


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


def _signature(workflow, case, st):
    """Signed by the head whose approval ended the review, else the lead department's head."""
    if workflow is not None:
        head = approving_head(workflow)
    else:
        head = case.lead_department.heads.select_related("signatory").order_by("pk").first()
    story = [Spacer(0, 16), Paragraph("Sincerely,", st["body"]), Spacer(0, 14)]
    if head is not None:
        story.append(Paragraph(printing.text(full_name(head)), st["body"]))
        signatory = getattr(head, "signatory", None)
        if signatory is not None:
            story.append(Paragraph(printing.text(signatory.title), st["body"]))
    story.append(
        Paragraph(f"{printing.text(case.lead_department.name)} Department, for the reviewing departments", st["body"])
    )
    return story


def _decisions(workflow, st):
    if workflow is None:
        return []
    decided = [
        t
        for t in workflow.tasks.select_related("department", "decided_by", "stage").order_by(
            "stage__number", "department__name"
        )
        if t.status == Task.Status.DONE
    ]
    if not decided:
        return []
    rows = [[Paragraph(f"<b>{h}</b>", st["cell"]) for h in ("Department", "Decision", "By", "Date", "Comment")]]
    for task in decided:
        rows.append([
            Paragraph(printing.text(f"{task.department.name} ({task.get_kind_display().lower()})"), st["cell"]),
            Paragraph(printing.text(task.get_decision_display()), st["cell"]),
            Paragraph(printing.text(task.decided_by.get_username()), st["cell"]),
            Paragraph(timezone.localtime(task.decided_at).strftime("%b %-d, %Y"), st["cell"]),
            Paragraph(printing.text(task.comment) or "—", st["cell"]),
        ])  # fmt: skip
    return [
        Paragraph("Department decisions", st["h2"]),
        Table(rows, colWidths=printing.columns(1.4, 1.6, 0.9, 0.9, 2.2), repeatRows=1,
              style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, printing.INK),
                                ("LINEBELOW", (0, 1), (-1, -1), 0.3, printing.RULE), ("LEFTPADDING", (0, 0), (-1, -1), 2)])),
    ]  # fmt: skip


def _comments(items, pages, st, *, heading="Comments", empty="There are no open comments on these plans."):
    story = [Paragraph(heading, st["h2"])]
    if not items:
        return [*story, Paragraph(empty, st["body"])] if empty else []
    by_department = defaultdict(lambda: defaultdict(list))
    for item in items:
        by_department[item.markup.department][item.markup.page].append(item)
    for department, by_page in by_department.items():
        story.append(Paragraph(f"{printing.text(department.name)} Department", st["h2"]))
        for page, found in sorted(by_page.items()):
            story.append(Paragraph(printing.text(sheet_name(page, pages.get(page))), st["h3"]))
            for number, markup, text in found:
                block = [Paragraph(
                    f"<b>{number}.</b>&nbsp;&nbsp;{printing.text(text)}"
                    f" <font color='#5a6878' size='8'>— {markup.get_category_display().lower()}, "
                    f"{printing.text(markup.department.name)}, {_when(markup.created_at)}</font>",
                    st["item"],
                )]  # fmt: skip
                for reply in markup.comments.all():
                    block.append(
                        Paragraph(
                            f"{printing.text(full_name(reply.author))} ({_when(reply.created_at)}): {printing.text(reply.body)}",
                            st["reply"],
                        )
                    )
                story.append(KeepTogether(block))
    return story
