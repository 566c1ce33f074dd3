"""Who reads which markups and replies (DESIGN, "Review cycles and who sees what").

A case's reviewers (staff, the departments taking part) read everything of its
versions. Its applicant reads only what the reviews released to them: the
corrections and notes of a cycle whose workflow has ended
(`AnnotationQuerySet.released`, `is_released` for one event), and of their
threads the replies shared with the applicant. HTTP lists and lookups, the
websocket's delivery and resume, the event log over HTTP and the letters all
ask here; an applicant asking for anything else gets 404, as an outsider would.
"""

from typing import NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from documents.models import Case
from documents.selectors import reviews_version
from reviews.measurements import measurement_text
from reviews.models import RELEASED, RELEASED_CATEGORIES, Annotation, Comment, is_released

HIDDEN = "hidden"  # an event the socket's user may not read: only its seq goes out, so no gap opens


def annotations_for(user, version):
    found = version.annotations.all()
    return found if reviews_version(user, version.pk) else found.released()


def replies_for(user, annotation):
    found = annotation.comments.all()
    return found if reviews_version(user, annotation.version_id) else found.filter(visibility=_SHARED)


def readable_annotations(user):
    """Every markup the user may read, across all their cases (search): the rule of
    `annotations_for` as one queryset: on a case they see, released or on one they review."""
    case = "version__document__case"
    return Annotation.objects.filter(
        _on(case, Case.objects.visible_to(user)) & (RELEASED | _on(case, Case.objects.reviewed_by(user)))
    )


def readable_replies(user):
    """Every reply the user may read, across all their cases: the rule of `replies_for`."""
    case = "annotation__version__document__case"
    released_and_shared = _of_annotation(RELEASED) & Q(visibility=_SHARED)
    return Comment.objects.filter(
        _on(case, Case.objects.visible_to(user)) & (released_and_shared | _on(case, Case.objects.reviewed_by(user)))
    )


def _of_annotation(condition):
    """A condition on a markup, said of a reply's markup."""
    return Q(*((f"annotation__{lookup}", value) for lookup, value in condition.children))


def _on(case, cases):
    """Whether the row's case (at the path `case`) is one of `cases`, asked row by row (EXISTS):
    search asks it of a few thousand rows, never of every version the user may see. Every case
    (staff) is no condition at all."""
    return Q(Exists(cases.filter(pk=OuterRef(case)))) if cases.query.has_filters() else Q()


def readable(user, annotation):
    """Whether a user who may see the annotation's version may read this annotation."""
    return reviews_version(user, annotation.version_id) or is_released({
        "category": annotation.category, "released_at": annotation.released_at
    })  # fmt: skip


def check_readable(user, annotation):
    if not readable(user, annotation):
        raise Http404


_SHARED = Comment.Visibility.APPLICANT


class ApplicantFeed:
    """What an applicant's socket (or event list) receives of a version's events.

    `shown`: ids of the annotations the applicant reads, as loaded when the feed
    began; live, an annotation that stops being readable (say, made internal)
    goes out as deleted. Every other event of a markup or reply is replaced by
    `{"type": "hidden", "seq"}`, so the client's seq stays gap-free. Replaying
    the log (`history`), an event of a markup before its release is a draft the
    applicant never read: hidden too, even if the markup was released since.
    """

    def __init__(self, user, version):
        self.shown = set(annotations_for(user, version).values_list("pk", flat=True))

    def view(self, message, *, history=False):
        kind, data = message.get("type", ""), message.get("data") or {}
        if kind in ("annotation.created", "annotation.updated"):
            if is_released(data):
                self.shown.add(data["id"])
                return message
            if data.get("id") in self.shown and not history:
                self.shown.discard(data["id"])
                return {**message, "type": "annotation.deleted", "data": {"id": data["id"]}}
            return _hidden(message)
        if kind == "annotation.deleted":
            if data.get("id") in self.shown:
                self.shown.discard(data["id"])
                return message
            return _hidden(message)
        if kind.startswith("comment."):
            if data.get("visibility") == _SHARED and data.get("annotation") in self.shown:
                return message
            return _hidden(message)
        return message


def _hidden(message):
    return {"type": HIDDEN, "seq": message["seq"]}


def events_for(user, version, messages):
    """The event log's messages as the user may read them."""
    if reviews_version(user, version.pk):
        return messages
    feed = ApplicantFeed(user, version)
    return [feed.view(message, history=True) for message in messages]


# --- what goes out: the letters and the applicant's pages ------------------------------


class Item(NamedTuple):
    number: int
    markup: Annotation
    text: str


def released_items(version, pages, *, issued=True):
    """The version's open corrections and notes as they go out, numbered for answering in one
    order everywhere (department, sheet, markup): those released (`issued`), or those its cycle
    will release (a draft letter). Each markup's `comments` holds only the replies shared with
    the applicant; one with no words to print (neither text nor a measurement) is left out.
    `pages`: {number: Page}, for the sheets' scales."""
    found = Annotation.objects.filter(version=version, status=Annotation.Status.OPEN)
    found = found.released() if issued else found.filter(category__in=RELEASED_CATEGORIES)
    shared = Comment.objects.filter(visibility=_SHARED).select_related("author")
    found = (
        found.select_related("department", "author")
        .prefetch_related(Prefetch("comments", queryset=shared))
        .order_by("department__name", "page", "id")
    )
    described = [(markup, describe(markup, pages.get(markup.page))) for markup in found]
    return [Item(n, markup, text) for n, (markup, text) in enumerate(((m, t) for m, t in described if t), start=1)]


def describe(markup, page):
    """The markup in words: its text, and what it measures on a sheet with a scale."""
    measured = measurement_text(markup.kind, markup.geometry.get("points", []), page and page.scale)
    parts = [markup.text.strip()] if markup.text.strip() else []
    if measured:
        parts.append(f"Measured {'area' if markup.kind == 'measure_area' else 'length'}: {measured}.")
    return " ".join(parts)
