"""Processing saves the first page at once and the next ones in batches, each with its progress."""

import pytest

from documents import pdf
from documents.models import DocumentVersion
from documents.services import intake
from tests.factories import ARCH_D, sheet_pdf

WIDTH, HEIGHT = ARCH_D


pytest_db = pytest.mark.django_db


@pytest.fixture
def progress_seen(monkeypatch):
    """The version's pages_done and page rows in the database as each page comes out of the sandbox."""
    seen, real_render = [], pdf.render

    def watched(path, outdir):
        for page in real_render(path, outdir):
            version = DocumentVersion.objects.get()
            seen.append((version.pages_done, version.pages.count()))
            yield page

    monkeypatch.setattr(pdf, "render", watched)
    return seen


@pytest_db
def test_the_first_page_is_saved_at_once_the_next_ones_in_batches(uploaded, progress_seen, monkeypatch):
    monkeypatch.setattr(intake, "PAGE_BATCH_SECONDS", 3600)
    version = uploaded(sheet_pdf(pages=4))

    assert intake.process_version(version.pk) == "ready"

    # before each page is added: nothing yet, then page 1 alone, the others in the last batch
    assert progress_seen == [(0, 0), (1, 1), (1, 1), (1, 1)]
    version.refresh_from_db()
    assert (version.pages_done, version.page_count, version.pages.count()) == (4, 4, 4)


@pytest_db
def test_progress_moves_with_each_batch(uploaded, progress_seen, monkeypatch):
    monkeypatch.setattr(intake, "PAGE_BATCH_SECONDS", 0)
    version = uploaded(sheet_pdf(pages=3))

    intake.process_version(version.pk)

    assert progress_seen == [(0, 0), (1, 1), (2, 2)]


@pytest_db
def test_a_batch_is_one_transaction_with_one_progress_update(uploaded, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(intake, "PAGE_BATCH_SECONDS", 3600)
    version = uploaded(sheet_pdf(pages=3))
    batch = intake._PageBatches(version)
    pages = [intake.Page(version=version, number=number, width=1, height=1, label="", text="") for number in (1, 2, 3)]
    batch.add(pages[0])  # the first alone

    # savepoint, is this run still the latest (locked), INSERT of both, UPDATE pages_done, release
    with django_assert_num_queries(5):
        batch.add(pages[1])
        batch.add(pages[2])
        batch.save()

    version.refresh_from_db()
    assert version.pages_done == 3
