"""Reading documents and versions: GET /api/documents/{id}/, /api/versions/{id}/, the PDF itself with
HTTP range requests (PDF.js fetches only what it draws), and each page's thumbnail."""

import pytest
from django.core.files.storage import default_storage
from django.utils.http import content_disposition_header

from tests.factories import CaseFactory, DocumentFactory, VersionFactory, png_bytes, sheet_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    return CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])


@pytest.fixture
def version(case):
    """A ready two-page version of "Architectural plan set"."""
    return VersionFactory(document=DocumentFactory(case=case, title="Architectural plan set"), page_count=2)


@pytest.fixture
def fire(demo, api_as):
    return api_as(demo.fire)


def content(version):
    with default_storage.open(version.file.name) as file:
        return file.read()


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- GET /api/versions/{id}/ ------------------------------------------------------------------------


def test_a_version_has_the_contracts_fields(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"id", "document", "number", "status", "error", "page_count", "sha256", "file_url", "pages"}
    assert body["id"] == version.pk
    assert body["document"] == version.document_id
    assert (body["number"], body["status"], body["error"], body["page_count"]) == (1, "ready", "", 2)
    assert body["sha256"] == version.sha256
    assert body["file_url"] == f"/api/versions/{version.pk}/file/"
    page_fields = ("number", "width", "height", "label", "thumbnail_url")  # the contract's; more may follow
    assert [{key: page[key] for key in page_fields} for page in body["pages"]] == [
        {
            "number": number,
            "width": 2592.0,
            "height": 1728.0,
            "label": f"A-{100 + number}",
            "thumbnail_url": f"/api/versions/{version.pk}/pages/{number}/thumbnail/",
        }
        for number in (1, 2)
    ]


def test_a_processed_upload_reads_back_with_real_pages(demo, case, api_as, after_commit):
    planner = api_as(demo.planner)
    with after_commit():
        document = planner.post(
            f"/api/cases/{case.pk}/documents/",
            {"title": "Plans", "file": upload(data=sheet_pdf(pages=2, labels=["A-101", "S2.01"]))},
            format="multipart",
        ).json()

    body = planner.get(f"/api/versions/{document['versions'][0]['id']}/").json()

    assert (body["status"], body["page_count"]) == ("ready", 2)
    assert [(p["number"], p["width"], p["height"], p["label"], p["title"]) for p in body["pages"]] == [
        (1, 2592.0, 1728.0, "A-101", ""),  # a title block without a captioned title
        (2, 2592.0, 1728.0, "S2.01", ""),
    ]
    assert planner.get(body["pages"][1]["thumbnail_url"]).status_code == 200
    assert planner.get(body["file_url"]).status_code == 200


def test_a_version_still_processing_has_no_pages_yet(case, fire):
    version = VersionFactory(document=DocumentFactory(case=case), status="processing", page_count=3, pages_done=0)

    body = fire.get(f"/api/versions/{version.pk}/").json()

    assert (body["status"], body["page_count"], body["pages"]) == ("processing", 3, [])


def test_a_failed_version_says_why(case, fire):
    version = VersionFactory(
        document=DocumentFactory(case=case), status="failed", error="Rendering page 4 took longer than 30 s; gave up."
    )

    body = fire.get(f"/api/versions/{version.pk}/").json()

    assert (body["status"], body["error"], body["pages"]) == (
        "failed",
        "Rendering page 4 took longer than 30 s; gave up.",
        [],
    )


def test_an_unknown_version_is_404(fire):
    assert fire.get("/api/versions/999999/").status_code == 404


# --- GET /api/documents/{id}/ ---------------------------------------------------------------------------


def test_a_document_lists_its_versions_in_order(case, fire):
    document = DocumentFactory(case=case, title="Plans")
    VersionFactory(document=document)
    VersionFactory(document=document, status="processing", pages_done=0)

    body = fire.get(f"/api/documents/{document.pk}/").json()

    assert (body["id"], body["case"], body["title"], body["kind"]) == (document.pk, case.pk, "Plans", "plan_set")
    assert [(v["number"], v["status"]) for v in body["versions"]] == [(1, "ready"), (2, "processing")]


# --- GET /api/versions/{id}/file/ --------------------------------------------------------------------------


