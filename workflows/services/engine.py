"""The workflow engine: submitting a version, deciding a task, routing a stage, and the
reconciler that routes what a lost message left behind.

Each public function is one state change in one transaction: it checks,
writes, records the audit entry and leaves notifications and the routing
message for after the commit. Refusals are Django's ValidationError (400),
PermissionDenied (403), Http404 (404) and civicreview.errors.Conflict (409).

Concurrency: every change to a workflow first takes a row lock on it, so
decisions on the same workflow queue up and exactly one of them sees the
stage's last open task close; routing takes the same lock and re-reads, so
running it twice, or twice at once, routes once. The state machine
(workflows.services.machine) refuses any move a stale reader might attempt.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from audit import services as audit
from civicreview.celery import enqueue_on_commit
from civicreview.errors import Conflict
from documents.models import Case, Department, DocumentVersion
from documents.selectors import visible_version
from documents.services.cases import can_upload, set_departments
from holds import services as holds
from insight import live as insight_live
from notifications.services import notify
from webhooks import services as webhooks
from workflows import selectors
from workflows.models import Decision, StageRun, Task, Workflow, WorkflowStep, WorkflowTemplate
from workflows.services import business_days, live, machine, release

log = logging.getLogger(__name__)


def reconcile_grace():
    """How long a settled stage may wait for its routing message before the reconciler routes
    it: settings.WORKFLOW_RECONCILE_GRACE_S, 30 s by default; a message
    is normally handled well within that."""
    return datetime.timedelta(seconds=settings.WORKFLOW_RECONCILE_GRACE_S)


# --- submitting -------------------------------------------------------------------


def submit(user, version_id, *, template="standard", departments=()):
    """Start the version's review: its workflow, stage 1's tasks, and access for every
    department the plan names. Members of the case's lead department submit."""
    version = visible_version(user, version_id)
    now = timezone.now()
    with audit.acting_as(user), transaction.atomic():
        version = (
            DocumentVersion.objects.select_for_update(of=("self",))
            .select_related("document__case__lead_department")
            .get(pk=version.pk)
        )
        case = version.document.case
        if not can_upload(user, case):
            raise PermissionDenied(
                f"Only members of {case.lead_department.name}, which leads this case, submit its plans for review."
            )
        refusal = selectors.submit_refusal(version)
        if refusal is not None:
            raise refusal
        template = _template(template)
        plan = resolve_plan(template, case, _departments(departments))
        try:
            with transaction.atomic():
                workflow = Workflow.objects.create(
                    version=version, case=case, template=template, plan=plan, submitted_by=user, submitted_at=now
                )
        except IntegrityError:  # another version of the case submitted at the same moment
            raise Conflict(selectors.in_review_refusal(case)) from None
        store_case_status(case, now)
        tasks = _open_stage(workflow, 1, now)
        workflow.save(update_fields=["stage", "changed_at"])
        live.tasks_changed(workflow.pk)
        audit.record(
            "workflow.submitted",
            actor=user,
            case=case,
            obj=("workflow", workflow.pk),
            summary=f"{user.get_username()} submitted {version.document.title} v{version.number} for {template.name}; "
            + _stage_summary(workflow, tasks),
            after={
                **_state(workflow),
                "template": template.slug,
                "plan": plan,
                "tasks": [_task_state(t) for t in tasks],
            },
        )
        webhooks.emit(
            "case.submitted",
            {"workflow": workflow.pk, "version": version.pk, "number": version.number,
             "departments": [step["department_slug"] for stage in plan for step in stage["steps"]]},
            case=case,
        )  # fmt: skip
    return workflow


def _template(slug):
    if not isinstance(slug, str) or not slug:
        raise ValidationError({"template": ["Name the workflow template, such as standard."]})
    found = WorkflowTemplate.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({"template": [f"There is no workflow template named {slug}."]})
    return found


