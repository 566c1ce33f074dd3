"""The workflow endpoints as the contract states them, and its refusals, each of which
leaves nothing changed."""

import pytest
from guardian.models import GroupObjectPermission

from audit.models import AuditEntry
from documents.models import Case, CaseGroupObjectPermission, DocumentVersion
from notifications.models import Notification
from tests.factories import VersionFactory
from workflows.models import StageRun, Task, Workflow

CONTRACT_TASK_KEYS = {"id", "stage", "department", "kind", "status", "assignee", "due_at", "decision", "comment"}


def snapshot():
    """Everything a refused request must leave as it was."""
    return {
        "workflows": list(Workflow.objects.values_list("pk", "status", "stage", "conditions")),
        "stages": list(StageRun.objects.values_list("pk", "status")),
        "tasks": list(Task.objects.values_list("pk", "status", "decision", "comment", "decided_by")),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
        "grants": sorted(CaseGroupObjectPermission.objects.values_list("content_object", "group", "permission")),
        "other_grants": GroupObjectPermission.objects.count(),
        "cases": list(Case.objects.values_list("pk", "status")),
    }


@pytest.fixture
def as_user(api_as, plans):
    return lambda name: api_as(getattr(plans.demo, name))


def post_submit(client, version_id, departments=("fire", "building"), template="standard"):
    return client.post(
        f"/api/versions/{version_id}/submit/", {"template": template, "departments": list(departments)}, format="json"
    )


def test_submit_answers_201_with_the_workflow(as_user, plans, after_commit):
    with after_commit():
        response = post_submit(as_user("planner"), plans.version.pk)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["status"], body["stage"], body["template"]) == (
        plans.version.pk,
        "in_progress",
        1,
        "standard",
    )
    assert [(t["department"], t["kind"], t["status"], t["stage"]) for t in body["tasks"]] == [
        ("building", "review", "pending", 1),
        ("fire", "review", "pending", 1),
    ]
    assert set(body["tasks"][0]) >= CONTRACT_TASK_KEYS
    assert body["tasks"][0]["assignee"] is None and body["tasks"][0]["decision"] is None
    assert [s["status"] for s in body["stages"]] == ["open", "not_started"]
    assert as_user("fire").get(f"/api/workflows/{body['id']}/").json() == body


def test_reviewers_list_their_open_tasks_and_decide_them(as_user, plans, after_commit):
    with after_commit():
        workflow_id = post_submit(as_user("planner"), plans.version.pk).json()["id"]
    fire = as_user("fire")

    (task,) = fire.get("/api/tasks/", {"mine": 1}).json()
    assert (task["department"], task["kind"], task["case"]["number"], task["viewer_url"]) == (
        "fire", "review", plans.case.number, f"/versions/{plans.version.pk}/",
    )  # fmt: skip
    assert as_user("engineering").get("/api/tasks/", {"mine": 1}).json() == []
    with after_commit():
        decided = fire.post(
            f"/api/tasks/{task['id']}/decision/", {"decision": "approved", "comment": "OK"}, format="json"
        )

    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decision"], decided.json()["decided_by"]) == (
        "done",
        "approved",
        "fire",
    )
    assert fire.get("/api/tasks/", {"mine": 1}).json() == []
    assert len(as_user("planner").get("/api/tasks/").json()) == 1  # building's, which the planner may see
    assert as_user("planner").get(f"/api/versions/{plans.version.pk}/workflow/").json()["id"] == workflow_id


def test_the_approval_is_the_lead_heads_task(as_user, plans, submit, decide):
    submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")

    assert as_user("planner").get("/api/tasks/", {"mine": 1}).json() == []
    (approval,) = as_user("planning_head").get("/api/tasks/", {"mine": 1}).json()
    assert (approval["department"], approval["kind"], approval["stage"]) == ("planning", "approval", 2)


