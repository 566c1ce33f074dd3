"""The copy of each upload arranged for the viewer, and serving it in place of the upload."""

import json
import logging

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage

from documents import pdf
from documents.models import DocumentVersion
from documents.services import intake
from tests.factories import ARCH_D, raw_pdf, sheet_pdf

WIDTH, HEIGHT = ARCH_D


pytest_db = pytest.mark.django_db

# --- the web copy ---------------------------------------------------------------------------------


def page_dictionary_places(path):
    """Where each page's dictionary sits: the byte offset of its object, or of the object stream holding it."""
    data = path.read_bytes()
    with pikepdf.open(path) as document:
        holder = {}
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/ObjStm":
                numbers = obj.read_bytes()[: int(obj.First)].split()[::2]
                holder.update({int(number): obj.objgen[0] for number in numbers})
        numbers = [page.objgen[0] for page in document.pages]
    return [data.index(f"\n{holder.get(number, number)} 0 obj".encode()) for number in numbers]


def test_the_web_copy_packs_the_page_dictionaries_at_the_start(tmp_path):
    path = tmp_path / "set.pdf"
    path.write_bytes(sheet_pdf(pages=30))
    assert len(set(page_dictionary_places(path))) == 30  # reportlab: one object per page, spread out

    with pdf.WebCopy(path, tmp_path / "web.pdf") as web_copy:
        assert web_copy.wait() == 30

    places = page_dictionary_places(tmp_path / "web.pdf")
    assert len(set(places)) == 1  # one object stream
    assert max(places) < 1024
    original, copy = pdfium.PdfDocument(path), pdfium.PdfDocument(tmp_path / "web.pdf")
    assert len(copy) == len(original)
    for index in range(len(original)):
        assert copy[index].get_size() == original[index].get_size()
        assert copy[index].get_textpage().get_text_bounded() == original[index].get_textpage().get_text_bounded()


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def looping_page_tree_pdf():
    """An empty branch of the page tree lists itself as its kid: PDFium reads the one page, qpdf refuses the file."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 1 >>",
            PAGE,
            b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 0 >>",
        ]
    )


def page_listed_twice_pdf():
    """One page object listed twice, without resources: PDFium reads two pages, qpdf repairs the file."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>", PAGE])


@pytest.mark.parametrize("data", [looping_page_tree_pdf(), page_listed_twice_pdf()], ids=["refused", "repaired"])
def test_a_file_qpdf_refuses_or_repairs_gets_no_web_copy(tmp_path, data, caplog):
    path = tmp_path / "odd.pdf"
    path.write_bytes(data)
    assert pdf.inspect(path)  # PDFium takes it

    with caplog.at_level(logging.WARNING, logger="documents.pdf"), pdf.WebCopy(path, tmp_path / "web.pdf") as web:
        assert web.wait() is None

    assert "no web copy" in caplog.text


@pytest_db
def test_processing_stores_the_web_copy_beside_the_upload(uploaded):
    version = uploaded(sheet_pdf(pages=3))

    intake.process_version(version.pk)

    version.refresh_from_db()
    assert version.status == "ready"
    assert version.web_file.name == f"versions/{version.sha256[:2]}/{version.sha256}.web.pdf"
    with default_storage.open(version.web_file.name) as file:
        assert len(pdfium.PdfDocument(file.read())) == 3


@pytest_db
def test_a_file_without_a_web_copy_is_still_processed(uploaded):
    version = uploaded(looping_page_tree_pdf())

    assert intake.process_version(version.pk) == "ready"

    version.refresh_from_db()
    assert (version.web_file.name, version.page_count) == ("", 1)


@pytest_db
def test_a_copy_with_other_pages_than_pdfium_read_is_not_kept(uploaded, monkeypatch, media_files):
    monkeypatch.setattr(pdf.WebCopy, "wait", lambda self: 2)
    version = uploaded(sheet_pdf(pages=3))

    intake.process_version(version.pk)

    version.refresh_from_db()
    assert (version.status, version.web_file.name) == ("ready", "")
    assert not any(name.endswith(".web.pdf") for name in media_files())


@pytest_db
def test_identical_files_share_one_web_copy_made_once(uploaded, monkeypatch):
    data = sheet_pdf(pages=2)
    first, second = uploaded(data), uploaded(data)
    intake.process_version(first.pk)
    made = []
    monkeypatch.setattr(pdf, "WebCopy", lambda *args: made.append(args))

    intake.process_version(second.pk)

    second.refresh_from_db()
    assert made == []
    assert second.web_file.name == DocumentVersion.objects.get(pk=first.pk).web_file.name != ""


# --- serving it ---------------------------------------------------------------------------------------


@pytest.fixture
def processed(uploaded, api_as, demo):
    """A ready version with its web copy, and a client of the lead department."""
    version = uploaded(sheet_pdf(pages=3))
    intake.process_version(version.pk)
    version.refresh_from_db()
    return version, api_as(demo.planner)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(name):
    with default_storage.open(name) as file:
        return file.read()


@pytest_db
def test_the_viewer_gets_the_web_copy_and_original_1_the_upload(processed):
    version, client = processed
    url = f"/api/versions/{version.pk}/file/"

    web, original = client.get(url), client.get(url, {"original": "1"})

    assert body(web) == stored(version.web_file.name) != stored(version.file.name)
    assert body(original) == stored(version.file.name)
    assert web["Content-Disposition"] == original["Content-Disposition"]
    assert (web["ETag"], original["ETag"]) == (f'"{version.sha256}.web"', f'"{version.sha256}"')


@pytest_db
def test_ranges_come_from_the_web_copy(processed):
    version, client = processed

    response = client.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{version.web_file.size}"
    assert body(response) == stored(version.web_file.name)[:100]


@pytest_db
def test_a_range_of_other_content_than_the_client_holds_is_answered_whole(processed):
    """If-Range names what the client cached part of (the upload, say): a range of the copy would not fit it."""
    version, client = processed
    url = f"/api/versions/{version.pk}/file/"

    stale = client.get(url, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE=f'"{version.sha256}"')
    fresh = client.get(url, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE=f'"{version.sha256}.web"')

    assert (stale.status_code, fresh.status_code) == (200, 206)
    assert body(stale) == stored(version.web_file.name)


@pytest_db
def test_a_version_without_a_web_copy_serves_the_upload(processed):
    version, client = processed
    DocumentVersion.objects.filter(pk=version.pk).update(web_file="")

    response = client.get(f"/api/versions/{version.pk}/file/")

    assert body(response) == stored(version.file.name)


@pytest_db
def test_a_range_request_takes_three_queries(processed, django_assert_num_queries):
    """The session, its user, the version with the permission check: nothing per byte or per file."""
    version, client = processed

    with django_assert_num_queries(3):
        assert client.get(f"/api/versions/{version.pk}/file/", HTTP_RANGE="bytes=0-65535").status_code == 206


@pytest_db
def test_the_version_json_is_unchanged_by_the_web_copy(processed):
    version, client = processed

    data = client.get(f"/api/versions/{version.pk}/").json()

    assert data["file_url"] == f"/api/versions/{version.pk}/file/"
    assert "web_file" not in json.dumps(data)