def _departments(slugs):
    if slugs is None:
        slugs = []
    if not isinstance(slugs, (list, tuple)) or not all(isinstance(s, str) for s in slugs):
        raise ValidationError(
            {"departments": ['List the reviewing departments by name, such as ["fire", "building"].']}
        )
    found = {d.slug: d for d in Department.objects.filter(slug__in=slugs).select_related("group")}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError({"departments": [f"There is no department named {', '.join(unknown)}."]})
    return [found[s] for s in dict.fromkeys(slugs)]


def resolve_plan(template, case, chosen):
    """The template's stages with their steps' departments named: each chosen department,
    the case's lead, or the step's own. Stages left with no step are dropped."""
    stages = list(template.stages.prefetch_related("steps__department").order_by("order"))
    if (
        any(step.assignee == WorkflowStep.Assignee.CHOSEN_DEPARTMENTS for stage in stages for step in stage.steps.all())
        and not chosen
    ):
        raise ValidationError({"departments": ["Choose at least one department to review the plans."]})
    plan = []
    for stage in stages:
        steps, seen = [], set()
        for step in stage.steps.all():
            if step.assignee == WorkflowStep.Assignee.CHOSEN_DEPARTMENTS:
                departments = chosen
            elif step.assignee == WorkflowStep.Assignee.LEAD_DEPARTMENT:
                departments = [case.lead_department]
            else:
                departments = [step.department]
            for department in departments:
                if (department.pk, step.kind) in seen:
                    continue
                seen.add((department.pk, step.kind))
                steps.append({"kind": step.kind, "department": department.pk, "department_slug": department.slug,
                              "due_business_days": step.due_business_days})  # fmt: skip
        if steps:
            plan.append({"number": len(plan) + 1, "name": stage.name, "steps": steps})
    if not plan:
        raise ValidationError({"template": [f"The template {template.name} has no steps to run."]})
    return plan


def _plan_departments(plan, number=None):
    stages = plan if number is None else [plan[number - 1]]
    return {step["department"] for stage in stages for step in stage["steps"]}


def _grant_access(case, department_ids):
    """Make sure every department with a task takes part in the case (and so may see it)."""
    have = set(case.departments.values_list("pk", flat=True))
    if set(department_ids) - have:
        set_departments(case, Department.objects.filter(pk__in=have | set(department_ids)))


# --- deciding ---------------------------------------------------------------------


def decide(user, task_id, decision, comment=""):
    """Close the task with the user's decision; the stage's last decision (or any rejection)
    sends the workflow to be routed once this commits."""
    task = selectors.visible_task(user, task_id)
    if not selectors.may_decide(user, task):
        raise PermissionDenied(_not_yours(task))
    decision, comment = machine.check_decision(decision, comment)
    now = timezone.now()
    with audit.acting_as(user), transaction.atomic():
        workflow = Workflow.objects.select_for_update().get(pk=task.workflow_id)
        task = Task.objects.select_for_update(of=("self",)).select_related(*selectors.LISTING_RELATED).get(pk=task.pk)
        if task.status != Task.Status.PENDING:
            raise Conflict(_already_closed(task))
        machine.check_task_move(task.status, Task.Status.DONE)
        if _would_approve(workflow, task, decision):
            holds.check_approvable(task.workflow.case)
        before = _task_state(task)
        task.status, task.decision, task.comment = Task.Status.DONE, decision, comment
        task.decided_by, task.decided_at = user, now
        task.save()
        if decision == Task.Decision.APPROVED_WITH_CONDITIONS:
            workflow.conditions = [
                *workflow.conditions,
                {"department": task.department.slug, "task": task.pk, "text": comment},
            ]
        workflow.save(update_fields=["conditions", "changed_at"])
        live.tasks_changed(workflow.pk)
        stage_done = not Task.objects.filter(stage_id=task.stage_id, status=Task.Status.PENDING).exists()
        if stage_done or decision == Task.Decision.REJECTED:
            _route_after_commit(workflow.pk)
        _notify_decided(task, workflow, user)
        insight_live.decided(task)
        audit.record(
            "task.decided",
            actor=user,
            case=task.workflow.case,
            obj=("task", task.pk),
            summary=f"{user.get_username()} decided {_task_name(task)}: {task.get_decision_display().lower()}"
            + (f" — {comment[:200]}" if comment else ""),
            before=before,
            after=_task_state(task),
        )
        webhooks.emit(
            "task.decided",
            {"workflow": workflow.pk, "task": task.pk, "stage": task.stage.number, "department": task.department.slug,
             "kind": task.kind, "decision": decision},
            case=workflow.case_id,
        )  # fmt: skip
    return task