def test_deciding_another_departments_task_is_403_and_changes_nothing(as_user, plans, submit):
    submit()
    before = snapshot()

    response = as_user("building").post(
        f"/api/tasks/{plans.task('fire').pk}/decision/", {"decision": "approved"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "This review is Fire's; only its members decide it."}
    assert snapshot() == before


def test_a_reviewer_deciding_the_heads_approval_is_403(as_user, plans, submit, decide):
    submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")
    before = snapshot()

    response = as_user("planner").post(
        f"/api/tasks/{plans.task('planning', 'approval').pk}/decision/", {"decision": "approved"}, format="json"
    )

    assert response.status_code == 403
    assert "head of Planning" in response.json()["detail"]
    assert snapshot() == before


def test_deciding_twice_is_409_and_changes_nothing(as_user, plans, submit, decide):
    submit()
    decide("fire", "review", "approved")
    before = snapshot()

    response = as_user("fire").post(
        f"/api/tasks/{plans.task('fire').pk}/decision/", {"decision": "rejected", "comment": "No"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["detail"].startswith("fire already decided this task (approved) on ")
    assert snapshot() == before


def test_deciding_a_task_closed_by_a_rejection_is_409(as_user, plans, submit, decide):
    submit()
    decide("fire", "review", "rejected", comment="No second exit.")

    response = as_user("building").post(
        f"/api/tasks/{plans.task('building').pk}/decision/", {"decision": "approved"}, format="json"
    )

    assert response.status_code == 409
    assert "closed without a decision" in response.json()["detail"]


def test_an_unknown_decision_or_missing_conditions_is_400(as_user, plans, submit):
    submit()
    fire = as_user("fire")
    before = snapshot()
    url = f"/api/tasks/{plans.task('fire').pk}/decision/"

    unknown = fire.post(url, {"decision": "fine"}, format="json")
    no_conditions = fire.post(url, {"decision": "approved_with_conditions", "comment": ""}, format="json")

    assert unknown.status_code == 400 and "decision" in unknown.json()
    assert no_conditions.status_code == 400
    assert no_conditions.json() == {"comment": ["State the conditions of the approval."]}
    assert snapshot() == before


def test_submitting_a_version_still_processing_is_400_and_changes_nothing(as_user, plans):
    DocumentVersion.objects.filter(pk=plans.version.pk).update(status="processing")
    before = snapshot()

    response = post_submit(as_user("planner"), plans.version.pk)

    assert response.status_code == 400
    assert response.json() == {"detail": "This version is still being processed; submit it once it is ready."}
    assert snapshot() == before


def test_submitting_a_failed_version_is_400(as_user, plans):
    DocumentVersion.objects.filter(pk=plans.version.pk).update(status="failed")

    assert post_submit(as_user("planner"), plans.version.pk).status_code == 400


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"template": "nope", "departments": ["fire"]}, "template", "There is no workflow template named nope."),
        (
            {"template": "standard", "departments": ["fire", "police"]},
            "departments",
            "There is no department named police.",
        ),
        (
            {"template": "standard", "departments": []},
            "departments",
            "Choose at least one department to review the plans.",
        ),
        (
            {"template": "standard", "departments": "fire"},
            "departments",
            'List the reviewing departments by name, such as ["fire", "building"].',
        ),
    ],
)
def test_submitting_with_a_wrong_template_or_departments_is_400(as_user, plans, data, field, message):
    before = snapshot()

    response = as_user("planner").post(f"/api/versions/{plans.version.pk}/submit/", data, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert snapshot() == before


def test_submitting_an_older_version_is_400(as_user, plans):
    VersionFactory(document=plans.document)

    response = post_submit(as_user("planner"), plans.version.pk)

    assert response.status_code == 400 and "not the latest" in response.json()["detail"]


def test_submitting_twice_is_409_and_changes_nothing(as_user, plans, submit):
    submit()
    before = snapshot()

    response = post_submit(as_user("planner"), plans.version.pk)

    assert response.status_code == 409
    assert response.json() == {"detail": "Version 1 of Architectural plan set was already submitted."}
    assert snapshot() == before


def test_submitting_while_another_submission_is_in_review_is_409(as_user, plans, submit):
    from tests.factories import DocumentFactory

    submit()
    other = VersionFactory(document=DocumentFactory(case=plans.case, title="Civil set"))

    response = post_submit(as_user("planner"), other.pk)

    assert response.status_code == 409 and "already has a submission in review" in response.json()["detail"]


def test_only_the_lead_department_submits(as_user, plans):
    plans.case.departments.add(plans.demo.departments["fire"])
    from documents.services.cases import sync_case_permissions

    sync_case_permissions(plans.case)
    before = snapshot()

    response = post_submit(as_user("fire"), plans.version.pk)

    assert response.status_code == 403
    assert snapshot() == before


def test_outsiders_get_404_everywhere(as_user, api, plans, submit):
    workflow = submit()
    outsider = as_user("outsider")

    assert post_submit(outsider, plans.version.pk).status_code == 404
    assert outsider.get(f"/api/workflows/{workflow.pk}/").status_code == 404
    assert (
        outsider.post(
            f"/api/tasks/{plans.task('fire').pk}/decision/", {"decision": "approved"}, format="json"
        ).status_code
        == 404
    )
    assert outsider.get(f"/api/versions/{plans.version.pk}/corrections-letter.pdf").status_code == 404
    assert outsider.get(f"/api/cases/{plans.case.pk}/audit/").status_code == 404
    assert outsider.get("/api/tasks/").json() == []
    assert api.get("/api/tasks/").status_code == 401


def test_submitting_and_deciding_are_in_the_case_audit(as_user, plans, submit, decide):
    submit()
    decide("fire", "review", "approved", comment="Fine")

    entries = as_user("planner").get(f"/api/cases/{plans.case.pk}/audit/").json()

    assert [e["action"] for e in entries][-2:] == ["workflow.submitted", "task.decided"]
    decided = entries[-1]
    assert (decided["actor"], decided["object"], decided["before"]["status"], decided["after"]["comment"]) == (
        "fire",
        f"task:{plans.task('fire').pk}",
        "pending",
        "Fine",
    )
    assert decided["prev_hash"] == entries[-2]["hash"]
