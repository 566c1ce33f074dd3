"""Server-rendered pages. The viewer and uploads then talk to the JSON API."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from documents import selectors
from documents.models import Case, Document
from documents.services.cases import may_open_cases, may_upload_documents
from holds.services import holds_context
from reviews.services import annotations, locks
from workflows.selectors import applicant_page, case_status
from workflows.views import case_review


@login_required
def case_list(request):
    return render(
        request,
        "documents/case_list.html",
        {
            "cases": selectors.visible_cases(request.user),
            "kinds": Case.Kind.choices,
            "can_open_cases": may_open_cases(request.user),
        },
    )


@login_required
def case_detail(request, pk):
    case = selectors.case_detail(request.user, pk)
    context = {
        "case": case,
        "can_upload": may_upload_documents(request.user, case),
        "document_kinds": Document.Kind.choices,
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        **holds_context(request.user, case),
        "status": case_status(case),
    }
    if selectors.is_applicant(request.user, case):
        return render(request, "documents/applicant_case.html", {**context, "documents": applicant_page(case)})
    return render(request, "documents/case_detail.html", {**context, **case_review(request.user, case)})


@login_required
@require_POST
def answer(request, pk, annotation_id):
    """The applicant's answer to a correction, from the form on their case page."""
    case = selectors.case_detail(request.user, pk)
    try:
        annotations.add_comment(request.user, annotation_id, request.POST.get("body", ""), version_id=None)
    except (ValidationError, PermissionDenied) as refusal:
        text = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
        messages.error(request, f"Your answer was not sent: {text}")
    else:
        messages.success(request, "Your answer was sent to the reviewers.")
    return redirect(reverse("documents:case-detail", args=[case.pk]) + f"#correction-{annotation_id}")


@login_required
def viewer(request, pk):
    version = selectors.visible_version(request.user, pk, with_pages=True)
    case = version.document.case
    context = {
        "version": version,
        "case": case,
        "people": selectors.case_reviewers(case),
        "locked": locks.why_locked(version),
    }
    return render(request, "documents/viewer.html", context)