def _would_approve(workflow, task, decision):
    """Whether deciding `task` so would end the workflow approved (a hold on the parcel refuses that)."""
    if decision not in (Task.Decision.APPROVED, Task.Decision.APPROVED_WITH_CONDITIONS):
        return False
    decisions = [
        decision if pk == task.pk else decided
        for pk, decided, status in Task.objects.filter(stage_id=task.stage_id).values_list("pk", "decision", "status")
        if status != Task.Status.SKIPPED
    ]
    step = machine.route(
        decisions, last_stage=workflow.stage >= len(workflow.plan), with_conditions=bool(workflow.conditions)
    )
    return step.status in Workflow.APPROVED


def _not_yours(task):
    if task.kind == Task.Kind.APPROVAL:
        return f"This approval is for the head of {task.department.name}."
    return f"This review is {task.department.name}'s; only its members decide it."


def _already_closed(task):
    if task.status == Task.Status.DONE:
        when = timezone.localtime(task.decided_at).strftime("%b %-d, %Y %H:%M")
        return f"{task.decided_by.get_username()} already decided this task ({task.get_decision_display().lower()}) on {when}."
    return "This task was closed without a decision: the workflow ended before it."


def _route_after_commit(workflow_id):
    """Ask a worker to route the workflow once this transaction commits. With the broker
    unreachable the decision still stands: the reconciler routes it when it is back."""
    from workflows.tasks import route_workflow

    _send_after_commit(route_workflow, workflow_id, "will be routed by the reconciler")


def _send_after_commit(task, workflow_id, meanwhile):
    """Send `task` for the workflow once this transaction commits; a broker that cannot be
    reached is logged (`meanwhile`: what takes the work up instead), never raised."""

    def send():
        try:
            enqueue_on_commit(task, workflow_id)
        except BrokerUnavailable:
            log.warning("the broker is unreachable; workflow %s %s", workflow_id, meanwhile)

    transaction.on_commit(send)


# --- routing ----------------------------------------------------------------------


def route(workflow_id, *, now=None):
    """Move the workflow on if its current stage is settled: "waiting" (tasks still open),
    "advanced" (the next stage opened), its final status, or "finished" if it already was."""
    now = now or timezone.now()
    with audit.acting_as(None), transaction.atomic():
        workflow = (
            Workflow.objects.select_for_update(of=("self",))
            .select_related("case__lead_department", "version__document", "submitted_by")
            .filter(pk=workflow_id)
            .first()
        )
        if workflow is None or workflow.finished:
            return "finished"
        stage = workflow.stages.get(number=workflow.stage)
        decisions = [
            decision
            for decision, status in stage.tasks.values_list("decision", "status")
            if status != Task.Status.SKIPPED
        ]
        step = machine.route(
            decisions, last_stage=workflow.stage >= len(workflow.plan), with_conditions=bool(workflow.conditions)
        )
        if step is machine.WAIT:
            return "waiting"
        before = _state(workflow)
        closed = f"Stage {stage.number} ({stage.name}) closed"
        if step is machine.ADVANCE:
            _close_stage(stage, f"stage {stage.number + 1}", now)
            tasks = _open_stage(workflow, stage.number + 1, now)
            summary, extra = f"{closed}; {_stage_summary(workflow, tasks)}", {"tasks": [_task_state(t) for t in tasks]}
            outcome = "advanced"
        else:
            _close_stage(stage, step.status, now)
            extra = _finish(workflow, step.status, now)
            summary, outcome = f"{closed}; the review ended: {workflow.get_status_display().lower()}", step.status
        workflow.save(
            update_fields=["status", "stage", "finished_at", "corrections_letter", "approval_letter", "changed_at"]
        )
        live.tasks_changed(workflow.pk)
        audit.record(
            "workflow.routed", actor=None, case=workflow.case, obj=("workflow", workflow.pk), summary=summary,
            before=before, after={**_state(workflow), **extra},
        )  # fmt: skip
    return outcome