def test_the_whole_file_without_a_range(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Accept-Ranges"] == "bytes"
    assert int(response["Content-Length"]) == version.size
    assert body_of(response) == content(version)
    assert response["Content-Disposition"] == content_disposition_header(
        False, f"{version.document.case.number}-Architectural plan set-v1.pdf"
    )


def test_the_first_hundred_bytes(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{version.size}"
    assert response["Content-Length"] == "100"
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == content(version)[:100]


def test_a_range_in_the_middle(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=100-199")

    assert (response.status_code, response["Content-Range"]) == (206, f"bytes 100-199/{version.size}")
    assert body_of(response) == content(version)[100:200]


def test_the_last_bytes_of_the_file(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=-100")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {version.size - 100}-{version.size - 1}/{version.size}"
    assert body_of(response) == content(version)[-100:]


def test_from_an_offset_to_the_end(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE=f"bytes={version.size - 10}-")

    assert response["Content-Range"] == f"bytes {version.size - 10}-{version.size - 1}/{version.size}"
    assert body_of(response) == content(version)[-10:]


def test_a_range_past_the_end_is_cut_to_the_file(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=0-99999999")

    assert (response.status_code, response["Content-Range"]) == (206, f"bytes 0-{version.size - 1}/{version.size}")
    assert body_of(response) == content(version)


def test_a_suffix_longer_than_the_file_is_the_whole_file(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=-99999999")

    assert (response.status_code, response["Content-Range"]) == (206, f"bytes 0-{version.size - 1}/{version.size}")


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0"])
def test_a_range_outside_the_file_is_416(version, fire, header):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE=header.format(size=version.size))

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{version.size}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "pages=1-2", "bytes=-", "bytes=a-b"])
def test_a_range_we_do_not_serve_gets_the_whole_file(version, fire, header):
    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE=header)

    assert response.status_code == 200
    assert body_of(response) == content(version)


def test_a_large_range_streams(version, fire, monkeypatch):
    from civicreview import ranges

    monkeypatch.setattr(ranges, "IN_MEMORY", 10)
    monkeypatch.setattr(ranges, "CHUNK", 7)

    response = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=5-104")

    assert response.streaming
    assert (response.status_code, response["Content-Length"]) == (206, "100")
    assert body_of(response) == content(version)[5:105]


@pytest.mark.parametrize("title", ['The "final" set', "Ground floor — rev. Ü"])
def test_a_range_names_the_file_as_the_whole_download_does(case, fire, title):
    """Quotes and accents in a title: the 206 answer's Content-Disposition is built like the 200 one's
    (quotes escaped, RFC 5987 for non-ASCII), not by pasting the title between quotes."""
    version = VersionFactory(document=DocumentFactory(case=case, title=title))
    expected = content_disposition_header(False, f"{case.number}-{title}-v1.pdf")

    whole = fire.get(f"/api/versions/{version.pk}/file/")
    part = fire.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=0-9")

    assert (whole.status_code, part.status_code) == (200, 206)
    assert whole["Content-Disposition"] == expected
    assert part["Content-Disposition"] == expected


def test_a_title_with_a_line_break_still_downloads(demo, case, api_as):
    """The title is the uploader's free text; a line break in it must not make the file undownloadable
    (a header value cannot hold one)."""
    planner = api_as(demo.planner)
    document = planner.post(
        f"/api/cases/{case.pk}/documents/",
        {"title": "Plans\r\nSet-Cookie: x=1", "file": upload(data=sheet_pdf())},
        format="multipart",
    ).json()
    version_id = document["versions"][0]["id"]

    for headers in ({}, {"HTTP_RANGE": "bytes=0-9"}):
        response = planner.get(f"/api/versions/{version_id}/file/", **headers)
        assert response.status_code in (200, 206)
        assert "\n" not in response["Content-Disposition"]
        assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]


def test_the_file_may_be_cached_only_privately(version, fire):
    assert fire.get(f"/api/versions/{version.pk}/file/")["Cache-Control"] == "private, max-age=3600"


# --- GET /api/versions/{id}/pages/{n}/thumbnail/ --------------------------------------------------------------


def test_a_pages_thumbnail_is_a_png(version, fire):
    response = fire.get(f"/api/versions/{version.pk}/pages/2/thumbnail/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body_of(response) == png_bytes()


def test_a_page_that_does_not_exist_has_no_thumbnail(version, fire):
    assert fire.get(f"/api/versions/{version.pk}/pages/3/thumbnail/").status_code == 404


def test_a_page_without_a_thumbnail_is_404_not_an_error(version, fire):
    version.pages.filter(number=2).update(thumbnail="")

    assert fire.get(f"/api/versions/{version.pk}/pages/2/thumbnail/").status_code == 404


def test_a_documents_versions_take_a_fixed_number_of_queries(case, fire, django_assert_max_num_queries):
    document = DocumentFactory(case=case)
    for _ in range(6):
        VersionFactory(document=document, page_count=1)

    with django_assert_max_num_queries(6):
        assert len(fire.get(f"/api/documents/{document.pk}/").json()["versions"]) == 6
