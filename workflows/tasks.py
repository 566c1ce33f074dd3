"""Celery tasks: thin wrappers over the engine and the due-date sweeps.

All are idempotent and acknowledged late: a worker lost mid-task leaves the
message to be delivered again, and running it again changes nothing twice.
Database hiccups (a deadlock victim, a dropped connection) are retried under
the project's one policy (civicreview.celery.task).
"""

import logging

from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from civicreview.celery import task
from workflows.services import approved_set, deadlines, engine

log = logging.getLogger(__name__)


@task
def route_workflow(workflow_id):
    return engine.route(workflow_id)


@task
def write_approved_set(workflow_id):
    return approved_set.write(workflow_id)


@task
def reconcile_workflows():
    """Route stuck workflows, and write the approved sets a lost message left unwritten."""
    try:
        for workflow_id in approved_set.missing(older_than=timezone.now() - engine.reconcile_grace()):
            write_approved_set.delay(workflow_id)
    except BrokerUnavailable:
        log.warning("the broker is unreachable; the approved sets wait for the next sweep")
    return {str(k): v for k, v in engine.reconcile().items()}


@task
def send_due_reminders():
    return {"reminded": deadlines.send_reminders(), "escalated": deadlines.escalate_overdue()}


@task
def send_daily_digests():
    return deadlines.send_digests()