def _close_stage(stage, outcome, now):
    machine.check_stage_move(stage.status, StageRun.Status.CLOSED)
    stage.status, stage.outcome, stage.closed_at = StageRun.Status.CLOSED, outcome, now
    stage.save(update_fields=["status", "outcome", "closed_at"])


def _open_stage(workflow, number, now):
    """Open stage `number` of the plan: its run, a task per step with its due dates, and
    notifications to whoever must act."""
    planned = workflow.plan[number - 1]
    _grant_access(workflow.case, _plan_departments(workflow.plan, number))
    departments = Department.objects.in_bulk(_plan_departments(workflow.plan, number))
    run = StageRun.objects.create(workflow=workflow, number=number, name=planned["name"], opened_at=now)
    holidays = business_days.holidays_from(business_days.local_today(now))
    tasks = []
    for step in planned["steps"]:
        due_at, remind_at = business_days.due_dates(now, step["due_business_days"], holidays)
        tasks.append(
            Task(workflow=workflow, stage=run, department=departments[step["department"]], kind=step["kind"],
                 created_at=now, due_at=due_at, remind_at=remind_at)
        )  # fmt: skip
    Task.objects.bulk_create(tasks)
    workflow.stage = number
    for task in tasks:
        task.workflow = workflow
        _notify_assigned(task)
    return tasks


def _finish(workflow, status, now):
    """End the workflow with `status`: close what is still open, set the case's status, issue
    the letter (corrections, or approval) and, once approved, have a worker write the stamped
    approved set; tell the submitter and the lead."""
    from workflows.services import letters

    machine.check_workflow_move(workflow.status, status)
    workflow.status, workflow.finished_at = status, now
    workflow.save(update_fields=["status", "finished_at", "changed_at"])
    Task.objects.filter(workflow=workflow, status=Task.Status.PENDING).update(
        status=Task.Status.SKIPPED, changed_at=now
    )
    store_case_status(workflow.case, now)
    extra = {"released": release.release_cycle(workflow, now)}  # before the letter: it prints what was released
    if status == Workflow.Status.CORRECTIONS_REQUIRED:
        extra["corrections_letter"] = letters.issue(workflow, now)
    elif status in Workflow.APPROVED:
        extra["approval_letter"] = letters.issue(workflow, now)
        _write_approved_set_after_commit(workflow.pk)
    _notify_finished(workflow)
    insight_live.finished(workflow)
    outcome = {"workflow": workflow.pk, "version": workflow.version_id, "outcome": status}
    webhooks.emit("case.decided", outcome, case=workflow.case_id)
    if status in Workflow.APPROVED:
        webhooks.emit("case.approved", outcome, case=workflow.case_id)
    return extra


def store_case_status(case, now):
    """The case's stored status (lists, open data), from all its documents under review."""
    Case.objects.filter(pk=case.pk).update(status=selectors.case_status(case).status, updated_at=now)


def _write_approved_set_after_commit(workflow_id):
    """Once this commits, a worker stamps the approved set; with the broker unreachable the
    reconciler's sweep asks again (approved_set.missing)."""
    from workflows.tasks import write_approved_set

    _send_after_commit(write_approved_set, workflow_id, "waits for the sweep to write its approved set")


# --- the reconciler ---------------------------------------------------------------


def stuck_workflows(*, now=None, grace=None):
    """Workflows in review whose current stage is settled (no task open, or one rejected) since
    longer than `grace`: their routing message was lost."""
    now = now or timezone.now()
    grace = reconcile_grace() if grace is None else grace
    stage_tasks = Task.objects.filter(stage=OuterRef("pk"))
    last_decision = stage_tasks.filter(decided_at__isnull=False).order_by("-decided_at").values("decided_at")[:1]
    settled = (
        StageRun.objects.filter(status=StageRun.Status.OPEN, workflow__status=Workflow.Status.IN_PROGRESS)
        .filter(
            ~Exists(stage_tasks.filter(status=Task.Status.PENDING))
            | Exists(stage_tasks.filter(decision=Task.Decision.REJECTED))
        )
        .annotate(last_decision=Subquery(last_decision))
        .filter(Q(last_decision__lt=now - grace) | Q(last_decision__isnull=True, opened_at__lt=now - grace))
    )
    return list(settled.order_by("workflow_id").values_list("workflow_id", flat=True))


