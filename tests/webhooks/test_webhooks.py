"""Outbound webhooks: each case event delivered once, signed; a failing receiver retried with backoff
and then logged as failed; replayed from the admin. The receiver is a local HTTP server on a thread."""

import datetime
import json
import time

import pytest
from django.utils import timezone

from holds.services import place, release
from reviews.services.annotations import create_annotation
from webhooks import services
from webhooks.models import Delivery, Endpoint
from webhooks.signing import signature, verify

SECRET_WORDS = "Fire wall rating unclear SECRET-7731"


def due_now():
    """Make every waiting delivery due, as the backoff's time passing would."""
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(next_attempt_at=timezone.now())


def test_a_whole_review_is_announced_event_by_event_once_each_signed(
    plans, submit, decide, receiver, endpoint, after_commit
):
    submit()
    with after_commit():
        create_annotation(
            plans.demo.fire, plans.version.pk,
            {"kind": "pin", "page": 1, "geometry": {"points": [[10, 10]]}, "text": SECRET_WORDS, "category": "correction"},
        )  # fmt: skip
    decide("fire", "review", "approved", comment=SECRET_WORDS)
    decide("building", "review", "approved")
    decide("planning", "approval", "approved_with_conditions", comment="Keep the hydrant clear " + SECRET_WORDS)

    assert receiver.events == [
        "case.submitted", "task.decided", "task.decided", "task.decided",
        "case.comments_released", "case.decided", "case.approved",
    ]  # fmt: skip
    event_ids = set()
    for request in receiver.requests:
        headers, body = request["headers"], request["body"]
        assert verify("s3cret-shared", body, headers["X-Civicreview-Timestamp"], headers["X-Civicreview-Signature"])
        assert not verify(
            "another-secret", body, headers["X-Civicreview-Timestamp"], headers["X-Civicreview-Signature"]
        )
        payload = json.loads(body)
        assert headers["X-Civicreview-Event"] == payload["event"]
        assert payload["case"]["number"] == plans.case.number and payload["case"]["parcel_id"] == plans.case.parcel_id
        assert b"SECRET-7731" not in body and b"hydrant" not in body  # no markups, no comments
        event_ids.add(payload["id"])
    assert len(event_ids) == len(receiver.requests)
    released = json.loads(receiver.requests[4]["body"])["data"]
    assert (released["corrections"], released["notes"]) == (1, 0)
    approved = json.loads(receiver.requests[-1]["body"])
    assert (approved["case"]["status"], approved["data"]["outcome"]) == ("approved", "approved_with_conditions")
    assert set(Delivery.objects.values_list("status", "attempts", "response_code")) == {("succeeded", 1, 200)}


def test_holds_placed_and_lifted_are_announced_with_the_cases_of_the_parcel(plans, receiver, endpoint, after_commit):
    endpoint.events = ["hold.placed", "hold.lifted"]
    endpoint.save()
    with after_commit():
        hold = place(plans.demo.planner, parcel_id=plans.case.parcel_id, kind="lien", reason="Lien " + SECRET_WORDS,
                     external_ref="billing:7")  # fmt: skip
    with after_commit():
        release(plans.demo.planner, hold.pk, "Satisfied")

    assert receiver.events == ["hold.placed", "hold.lifted"]
    placed, lifted = (json.loads(r["body"]) for r in receiver.requests)
    assert placed["data"]["cases"] == [plans.case.number] and placed["case"] is None
    assert (placed["data"]["hold"]["external_ref"], placed["data"]["hold"]["kind"]) == ("billing:7", "lien")
    assert lifted["data"]["hold"]["released_at"] is not None
    assert all(b"SECRET-7731" not in r["body"] for r in receiver.requests)


def test_only_the_subscribed_active_endpoints_get_an_event(plans, submit, receiver, endpoint):
    endpoint.events = ["case.approved"]
    endpoint.save()
    Endpoint.objects.create(name="Off", url=receiver.url, events=["case.submitted"], active=False)

    submit()

    assert not Delivery.objects.exists() and receiver.requests == []


