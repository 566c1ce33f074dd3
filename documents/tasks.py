from celery import shared_task
from django.db import InterfaceError, OperationalError

from documents.services import intake


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def process_version(version_id):
    """Render thumbnails and read the text and sheet labels of an uploaded version."""
    return intake.process_version(version_id)


@shared_task
def restart_stalled_processing():
    """On beat: versions whose processing stalled are started again, or failed with the reason."""
    return intake.restart_stalled()
