"""The Celery application, and the one way our services enqueue work."""

import os
from concurrent.futures import ThreadPoolExecutor

from celery import Celery, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicreview.settings")

app = Celery("civicreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Due dates, the workflow reconciler and the stalled-processing sweep run on beat (exactly
# one beat process); each sweep is idempotent, so a tick run twice or late changes nothing
# twice. Intervals in seconds.
app.conf.beat_schedule = {
    "workflows-reconcile": {
        "task": "workflows.tasks.reconcile_workflows",
        "schedule": settings.WORKFLOW_RECONCILE_EVERY_S,
    },
    "workflows-due-dates": {
        "task": "workflows.tasks.send_due_reminders",
        "schedule": settings.WORKFLOW_DUE_DATES_EVERY_S,
    },
    "documents-restart-stalled": {
        "task": "documents.tasks.restart_stalled_processing",
        "schedule": settings.PROCESSING_SWEEP_EVERY_S,
    },
    "webhooks-send-due": {
        "task": "webhooks.tasks.send_due_webhooks",
        "schedule": settings.WEBHOOK_SWEEP_EVERY_S,
    },
    "workflows-daily-digest": {
        "task": "workflows.tasks.send_daily_digests",
        "schedule": settings.WORKFLOW_DIGEST_EVERY_S,
    },
}


def task(function):
    """A Celery task under the project's one retry policy (settings TASK_MAX_RETRIES,
    TASK_RETRY_BACKOFF_MAX_S). Every task is idempotent and acknowledged late (settings), so a
    retry or a redelivery after a lost worker changes nothing twice."""
    return shared_task(
        autoretry_for=(OperationalError, InterfaceError),
        retry_backoff=1,
        retry_backoff_max=settings.TASK_RETRY_BACKOFF_MAX_S,
        max_retries=settings.TASK_MAX_RETRIES,
    )(function)


_in_process = ThreadPoolExecutor(max_workers=1, thread_name_prefix="celery-eager")


def enqueue_on_commit(task, *args):
    """Send `task(*args)` once the current transaction commits.

    Without a broker the task runs in this process: on a background thread
    (an upload answers at once, as it would with a worker) or, when
    CELERY_EAGER_IN_BACKGROUND is off, before this call returns.
    """
    # robust: with the broker down the committed change still stands (the reconciler
    # and beat sweeps catch up); the request must not fail after its commit.
    transaction.on_commit(lambda: _send(task, args), robust=True)


def _send(task, args):
    if app.conf.task_always_eager and settings.CELERY_EAGER_IN_BACKGROUND:
        _in_process.submit(_run_in_background, task, args)
    else:
        task.delay(*args)


def _run_in_background(task, args):
    from django.db import close_old_connections

    try:
        task.apply(args)
    finally:
        close_old_connections()