def test_a_failing_receiver_is_retried_with_backoff_then_logged_as_failed(
    plans, submit, receiver, endpoint, settings, after_commit
):
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_BACKOFF_S, settings.WEBHOOK_BACKOFF_MAX_S = 4, 30, 50
    endpoint.events = ["case.submitted"]
    endpoint.save()
    receiver.statuses = [500]

    submit()  # the first attempt, sent after commit
    delivery = Delivery.objects.get()
    waits = [delivery.next_attempt_at - delivery.last_attempt_at]
    assert services.send_due() == 0  # not due yet: nothing is sent early
    for _ in range(3):
        due_now()
        with after_commit():
            services.send_due()
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)

    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 4, 500)
    assert "500" in delivery.error
    assert [round(w.total_seconds()) for w in waits[:3]] == [30, 50, 50]  # doubling, capped
    assert len(receiver.requests) == 4
    ids = {(r["headers"]["X-Civicreview-Delivery"], json.loads(r["body"])["id"]) for r in receiver.requests}
    assert len(ids) == 1  # the same delivery of the same event each time
    due_now()
    assert services.send_due() == 0  # given up: no more attempts


def test_a_receiver_that_recovers_gets_the_delivery_on_a_retry(plans, submit, receiver, endpoint, after_commit):
    endpoint.events = ["case.submitted"]
    endpoint.save()
    receiver.statuses = [503, 200]

    submit()
    due_now()
    with after_commit():
        services.send_due()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.error) == ("succeeded", 2, 200, "")


@pytest.mark.parametrize(("status", "words"), [(302, "302"), (None, "Could not reach")])
def test_a_redirect_or_an_unreachable_receiver_is_a_failed_attempt(plans, submit, receiver, endpoint, status, words):
    endpoint.events = ["case.submitted"]
    if status is None:
        endpoint.url = "http://127.0.0.1:9/closed"
    else:
        receiver.statuses = [status]
    endpoint.save()

    submit()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, status)
    assert words in delivery.error


def test_a_delivery_whose_sender_was_lost_is_taken_up_again(plans, submit, receiver, endpoint, after_commit):
    endpoint.events = ["case.submitted"]
    endpoint.save()
    with after_commit():
        delivery = services.emit("case.submitted", {}, case=plans.case)[0]
        Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_until=timezone.now())
    assert receiver.requests == []  # claimed by a sender that then died

    with after_commit():
        services.send_due(now=timezone.now() + datetime.timedelta(seconds=1))

    assert Delivery.objects.get().status == "succeeded" and len(receiver.requests) == 1


def test_the_admin_lists_deliveries_and_replays_one(plans, submit, receiver, endpoint, client, after_commit):
    endpoint.events = ["case.submitted"]
    endpoint.save()
    receiver.statuses = [500]
    submit()
    original = Delivery.objects.get()
    client.force_login(plans.demo.admin)

    listing = client.get("/admin/webhooks/delivery/").content.decode()
    assert "case.submitted" in listing and "Replay" in listing
    receiver.statuses = [200]
    with after_commit():
        client.post("/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [original.pk]}, follow=True)

    copy = Delivery.objects.exclude(pk=original.pk).get()
    assert (copy.replay_of, copy.event_id, copy.body, copy.status) == (original, original.event_id, original.body,
                                                                        "succeeded")  # fmt: skip
    assert len(receiver.requests) == 2


def test_the_admin_configures_an_endpoint_with_its_events(db, demo, client):
    client.force_login(demo.admin)
    response = client.post(
        "/admin/webhooks/endpoint/add/",
        {"name": "Billing", "url": "https://billing.example.gov/hooks", "events": ["hold.placed", "case.approved"],
         "secret": "shh", "active": "on"},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert (endpoint.events, endpoint.secret) == (["hold.placed", "case.approved"], "shh")


def test_a_signature_older_than_the_tolerance_or_altered_does_not_verify():
    body, now = b'{"event":"case.approved"}', int(time.time())
    signed = signature("k", now, body)

    assert verify("k", body, str(now), signed)
    assert not verify("k", body + b" ", str(now), signed)
    assert not verify("k", body, str(now - 301), signature("k", now - 301, body))
    assert not verify("k", body, "not a time", signed)


def test_an_upload_is_announced_once_it_commits(plans, receiver, endpoint, after_commit):
    from documents.services import intake
    from tests.factories import upload

    endpoint.events = ["case.received"]
    endpoint.save()
    with after_commit():
        document = intake.add_document(plans.demo.planner, plans.case, title="Soils report", upload=upload())

    (request,) = receiver.requests
    payload = json.loads(request["body"])
    assert payload["event"] == "case.received" and payload["case"]["id"] == plans.case.pk
    assert (payload["data"]["document"], payload["data"]["number"]) == (document.pk, 1)
    assert b"Soils report" not in request["body"]  # no document titles
