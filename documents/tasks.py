import logging

from celery.signals import worker_ready
from django.db import close_old_connections

from civicreview.celery import task
from documents.services import changes, intake

log = logging.getLogger(__name__)


@task
def process_version(version_id):
    """Render thumbnails and read the text and sheet labels of an uploaded version."""
    return intake.process_version(version_id)


@task
def detect_changes(version_id):
    """What changed in a resubmittal against the version it replaced, sheet by sheet."""
    changes.detect_changes(version_id)


@task
def restart_stalled_processing():
    """On beat: versions whose processing stalled are started again, or failed with the reason;
    comparisons of resubmittals left pending are sent again."""
    changes.restart_pending()
    return intake.restart_stalled()


@worker_ready.connect
def _take_up_runs_that_died_here(**kwargs):
    """A worker starting on a machine where a run died (killed with its worker) takes its version
    up at once, and removes its files."""
    try:
        intake.take_up_dead_runs()
    except Exception:
        log.exception("taking up the runs that died on this machine failed; the sweep on beat does it")
    finally:
        close_old_connections()
