"""Failed logins (django-axes): who the client is, and how a locked-out login is answered.

Axes counts failures per username and, independently, per client address; after
LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES either is refused with 429 until the
window since its last failure passes. A success does not reset the count (AXES_RESET_ON_SUCCESS).
"""

import math
from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n proxies in front, the
    address the outermost of them saw (the n-th from the right in X-Forwarded-For). A client can
    prepend anything to that header, so only the entries our own proxies appended are believed."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def wait_minutes(request: HttpRequest, credentials: dict | None) -> int:
    """Whole minutes until the lockout on this username or address passes (at the latest)."""
    cool_off = get_cool_off(request) or timedelta(0)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    last_failure = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address)).aggregate(
        last=Max("attempt_time")
    )["last"]
    remaining = (last_failure + cool_off - timezone.now()) if last_failure else cool_off
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """429 with Retry-After: JSON for the API, the login page's "wait" message for a person."""
    minutes = wait_minutes(request, credentials)
    message = f"Too many failed logins for this account or from this address. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message, "minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
