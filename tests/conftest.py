"""What every backend test shares.

Every test runs with its own MEDIA_ROOT and with Celery tasks in-process and
synchronous. Tasks are sent after commit, and a `db` test never commits, so a
test that wants the pipeline to run wraps the request or service call in
`after_commit()`:

    with after_commit():
        response = api_as(demo.planner).post(url, {"file": factories.upload("plans.pdf")})
    assert response.json()["versions"][0]["status"] == "processing"  # the answer comes first
    assert DocumentVersion.objects.get().status == "ready"          # then the task ran

Tests that need real commits (other threads or processes reading the rows)
use `transactional_db`, where tasks run at once when the transaction commits.
"""

import functools
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from civicreview.celery import app as celery_app
from tests import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: a thread's connection (database_sync_to_async, a test's own
    threads) closes when its work is done, and the test database can be dropped at the end."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_triggers():
    """Between `transactional_db` tests Django empties every table with one TRUNCATE, which the audit
    trail's triggers refuse on PostgreSQL (audit migration 0005). The tests' database user is a
    superuser, so the flush runs with triggers off, as only a superuser can."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def flush_with_triggers_off(self, *args, **kwargs):
        statements = sql_flush(self, *args, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = flush_with_triggers_off
    yield
    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(scope="session", autouse=True)
def _lane_connections_closed(django_db_setup):
    """The websocket's lanes (reviews/realtime/lanes.py) keep connections of their own;
    closed before the test database is dropped (this fixture is set up after it, so torn
    down before), which they would otherwise prevent."""
    yield
    from reviews.realtime import lanes

    lanes.close_connections()


@pytest.fixture(autouse=True)
def _hermetic(settings, tmp_path, request):
    """Own media and processing folders, in-process synchronous tasks, fast passwords; whatever the shell exports.

    Integration tests keep REDIS_URL; those that want the real worker ask for `to_the_worker`.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROCESSING_WORK_DIR = tmp_path / "processing"
    settings.CELERY_EAGER_IN_BACKGROUND = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "integration" not in request.keywords:
        settings.REDIS_URL = None  # embedded: /healthz reports memory and eager
    always_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = always_eager


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """`with after_commit(): ...` runs the block, then what it left for after the commit (our Celery tasks)."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def demo(db):
    """seed_demo's departments and users, and an outsider: `demo.fire_head` (a user), `demo.departments["fire"]`."""
    return factories.Demo()


@pytest.fixture
def api():
    """An API client that is not logged in."""
    return APIClient()


@pytest.fixture
def api_as():
    """`api_as(user)`: an API client logged in as `user` (a session, as the browser has)."""

    def client_for(user):
        client = APIClient()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def make_pdf():
    """`make_pdf(pages=3, labels=[...], notes=[...], size=(w, h), encrypt="pw")`: the bytes of a plan set
    (tests.factories has the broken and hostile ones: garbage_pdf, slow_render_pdf, form_bomb_pdf, ...)."""
    return factories.sheet_pdf


@pytest.fixture
def media_files(settings):
    """`media_files()`: every file under MEDIA_ROOT, relative to it."""

    def files():
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())

    return files
