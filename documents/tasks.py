from civicreview.celery import task
from documents.services import intake


@task
def process_version(version_id):
    """Render thumbnails and read the text and sheet labels of an uploaded version."""
    return intake.process_version(version_id)


@task
def restart_stalled_processing():
    """On beat: versions whose processing stalled are started again, or failed with the reason."""
    return intake.restart_stalled()
