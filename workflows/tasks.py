"""Celery tasks: thin wrappers over the engine and the due-date sweeps.

All are idempotent and acknowledged late: a worker lost mid-task leaves the
message to be delivered again, and running it again changes nothing twice.
Database hiccups (a deadlock victim, a dropped connection) are retried.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from workflows.services import deadlines, engine

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(**RETRY)
def route_workflow(workflow_id):
    return engine.route(workflow_id)


@shared_task(**RETRY)
def reconcile_workflows():
    return {str(k): v for k, v in engine.reconcile().items()}


@shared_task(**RETRY)
def send_due_reminders():
    return {"reminded": deadlines.send_reminders(), "escalated": deadlines.escalate_overdue()}


@shared_task(**RETRY)
def send_daily_digests():
    return deadlines.send_digests()
