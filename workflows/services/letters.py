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
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from documents.selectors import reviews_version, sheet_name, visible_version
from reviews.services import audience
from workflows.models import Task, Workflow

APPROVED: tuple[str, ...] = (Workflow.Status.APPROVED, Workflow.Status.APPROVED_WITH_CONDITIONS)

ORGANIZATION = settings.ORGANIZATION_NAME
INK, MUTED, RULE = colors.HexColor("#1c2733"), colors.HexColor("#5a6878"), colors.HexColor("#b9c4d0")
MARGIN = 0.75 * inch
WIDTH = LETTER[0] - 2 * MARGIN - 12  # the frame's width inside its 6 pt paddings


def _columns(*inches):
    """Column widths in the given proportions, filling the text width."""
    return [WIDTH * share / sum(inches) for share in inches]


def letter_for(user, version_id):
    """(pdf bytes, file name, issued?) for a version the user may see (404 otherwise; to its
    applicant, 404 too until the review has ended)."""
    version = visible_version(user, version_id)
    workflow = Workflow.objects.filter(version=version).select_related("case").first()
    finished = workflow.finished_at if workflow is not None and workflow.finished else None
    if finished is None and not reviews_version(user, version.pk):
        raise Http404
    kind = "approval" if finished and str(workflow.status) in APPROVED else "corrections"  # type: ignore[union-attr]
    name = f"{version.document.case.number}-v{version.number}-{kind}-letter.pdf"
    if workflow is not None and workflow.corrections_letter:
        with workflow.corrections_letter.open("rb") as stored:
            return stored.read(), name, True
    if finished is not None:
        return render(version, workflow, issued_at=finished), name, True
    return render(version, workflow), name, False


