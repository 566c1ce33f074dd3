"""Processing a version on Celery: every page rendered and read, or the version failed with a reason."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError
from PIL import Image

from audit.models import AuditEntry
from documents import pdf
from documents.models import DocumentVersion, Page
from documents.services import intake
from documents.tasks import process_version as process_version_task
from documents.tasks import restart_stalled_processing as restart_stalled_task
from tests import factories
from tests.factories import ARCH_D, CaseFactory, sheet_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    return CaseFactory(lead_department=demo.departments["planning"])


@pytest.fixture
def uploaded(demo, case):
    """`uploaded(data)`: a version in `processing`, as an upload leaves it (not yet processed)."""

    def make(data=None, title="Plans"):
        document = intake.add_document(demo.planner, case, title=title, upload=upload(data=data or sheet_pdf(pages=3)))
        return document.versions.get()

    return make


def thumbnails(version):
    return [page.thumbnail.name for page in version.pages.all()]


def test_processing_reads_every_page_its_size_label_text_and_thumbnail(uploaded, settings):
    version = uploaded(sheet_pdf(pages=3, labels=["A-101", "S2.01", "FP-1"]))

    assert intake.process_version(version.pk) == DocumentVersion.Status.READY

    version.refresh_from_db()
    assert (version.status, version.error, version.page_count, version.pages_done) == ("ready", "", 3, 3)
    assert version.processed_at is not None
    pages = list(version.pages.all())
    assert [(p.number, p.width, p.height, p.rotation, p.label) for p in pages] == [
        (1, *ARCH_D, 0, "A-101"),
        (2, *ARCH_D, 0, "S2.01"),
        (3, *ARCH_D, 0, "FP-1"),
    ]
    assert "GENERAL NOTES FOR SHEET S2.01" in pages[1].text
    for page in pages:
        assert page.thumbnail.name == f"thumbnails/{version.sha256[:2]}/{version.sha256}/{page.number}.png"
        with default_storage.open(page.thumbnail.name) as file, Image.open(file) as image:
            assert (image.format, image.width) == ("PNG", settings.THUMBNAIL_WIDTH_PX)


def test_the_celery_task_processes_the_version(uploaded):
    version = uploaded()

    process_version_task.apply(args=[version.pk]).get()

    version.refresh_from_db()
    assert version.status == "ready"
    assert version.pages.count() == 3


def test_processing_twice_changes_nothing(uploaded, media_files):
    version = uploaded()
    intake.process_version(version.pk)
    pages = list(Page.objects.values_list("id", "number", "label"))
    files = media_files()

    assert intake.process_version(version.pk) is None  # already ready: nothing to do

    assert list(Page.objects.values_list("id", "number", "label")) == pages
    assert media_files() == files


def test_a_deleted_version_is_skipped(uploaded):
    version = uploaded()
    version.document.delete()

    assert intake.process_version(version.pk) is None


def crash_after_two_pages(version, monkeypatch):
    """A run that died after saving two of three pages, as a killed worker leaves it."""
    add_page = intake._add_page

    def die_after_two_pages(version, rendered):
        if rendered.number == 3:
            raise SystemExit("worker killed")  # not an Exception: nothing catches it, as with SIGKILL
        add_page(version, rendered)

    monkeypatch.setattr(intake, "_add_page", die_after_two_pages)
    with pytest.raises(SystemExit):
        intake.process_version(version.pk)
    monkeypatch.setattr(intake, "_add_page", add_page)


def test_a_rerun_after_a_crash_midway_starts_over_cleanly(uploaded, monkeypatch, media_files):
    """The worker died after two of three pages: the version is still processing, with two pages.
    The message comes back (acks_late) and the task runs again from the start."""
    version = uploaded(sheet_pdf(pages=3))
    crash_after_two_pages(version, monkeypatch)
    version.refresh_from_db()
    assert (version.status, version.pages_done, version.pages.count()) == ("processing", 2, 2)

    assert intake.process_version(version.pk) == "ready"

    version.refresh_from_db()
    assert (version.status, version.page_count, version.pages_done) == ("ready", 3, 3)
    assert list(version.pages.values_list("number", flat=True)) == [1, 2, 3]
    assert set(thumbnails(version)) <= set(media_files())


def test_identical_files_share_their_thumbnails_and_reprocessing_one_keeps_the_others(
    demo, case, uploaded, media_files
):
    data = sheet_pdf(pages=2)
    first, second = uploaded(data, title="Plans"), uploaded(data, title="Plans again")
    intake.process_version(first.pk)
    intake.process_version(second.pk)
    assert thumbnails(first) == thumbnails(second)

    intake.reprocess(demo.admin, first)  # in a `db` test, the task is left for after a commit that never comes
    intake.process_version(first.pk)

    assert all(default_storage.exists(name) for name in thumbnails(second))
    assert len([name for name in media_files() if name.startswith("thumbnails/")]) == 2


def test_reprocess_puts_a_failed_version_back_to_processing_and_runs_it_after_commit(demo, uploaded, after_commit):
    version = uploaded()
    DocumentVersion.objects.filter(pk=version.pk).update(status="failed", error="Lost worker")

    with after_commit():
        intake.reprocess(demo.admin, version)
        version.refresh_from_db()
        assert (version.status, version.error) == ("processing", "")

    version.refresh_from_db()
    assert (version.status, version.error, version.pages.count()) == ("ready", "", 3)
    entry = AuditEntry.objects.get(action="version.reprocessed")
    assert (entry.actor_name, entry.case_id, entry.object_id) == ("admin", version.document.case_id, str(version.pk))
    assert (entry.before_data["status"], entry.before_data["error"], entry.after_data["status"]) == (
        "failed", "Lost worker", "processing",
    )  # fmt: skip
    assert entry.summary == "admin had Plans v1 processed again (it was failed)"


# --- failures: a failed version with its reason, and no pages or thumbnails ----------------------


def assert_failed_cleanly(version, message, media_files):
    version.refresh_from_db()
    assert (version.status, version.error, version.pages_done) == ("failed", message, 0)
    assert version.processed_at is not None
    assert not version.pages.exists()
    assert [name for name in media_files() if name.startswith("thumbnails/")] == []
    assert default_storage.exists(version.file.name)  # the upload itself stays, for an admin to look at


def test_a_page_that_renders_too_long_fails_the_version_naming_the_page(uploaded, settings, media_files):
    version = uploaded(factories.slow_render_pdf())
    settings.PDF_RENDER_TIMEOUT_S = 1

    assert intake.process_version(version.pk) == "failed"

    assert_failed_cleanly(version, "Rendering page 1 took longer than 1 s; gave up.", media_files)


def test_a_failure_on_a_later_page_removes_the_pages_already_made(uploaded, monkeypatch, media_files):
    version = uploaded(sheet_pdf(pages=3))
    real_render = pdf.render

    def render_two_then_fail(path, outdir):
        for page in real_render(path, outdir):
            if page.number == 3:
                raise pdf.PdfError("Page 3 is damaged and cannot be read.")
            yield page

    monkeypatch.setattr(pdf, "render", render_two_then_fail)

    assert intake.process_version(version.pk) == "failed"

    assert_failed_cleanly(version, "Page 3 is damaged and cannot be read.", media_files)


def test_an_unexpected_error_fails_the_version_with_a_general_reason_and_is_raised(uploaded, monkeypatch, media_files):
    version = uploaded()
    monkeypatch.setattr(intake, "_add_page", lambda version, rendered: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        intake.process_version(version.pk)

    assert_failed_cleanly(
        version,
        "Processing failed unexpectedly. Upload the file again; if it fails again, tell an administrator.",
        media_files,
    )


def test_a_stored_file_that_went_missing_fails_the_version(uploaded, media_files):
    version = uploaded()
    default_storage.delete(version.file.name)

    assert intake.process_version(version.pk) == "failed"

    version.refresh_from_db()
    assert version.status == "failed"
    assert version.error
    assert not version.pages.exists()


def test_a_transient_database_error_is_retried_and_the_version_ends_ready(uploaded, monkeypatch):
    """The task retries on OperationalError (a deadlock, a failover); the retry must find the
    version still processing, not already marked failed."""
    version = uploaded(sheet_pdf(pages=2))
    add_page, calls = intake._add_page, []

    def database_hiccup_once(version, rendered):
        calls.append(rendered.number)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        add_page(version, rendered)

    monkeypatch.setattr(intake, "_add_page", database_hiccup_once)

    process_version_task.apply(args=[version.pk], throw=False)  # eager: a retry runs at once

    version.refresh_from_db()
    assert (version.status, version.error) == ("ready", "")
    assert version.pages.count() == 2


# --- stalled processing: the sweep on beat ------------------------------------------------


def later(version, seconds=601):
    """A moment `seconds` after the version last showed a sign of life (the default grace is 600 s)."""
    version.refresh_from_db()
    return version.progressed_at + timedelta(seconds=seconds)


def test_processing_shows_signs_of_life(uploaded):
    version = uploaded(sheet_pdf(pages=2))
    queued_at = version.progressed_at

    intake.process_version(version.pk)

    version.refresh_from_db()
    assert version.progressed_at > queued_at


def test_a_version_whose_message_was_lost_is_queued_again_and_processed(uploaded, after_commit):
    version = uploaded()  # in a `db` test its task never ran: as if Redis lost the message

    with after_commit():
        outcomes = intake.restart_stalled(now=later(version))

    assert outcomes == {version.pk: "restarted"}
    version.refresh_from_db()
    assert (version.status, version.pages.count(), version.restarts) == ("ready", 3, 0)  # it never started: not counted


def test_versions_making_progress_or_finished_are_left_alone(uploaded, after_commit):
    waiting, finished = uploaded(title="Waiting"), uploaded(title="Finished")
    intake.process_version(finished.pk)

    with after_commit() as callbacks:
        assert intake.restart_stalled(now=later(waiting, seconds=599)) == {}
        assert intake.restart_stalled(now=later(finished, seconds=6000)) == {waiting.pk: "restarted"}
    assert len(callbacks) == 1


def test_a_run_that_died_midway_is_started_again_and_counted(uploaded, monkeypatch, after_commit, media_files):
    version = uploaded(sheet_pdf(pages=3))
    crash_after_two_pages(version, monkeypatch)

    with after_commit():
        assert intake.restart_stalled(now=later(version)) == {version.pk: "restarted"}

    version.refresh_from_db()
    assert (version.status, version.page_count, version.restarts) == ("ready", 3, 1)
    assert list(version.pages.values_list("number", flat=True)) == [1, 2, 3]
    assert set(thumbnails(version)) <= set(media_files())


def test_a_sweep_run_twice_queues_a_stalled_version_once(uploaded, after_commit):
    version = uploaded()
    now = later(version)

    with after_commit() as callbacks:
        intake.restart_stalled(now=now)
        assert intake.restart_stalled(now=now + timedelta(seconds=1)) == {}  # it shows life again: queued
    assert len(callbacks) == 1


def test_one_version_that_cannot_be_restarted_does_not_stop_the_others(uploaded, monkeypatch, after_commit):
    first, second = uploaded(title="First"), uploaded(title="Second")
    restart = intake._restart

    def broken_for_the_first(version, now):
        if version.pk == first.pk:
            raise OperationalError("server closed the connection unexpectedly")
        return restart(version, now)

    monkeypatch.setattr(intake, "_restart", broken_for_the_first)
    with after_commit():
        assert intake.restart_stalled(now=later(second)) == {second.pk: "restarted"}

    assert DocumentVersion.objects.get(pk=second.pk).status == "ready"
    assert DocumentVersion.objects.get(pk=first.pk).progressed_at == first.progressed_at  # left for the next sweep


def test_a_version_that_keeps_stalling_fails_with_the_reason_and_no_pages(uploaded, monkeypatch, settings, media_files):
    version = uploaded(sheet_pdf(pages=3))
    crash_after_two_pages(version, monkeypatch)
    DocumentVersion.objects.filter(pk=version.pk).update(restarts=settings.PROCESSING_MAX_RESTARTS)
    run_that_stalled = DocumentVersion.objects.get(pk=version.pk)

    assert intake.restart_stalled(now=later(version)) == {version.pk: "failed"}

    message = "Processing stopped 4 times before it finished. Upload the file again; if it stops again, tell an administrator."
    assert_failed_cleanly(version, message, media_files)
    assert not intake._current(run_that_stalled).exists(), "the stalled run, were it alive, may write nothing more"


def test_reprocess_starts_the_count_of_restarts_afresh(demo, uploaded, settings):
    version = uploaded()
    DocumentVersion.objects.filter(pk=version.pk).update(status="failed", restarts=settings.PROCESSING_MAX_RESTARTS)

    intake.reprocess(demo.admin, version)

    version.refresh_from_db()
    assert (version.status, version.restarts) == ("processing", 0)
    assert intake.restart_stalled(now=later(version)) == {version.pk: "restarted"}


def test_the_beat_task_sweeps(uploaded, settings, after_commit):
    version = uploaded()
    settings.PROCESSING_STALLED_AFTER_S = 0

    with after_commit():
        restart_stalled_task.apply()

    version.refresh_from_db()
    assert version.status == "ready"
