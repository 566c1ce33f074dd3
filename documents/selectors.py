"""Reading what a user may see. Every lookup starts from `Case.objects.visible_to`,
so an object outside the user's cases is simply not found (404)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from documents.models import Case, Document, DocumentVersion, Page


def visible_cases(user):
    return Case.objects.visible_to(user).select_related("lead_department").prefetch_related("departments")


def case_detail(user, case_id):
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("number")
    documents = Document.objects.prefetch_related(Prefetch("versions", queryset=versions))
    return get_object_or_404(visible_cases(user).prefetch_related(Prefetch("documents", queryset=documents)), pk=case_id)


def visible_document(user, document_id):
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("number")
    documents = Document.objects.select_related("case").prefetch_related(Prefetch("versions", queryset=versions))
    return get_object_or_404(documents.filter(case__in=Case.objects.visible_to(user)), pk=document_id)


def visible_versions(user):
    return DocumentVersion.objects.select_related("document__case").filter(
        document__case__in=Case.objects.visible_to(user)
    )


def visible_version(user, version_id, *, with_pages=False):
    versions = visible_versions(user)
    if with_pages:
        versions = versions.prefetch_related(Prefetch("pages", queryset=Page.objects.defer("text")))
    return get_object_or_404(versions, pk=version_id)


def visible_page(user, version_id, number):
    return get_object_or_404(Page.objects.filter(version__in=visible_versions(user)), version_id=version_id, number=number)
