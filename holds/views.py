"""The case page's hold forms: placing a hold on the case's parcel and releasing one (plain forms, no script)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from civicreview.errors import Conflict
from documents import selectors
from holds import services
from holds.models import Hold


@login_required
@require_POST
def place(request, pk):
    case = selectors.case_detail(request.user, pk)
    return _do(
        request,
        case,
        lambda: services.place(
            request.user, parcel_id=case.parcel_id, kind=request.POST.get("kind"), reason=request.POST.get("reason")
        ),
        "The hold was placed on parcel {parcel}.",
    )


@login_required
@require_POST
def release(request, pk, hold_id):
    case = selectors.case_detail(request.user, pk)
    if not services.active_holds(case).filter(pk=hold_id).exists():
        raise Hold.DoesNotExist  # 404: only a hold shown on this case is released from its page
    return _do(
        request,
        case,
        lambda: services.release(request.user, hold_id, request.POST.get("reason")),
        "The hold on parcel {parcel} was released.",
    )


def _do(request, case, change, done):
    try:
        change()
    except (ValidationError, PermissionDenied, Conflict) as refusal:
        messages.error(request, f"Nothing was changed: {_words(refusal)}")
    else:
        messages.success(request, done.format(parcel=case.parcel_id))
    return redirect(reverse("documents:case-detail", args=[case.pk]) + "#holds")


def _words(refusal):
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)
