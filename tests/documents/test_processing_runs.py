"""Processing runs: the lease a live run holds, its heartbeat, its work folder, and a dead run taken up."""

import os
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from documents.models import DocumentVersion
from documents.services import intake, runs
from tests.factories import CaseFactory, sheet_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(demo):
    case = CaseFactory(lead_department=demo.departments["planning"])
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=sheet_pdf(pages=3)))
    return document.versions.get()  # processing; its task never ran (a `db` test does not commit)


def held(version, *, attempt=1, seconds=30):
    """The version as a run `attempt` leaves it while it holds the lease for `seconds` more."""
    DocumentVersion.objects.filter(pk=version.pk).update(
        attempt=attempt, lease_expires_at=timezone.now() + timedelta(seconds=seconds)
    )
    version.refresh_from_db()
    return version


def dead_run_folder(version, attempt=1):
    """What a run killed with -9 on this machine leaves: its folder, its lock no longer held."""
    folder = runs.folder_of(version.pk, attempt)
    folder.mkdir(parents=True)
    (folder / ".lock").touch()
    (folder / "p1.png").write_bytes(b"a thumbnail")
    return folder


def test_a_run_holds_the_lease_while_it_works_and_gives_it_back_with_its_folder(version, monkeypatch, settings):
    seen = {}
    render = intake._render_pages

    def look_while_rendering(version, path, folder):
        seen["lease"] = DocumentVersion.objects.get(pk=version.pk).lease_expires_at
        seen["folder"] = folder
        seen["folder_existed"] = folder.is_dir() and (folder / ".lock").exists()
        render(version, path, folder)

    monkeypatch.setattr(intake, "_render_pages", look_while_rendering)
    assert intake.process_version(version.pk) == "ready"

    version.refresh_from_db()
    assert seen["lease"] > timezone.now()
    assert seen["folder"] == runs.folder_of(version.pk, 1) and seen["folder_existed"]
    assert version.lease_expires_at is None
    assert not seen["folder"].exists()
    assert list(settings.PROCESSING_WORK_DIR.iterdir()) == []


def test_a_duplicate_message_does_nothing_while_a_live_run_elsewhere_holds_the_version(version):
    held(version)  # a worker on another machine: no folder here

    assert intake.process_version(version.pk) is None

    version.refresh_from_db()
    assert (version.status, version.attempt, version.pages.count()) == ("processing", 1, 0)


def test_a_duplicate_message_does_nothing_while_a_live_run_on_this_machine_holds_the_version(version):
    held(version)
    folder, lock = runs._locked_folder(version.pk, 1)  # a live run's folder, its lock held
    try:
        assert intake.process_version(version.pk) is None
        assert folder.is_dir()
    finally:
        os.close(lock)
    assert DocumentVersion.objects.get(pk=version.pk).attempt == 1


def test_a_run_that_died_on_this_machine_is_taken_over_at_once_though_its_lease_has_not_passed(version):
    held(version)
    folder = dead_run_folder(version)

    assert intake.process_version(version.pk) == "ready"

    version.refresh_from_db()
    assert (version.attempt, version.pages.count()) == (2, 3)
    assert not folder.exists()


def test_a_lease_that_passed_lets_the_next_run_take_the_version(version):
    held(version, seconds=-1)

    assert intake.process_version(version.pk) == "ready"
    assert DocumentVersion.objects.get(pk=version.pk).attempt == 2


def test_a_starting_worker_takes_up_the_runs_that_died_on_this_machine(version, after_commit, settings):
    held(version)
    folder = dead_run_folder(version)
    debris = dead_run_folder(version, attempt=0)  # an older run's, already superseded

    with after_commit():
        assert intake.take_up_dead_runs() == {version.pk: "restarted"}

    version.refresh_from_db()
    assert (version.status, version.restarts, version.pages.count()) == ("ready", 1, 3)
    assert not folder.exists() and not debris.exists()
    assert list(settings.PROCESSING_WORK_DIR.iterdir()) == []


def test_a_live_run_on_this_machine_is_left_alone_by_the_worker_start_and_the_sweep(version, after_commit):
    held(version)
    folder, lock = runs._locked_folder(version.pk, 1)
    try:
        with after_commit() as callbacks:
            assert intake.take_up_dead_runs() == {}
            assert intake.restart_stalled() == {}
        assert callbacks == [] and folder.is_dir()
    finally:
        os.close(lock)


def test_the_sweep_takes_up_a_version_whose_lease_passed_and_supersedes_its_run(version, after_commit):
    held(version, seconds=30)
    run_that_stopped = DocumentVersion.objects.get(pk=version.pk)

    with after_commit():
        assert intake.restart_stalled(now=timezone.now() + timedelta(seconds=31)) == {version.pk: "restarted"}

    version.refresh_from_db()
    assert (version.status, version.restarts, version.pages.count()) == ("ready", 1, 3)
    assert not intake._current(run_that_stopped).exists(), "the run that stopped, were it alive, writes nothing more"


def test_a_version_whose_run_keeps_dying_fails_with_the_reason(version, settings):
    held(version)
    DocumentVersion.objects.filter(pk=version.pk).update(restarts=settings.PROCESSING_MAX_RESTARTS)
    dead_run_folder(version)

    assert intake.take_up_dead_runs() == {version.pk: "failed"}

    version.refresh_from_db()
    assert version.status == "failed" and "Processing stopped 4 times" in version.error


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_the_lease_ahead_and_stops_when_the_run_is_superseded(version, settings):
    settings.PROCESSING_HEARTBEAT_S = 0.05
    DocumentVersion.objects.filter(pk=version.pk).update(status="processing")  # processed on commit: as if not
    held(version, seconds=-100)
    heartbeat = runs._Heartbeat(version.pk, 1)
    heartbeat.start()
    try:
        renewed = threading.Event()
        for _ in range(200):
            lease = DocumentVersion.objects.get(pk=version.pk).lease_expires_at
            if lease > timezone.now():
                renewed.set()
                break
            threading.Event().wait(0.05)
        assert renewed.is_set(), "the heartbeat renewed the lease"

        DocumentVersion.objects.filter(pk=version.pk).update(attempt=2)  # another run took over
        heartbeat.join(timeout=5)
        assert not heartbeat.is_alive()
    finally:
        heartbeat.stop()
