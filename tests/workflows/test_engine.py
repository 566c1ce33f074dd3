"""The engine as a story: a submitted version travels through the reviews and the head's
approval by itself, and every outcome ends where the rules say."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import verify
from documents.models import Case
from notifications.models import Notification
from workflows.models import Holiday, StageRun, Task, Workflow, WorkflowStage, WorkflowStep
from workflows.services import engine
from workflows.services.business_days import add_business_days, end_of, start_of
from workflows.services.machine import IllegalMove


def statuses(workflow):
    return sorted((t.stage.number, t.department.slug, t.kind, t.status, t.decision) for t in workflow.tasks.all())


def test_submitting_opens_a_review_for_each_chosen_department(plans, submit):
    workflow = submit(departments=["fire", "building"])

    assert (workflow.status, workflow.stage) == ("in_progress", 1)
    assert statuses(workflow) == [(1, "building", "review", "pending", ""), (1, "fire", "review", "pending", "")]
    assert [p["name"] for p in workflow.plan] == ["Department reviews", "Approval"]
    assert Case.objects.get(pk=plans.case.pk).status == "in_review"


def test_submitting_lets_the_chosen_departments_see_the_case(plans, submit):
    engineer = plans.demo.engineering
    assert not Case.objects.visible_to(engineer).exists()

    submit(departments=["engineering"])

    assert list(Case.objects.visible_to(engineer)) == [plans.case]
    assert plans.case.departments.filter(slug="engineering").exists()


def test_the_reviewers_are_told_and_the_task_is_due_in_business_days(plans, submit):
    today = timezone.localdate()
    holiday = add_business_days(today, 2)
    Holiday.objects.create(date=holiday, name="A holiday")

    workflow = submit(departments=["fire"])

    task = workflow.tasks.get()
    told = Notification.objects.get(recipient=plans.demo.fire, kind="task.assigned")
    assert "review for Fire, due" in told.text and told.url == f"/versions/{plans.version.pk}/"
    assert not Notification.objects.filter(recipient=plans.demo.building).exists()
    last_day = add_business_days(today, 10, {holiday})
    assert last_day == add_business_days(today, 11)  # the holiday costs a day
    assert task.due_at == end_of(last_day, timezone.get_current_timezone())
    assert task.remind_at == start_of(add_business_days(today, 9, {holiday}), timezone.get_current_timezone())


def test_the_stage_waits_for_its_last_review_then_the_lead_head_is_asked_to_approve(plans, submit, decide):
    workflow = submit()

    decide("fire", "review", "approved")
    workflow.refresh_from_db()
    assert workflow.stage == 1 and not StageRun.objects.filter(workflow=workflow, number=2).exists()

    decide("building", "review", "approved")
    workflow.refresh_from_db()
    assert workflow.stage == 2
    assert StageRun.objects.get(workflow=workflow, number=1).status == "closed"
    approval = plans.task("planning", "approval")
    assert approval.status == "pending"
    assert Notification.objects.filter(recipient=plans.demo.planning_head, kind="task.assigned").exists()
    assert not Notification.objects.filter(recipient=plans.demo.planner, kind="task.assigned").exists()


def test_the_heads_approval_ends_it_approved(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")

    decide("planning", "approval", "approved", comment="Meets the code.")

    workflow.refresh_from_db()
    assert (workflow.status, workflow.stage, workflow.conditions) == ("approved", 2, [])
    assert workflow.finished_at is not None
    assert Case.objects.get(pk=plans.case.pk).status == "approved"
    assert Notification.objects.filter(
        recipient=plans.demo.planner, kind="workflow.finished", text__contains="approved"
    ).exists()


def test_conditions_set_in_a_review_carry_to_the_approval(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "approved_with_conditions", comment="Sprinkler shop drawings before framing.")
    decide("building", "review", "approved")

    decide("planning", "approval", "approved")

    workflow.refresh_from_db()
    assert workflow.status == "approved_with_conditions"
    assert workflow.conditions == [
        {"department": "fire", "task": plans.task("fire").pk, "text": "Sprinkler shop drawings before framing."}
    ]
    assert Case.objects.get(pk=plans.case.pk).status == "approved"


def test_a_rejection_ends_it_at_once_and_closes_the_other_reviews(plans, submit, decide):
    workflow = submit()

    decide("fire", "review", "rejected", comment="The building has no second exit.")

    workflow.refresh_from_db()
    assert workflow.status == "rejected"
    assert statuses(workflow) == [(1, "building", "review", "skipped", ""), (1, "fire", "review", "done", "rejected")]
    assert Case.objects.get(pk=plans.case.pk).status == "rejected"


def test_corrections_wait_for_the_whole_stage_then_end_the_cycle_with_a_letter(plans, submit, decide):
    workflow = submit()

    decide("fire", "review", "corrections_required")
    workflow.refresh_from_db()
    assert workflow.status == "in_progress"  # building has not decided yet

    decide("building", "review", "approved")

    workflow.refresh_from_db()
    assert (workflow.status, workflow.stage) == ("corrections_required", 1)
    assert workflow.corrections_letter.name.endswith(".pdf")
    assert workflow.corrections_letter.read().startswith(b"%PDF")
    assert Case.objects.get(pk=plans.case.pk).status == "corrections_required"
    routed = AuditEntry.objects.get(action="workflow.routed")
    assert routed.after_data["corrections_letter"]["sha256"]


def test_the_head_returning_the_plans_ends_the_cycle_with_corrections(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")

    decide("planning", "approval", "corrections_required", comment="Show the loading zone.")

    workflow.refresh_from_db()
    assert workflow.status == "corrections_required"


def test_a_resubmittal_starts_a_new_workflow_once_the_last_one_ended(plans, submit, decide):
    from tests.factories import VersionFactory

    submit()
    decide("fire", "review", "corrections_required")
    decide("building", "review", "approved")
    second = VersionFactory(document=plans.document)

    workflow = submit(version=second)

    assert workflow.version == second and Workflow.objects.filter(case=plans.case).count() == 2


def test_routing_a_second_time_changes_nothing(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")
    entries, tasks = AuditEntry.objects.count(), Task.objects.count()

    assert engine.route(workflow.pk) == "waiting"

    assert (AuditEntry.objects.count(), Task.objects.count()) == (entries, tasks)
    assert StageRun.objects.filter(workflow=workflow, number=2).count() == 1


def test_a_finished_workflow_is_not_routed_again(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "rejected", comment="No.")

    assert engine.route(workflow.pk) == "finished"
    assert Workflow.objects.get(pk=workflow.pk).status == "rejected"


def test_the_state_machine_refuses_to_finish_a_finished_workflow(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "rejected", comment="No.")
    workflow.refresh_from_db()

    with pytest.raises(IllegalMove):
        engine._finish(workflow, "approved", timezone.now())


def test_a_lost_routing_message_is_routed_by_the_reconciler(plans, submit, monkeypatch, after_commit):
    workflow = submit()
    monkeypatch.setattr(engine, "_route_after_commit", lambda workflow_id: None)  # the message is lost
    for department in ("fire", "building"):
        engine.decide(getattr(plans.demo, department), plans.task(department).pk, "approved")
    assert engine.stuck_workflows() == []  # not yet: the message may still be on its way

    later = timezone.now() + datetime.timedelta(minutes=1)
    assert engine.stuck_workflows(now=later) == [workflow.pk]
    assert engine.reconcile(now=later) == {workflow.pk: "advanced"}

    workflow.refresh_from_db()
    assert workflow.stage == 2
    assert engine.stuck_workflows(now=later) == []


def test_the_reconciler_leaves_workflows_that_wait_for_decisions_alone(plans, submit, decide):
    submit()
    decide("fire", "review", "approved")

    assert engine.reconcile(now=timezone.now() + datetime.timedelta(days=1)) == {}


def test_a_template_stage_for_a_named_department_gives_it_access_when_the_stage_opens(plans, submit, decide):
    stage = WorkflowStage.objects.create(template=plans.template, order=3, name="Engineering sign-off")
    WorkflowStep.objects.create(
        stage=stage,
        kind="approval",
        assignee="department",
        department=plans.demo.departments["engineering"],
        due_business_days=3,
    )
    workflow = submit(departments=["fire"])
    assert not Case.objects.visible_to(plans.demo.engineering_head).exists()
    decide("fire", "review", "approved")
    decide("planning", "approval", "approved")

    workflow.refresh_from_db()
    assert workflow.stage == 3 and workflow.status == "in_progress"
    assert Case.objects.visible_to(plans.demo.engineering_head).exists()
    decide("engineering", "approval", "approved")
    workflow.refresh_from_db()
    assert workflow.status == "approved"


def test_a_department_chosen_and_also_named_by_a_step_gets_one_task(plans, submit):
    stage = plans.template.stages.get(order=1)
    WorkflowStep.objects.create(
        stage=stage, kind="review", assignee="department", department=plans.demo.departments["fire"]
    )

    workflow = submit(departments=["fire", "building"])

    assert workflow.tasks.filter(department__slug="fire").count() == 1


def test_a_template_without_steps_cannot_be_submitted_to(plans, submit):
    from workflows.models import WorkflowTemplate

    WorkflowTemplate.objects.create(slug="empty", name="Empty")

    with pytest.raises(ValidationError, match="no steps"):
        submit(template="empty")


def test_every_step_is_recorded_and_the_chain_holds(plans, submit, decide):
    submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")
    decide("planning", "approval", "approved")

    actions = list(AuditEntry.objects.filter(case=plans.case).values_list("action", "actor_name"))
    assert actions == [
        ("case.opened", "planner"),
        ("case.permissions", "system"),  # its departments given access (outside a request: no user to name)
        ("case.permissions", "planner"),  # fire and building may now see it
        ("workflow.submitted", "planner"),
        ("task.decided", "fire"),
        ("task.decided", "building"),
        ("workflow.routed", "system"),
        ("task.decided", "planning_head"),
        ("annotations.released", "system"),  # the cycle's corrections and notes go out as it ends
        ("workflow.routed", "system"),
        ("workflow.approved_set_written", "system"),  # by a worker, after the approval committed
    ]
    decided = AuditEntry.objects.filter(action="task.decided").first()
    assert decided.before_data["status"] == "pending" and decided.after_data["decision"] == "approved"
    assert verify().intact


def test_the_submitter_hears_of_each_decision_but_not_of_their_own(plans, submit, decide):
    submit(departments=["planning", "fire"])

    decide("fire", "review", "corrections_required", comment="Hydrant spacing.")
    decide("planning", "review", "approved")

    told = list(
        Notification.objects.filter(recipient=plans.demo.planner, kind="task.decided").values_list("text", flat=True)
    )
    assert told == [f"{plans.case.number} Architectural plan set v1: Fire corrections required — Hydrant spacing."]


def test_heads_hear_when_a_department_returns_the_set_for_corrections(plans, submit, decide):
    submit(departments=["planning", "fire"])

    decide("fire", "review", "corrections_required", comment="Hydrant spacing.")
    decide("planning", "review", "approved")

    def told(user):
        return list(Notification.objects.filter(recipient=user, kind="task.decided").values_list("text", flat=True))

    returned = f"{plans.case.number} Architectural plan set v1: Fire corrections required — Hydrant spacing."
    assert told(plans.demo.fire_head) == [returned]  # the department's head
    assert told(plans.demo.planning_head) == [returned]  # the lead department's head: not told of approvals
    assert told(plans.demo.building_head) == []
