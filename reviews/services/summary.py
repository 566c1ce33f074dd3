"""The markup summary: the version's markup list, filtered as the panel filters it, as rows for
a CSV or a PDF. What a user gets is what their list shows (reviews.services.audience): an
applicant, only released corrections and notes with the replies shared with them."""

import csv
import io
from typing import NamedTuple

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from civicreview.tagged_pdf import render_pdf
from documents.selectors import reviews_version
from reviews import markup_rules as rules
from reviews.models import Annotation, Comment
from reviews.services import audience

FILTERS = ("page", "status", "category", "department", "author", "kind")
COLUMNS = [
    "Sheet",
    "Label",
    "Title",
    "Kind",
    "Category",
    "Status",
    "Department",
    "Author",
    "Created",
    "Text",
    "Replies",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def filtered(user, version, params):
    """The annotations of `version` the user reads, narrowed by `params` (a query dict):
    page, status, category, department (slug), author (username), kind."""
    found = audience.annotations_for(user, version).select_related("author", "department")
    if params.get("page"):
        try:
            found = found.filter(page=int(params["page"]))
        except ValueError:
            raise rules.invalid("page", "page must be a whole number.") from None
    choices = {"status": Annotation.Status.values, "category": Annotation.Category.values}
    choices["kind"] = Annotation.Kind.values
    for name, allowed in choices.items():
        if params.get(name):
            if params[name] not in allowed:
                raise rules.invalid(name, f"{name} must be one of {', '.join(allowed)}.")
            found = found.filter(**{name: params[name]})
    if params.get("department"):
        found = found.filter(department__slug=params["department"])
    if params.get("author"):
        found = found.filter(author__username=params["author"])
    return found


class Row(NamedTuple):
    markup: Annotation
    sheet: int
    label: str
    title: str
    text: str
    replies: list


def rows(user, version, params):
    """The summary's rows in sheet order, each with the replies the user may read."""
    pages = {page.number: page for page in version.pages.all()}
    replies = Comment.objects.select_related("author")
    if not reviews_version(user, version.pk):
        replies = replies.filter(visibility=Comment.Visibility.APPLICANT)
    found = filtered(user, version, params).prefetch_related(Prefetch("comments", queryset=replies))
    return [
        Row(
            markup=markup,
            sheet=markup.page,
            label=getattr(pages.get(markup.page), "label", ""),
            title=getattr(pages.get(markup.page), "title", ""),
            text=audience.describe(markup, pages.get(markup.page)),
            replies=list(markup.comments.all()),
        )
        for markup in found.order_by("page", "id")
    ]


def person(user):
    return user.get_full_name() or user.get_username()


def reply_line(comment):
    return f"{person(comment.author)} ({comment.created_at:%Y-%m-%d}): {comment.body}"


def as_csv(found):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in found:
        markup = row.markup
        writer.writerow([
            _cell(value)
            for value in (
                row.sheet, row.label, row.title, markup.get_kind_display(), markup.get_category_display(),
                markup.get_status_display(), markup.department.name, person(markup.author),
                f"{markup.created_at:%Y-%m-%d}", row.text, "\n".join(reply_line(c) for c in row.replies),
            )
        ])  # fmt: skip
    return "\ufeff" + out.getvalue()  # the BOM: spreadsheets then read the text as UTF-8


def _cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def file_name(version, extension):
    return f"{version.document.case.number}-v{version.number}-markup-summary.{extension}"


def as_pdf(version, found, *, filters):
    """The summary as a tagged PDF: one table row per markup, its replies under its text.
    `filters`: the filters applied, in words, printed under the title."""
    case = version.document.case
    data = {
        "title": f"{case.number} markup summary",
        "author": settings.ORGANIZATION_NAME,
        "subject": case.title,
        "footer": f"{case.number} · {version.document.title} v{version.number} · markup summary",
        "case_number": case.number,
        "about": f"{case.title} · {version.document.title}, version {version.number}",
        "filters": filters or "no filters",
        "rows": [_pdf_row(row) for row in found],
    }
    return render_pdf("markup_summary.typ", data, created=timezone.now())


def _pdf_row(row):
    markup = row.markup
    return {
        "sheet": row.label or f"Sheet {row.sheet}",
        "title": row.title,
        "kind": markup.get_kind_display(),
        "category": markup.get_category_display(),
        "status": markup.get_status_display(),
        "department": markup.department.name,
        "author": person(markup.author),
        "text": row.text,
        "replies": [reply_line(c) for c in row.replies],
    }
