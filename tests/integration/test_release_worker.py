"""Release on a real Celery worker, on PostgreSQL and Redis: the worker that ends the workflow
releases the cycle's corrections and notes in the same transaction, tells the applicant, and the
applicant then reads exactly those over HTTP."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.services import verify
from notifications.models import Notification
from reviews.models import Annotation
from reviews.services import annotations
from tests.factories import Demo
from tests.integration.conftest import wait_for
from tests.workflows.conftest import Plans
from workflows.models import Workflow
from workflows.services import engine

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def cloud(text, category):
    return {
        "page": 1,
        "kind": "cloud",
        "geometry": {"points": [[100, 100], [300, 200]]},
        "text": text,
        "category": category,
    }


def test_the_worker_ending_the_review_releases_and_tells_the_applicant(worker, to_the_worker):
    plans = Plans(Demo())
    demo = plans.demo
    plans.case.applicants.create(user=demo.applicant, added_by=demo.planner)
    workflow = engine.submit(demo.planner, plans.version.pk, departments=["fire", "building"])
    correction = annotations.create_annotation(demo.fire, plans.version.pk, cloud("Rated wall", "correction")).data
    internal = annotations.create_annotation(demo.fire, plans.version.pk, cloud("@building check", "internal")).data
    engine.decide(demo.fire, plans.task("fire").pk, "corrections_required")
    engine.decide(demo.building, plans.task("building").pk, "corrections_required")

    wait_for(lambda: Workflow.objects.get(pk=workflow.pk).status == "corrections_required", timeout=60, what="routing")

    released = dict(Annotation.objects.values_list("pk", "released_at"))
    finished_at = Workflow.objects.get(pk=workflow.pk).finished_at
    assert released[correction["id"]] == finished_at and released[internal["id"]] is None
    assert Notification.objects.filter(recipient=demo.applicant, kind="review.released").count() == 1
    assert AuditEntry.objects.filter(action="annotations.released").count() == 1
    assert verify().intact
    client = Client()
    client.force_login(demo.applicant)
    listed = client.get(f"/api/versions/{plans.version.pk}/annotations/").json()
    assert [a["id"] for a in listed] == [correction["id"]]


def test_the_worker_approving_the_review_writes_the_stamped_set(worker, to_the_worker):
    plans = Plans(Demo())
    demo = plans.demo
    plans.case.applicants.create(user=demo.applicant, added_by=demo.planner)
    workflow = engine.submit(demo.planner, plans.version.pk, departments=["fire"])
    engine.decide(demo.fire, plans.task("fire").pk, "approved")
    wait_for(lambda: Workflow.objects.get(pk=workflow.pk).stage == 2, timeout=60, what="routing to the approval")
    engine.decide(demo.planning_head, plans.task("planning", "approval").pk, "approved")

    wait_for(lambda: bool(Workflow.objects.get(pk=workflow.pk).approved_set), timeout=60, what="the approved set")

    client = Client()
    client.force_login(demo.applicant)
    response = client.get(f"/api/versions/{plans.version.pk}/approved-set.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="workflow.approved_set_written").count() == 1
    assert Notification.objects.filter(recipient=demo.applicant, kind="approved_set.ready").count() == 1
    assert verify().intact
