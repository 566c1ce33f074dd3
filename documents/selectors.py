"""Reading what a user may see. Every lookup starts from `Case.objects.visible_to`,
so an object outside the user's cases is simply not found (404)."""

from functools import lru_cache

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from civicreview.prepared import prepared
from documents.models import Case, Document, DocumentVersion, Page


def visible_cases(user):
    return Case.objects.visible_to(user).select_related("lead_department").prefetch_related("departments")


def case_detail(user, case_id):
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("number")
    documents = Document.objects.prefetch_related(Prefetch("versions", queryset=versions))
    return get_object_or_404(
        visible_cases(user).prefetch_related(Prefetch("documents", queryset=documents)), pk=case_id
    )


def visible_document(user, document_id):
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("number")
    documents = Document.objects.select_related("case").prefetch_related(Prefetch("versions", queryset=versions))
    return get_object_or_404(documents.filter(case__in=Case.objects.visible_to(user)), pk=document_id)


def visible_versions(user):
    return DocumentVersion.objects.select_related("document__case").filter(
        document__case__in=Case.objects.visible_to(user)
    )


@prepared(key=lambda user, version_id: (user.pk, user.is_active, user.is_staff, version_id))
def _visible_version_pk(user, version_id):
    return visible_versions(user).filter(pk=version_id).order_by().values("pk")


def may_see_version(user, version_id):
    """The rule of `visible_versions` for one version, its SQL built once: asked before every markup change."""
    return _visible_version_pk(user, version_id) is not None


@prepared(key=lambda user, version_id: (user.pk, user.is_active, user.is_staff, version_id))
def _reviewed_version_pk(user, version_id):
    return (
        DocumentVersion.objects.filter(pk=version_id, document__case__in=Case.objects.reviewed_by(user))
        .order_by()
        .values("pk")
    )


def reviews_version(user, version_id):
    """Whether the user sees the version as one of its case's reviewers (everything, internal
    markups included) rather than as its applicant (what was released) or not at all."""
    return _reviewed_version_pk(user, version_id) is not None


def reviews_case(user, case):
    return Case.objects.reviewed_by(user).filter(pk=case.pk).exists()


def is_applicant(user, case):
    """An applicant on the case who does not also review it."""
    return case.applicants.filter(user=user).exists() and not reviews_case(user, case)


def applicant_cases(user):
    """The cases the user is an applicant on, newest first."""
    return visible_cases(user).filter(applicants__user=user).exclude(pk__in=Case.objects.reviewed_by(user))


def visible_version(user, version, *, with_pages=False):
    """The version of that id, if the user may see it; 404 otherwise. Given a version already at
    hand (a websocket holds its own), only asks again whether the user may still see it."""
    if isinstance(version, DocumentVersion):
        if not may_see_version(user, version.pk):
            raise Http404
        return version
    versions = visible_versions(user)
    if with_pages:
        versions = versions.prefetch_related(Prefetch("pages", queryset=Page.objects.defer("text")))
    return get_object_or_404(versions, pk=version)


def page_sizes(version):
    """{number: (width, height)} of the version's pages, kept once it is ready and they no longer change."""
    if version.status != DocumentVersion.Status.READY:
        return _read_page_sizes(version.pk)
    return _ready_page_sizes(version.pk, version.created_at)


@lru_cache(maxsize=1024)
def _ready_page_sizes(version_id, created_at):  # created_at: SQLite may give a new version an old id
    return _read_page_sizes(version_id)


def _read_page_sizes(version_id):
    pages = Page.objects.filter(version_id=version_id).values_list("number", "width", "height")
    return {number: (width, height) for number, width, height in pages}


def visible_page(user, version_id, number):
    return get_object_or_404(
        Page.objects.filter(version__in=visible_versions(user)), version_id=version_id, number=number
    )


def sheet_name(number, page=None):
    """A sheet as people name it: "Sheet A-101 — FIRST FLOOR PLAN (page 4)", or "Page 4" for a
    page without a label; `page` is the Page (or None when not at hand)."""
    label, title = (page.label, page.title) if page is not None else ("", "")
    name = f"Sheet {label}" if label else f"Page {number}"
    return f"{name} — {title} (page {number})" if title else (f"{name} (page {number})" if label else name)


def sheet_name_in(version_id, number):
    return sheet_name(number, Page.objects.filter(version_id=version_id, number=number).only("label", "title").first())


def case_reviewers(case):
    """The active users of the departments taking part in `case` (those a reply may @mention), as
    dicts with `username`, `name` and `department` (one of theirs on the case)."""
    from django.contrib.auth import get_user_model

    departments = {d.group_id: d for d in case.departments.all()}
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=list(departments))
        .order_by("username")
        .values("pk", "username", "first_name", "last_name", "groups")
    )
    found = {}
    for person in people:
        if person["groups"] in departments:
            name = f"{person['first_name']} {person['last_name']}".strip() or person["username"]
            found.setdefault(person["pk"], {**person, "name": name, "department": departments[person["groups"]]})
    return list(found.values())
