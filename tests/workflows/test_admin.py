"""Admins edit workflow templates and holidays in the Django admin; workflows themselves change
only through the engine."""

import pytest

from workflows.models import Holiday, WorkflowStep


@pytest.fixture
def admin_client_(client, demo):
    client.force_login(demo.admin)
    return client


def test_admins_add_a_stage_with_a_step_to_a_template(plans, admin_client_):
    response = admin_client_.post(
        "/admin/workflows/workflowstage/add/",
        {
            "template": plans.template.pk, "order": 3, "name": "Fire marshal sign-off",
            "steps-TOTAL_FORMS": 1, "steps-INITIAL_FORMS": 0,
            "steps-0-kind": "approval", "steps-0-assignee": "department",
            "steps-0-department": plans.demo.departments["fire"].pk, "steps-0-due_business_days": 3,
        },
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    step = WorkflowStep.objects.get(stage__order=3)
    assert (step.kind, step.department.slug, step.due_business_days) == ("approval", "fire", 3)


def test_a_step_for_a_named_department_must_name_it(plans, admin_client_):
    response = admin_client_.post(
        "/admin/workflows/workflowstage/add/",
        {
            "template": plans.template.pk, "order": 3, "name": "Sign-off",
            "steps-TOTAL_FORMS": 1, "steps-INITIAL_FORMS": 0,
            "steps-0-kind": "approval", "steps-0-assignee": "department", "steps-0-due_business_days": 3,
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert "Name the department, or choose another assignee." in response.content.decode()


def test_admins_keep_the_holiday_list(admin_client_):
    response = admin_client_.post("/admin/workflows/holiday/add/", {"date": "2030-07-04", "name": "Independence Day"})

    assert response.status_code == 302
    assert Holiday.objects.get().name == "Independence Day"


def test_workflows_and_tasks_are_read_only_in_the_admin(plans, submit, admin_client_):
    workflow = submit()

    assert admin_client_.get(f"/admin/workflows/workflow/{workflow.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/workflows/task/").status_code == 200
    assert admin_client_.post(f"/admin/workflows/workflow/{workflow.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client_.get("/admin/workflows/workflow/add/").status_code == 403