def issue(workflow, now):
    """Render and store the letter for a workflow that ended with corrections required."""
    pdf = render(workflow.version, workflow, issued_at=now)
    case = workflow.case
    name = f"letters/{case.number}/{case.number}-v{workflow.version.number}-corrections-{workflow.pk}.pdf"
    if default_storage.exists(name):  # left by an earlier attempt whose transaction rolled back
        default_storage.delete(name)
    workflow.corrections_letter = default_storage.save(name, ContentFile(pdf))
    return {"file": workflow.corrections_letter.name, "sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf)}


# --- drawing ----------------------------------------------------------------------


def _fonts():
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        for name, file in (
            ("Vera", "Vera.ttf"),
            ("Vera-Bold", "VeraBd.ttf"),
            ("Vera-Italic", "VeraIt.ttf"),
            ("Vera-BoldItalic", "VeraBI.ttf"),
        ):
            pdfmetrics.registerFont(TTFont(name, file))  # shipped with reportlab; covers accented Latin text
        pdfmetrics.registerFontFamily(
            "Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic", boldItalic="Vera-BoldItalic"
        )


def _styles():
    base = ParagraphStyle("body", fontName="Vera", fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "org": ParagraphStyle("org", base, fontName="Vera-Bold", fontSize=15, leading=18),
        "dept": ParagraphStyle("dept", base, textColor=MUTED),
        "date": ParagraphStyle("date", base, alignment=TA_RIGHT, textColor=MUTED),
        "title": ParagraphStyle(
            "title", base, fontName="Vera-Bold", fontSize=13, leading=17, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle("h2", base, fontName="Vera-Bold", fontSize=11.5, leading=15, spaceBefore=12, spaceAfter=4),
        "h3": ParagraphStyle(
            "h3", base, fontName="Vera-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=2, textColor=MUTED
        ),
        "item": ParagraphStyle("item", base, leftIndent=18, firstLineIndent=-18, spaceBefore=3),
        "reply": ParagraphStyle("reply", base, leftIndent=30, fontSize=8.5, leading=11.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
        "draft": ParagraphStyle("draft", base, fontName="Vera-Bold", textColor=colors.HexColor("#b42318")),
    }


def _text(value):
    return escape(value or "").replace("\n", "<br/>")


def _when(moment):
    return timezone.localtime(moment).strftime("%B %-d, %Y")


def render(version, workflow=None, *, issued_at=None):
    """The letter as PDF bytes: issued (dated `issued_at`) or, without it, a draft; an approval
    letter when the workflow ended approved, a corrections letter otherwise."""
    _fonts()
    st = _styles()
    case = version.document.case
    approved = workflow is not None and workflow.status in APPROVED
    name = "Approval letter" if approved else "Corrections letter"
    pages = {page.number: page for page in version.pages.all()}
    items = audience.released_items(version, pages, issued=issued_at is not None)
    story = [
        Table(
            [
                [Paragraph(_text(ORGANIZATION), st["org"]), Paragraph(_when(issued_at or timezone.now()), st["date"])],
                [Paragraph(f"{_text(case.lead_department.name)} Department", st["dept"]), ""],
            ],
            colWidths=_columns(4.8, 2.2),
            style=TableStyle(
                [
                    ("LINEBELOW", (0, 1), (-1, 1), 1.2, INK),
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
        facts.append(("Submitted", f"{_when(workflow.submitted_at)} by {_full_name(workflow.submitted_by)}"))
    story += [
        Spacer(0, 6),
        Table(
            [[Paragraph(f"<b>{_text(k)}</b>", st["cell"]), Paragraph(_text(v), st["cell"])] for k, v in facts],
            colWidths=_columns(1.4, 5.6),
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
        out, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0.7 * inch, bottomMargin=0.8 * inch,
        title=f"{case.number} {name.lower()}", author=ORGANIZATION, subject=case.title, invariant=1,
    )  # fmt: skip
    document.build(story, canvasmaker=_numbered(footer))
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
                Paragraph(f"<b>{number}.</b>&nbsp;&nbsp;{_text(condition['text'])} ({_text(department)})", st["item"])
            )
    return story


def _full_name(user):
    return user.get_full_name() or user.get_username()


def _signature(workflow, case, st):
    """Signed by the head whose approval ended the review, else the lead department's head."""
    head = None
    if workflow is not None:
        last = (
            workflow.tasks.filter(kind=Task.Kind.APPROVAL, decided_by__isnull=False)
            .select_related("decided_by__signatory")
            .order_by("-decided_at")
            .first()
        )
        head = last and last.decided_by
    if head is None:
        head = case.lead_department.heads.select_related("signatory").order_by("pk").first()
    story = [Spacer(0, 16), Paragraph("Sincerely,", st["body"]), Spacer(0, 14)]
    if head is not None:
        story.append(Paragraph(_text(_full_name(head)), st["body"]))
        signatory = getattr(head, "signatory", None)
        if signatory is not None:
            story.append(Paragraph(_text(signatory.title), st["body"]))
    story.append(Paragraph(f"{_text(case.lead_department.name)} Department, for the reviewing departments", st["body"]))
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
            Paragraph(_text(f"{task.department.name} ({task.get_kind_display().lower()})"), st["cell"]),
            Paragraph(_text(task.get_decision_display()), st["cell"]),
            Paragraph(_text(task.decided_by.get_username()), st["cell"]),
            Paragraph(timezone.localtime(task.decided_at).strftime("%b %-d, %Y"), st["cell"]),
            Paragraph(_text(task.comment) or "—", st["cell"]),
        ])  # fmt: skip
    return [
        Paragraph("Department decisions", st["h2"]),
        Table(rows, colWidths=_columns(1.4, 1.6, 0.9, 0.9, 2.2), repeatRows=1,
              style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 2)])),
    ]  # fmt: skip


def _comments(items, pages, st, *, heading="Comments", empty="There are no open comments on these plans."):
    story = [Paragraph(heading, st["h2"])]
    if not items:
        return [*story, Paragraph(empty, st["body"])] if empty else []
    by_department = defaultdict(lambda: defaultdict(list))
    for item in items:
        by_department[item.markup.department][item.markup.page].append(item)
    for department, by_page in by_department.items():
        story.append(Paragraph(f"{_text(department.name)} Department", st["h2"]))
        for page, found in sorted(by_page.items()):
            story.append(Paragraph(_text(sheet_name(page, pages.get(page))), st["h3"]))
            for number, markup, text in found:
                block = [Paragraph(
                    f"<b>{number}.</b>&nbsp;&nbsp;{_text(text)}"
                    f" <font color='#5a6878' size='8'>— {markup.get_category_display().lower()}, "
                    f"{_text(markup.department.name)}, {_when(markup.created_at)}</font>",
                    st["item"],
                )]  # fmt: skip
                for reply in markup.comments.all():
                    block.append(
                        Paragraph(
                            f"{_text(_full_name(reply.author))} ({_when(reply.created_at)}): {_text(reply.body)}",
                            st["reply"],
                        )
                    )
                story.append(KeepTogether(block))
    return story


def _numbered(footer):
    """A canvas that writes "page k of n" and the case in every page's footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Vera", 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN + 6, 0.5 * inch, footer)
                self.drawRightString(LETTER[0] - MARGIN - 6, 0.5 * inch, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
