"""Uploads processed by a real Celery worker, on PostgreSQL and Redis, and what happens when it dies."""

import signal

import pytest
from django.conf import settings

from documents.models import DocumentVersion, Page
from tests import factories
from tests.factories import CaseFactory, sheet_pdf, upload
from tests.integration.conftest import TEST_REDIS_URL, WORKER_RENDER_TIMEOUT_S, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SLOW_PAGES = 12  # a third of a second each (two sandboxes at once): time enough to kill the worker halfway


@pytest.fixture(autouse=True)
def _a_live_worker_for_each_test(request):
    """A test that killed the session's worker leaves it started again for the next one."""
    yield
    if "worker" in request.fixturenames:
        running = request.getfixturevalue("worker")
        if not running.alive:
            running.start()


@pytest.fixture
def planner(demo, api_as):
    return api_as(demo.planner)


@pytest.fixture
def case(demo):
    return CaseFactory(lead_department=demo.departments["planning"])


def post(client, case, data, title="Plans"):
    response = client.post(
        f"/api/cases/{case.pk}/documents/", {"title": title, "file": upload(data=data)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return response.json()["versions"][0]["id"]


def status_of(version_id):
    return DocumentVersion.objects.values_list("status", "pages_done").get(pk=version_id)


def finished(version_id, timeout=60):
    """Wait until the worker has finished the version; return it."""
    wait_for(
        lambda: status_of(version_id)[0] != "processing", timeout=timeout, what=f"version {version_id} to be processed"
    )
    return DocumentVersion.objects.get(pk=version_id)


def assert_ready_exactly_once(version, pages):
    assert (version.status, version.error, version.page_count, version.pages_done) == ("ready", "", pages, pages)
    numbers = list(Page.objects.filter(version=version).values_list("number", flat=True))
    assert numbers == list(range(1, pages + 1)), "every page exactly once"
    assert all(page.thumbnail.storage.exists(page.thumbnail.name) for page in version.pages.all())


def test_the_worker_processes_an_upload(worker, to_the_worker, case, planner):
    version_id = post(planner, case, sheet_pdf(pages=3, labels=["A-101", "A-102", "S2.01"]))

    assert status_of(version_id)[0] == "processing"  # answered before the worker took it
    version = finished(version_id)

    assert_ready_exactly_once(version, 3)
    assert list(version.pages.values_list("label", flat=True)) == ["A-101", "A-102", "S2.01"]
    body = planner.get(f"/api/versions/{version_id}/").json()
    assert planner.get(body["pages"][0]["thumbnail_url"]).status_code == 200


def test_a_hostile_file_fails_alone_and_the_worker_carries_on(worker, to_the_worker, case, planner):
    """A 3 KB page that takes minutes to draw: its version fails with the reason, the sandbox is
    killed, the worker lives on and takes the next upload."""
    worker_pid = worker.process.pid
    hostile = post(planner, case, factories.slow_render_pdf(), title="Hostile")
    good = post(planner, case, sheet_pdf(pages=2), title="Good")

    failed = finished(hostile)
    assert (failed.status, failed.error) == (
        "failed",
        f"Rendering page 1 took longer than {WORKER_RENDER_TIMEOUT_S} s; gave up.",
    )
    assert not failed.pages.exists()

    assert_ready_exactly_once(finished(good), 2)
    assert worker.alive and worker.process.pid == worker_pid
    assert not [
        p
        for p in worker.pool_processes()
        for c in p.children(recursive=True)
        if "documents.pdf.sandbox" in " ".join(c.cmdline())
    ]


def test_a_pool_process_killed_midway_is_replaced_and_the_version_ends_ready_once(worker, to_the_worker, case, planner):
    """acks_late + reject_on_worker_lost: the message goes back to the queue when the process
    running it dies, and the task, run again from the start, leaves each page once."""
    version_id = post(planner, case, factories.slow_render_pdf(operations=200, pages=SLOW_PAGES))
    wait_for(lambda: status_of(version_id)[1] >= 2, timeout=60, what="the worker to be halfway through")
    (child,) = worker.pool_processes()
    log_from = worker.log_path.stat().st_size

    child.send_signal(signal.SIGKILL)

    assert_ready_exactly_once(finished(version_id), SLOW_PAGES)
    assert worker.alive
    log = wait_for(
        lambda: "succeeded" in worker.log(log_from) and worker.log(log_from), timeout=10, what="the task's end logged"
    )
    assert f"pid:{child.pid} exited with 'signal 9 (SIGKILL)'" in log
    assert "WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job:" in log  # it died at work
    assert "succeeded" in log and "'ready'" in log  # and the task, run again, finished


def test_a_worker_killed_midway_and_started_again_finishes_the_version_once(
    worker, to_the_worker, start_worker, worker_work_dir, case, planner
):
    """The whole worker is lost (SIGKILL to every process, as a lost machine) halfway through a
    render. The next worker started on the machine finds the dead run's folder, removes it and
    takes its version up at once: it does not wait for Redis to hand the message out again
    (its visibility timeout here an hour) nor for the run's lease to pass (30 s); the version
    is ready, each page once, processed to the end by one run."""
    version_id = post(planner, case, factories.slow_render_pdf(operations=200, pages=SLOW_PAGES))
    wait_for(lambda: status_of(version_id)[1] >= 2, timeout=60, what="the worker to be halfway through")
    (run_folder,) = worker_work_dir.iterdir()
    assert run_folder.name == f"v{version_id}-a1" and any(run_folder.glob("*.png"))

    worker.kill()
    status, pages_done = status_of(version_id)
    assert status == "processing" and 2 <= pages_done < SLOW_PAGES
    start_worker(CELERY_VISIBILITY_TIMEOUT_S="3600")

    version = finished(version_id, timeout=90)
    assert_ready_exactly_once(version, SLOW_PAGES)
    assert (version.restarts, version.attempt) == (1, 3)  # taken up once (2), processed by one run (3)
    assert not run_folder.exists(), "the dead run's thumbnails are removed"
    wait_for(lambda: not any(worker_work_dir.iterdir()), timeout=10, what="the last run's folder to go")


def test_healthz_reports_redis(to_the_worker, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "redis", "broker": "redis"}
    assert settings.REDIS_URL == TEST_REDIS_URL


def test_the_worker_runs_on_the_test_database(worker, worker_env):
    from django.db import connection

    assert worker_env["DATABASE_URL"].endswith(f"/{connection.settings_dict['NAME']}")
    assert connection.settings_dict["NAME"].startswith("test_")


def test_an_upload_whose_message_redis_lost_is_processed_by_the_sweep(
    own_redis, own_worker_and_beat, sending_to_own_redis, case, planner
):
    """The upload's message is in Redis, and Redis restarts empty before a worker took it: the
    version would stay processing for ever. The sweep on beat finds it stalled and queues it again."""
    own_worker_and_beat.stop()
    version_id = post(planner, case, sheet_pdf(pages=2))  # its message is in Redis now

    own_redis.stop()
    own_redis.start()  # empty
    own_worker_and_beat.start()

    version = finished(version_id, timeout=90)
    assert_ready_exactly_once(version, 2)
    assert version.restarts == 0  # it had never started
    assert "stalled version" in own_worker_and_beat.log()
