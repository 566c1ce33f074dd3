"""The main endpoints' real answers are what /api/schema/ says they are (tests/openapi.py): a
resource's shape, its answers and its documentation cannot drift apart again."""

import pytest

from reviews.models import StampDefinition
from tests.factories import DocumentFactory, VersionFactory
from tests.openapi import Schema
from workflows.services.templates import seed_standard_template

CLOUD = {"page": 1, "kind": "cloud", "geometry": {"points": [[120.5, 88.0], [410.0, 260.25]]}, "text": "Egress"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return Schema(APIClient().get("/api/schema/", {"format": "json"}).json())


@pytest.fixture
def world(demo, api_as, schema):
    """A case led by planning that fire and building review, with a ready version; `world.check`
    checks an answer against the schema and gives its JSON."""

    class World:
        pass

    w = World()
    w.check = schema.check
    w.as_ = {name: api_as(getattr(demo, name)) for name in ("planner", "fire", "building", "applicant")}
    seed_standard_template()
    w.case = w.check(
        w.as_["planner"].post(
            "/api/cases/",
            {"title": "Riverside Commons", "kind": "building_permit", "address": "1200 Riverside Avenue",
             "parcel_id": "APN 052-118-07"},
            format="json",
        )
    )  # fmt: skip
    w.check(w.as_["planner"].patch(f"/api/cases/{w.case['id']}/", {"departments": ["fire", "building"]}, format="json"))
    w.version = VersionFactory(document=DocumentFactory(case_id=w.case["id"], title="Plan set"))
    return w


def test_cases_versions_and_holds_answer_as_documented(world):
    planner, applicant, case_id = world.as_["planner"], world.as_["applicant"], world.case["id"]
    world.check(planner.post(f"/api/cases/{case_id}/applicants/", {"username": "applicant"}, format="json"))
    hold = world.check(
        planner.post(
            "/api/holds/",
            {"parcel_id": "APN 052-118-07", "kind": "unpaid_fees", "reason": "Impact fee unpaid"},
            format="json",
        )
    )

    assert world.check(planner.get(f"/api/cases/{case_id}/"))["holds"][0]["reason"] == "Impact fee unpaid"
    assert "reason" not in world.check(applicant.get(f"/api/cases/{case_id}/"))["holds"][0]
    assert [c["id"] for c in world.check(planner.get("/api/cases/"))] == [case_id]
    assert world.check(planner.get(f"/api/versions/{world.version.pk}/"))["pages"][0]["number"] == 1
    assert world.check(planner.get("/api/holds/"))[0]["id"] == hold["id"]
    released = world.check(planner.post(f"/api/holds/{hold['id']}/release/", {"reason": "Paid"}, format="json"))
    assert released["released_by"] == "planner"


def test_markups_replies_events_and_the_tool_chest_answer_as_documented(world):
    fire, version = world.as_["fire"], world.version.pk
    StampDefinition.objects.create(wording="SEEN BY FIRE")
    created = world.check(fire.post(f"/api/versions/{version}/annotations/", CLOUD, format="json"))
    changed = world.check(
        fire.patch(f"/api/annotations/{created['id']}/", {"revision": 1, "status": "resolved"}, format="json")
    )
    reply = world.check(fire.post(f"/api/annotations/{created['id']}/comments/", {"body": "@building"}, format="json"))

    assert world.check(fire.get(f"/api/versions/{version}/annotations/")) == [changed]
    assert world.check(fire.get(f"/api/annotations/{created['id']}/")) == changed
    assert world.check(fire.get(f"/api/annotations/{created['id']}/comments/")) == [reply]
    assert [e["type"] for e in world.check(fire.get(f"/api/versions/{version}/events/", {"after": 0}))] == [
        "annotation.created", "annotation.updated", "comment.created",
    ]  # fmt: skip
    world.check(world.as_["planner"].post(f"/api/cases/{world.case['id']}/applicants/", {"username": "applicant"}))
    hidden = world.check(world.as_["applicant"].get(f"/api/versions/{version}/events/", {"after": 0}))
    assert {e["type"] for e in hidden} == {"hidden"}  # nothing released yet
    assert world.check(fire.get(f"/api/versions/{version}/changes/"))["status"] == "ready"
    saved = world.check(
        fire.post("/api/standard-comments/", {"shortcut": "egress", "text": "Show egress."}, format="json")
    )
    assert world.check(fire.get("/api/standard-comments/")) == [saved]
    assert "SEEN BY FIRE" in [s["wording"] for s in world.check(fire.get("/api/stamps/"))]
    (told,) = world.check(world.as_["building"].get("/api/notifications/"))
    assert told["kind"] == "mention" and told["read"] is False


def test_workflows_tasks_notifications_and_the_audit_trail_answer_as_documented(world, after_commit):
    planner, fire, version = world.as_["planner"], world.as_["fire"], world.version.pk
    with after_commit():
        submitted = world.check(
            planner.post(
                f"/api/versions/{version}/submit/", {"template": "standard", "departments": ["fire"]}, format="json"
            )
        )
    (task,) = world.check(fire.get("/api/tasks/", {"mine": 1}))
    with after_commit():
        decided = world.check(
            fire.post(
                f"/api/tasks/{task['id']}/decision/",
                {"decision": "approved_with_conditions", "comment": "Sprinklers throughout."},
                format="json",
            )
        )

    workflow = world.check(planner.get(f"/api/workflows/{submitted['id']}/"))
    assert world.check(planner.get(f"/api/versions/{version}/workflow/")) == workflow
    assert decided["decided_by"] == "fire" and workflow["conditions"][0]["text"] == "Sprinklers throughout."
    assert [n["kind"] for n in world.check(fire.get("/api/notifications/"))]
    assert world.check(fire.post("/api/notifications/read/", {}, format="json"))["marked"] >= 1
    audit = world.check(planner.get(f"/api/cases/{world.case['id']}/audit/"))
    assert [entry["seq"] for entry in audit] == list(range(1, len(audit) + 1))


def test_an_answer_the_schema_does_not_describe_is_caught(world):
    fire = world.as_["fire"]
    answer = fire.post(f"/api/versions/{world.version.pk}/annotations/", CLOUD, format="json")
    body = answer.json()

    for drifted in (
        {**body, "secret": "a field the schema does not name"},
        {key: value for key, value in body.items() if key != "author"},
        {**body, "created_at": "yesterday"},
        {**body, "created_at": "2026-12-02T16:20:27"},  # no zone
        {**body, "revision": None},
    ):
        answer.json = lambda drifted=drifted: drifted
        with pytest.raises(AssertionError, match="differs from the schema"):
            world.check(answer)
