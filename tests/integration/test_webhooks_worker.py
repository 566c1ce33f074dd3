"""Webhooks on a real Celery worker, PostgreSQL and Redis: a receiver sees each event of a review
once, signed; a failing receiver is retried by the sweep until the worker gives up and logs it."""

import json

import pytest
from django.utils import timezone

from holds.services import place
from tests.factories import Demo
from tests.integration.conftest import wait_for
from tests.webhooks.conftest import Receiver
from tests.workflows.conftest import Plans
from webhooks import services
from webhooks.models import EVENTS, Delivery, Endpoint
from webhooks.signing import verify
from workflows.services import engine

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receivers():
    started = []

    def start(*statuses):
        receiver = Receiver()
        receiver.statuses = list(statuses)
        receiver.thread.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()


def settled(endpoint, *statuses):
    return not Delivery.objects.filter(endpoint=endpoint).exclude(status__in=statuses).exists()


def test_the_worker_delivers_each_event_once_signed_and_gives_up_on_a_failing_receiver(
    worker, to_the_worker, receivers, settings
):
    permitting, billing = receivers(200), receivers(500)
    good = Endpoint.objects.create(name="Permitting", url=permitting.url, events=list(EVENTS), secret="p-secret")
    bad = Endpoint.objects.create(name="Billing", url=billing.url, events=["hold.placed"], secret="b-secret")
    plans = Plans(Demo())
    demo = plans.demo

    engine.submit(demo.planner, plans.version.pk, departments=["fire"])
    engine.decide(demo.fire, plans.task("fire").pk, "approved")
    wait_for(lambda: plans.workflow().stage == 2, timeout=60, what="routing to the approval")
    engine.decide(demo.planning_head, plans.task("planning", "approval").pk, "approved")
    wait_for(lambda: plans.workflow().status == "approved", timeout=60, what="the approval")
    place(demo.fire, parcel_id="APN 1", kind="lien", reason="County lien")
    expected = ["case.submitted", "task.decided", "task.decided", "case.comments_released", "case.decided",
                "case.approved", "hold.placed"]  # fmt: skip
    wait_for(lambda: len(permitting.requests) >= len(expected) and settled(good, "succeeded"), timeout=60,
             what="the deliveries")  # fmt: skip

    assert sorted(permitting.events) == sorted(expected)
    for request in permitting.requests:
        headers = request["headers"]
        assert verify(
            "p-secret", request["body"], headers["X-Civicreview-Timestamp"], headers["X-Civicreview-Signature"]
        )
    assert len({json.loads(r["body"])["id"] for r in permitting.requests}) == len(expected)

    for attempt in range(2, settings.WEBHOOK_MAX_ATTEMPTS + 1):
        wait_for(lambda: Delivery.objects.get(endpoint=bad).status in ("pending", "failed"), timeout=30,
                 what="an attempt")  # fmt: skip
        Delivery.objects.filter(endpoint=bad, status="pending").update(next_attempt_at=timezone.now())
        services.send_due()
        wait_for(
            lambda n=attempt: Delivery.objects.get(endpoint=bad).attempts == n, timeout=30, what=f"attempt {attempt}"
        )
    failed = Delivery.objects.get(endpoint=bad)
    assert (failed.status, failed.response_code) == ("failed", 500) and "500" in failed.error
    assert len(billing.requests) == settings.WEBHOOK_MAX_ATTEMPTS
