"""Doing the same thing at the same moment, on PostgreSQL: numbers stay unique and gap-free, a
version processed twice at once still ends with each page once, and two versions ready at once
still end one replacing the other."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from documents.models import Case, Page, VersionChanges
from documents.services import cases, intake
from tests import factories
from tests.factories import CaseFactory, sheet_pdf, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_processing_at_upload(monkeypatch):
    """Uploads here are left `processing`: the tests process them themselves, or not at all."""
    monkeypatch.setattr(intake, "_process_after_commit", lambda version: None)


def at_once(count, action):
    """Run `action(index)` in `count` threads released together; return what they raised."""
    start = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            start.wait(timeout=30)
            action(index)
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_cases_opened_at_the_same_moment_get_distinct_consecutive_numbers(demo):
    errors = at_once(
        8, lambda index: cases.create_case(demo.planner, title=f"Concurrent {index}", kind=Case.Kind.BUILDING_PERMIT)
    )

    assert errors == []
    year = timezone.localdate().year
    assert sorted(Case.objects.values_list("number", flat=True)) == [f"BP-{year}-{n:05d}" for n in range(1, 9)]


def test_resubmittals_at_the_same_moment_get_distinct_consecutive_versions(demo):
    case = CaseFactory(lead_department=demo.departments["planning"])
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=sheet_pdf()))
    # each resubmittal differs from version 1 and from the others: one identical to the latest is refused

    errors = at_once(
        4,
        lambda index: intake.add_version(
            demo.planner, document, upload=upload(data=sheet_pdf(labels=[f"B-10{index}"]))
        ),
    )

    assert errors == []
    assert sorted(document.versions.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_two_versions_ready_at_the_same_moment_end_with_the_later_replacing_the_earlier(demo, monkeypatch):
    """Each version's start of cycle looks for the other as ready: without one document's cycles
    taking turns, both would find nothing and the later would never be compared."""
    from reviews.services import cycles

    meet, start_cycle = threading.Barrier(2), cycles.start_cycle

    def start_together(version):  # both marked ready, neither committed
        meet.wait(timeout=60)
        return start_cycle(version)

    monkeypatch.setattr(cycles, "start_cycle", start_together)
    case = CaseFactory(lead_department=demo.departments["planning"])
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=sheet_pdf()))
    intake.add_version(demo.planner, document, upload=upload(data=sheet_pdf(notes=["REVISED"])))
    first, second = document.versions.order_by("number")

    errors = at_once(2, lambda index: intake.process_version((first, second)[index].pk))

    assert errors == []
    first.refresh_from_db()
    assert first.superseded_by_id == second.pk
    assert VersionChanges.objects.get(version=second).previous_id == first.pk


def test_a_version_processed_twice_at_once_ends_ready_with_each_page_once(demo):
    """Redis hands an unacknowledged message to a second worker once the visibility timeout passes
    (an hour in production), even while the first is still at it: a 2,000-page set at several
    seconds a page runs longer than that. Both runs must not end in a failed or half-paged version."""
    case = CaseFactory(lead_department=demo.departments["planning"])
    document = intake.add_document(
        demo.planner, case, title="Plans", upload=upload(data=factories.slow_render_pdf(operations=200, pages=6))
    )
    version = document.versions.get()
    assert version.status == "processing"

    errors = at_once(2, lambda index: intake.process_version(version.pk))

    version.refresh_from_db()
    pages = list(Page.objects.filter(version=version).values_list("number", flat=True))
    assert (version.status, version.error, version.page_count, version.pages_done, pages) == (
        "ready",
        "",
        6,
        6,
        [1, 2, 3, 4, 5, 6],
    )
    assert errors == []
