"""Workflows and tasks as the API shows them (CONTRACT.md, extended)."""

from django.urls import reverse
from django.utils import timezone

from workflows.selectors import stage_status


def _iso(moment):
    return moment.isoformat() if moment else None


def _username(user):
    return user.get_username() if user else None


def task_json(task, *, now=None):
    now = now or timezone.now()
    return {
        "id": task.pk,
        "workflow": task.workflow_id,
        "stage": task.stage.number,
        "department": task.department.slug,
        "kind": task.kind,
        "status": task.status,
        "assignee": _username(task.assignee),
        "due_at": _iso(task.due_at),
        "overdue": task.status == "pending" and task.due_at <= now,
        "decision": task.decision or None,
        "comment": task.comment,
        "decided_by": _username(task.decided_by),
        "decided_at": _iso(task.decided_at),
    }


def task_listing_json(task, *, now=None):
    """A task with what a list of tasks needs to say which plans it is about."""
    workflow = task.workflow
    version = workflow.version
    return {
        **task_json(task, now=now),
        "version": version.pk,
        "case": {"id": workflow.case_id, "number": workflow.case.number, "title": workflow.case.title},
        "document": version.document.title,
        "version_number": version.number,
        "viewer_url": reverse("documents:viewer", args=[version.pk]),
    }


def workflow_json(workflow, *, now=None):
    now = now or timezone.now()
    tasks = sorted(workflow.tasks.all(), key=lambda t: (t.stage.number, t.kind, t.department.name, t.pk))
    return {
        "id": workflow.pk,
        "version": workflow.version_id,
        "case": workflow.case_id,
        "template": workflow.template.slug,
        "status": workflow.status,
        "stage": workflow.stage,
        "stages": [
            {
                "number": planned["number"],
                "name": planned["name"],
                "status": _stage_status(workflow, planned["number"]),
                "opened_at": _iso(getattr(_run(workflow, planned["number"]), "opened_at", None)),
                "closed_at": _iso(getattr(_run(workflow, planned["number"]), "closed_at", None)),
            }
            for planned in workflow.plan
        ],
        "conditions": workflow.conditions,
        "submitted_by": _username(workflow.submitted_by),
        "submitted_at": _iso(workflow.submitted_at),
        "finished_at": _iso(workflow.finished_at),
        "corrections_letter_url": reverse("api:corrections-letter", args=[workflow.version_id]),
        "approved_set_url": reverse("api:approved-set", args=[workflow.version_id]) if workflow.approved_set else None,
        "tasks": [task_json(task, now=now) for task in tasks],
    }


def _run(workflow, number):
    return next((run for run in workflow.stages.all() if run.number == number), None)


def _stage_status(workflow, number):
    return stage_status(workflow, _run(workflow, number))
