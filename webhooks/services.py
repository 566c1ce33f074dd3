"""Sending case events to the other city systems' endpoints.

`emit(event, data, case=...)` is the one call the rest of CivicReview makes, inside the
transaction of the change it announces: it writes one delivery per subscribed endpoint there (so
an event stands or falls with its change, and none is lost if the broker is down) and sends each
on Celery after the commit. A delivery that fails is tried again after an exponential backoff
(settings WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_S, WEBHOOK_BACKOFF_MAX_S) by the sweep on Celery
beat — no countdown longer than the broker's visibility timeout — and after the last attempt it is
marked failed; the admin can replay it.

Payloads carry no markups, comments, reasons or names typed by staff: the case's public fields
(`case_summary`) and the event's ids, outcomes and counts.
"""

import datetime
import json
import logging
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civicreview.celery import enqueue_on_commit
from documents.models import Case
from webhooks.models import EVENTS, Delivery, Endpoint
from webhooks.signing import signature

log = logging.getLogger(__name__)
USER_AGENT = "CivicReview-Webhooks/1"


def emit(event, data, *, case=None):
    """Announce `event` to every active endpoint subscribed to it, once this transaction commits."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(active=True) if event in endpoint.events]
    if not endpoints:
        return []
    event_id, now = uuid.uuid4(), timezone.now()
    body = json.dumps(
        {"id": str(event_id), "event": event, "created_at": now,
         "case": case_summary(case) if case is not None else None, "data": data},
        cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True,
    )  # fmt: skip
    deliveries = Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event=event, event_id=event_id, body=body, next_attempt_at=now)
        for endpoint in endpoints
    )
    for delivery in deliveries:
        _send_after_commit(delivery)
    return deliveries


def case_summary(case):
    """The case as a webhook carries it: the fields the public status page shows, read as committed so far."""
    fields = Case.objects.filter(pk=getattr(case, "pk", case)).values(
        "id", "number", "kind", "address", "parcel_id", "status"
    )
    summary = dict(fields.get())
    return {**summary, "status_url": reverse("public:case-status", args=[summary["number"]])}


def _send_after_commit(delivery):
    from webhooks.tasks import deliver_webhook

    enqueue_on_commit(deliver_webhook, delivery.pk)


# --- sending ---------------------------------------------------------------------------


def backoff(attempts):
    """How long to wait after the `attempts`-th failed attempt: doubling from WEBHOOK_BACKOFF_S, capped."""
    delay = settings.WEBHOOK_BACKOFF_S * 2 ** (attempts - 1)
    return datetime.timedelta(seconds=min(delay, settings.WEBHOOK_BACKOFF_MAX_S))


def deliver(delivery_id):
    """Make the delivery's next attempt, if it is due and no one else is making it; returns its status."""
    now = timezone.now()
    claim_for = datetime.timedelta(seconds=settings.WEBHOOK_TIMEOUT_S * 3)
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now).update(
        status=Delivery.Status.SENDING, claimed_until=now + claim_for
    )
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if not claimed or delivery is None:
        return delivery.status if delivery else None
    code, error = post(delivery)
    _record_attempt(delivery, code, error)
    return delivery.status


def post(delivery):
    """POST the delivery, signed; (response code or None, error text or "")."""
    timestamp = str(int(time.time()))
    body = delivery.body.encode()
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-CivicReview-Event": delivery.event,
            "X-CivicReview-Delivery": str(delivery.delivery_id),
            "X-CivicReview-Timestamp": timestamp,
            "X-CivicReview-Signature": signature(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_S) as response:
            return response.status, ""
    except urllib.error.HTTPError as answer:
        return answer.code, f"The receiver answered {answer.code} {answer.reason}."
    except (OSError, ValueError) as failure:  # refused, timed out, unknown host, a bad URL
        return None, f"Could not reach the receiver: {getattr(failure, 'reason', failure)}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect answer is a failure: the body is not sent on to an address nobody configured."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _record_attempt(delivery, code, error):
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_code, delivery.claimed_until = now, code, None
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.error = Delivery.Status.SUCCEEDED, now, ""
    else:
        delivery.error = error or f"The receiver answered {code}."
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            log.warning(
                "webhook %s to %s failed %d times; gave up", delivery.event, delivery.endpoint.url, delivery.attempts
            )
        else:
            delivery.status, delivery.next_attempt_at = Delivery.Status.PENDING, now + backoff(delivery.attempts)
    delivery.save(
        update_fields=["attempts", "last_attempt_at", "response_code", "claimed_until", "status", "delivered_at",
                       "error", "next_attempt_at"]
    )  # fmt: skip


def send_due(*, now=None):
    """The sweep on beat: hand back deliveries whose sender was lost mid-attempt, and send every one due."""
    now = now or timezone.now()
    Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_until__lt=now).update(
        status=Delivery.Status.PENDING, claimed_until=None
    )
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.WEBHOOK_SWEEP_BATCH]
    )
    from webhooks.tasks import deliver_webhook

    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)


@transaction.atomic
def replay(deliveries):
    """Send these deliveries' events again, each as a new delivery of the same body; returns the new ones."""
    now = timezone.now()
    copies = Delivery.objects.bulk_create(
        Delivery(endpoint_id=d.endpoint_id, event=d.event, event_id=d.event_id, body=d.body, next_attempt_at=now,
                 replay_of=d)
        for d in deliveries
    )  # fmt: skip
    for copy in copies:
        _send_after_commit(copy)
    return copies
