"""How a refusal from a service is answered, the same over HTTP and the websocket.

Services raise Django's own exceptions where one fits — ValidationError
(invalid), PermissionDenied (forbidden), Http404 / ObjectDoesNotExist (not
found) — and these for the rest.
"""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404

log = logging.getLogger(__name__)

# How a socket is closed when it may not (or may no longer) be open: HTTP's 401, 403, 404 as 44xx.
CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND = 4401, 4403, 4404


class Conflict(Exception):
    """The client's revision is stale; `current` is the object as it stands."""

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class UploadTooLarge(Exception):
    pass


class RateLimited(Exception):
    pass


NOT_FOUND = "Not found."  # never say what was looked for
UNAVAILABLE = "The database is unavailable for a moment; try again."


def describe(exc: BaseException) -> tuple[str, int, dict[str, Any]] | None:
    """(code, HTTP status, message dict) for a refusal, or None for a bug."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "invalid", 400, exc.message_dict
        return "invalid", 400, {"detail": exc.messages[0]}
    if isinstance(exc, PermissionDenied):
        return "forbidden", 403, {"detail": str(exc) or "You are not allowed to do that."}
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return "not_found", 404, {"detail": NOT_FOUND}
    if isinstance(exc, Conflict):
        return "conflict", 409, {"detail": str(exc)}
    if isinstance(exc, UploadTooLarge):
        return "too_large", 413, {"detail": str(exc)}
    if isinstance(exc, RateLimited):
        return "rate_limited", 429, {"detail": str(exc)}
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The connection was lost (terminated, a failover): the change was rolled back, and
        # sent again with its `ref` it is applied once. The next use reconnects
        # (CONN_HEALTH_CHECKS).
        log.warning("database unavailable: %s", exc)
        return "unavailable", 503, {"detail": UNAVAILABLE}
    return None
