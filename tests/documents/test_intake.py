"""Taking in an upload: checked in the request, stored under its sha256, numbered, then processed."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from audit.models import AuditEntry
from civicreview.errors import UploadTooLarge
from documents.models import Document, DocumentVersion, Page
from documents.services import intake
from tests import factories
from tests.factories import CaseFactory, sheet_pdf, upload


@pytest.fixture
def case(demo):
    """Led by planning, reviewed by building."""
    return CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["building"]])


def refused(function, *args, **kwargs):
    with pytest.raises(ValidationError) as refusal:
        function(*args, **kwargs)
    return refusal.value.message_dict


# --- a new document ------------------------------------------------------------------


def test_a_new_document_gets_version_one_with_the_files_sha256_size_and_page_count(demo, case):
    data = sheet_pdf(pages=3)

    document = intake.add_document(demo.planner, case, title="Architectural plan set", upload=upload("set.pdf", data))

    version = document.versions.get()
    assert (document.case, document.title, document.kind) == (case, "Architectural plan set", Document.Kind.PLAN_SET)
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data)
    assert version.page_count == 3
    assert version.status == DocumentVersion.Status.PROCESSING
    assert version.uploaded_by == demo.planner


def test_the_file_is_stored_under_its_sha256(demo, case):
    data = sheet_pdf()
    digest = hashlib.sha256(data).hexdigest()

    version = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data)).versions.get()

    assert version.file.name == f"versions/{digest[:2]}/{digest}.pdf"
    with default_storage.open(version.file.name) as stored:
        assert stored.read() == data


def test_a_document_without_a_title_is_named_after_its_file(demo, case):
    document = intake.add_document(demo.planner, case, title="  ", upload=upload("Riverside set.pdf"))

    assert document.title == "Riverside set"


@pytest.mark.parametrize("kind", [Document.Kind.REPORT, Document.Kind.FORM])
def test_a_document_may_be_a_report_or_a_form(demo, case, kind):
    assert intake.add_document(demo.planner, case, title="Soils report", upload=upload(), kind=kind).kind == kind


def test_identical_files_are_stored_once(demo, case, media_files):
    data = sheet_pdf()

    first = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data)).versions.get()
    second = intake.add_document(demo.planner, case, title="Same plans", upload=upload(data=data)).versions.get()

    assert first.file.name == second.file.name
    assert media_files() == [first.file.name]


# --- resubmittals ------------------------------------------------------------------------


def test_resubmittals_are_numbered_two_three_and_so_on(demo, case):
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=sheet_pdf(labels=["A-101"])))

    second = intake.add_version(demo.planner, document, upload=upload(data=sheet_pdf(labels=["A-101R"])))
    third = intake.add_version(demo.planning_head, document, upload=upload(data=sheet_pdf(labels=["A-101R2"])))

    assert [v.number for v in document.versions.all()] == [1, 2, 3]
    assert (second.number, third.number, third.uploaded_by) == (2, 3, demo.planning_head)
    assert len({v.sha256 for v in document.versions.all()}) == 3


def test_each_upload_is_audited_with_its_file(demo, case):
    data = sheet_pdf(pages=3)
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data))
    second = intake.add_version(demo.planning_head, document, upload=upload(data=sheet_pdf(pages=1)))

    first, resubmitted = AuditEntry.objects.filter(action="version.uploaded").order_by("seq")
    assert (first.actor_name, first.case_id, first.object_type, first.object_id) == (
        "planner", case.pk, "version", str(document.versions.get(number=1).pk),
    )  # fmt: skip
    assert first.summary == "planner uploaded the plans for Plans as v1 (3 pages)"
    assert first.after_data == {
        "document": document.pk, "title": "Plans", "kind": "plan_set", "number": 1,
        "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "pages": 3, "partial": False,
    }  # fmt: skip
    assert (resubmitted.actor_name, resubmitted.object_id) == ("planning_head", str(second.pk))
    assert resubmitted.summary == "planning_head uploaded a resubmittal of Plans as v2 (1 page)"


def test_version_numbers_count_per_document(demo, case):
    plans = intake.add_document(demo.planner, case, title="Plans", upload=upload())
    report = intake.add_document(demo.planner, case, title="Report", upload=upload())

    intake.add_version(demo.planner, plans, upload=upload(data=sheet_pdf(pages=2)))

    assert [v.number for v in plans.versions.all()] == [1, 2]
    assert [v.number for v in report.versions.all()] == [1]


def test_resubmitting_the_latest_file_again_is_refused(demo, case, media_files):
    data = sheet_pdf()
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data))

    assert refused(intake.add_version, demo.planner, document, upload=upload(data=data)) == {
        "file": ["This file is identical to version 1; upload the revised plans to resubmit."]
    }
    assert document.versions.count() == 1
    assert len(media_files()) == 1


def test_going_back_to_an_earlier_file_makes_a_new_version_sharing_its_stored_file(demo, case, media_files):
    data = sheet_pdf()
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data))
    intake.add_version(demo.planner, document, upload=upload(data=sheet_pdf(labels=["A-101R"])))

    again = intake.add_version(demo.planner, document, upload=upload(data=data))

    assert again.number == 3
    assert again.file.name == document.versions.get(number=1).file.name
    assert len(media_files()) == 2


# --- refusals: nothing stored -----------------------------------------------------------------


@pytest.fixture
def nothing_stored(case, media_files):
    """Asserts, after the test, that no document, version or file was left behind."""
    yield
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert media_files() == []
    assert not AuditEntry.objects.filter(action="version.uploaded").exists()


REFUSALS = [
    ("empty", b"", "The file is empty."),
    ("html", factories.html_as_pdf(), "This is not a PDF file: it does not start with a PDF header."),
    (
        "truncated",
        factories.truncated(sheet_pdf(pages=3)),
        "The PDF is truncated: its end is missing. Upload the complete file again.",
    ),
    ("garbage", factories.garbage_pdf(), "The PDF is damaged and cannot be read."),
    (
        "encrypted",
        sheet_pdf(encrypt="secret"),
        "The PDF is password-protected. Upload a copy saved without a password.",
    ),
    (
        "300 inches",
        sheet_pdf(size=(300 * 72, 300 * 72)),
        "Page 1 measures 300.0 × 300.0 in; pages must be between 0.01 and 200 in on a side.",
    ),
]


@pytest.mark.parametrize("data, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_file_we_cannot_take_is_refused_with_its_reason(demo, case, nothing_stored, data, message):
    assert refused(intake.add_document, demo.planner, case, title="Plans", upload=upload(data=data)) == {
        "file": [message]
    }


@pytest.mark.parametrize("data, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_resubmittal_we_cannot_take_is_refused_and_the_document_keeps_its_versions(
    demo, case, data, message, media_files
):
    document = intake.add_document(demo.planner, case, title="Plans", upload=upload())
    files = media_files()

    assert refused(intake.add_version, demo.planner, document, upload=upload(data=data)) == {"file": [message]}
    assert [v.number for v in document.versions.all()] == [1]
    assert media_files() == files


def test_a_page_wider_than_200_inches_is_refused(demo, case, nothing_stored):
    message = refused(
        intake.add_document, demo.planner, case, title="Scroll", upload=upload(data=sheet_pdf(size=(14401, 792)))
    )

    assert message == {"file": ["Page 1 measures 200.0 × 11.0 in; pages must be between 0.01 and 200 in on a side."]}


def test_a_page_of_exactly_200_inches_is_taken(demo, case):
    document = intake.add_document(
        demo.planner, case, title="Long sheet", upload=upload(data=sheet_pdf(size=(14400, 792)))
    )

    assert document.versions.get().page_count == 1


def test_a_pdf_with_more_pages_than_allowed_is_refused(demo, case, nothing_stored, settings):
    settings.MAX_PAGES = 2

    message = refused(intake.add_document, demo.planner, case, title="Plans", upload=upload(data=sheet_pdf(pages=3)))

    assert message == {"file": ["The PDF has 3 pages; at most 2 are accepted."]}


def test_a_page_count_bomb_is_refused_by_its_count(demo, case, nothing_stored):
    """Under a kilobyte whose page tree lists the same page ten thousand times."""
    message = refused(
        intake.add_document, demo.planner, case, title="Plans", upload=upload(data=factories.page_tree_bomb_pdf())
    )

    assert message == {"file": ["The PDF has 10000 pages; at most 2000 are accepted."]}


def test_a_file_over_the_size_limit_is_refused_with_413(demo, case, nothing_stored, settings):
    settings.MAX_UPLOAD_MB = 1
    data = sheet_pdf() + b"%" + b"x" * (1024 * 1024)

    with pytest.raises(UploadTooLarge) as refusal:
        intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data))

    assert str(refusal.value) == "The file is 1.0 MB; uploads are limited to 1 MB."


def test_no_file_is_refused(demo, case, nothing_stored):
    assert refused(intake.add_document, demo.planner, case, title="Plans", upload=None) == {
        "file": ["Choose a PDF file to upload."]
    }


def test_an_unknown_kind_is_refused(demo, case, nothing_stored):
    assert refused(intake.add_document, demo.planner, case, title="Plans", upload=upload(), kind="blueprint") == {
        "kind": ["Unknown kind 'blueprint'; one of plan_set, report, form."]
    }


def test_a_reviewer_outside_the_lead_department_may_not_upload(demo, case, nothing_stored):
    with pytest.raises(PermissionDenied) as refusal:
        intake.add_document(demo.building, case, title="Plans", upload=upload())

    assert (
        str(refusal.value) == "Only members of the lead department and the applicant can upload documents to this case."
    )


def test_a_failure_after_storing_removes_the_stored_file(demo, case, nothing_stored, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake, "_create_version", broken)

    with pytest.raises(RuntimeError):
        intake.add_document(demo.planner, case, title="Plans", upload=upload())


def test_a_failure_after_storing_keeps_a_file_other_versions_use(demo, case, monkeypatch, media_files):
    data = sheet_pdf()
    intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data))
    monkeypatch.setattr(intake, "_create_version", lambda *args: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        intake.add_document(demo.planner, case, title="Same plans", upload=upload(data=data))

    assert len(media_files()) == 1
    assert Document.objects.count() == 1


# --- processing is scheduled after commit ---------------------------------------------------------


def test_processing_starts_only_when_the_upload_commits(demo, case, after_commit):
    with after_commit() as callbacks:
        document = intake.add_document(demo.planner, case, title="Plans", upload=upload(data=sheet_pdf(pages=2)))
        assert document.versions.get().status == DocumentVersion.Status.PROCESSING
        assert not Page.objects.exists()

    assert len(callbacks) == 1
    version = document.versions.get()
    assert version.status == DocumentVersion.Status.READY
    assert version.pages.count() == 2


def test_a_refused_upload_schedules_nothing(demo, case, after_commit):
    with after_commit() as callbacks, pytest.raises(ValidationError):
        intake.add_document(demo.planner, case, title="Plans", upload=upload(data=b""))

    assert callbacks == []
