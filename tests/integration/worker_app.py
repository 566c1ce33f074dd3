"""The Celery app as the integration tests' worker runs it: `celery -A tests.integration.worker_app worker`.

The project's own app (civicreview.celery:app, its tasks and settings), on the broker as the
tests use it (tests/integration/broker.py). Only the worker imports this module.
"""

import os

from civicreview.celery import app
from tests.integration.broker import transport_options

app.conf.broker_transport_options = transport_options(
    os.environ["CIVICREVIEW_TEST_BROKER_PREFIX"], int(os.environ["CELERY_VISIBILITY_TIMEOUT_S"])
)

__all__ = ["app"]
