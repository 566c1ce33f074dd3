"""Uploading through the API: POST /api/cases/{id}/documents/ and POST /api/documents/{id}/versions/.

An accepted upload answers 201 at once with the version `processing`; processing runs after
the commit. A refused one answers with the reason a user can act on, and leaves nothing behind:
no document, no version, no file.
"""

import hashlib

import pytest
from django.core.files.storage import default_storage

from documents.models import Document, DocumentVersion
from tests import factories
from tests.factories import CaseFactory, sheet_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    """Led by planning, reviewed by building."""
    return CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["building"]])


@pytest.fixture
def planner(demo, api_as):
    return api_as(demo.planner)


def post_document(client, case, data=None, **fields):
    form = {"title": "Architectural plan set", **fields}
    if data is not None:
        form["file"] = upload("plan set.pdf", data)
    return client.post(f"/api/cases/{case.pk}/documents/", form, format="multipart")


# --- accepted -------------------------------------------------------------------------


def test_uploading_a_plan_set_answers_201_processing_and_processes_after_commit(case, planner, after_commit):
    with after_commit():
        response = post_document(planner, case, sheet_pdf(pages=2))

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("title",)} == {"title": "Architectural plan set"}
    assert isinstance(body["id"], int)
    (version,) = body["versions"]
    assert {key: version[key] for key in ("number", "status")} == {"number": 1, "status": "processing"}
    assert DocumentVersion.objects.get(pk=version["id"]).status == "ready"
    detail = planner.get(f"/api/versions/{version['id']}/").json()
    assert (detail["status"], detail["page_count"], len(detail["pages"])) == ("ready", 2, 2)


@pytest.mark.django_db(transaction=True)
def test_the_answer_says_processing_even_when_the_task_has_already_run(demo, api_as):
    """With real commits and tasks run synchronously at commit (CELERY_EAGER_IN_BACKGROUND off, or a
    fast worker), processing may finish before the view renders its answer; the contract's answer
    is still the version as uploaded: `processing`."""
    case = CaseFactory(lead_department=demo.departments["planning"])

    response = post_document(api_as(demo.planner), case, sheet_pdf())

    assert response.status_code == 201
    assert DocumentVersion.objects.get().status == "ready"  # the task did run, at commit
    assert response.json()["versions"][0]["status"] == "processing"


def test_a_resubmittal_answers_201_with_the_next_version_number(case, planner, after_commit):
    document_id = post_document(planner, case, sheet_pdf()).json()["id"]
    data = sheet_pdf(labels=["A-101R"])

    with after_commit():
        response = planner.post(
            f"/api/documents/{document_id}/versions/", {"file": upload("rev1.pdf", data)}, format="multipart"
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["document"], body["number"], body["status"]) == (document_id, 2, "processing")
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["file_url"] == f"/api/versions/{body['id']}/file/"
    assert DocumentVersion.objects.get(pk=body["id"]).status == "ready"


def test_a_resubmittal_identical_to_the_latest_version_is_refused_saying_so(case, planner, after_commit):
    data = sheet_pdf()
    document_id = post_document(planner, case, data).json()["id"]
    first = DocumentVersion.objects.get()

    response = planner.post(f"/api/documents/{document_id}/versions/", {"file": upload(data=data)}, format="multipart")

    assert response.status_code == 400
    assert "identical to version 1" in response.json()["file"][0]
    assert list(DocumentVersion.objects.all()) == [first]
    assert default_storage.exists(first.file.name)  # the refusal did not take the stored file with it


def test_the_kind_may_be_given(case, planner):
    response = post_document(planner, case, sheet_pdf(), kind="report")

    assert response.status_code == 201
    assert Document.objects.get().kind == "report"


def test_a_token_uploads_as_well_as_a_session(demo, case, settings):
    from rest_framework.test import APIClient

    token = (
        APIClient()
        .post("/api/auth/token/", {"username": "planner", "password": settings.DEMO_PASSWORD})
        .json()["token"]
    )
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert post_document(client, case, sheet_pdf()).status_code == 201


# --- refused, with nothing stored ---------------------------------------------------------------


@pytest.fixture
def nothing_stored(case, media_files):
    yield
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert media_files() == []


@pytest.fixture
def nothing_added(case, planner, media_files):
    """A document with one version; afterwards, checks the refused resubmittal added nothing."""
    document = Document.objects.get(pk=post_document(planner, case, sheet_pdf()).json()["id"])
    files = media_files()
    yield document
    assert [v.number for v in DocumentVersion.objects.all()] == [1]
    assert media_files() == files


REFUSALS = [
    ("zero bytes", b"", "The file is empty."),
    ("html renamed .pdf", factories.html_as_pdf(), "This is not a PDF file: it does not start with a PDF header."),
    (
        "first half",
        factories.truncated(sheet_pdf(pages=3)),
        "The PDF is truncated: its end is missing. Upload the complete file again.",
    ),
    ("noise after the header", factories.garbage_pdf(), "The PDF is damaged and cannot be read."),
    ("password", sheet_pdf(encrypt="secret"), "The PDF is password-protected. Upload a copy saved without a password."),
    (
        "300-inch page",
        sheet_pdf(size=(300 * 72, 300 * 72)),
        "Page 1 measures 300.0 × 300.0 in; pages must be between 0.01 and 200 in on a side.",
    ),
    ("page count bomb", factories.page_tree_bomb_pdf(), "The PDF has 10000 pages; at most 2000 are accepted."),
]


