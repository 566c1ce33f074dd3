"""Property: generated bodies to the workflow write endpoints (submitting a version, deciding a task,
marking notifications read) answer a success or a 4xx with a message, never a 500; a refusal stores
nothing. The same property for annotations, comments, cases and documents: tests/test_api_properties.py."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.models import Notification
from tests.properties import PROPERTY_SETTINGS, dumps, field, objects, texts
from workflows.models import Task, Workflow

pytestmark = pytest.mark.django_db

DEPARTMENTS = st.lists(field(st.sampled_from(["planning", "fire", "building", "engineering", "nowhere"])), max_size=4)
DECISIONS = st.sampled_from(["approved", "approved_with_conditions", "corrections_required", "rejected", "maybe"])


def stored():
    return (
        list(Workflow.objects.order_by("pk").values_list("pk", "status")),
        list(Task.objects.order_by("pk").values_list("pk", "status", "decision", "comment")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
    )


def post(client, url, body):
    before = stored()
    response = client.post(url, dumps(body), content_type="application/json")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.status_code in {400, 403, 404, 409} and response.json()
        assert stored() == before, f"{url} was refused ({response.status_code}) but changed what is stored"
    return response


@PROPERTY_SETTINGS
@given(body=objects({"template": field(st.sampled_from(["standard", "nowhere"])), "departments": field(DEPARTMENTS)}))
def test_submitting_a_version(plans, api_as, body):
    post(api_as(plans.demo.planner), f"/api/versions/{plans.version.pk}/submit/", body)


@PROPERTY_SETTINGS
@given(body=objects({"decision": field(DECISIONS), "comment": field(texts)}))
def test_deciding_a_task(plans, submit, api_as, body):
    if not Workflow.objects.exists():
        submit(departments=["fire"])
    post(api_as(plans.demo.fire), f"/api/tasks/{plans.task('fire').pk}/decision/", body)


@PROPERTY_SETTINGS
@given(body=objects({"ids": field(st.lists(field(st.integers(0, 5)), max_size=3))}))
def test_marking_notifications_read(demo, api_as, body):
    post(api_as(demo.planner), "/api/notifications/read/", body)
