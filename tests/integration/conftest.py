"""Integration tests: real PostgreSQL, real Redis, a real Celery worker process.

They need the session's DATABASE_URL to be PostgreSQL (the worker reads the rows the test
commits, from the same test database) and Redis at TEST_REDIS_URL (default
redis://127.0.0.1:6379/14). `.ci/run` sets both. In a session on SQLite they are deselected,
and the run's summary says so in a banner; run on SQLite on their own, they refuse to start.

The worker is started once for the session (`worker` fixture), from
tests/integration/worker_app.py, on the test database and a media folder of its own; the test
process sends its tasks to that worker's broker (`to_the_worker` fixture). Tests wait for the
rows to change, with a deadline, never for a fixed time.
"""

import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
import redis

from tests.integration.broker import VISIBILITY_TIMEOUT_S, transport_options

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"
WORKER_RENDER_TIMEOUT_S = 5  # a hostile page is given up soon; a good page here draws in a third of a second
NEEDS = (
    "integration tests need PostgreSQL and Redis: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
    f"TEST_REDIS_URL={TEST_REDIS_URL} (as .ci/run sets them)"
)


def on_postgresql():
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    integration = [item for item in items if item.get_closest_marker("integration")]
    if not integration or on_postgresql():
        return
    if len(integration) == len(items):
        raise pytest.UsageError(f"The database is not PostgreSQL; {NEEDS}.")
    items[:] = [item for item in items if not item.get_closest_marker("integration")]
    config.hook.pytest_deselected(items=integration)
    config.stash[DESELECTED] = len(integration)


DESELECTED = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    deselected = config.stash.get(DESELECTED, 0)
    if deselected:
        terminalreporter.write_sep(
            "!", f"{deselected} integration tests NOT RUN: the database is SQLite; {NEEDS}", yellow=True, bold=True
        )


def wait_for(condition, *, timeout, what, interval=0.05):
    """Poll `condition` until it returns something true; fail saying `what` we waited for."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(interval)


class Worker:
    """A `celery worker` subprocess (prefork, one child) in its own process group."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, log_path
        self.process = None

    def start(self, timeout=60):
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "tests.integration.worker_app",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    f"integration-{os.getpid()}@%h",
                ],  # fmt: skip
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def ready():
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            return " ready." in self.log(offset)

        wait_for(ready, timeout=timeout, what=f"the Celery worker to be ready; its log:\n{self.log_path}")
        return self

    def log(self, offset=0):
        with self.log_path.open("rb") as file:
            file.seek(offset)
            return file.read().decode(errors="replace")

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None

    def pool_processes(self):
        return psutil.Process(self.process.pid).children()

    def kill(self):
        """SIGKILL the whole worker at once, main process, pool child and sandbox alike: a lost machine."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if not self.alive:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # a warm shutdown
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture(scope="session")
def broker(django_db_setup):
    """The test session's own corner of the Redis at TEST_REDIS_URL: every key under a unique prefix."""
    if not on_postgresql():
        pytest.fail(f"The database is not PostgreSQL; {NEEDS}.")
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis at {TEST_REDIS_URL} is not reachable ({error}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no`"
        )
    prefix = f"civicreview-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture(scope="session")
def worker_media(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def worker_work_dir(tmp_path_factory):
    """The worker's PROCESSING_WORK_DIR: each run's folder."""
    return tmp_path_factory.mktemp("worker-runs")


@pytest.fixture(scope="session")
def worker_env(broker, worker_media, worker_work_dir):
    from django.db import connection

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    database_url = f"postgres://{quote(db['USER'] or '', safe='')}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="civicreview.settings",
        DATABASE_URL=database_url,
        REDIS_URL=TEST_REDIS_URL,
        MEDIA_ROOT=str(worker_media),
        PROCESSING_WORK_DIR=str(worker_work_dir),
        CIVICREVIEW_TEST_BROKER_PREFIX=broker,
        CELERY_VISIBILITY_TIMEOUT_S=str(VISIBILITY_TIMEOUT_S),
        PDF_RENDER_TIMEOUT_S=str(WORKER_RENDER_TIMEOUT_S),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def worker_log(tmp_path_factory):
    return tmp_path_factory.mktemp("worker") / "celery.log"


@pytest.fixture(scope="session")
def worker(worker_env, worker_log):
    """The session's Celery worker, started at first use; a test that kills it starts it again."""
    running = Worker(worker_env, worker_log).start()
    yield running
    running.stop()


@pytest.fixture
def start_worker(worker_env, worker_log):
    """`start_worker(**env)`: one more worker, with `env` added to its environment, stopped at the
    end of the test."""
    started = []

    def start(**env):
        started.append(Worker({**worker_env, **env}, worker_log).start())
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def to_the_worker(broker, worker_media, settings):
    """This process sends its tasks to the worker's broker (not in-process) and shares its media folder."""
    settings.MEDIA_ROOT = worker_media
    settings.REDIS_URL = TEST_REDIS_URL
    with sending_to(TEST_REDIS_URL, transport_options(broker)) as app:
        yield app


@contextmanager
def sending_to(broker_url, options):
    """This process's tasks go to `broker_url`, not in-process, until the block ends."""
    from civicreview.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_transport_options")}
    app.conf.update(task_always_eager=False, broker_url=broker_url, broker_transport_options=options)
    fresh_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        fresh_connections(app)


def fresh_connections(app):
    """Forget the producer's pools (as Celery does after a fork) so the next send picks the pool of
    the broker now configured; kombu keeps one per broker and options, so none is closed here."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def redis_url():
    """TEST_REDIS_URL, for tests that start servers of their own on it."""
    return TEST_REDIS_URL


# --- a Redis of the test's own, to stop and start again -----------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A Redis of the test's own (the shared one is not ours to stop), in memory only."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=20, what="redis-server to start")
        return self

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def own_worker_and_beat(own_redis, worker_env, tmp_path, broker):
    """A worker and a beat on the test's own Redis; beat sweeps for stuck workflows and stalled
    uploads every second, and an upload stalls after 2 s without a sign of life."""
    env = {**worker_env, "REDIS_URL": own_redis.url, "WORKFLOW_RECONCILE_EVERY_S": "1", "WORKFLOW_RECONCILE_GRACE_S": "1",
           "WORKFLOW_DUE_DATES_EVERY_S": "3600", "WORKFLOW_DIGEST_EVERY_S": "3600",
           "PROCESSING_SWEEP_EVERY_S": "1", "PROCESSING_STALLED_AFTER_S": "2"}  # fmt: skip
    log = tmp_path / "celery.log"
    running = Worker(env, log).start()
    with log.open("ab") as out:
        beat = subprocess.Popen(
            [str(CELERY), "-A", "tests.integration.worker_app", "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    yield running
    os.killpg(beat.pid, signal.SIGTERM)
    beat.wait(20)
    running.stop()


@pytest.fixture
def sending_to_own_redis(own_redis, broker, worker_media, settings):
    """This process sends its tasks to the test's own Redis, giving up soon while it is down."""
    settings.MEDIA_ROOT = worker_media
    with sending_to(own_redis.url, {**transport_options(broker), "max_retries": 1}) as app:
        yield app