@pytest.mark.parametrize("data, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_document_we_cannot_take_is_400_with_the_reason(case, planner, nothing_stored, data, message):
    response = post_document(planner, case, data)

    assert response.status_code == 400
    assert response.json() == {"file": [message]}


@pytest.mark.parametrize("data, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_resubmittal_we_cannot_take_is_400_with_the_reason(planner, nothing_added, data, message):
    response = planner.post(
        f"/api/documents/{nothing_added.pk}/versions/", {"file": upload(data=data)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"file": [message]}


def test_too_many_pages_is_400(case, planner, nothing_stored, settings):
    settings.MAX_PAGES = 2

    response = post_document(planner, case, sheet_pdf(pages=3))

    assert (response.status_code, response.json()) == (400, {"file": ["The PDF has 3 pages; at most 2 are accepted."]})


def test_a_missing_file_is_400(case, planner, nothing_stored):
    response = post_document(planner, case)

    assert (response.status_code, response.json()) == (400, {"file": ["Choose a PDF file to upload."]})


def test_a_missing_file_in_a_resubmittal_is_400(planner, nothing_added):
    response = planner.post(f"/api/documents/{nothing_added.pk}/versions/", {}, format="multipart")

    assert (response.status_code, response.json()) == (400, {"file": ["Choose a PDF file to upload."]})


def test_an_unknown_kind_is_400(case, planner, nothing_stored):
    response = post_document(planner, case, sheet_pdf(), kind="blueprint")

    assert (response.status_code, response.json()) == (
        400,
        {"kind": ["Unknown kind 'blueprint'; one of plan_set, report, form."]},
    )


def test_json_instead_of_a_form_is_415(case, planner, nothing_stored):
    response = planner.post(f"/api/cases/{case.pk}/documents/", {"title": "Plans"}, format="json")

    assert response.status_code == 415


# --- too large: 413 -------------------------------------------------------------------------------


def padded_pdf(megabytes):
    """A valid PDF padded with a comment to about `megabytes` MB."""
    return sheet_pdf() + b"%" + b"x" * int(megabytes * 1024 * 1024) + b"\n%%EOF\n"


def test_a_file_far_over_the_limit_is_413_from_its_declared_length(case, planner, nothing_stored, settings):
    settings.MAX_UPLOAD_MB = 1

    response = post_document(planner, case, padded_pdf(3))

    assert response.status_code == 413
    assert response.json()["detail"].endswith("uploads are limited to 1 MB.")


def test_a_file_just_over_the_limit_is_413_from_its_size(case, planner, nothing_stored, settings):
    """Within the allowance made for the form around the file, the file's own size decides."""
    settings.MAX_UPLOAD_MB = 1

    response = post_document(planner, case, padded_pdf(1.01))

    assert response.status_code == 413
    assert response.json() == {"detail": "The file is 1.0 MB; uploads are limited to 1 MB."}


def test_a_resubmittal_over_the_limit_is_413(planner, nothing_added, settings):
    settings.MAX_UPLOAD_MB = 1

    response = planner.post(
        f"/api/documents/{nothing_added.pk}/versions/", {"file": upload(data=padded_pdf(3))}, format="multipart"
    )

    assert response.status_code == 413


def test_a_file_under_the_limit_is_taken(case, planner, settings):
    settings.MAX_UPLOAD_MB = 1

    assert post_document(planner, case, padded_pdf(0.9)).status_code == 201


def test_an_oversized_upload_is_refused_before_its_body_is_read(case, demo, settings, monkeypatch, nothing_stored):
    """The size is checked before the body is parsed (DESIGN: "size bounded before parsing"), for a
    browser's session (which sends its CSRF token in a header) as for a token."""
    from django.core.files import uploadhandler
    from rest_framework.test import APIClient

    settings.MAX_UPLOAD_MB = 1
    received = []
    original = uploadhandler.MemoryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        uploadhandler.MemoryFileUploadHandler,
        "receive_data_chunk",
        lambda self, raw_data, start: received.append(len(raw_data)) or original(self, raw_data, start),
    )
    monkeypatch.setattr(
        uploadhandler.TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda self, raw_data, start: received.append(len(raw_data)),
    )
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(demo.planner)
    client.get("/accounts/login/")

    response = client.post(
        f"/api/cases/{case.pk}/documents/",
        {"title": "Plans", "file": upload(data=padded_pdf(3))},
        format="multipart",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert response.status_code == 413
    assert sum(received) == 0, f"{sum(received)} bytes of the upload were read before it was refused"


# --- who may upload ----------------------------------------------------------------------------------


def test_a_reviewer_who_may_see_but_not_upload_is_403_with_the_reason(demo, case, api_as, nothing_stored):
    response = post_document(api_as(demo.building), case, sheet_pdf())

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only members of the lead department and the applicant can upload documents to this case."
    }


def test_an_outsider_uploading_is_404(demo, case, api_as, nothing_stored):
    response = post_document(api_as(demo.fire), case, sheet_pdf())

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_uploading_to_an_unknown_case_is_404(planner, nothing_stored):
    response = planner.post("/api/cases/999999/documents/", {"file": upload()}, format="multipart")

    assert response.status_code == 404
