"""The Celery side: the tasks are thin, late-acknowledged and safe to run again; beat runs the
sweeps."""

import datetime

from django.db import InterfaceError, OperationalError
from django.utils import timezone

from civicreview.celery import app
from documents.tasks import restart_stalled_processing
from webhooks.tasks import send_due_webhooks
from workflows import tasks
from workflows.models import Workflow


def test_routing_tasks_are_acknowledged_late_and_survive_a_lost_worker():
    for task in (tasks.route_workflow, tasks.reconcile_workflows, tasks.send_due_reminders, tasks.send_daily_digests):
        assert task.acks_late and task.reject_on_worker_lost, task.name


def test_beat_runs_the_reconciler_the_due_date_sweep_the_digest_the_stalled_upload_and_the_webhook_sweeps():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    sweeps = (tasks.reconcile_workflows, tasks.send_due_reminders, tasks.send_daily_digests, restart_stalled_processing,
              send_due_webhooks)  # fmt: skip
    assert scheduled == {sweep.name for sweep in sweeps}
    assert all(name in app.tasks for name in scheduled)
    assert all(
        entry["schedule"] <= 900 for entry in app.conf.beat_schedule.values()
    )  # far below the visibility timeout


def test_the_route_message_delivered_twice_routes_once(plans, submit, decide):
    workflow = submit()
    decide("fire", "review", "approved")
    decide("building", "review", "approved")  # routed once here, after commit

    assert tasks.route_workflow.delay(workflow.pk).get() == "waiting"
    assert Workflow.objects.get(pk=workflow.pk).stage == 2


def test_the_reconcile_task_routes_what_was_left(plans, submit, monkeypatch, settings):
    from workflows.services import engine

    workflow = submit(departments=["fire"])
    monkeypatch.setattr(engine, "_route_after_commit", lambda workflow_id: None)
    engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")
    settings.WORKFLOW_RECONCILE_GRACE_S = 0.001

    assert tasks.reconcile_workflows.delay().get() == {str(workflow.pk): "advanced"}


def test_the_due_date_sweep_reminds_and_escalates(plans, submit):
    submit(departments=["fire"])
    task = plans.task("fire")
    task.remind_at = task.due_at = timezone.now() - datetime.timedelta(minutes=1)
    task.save()

    assert tasks.send_due_reminders.delay().get() == {"reminded": 1, "escalated": 1}
    assert tasks.send_due_reminders.delay().get() == {"reminded": 0, "escalated": 0}


def test_every_task_of_ours_retries_by_the_one_policy_in_settings(settings):
    ours = [task for name, task in app.tasks.items() if name.split(".")[0] in ("documents", "workflows", "webhooks")]

    assert len(ours) >= 8
    for task in ours:
        assert (task.max_retries, task.retry_backoff_max) == (
            settings.TASK_MAX_RETRIES, settings.TASK_RETRY_BACKOFF_MAX_S,
        ), task.name  # fmt: skip
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}, task.name
