"""The Celery application, and the one way our services enqueue work."""

import os
from concurrent.futures import ThreadPoolExecutor

from celery import Celery
from django.conf import settings
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicreview.settings")

app = Celery("civicreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_in_process = ThreadPoolExecutor(max_workers=1, thread_name_prefix="celery-eager")


def enqueue_on_commit(task, *args):
    """Send `task(*args)` once the current transaction commits.

    Without a broker the task runs in this process: on a background thread
    (an upload answers at once, as it would with a worker) or, when
    CELERY_EAGER_IN_BACKGROUND is off, before this call returns.
    """
    transaction.on_commit(lambda: _send(task, args))


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