def reconcile(*, now=None, grace=None):
    """Route every stuck workflow; returns {workflow id: outcome}. One failing does not stop the rest."""
    outcomes = {}
    for workflow_id in stuck_workflows(now=now, grace=grace):
        try:
            outcomes[workflow_id] = route(workflow_id)
        except Exception:
            log.exception("reconciling workflow %s failed; the next sweep tries again", workflow_id)
    if outcomes:
        shown = ", ".join(f"{workflow_id}: {outcome}" for workflow_id, outcome in list(outcomes.items())[:10])
        log.warning(
            "the reconciler routed %d stuck workflow(s) (%s%s)",
            len(outcomes),
            shown,
            ", …" if len(outcomes) > 10 else "",
        )
    return outcomes


# --- notifications ----------------------------------------------------------------


def describe(workflow):
    """ "BP-2026-00001 Plan set v2": which plans, as notifications name them."""
    version = workflow.version
    return f"{workflow.case.number} {version.document.title} v{version.number}"


def _notify_assigned(task):
    workflow = task.workflow
    notify(
        selectors.deciders(task),
        kind="task.assigned",
        text=f"{describe(workflow)}: {task.get_kind_display().lower()} for {task.department.name}, due {business_days.last_day_text(task.due_at)}.",
        url=reverse("documents:viewer", args=[workflow.version_id]),
        subject=f"{workflow.case.number}: a {task.get_kind_display().lower()} for {task.department.name}",
    )


def _notify_decided(task, workflow, decider):
    """Tell whoever submitted the plans, and when a department returns the set for corrections
    its heads and the lead department's heads too (but not whoever decided it)."""
    told = [workflow.submitted_by]
    if task.decision == Decision.CORRECTIONS_REQUIRED:
        told += [*task.department.heads.all(), *workflow.case.lead_department.heads.all()]
    notify(
        [user for user in told if user.pk != decider.pk],
        kind="task.decided",
        text=f"{describe(task.workflow)}: {task.department.name} {task.get_decision_display().lower()}"
        + (f" — {task.comment[:200]}" if task.comment else ""),
        url=reverse("documents:case-detail", args=[workflow.case_id]),
        subject=f"{task.workflow.case.number}: {task.department.name} decided",
    )


def _notify_finished(workflow):
    lead = workflow.case.lead_department
    text = f"{describe(workflow)}: the review ended — {workflow.get_status_display().lower()}."
    if workflow.status == Workflow.Status.CORRECTIONS_REQUIRED:
        text += " The corrections letter is ready."
    notify(
        [workflow.submitted_by, *lead.members.filter(is_active=True)],
        kind="workflow.finished",
        text=text,
        url=reverse("documents:case-detail", args=[workflow.case_id]),
        subject=f"{workflow.case.number}: {workflow.get_status_display()}",
    )


# --- what the audit entries say -----------------------------------------------------


def _state(workflow):
    return {"status": workflow.status, "stage": workflow.stage}


def _task_state(task):
    return {
        "id": task.pk,
        "stage": task.stage.number,
        "department": task.department.slug,
        "kind": task.kind,
        "status": task.status,
        "decision": task.decision or None,
        "comment": task.comment,
        "due_at": task.due_at,
    }


def _task_name(task):
    return f"{task.department.name}'s {task.get_kind_display().lower()} (stage {task.stage.number})"


def _stage_summary(workflow, tasks):
    planned = workflow.plan[workflow.stage - 1]
    parts = ", ".join(
        f"{t.get_kind_display().lower()} by {t.department.name} due {business_days.last_day_text(t.due_at)}"
        for t in tasks
    )
    return f"stage {workflow.stage} ({planned['name']}) opened: {parts}"
