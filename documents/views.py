"""Server-rendered pages. The viewer and uploads then talk to the JSON API."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from documents import selectors
from documents.models import Case, Document
from documents.services.cases import can_upload


@login_required
def case_list(request):
    return render(
        request,
        "documents/case_list.html",
        {"cases": selectors.visible_cases(request.user), "kinds": Case.Kind.choices},
    )


@login_required
def case_detail(request, pk):
    case = selectors.case_detail(request.user, pk)
    return render(
        request,
        "documents/case_detail.html",
        {
            "case": case,
            "can_upload": can_upload(request.user, case),
            "document_kinds": Document.Kind.choices,
            "max_upload_mb": settings.MAX_UPLOAD_MB,
        },
    )


@login_required
def viewer(request, pk):
    version = selectors.visible_version(request.user, pk, with_pages=True)
    return render(request, "documents/viewer.html", {"version": version, "case": version.document.case})
