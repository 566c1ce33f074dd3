"""Every PDF of the corpus through the real door: uploaded through the API, then processed.

Our own files are in tests/data/pdf/ (made by make_corpus.py, described in its MANIFEST.tsv).
When ../shared/corpus/pdf/ sits beside the repository, its files are swept too; without it the
project stands alone and only our own are.
"""

import csv
import re
from pathlib import Path

import pytest

from documents.models import Document, DocumentVersion
from tests.factories import CaseFactory, upload

ROOT = Path(__file__).resolve().parents[2]
OWN = ROOT / "tests" / "data" / "pdf"
SHARED = ROOT / ".." / "shared" / "corpus" / "pdf"

# What the MANIFEST's class promises is the outcome (refused, ready, failed) and a message a user
# understands; which of these wordings a damaged file meets depends on where PDFium notices.
CANNOT_READ = (
    r"^(The file is empty\.|This is not a PDF file: .*|The PDF is truncated: .*"
    r"|The PDF is damaged and cannot be read\.|Page \d+ is damaged and cannot be read\.)$"
)
REFUSALS = {
    "invalid": CANNOT_READ,
    "encrypted": r"^The PDF (is password-protected|uses an unsupported security handler)\. Upload a copy saved without (a password|protection)\.$",
    "page-size": r"^Page \d+ measures .* in; pages must be between 0\.01 and 200 in on a side\.$",
    "page-count": r"^The PDF has \d+ pages; at most \d+ are accepted\.$",
    "memory": r"^Reading page \d+ needed more than \d+ MB of memory; gave up\.$",
}
ANY_REFUSAL = "|".join(f"(?:{pattern})" for pattern in REFUSALS.values())
PROCESSING_FAILURE = (
    r"^(Rendering page \d+ (took longer than \d+ s|needed more than \d+ MB of memory|failed: .*); gave up\.?"
    r"|Rendering page \d+ failed: .*|Page \d+ is damaged and cannot be read\.|The PDF .*)$"
)
# Tighter than production, so that the hostile files fail fast; every valid page here draws in
# well under a second and within 100 MB.
RENDER_DEADLINE_S = 8  # generous: a loaded machine runs two sandboxes per document
SANDBOX_MEMORY_MB = 512


def manifest(folder, source):
    path = folder / "MANIFEST.tsv"
    if not path.exists():
        return []
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    return [
        pytest.param(folder / row["file"], row["expect"], row.get("pages", "-"), id=f"{source}/{row['file']}")
        for row in rows
    ]


CORPUS = manifest(OWN, "own") + manifest(SHARED, "shared")


def test_our_own_corpus_is_all_listed_and_all_there():
    listed = {row.values[0].name for row in manifest(OWN, "own")}
    present = {path.name for path in OWN.glob("*.pdf")}

    assert listed == present
    assert {row.values[1] for row in manifest(OWN, "own")} <= {"valid", "edge", "render-fails", *REFUSALS}


@pytest.fixture
def case(demo):
    return CaseFactory(lead_department=demo.departments["planning"])


@pytest.mark.django_db
@pytest.mark.parametrize("path, expect, pages", CORPUS)
def test_corpus_file(path, expect, pages, demo, case, api_as, after_commit, media_files, settings):
    settings.PDF_RENDER_TIMEOUT_S = RENDER_DEADLINE_S
    settings.PDF_SANDBOX_MEMORY_MB = SANDBOX_MEMORY_MB
    planner = api_as(demo.planner)

    with after_commit():
        response = planner.post(
            f"/api/cases/{case.pk}/documents/",
            {"title": path.stem, "file": upload(path.name, path.read_bytes())},
            format="multipart",
        )

    if expect in REFUSALS:
        assert response.status_code == 400, f"{path.name} was taken: {response.content[:300]!r}"
        assert_refused(response, REFUSALS[expect], media_files)
        return
    if expect == "edge" and response.status_code == 400:
        assert_refused(response, ANY_REFUSAL, media_files)
        return

    assert response.status_code == 201, f"{path.name} was refused: {response.content[:300]!r}"
    version = DocumentVersion.objects.get(pk=response.json()["versions"][0]["id"])
    if expect == "valid" or (expect == "edge" and version.status == "ready"):
        assert (version.status, version.error) == ("ready", "")
        assert_pages(version, pages)
    elif expect in ("render-fails", "edge"):
        assert version.status == "failed", f"{path.name} ended {version.status}"
        assert re.match(PROCESSING_FAILURE, version.error), version.error
        assert not version.pages.exists()
    else:
        pytest.fail(f"unknown expectation {expect!r} for {path.name}")


def assert_refused(response, pattern, media_files):
    (message,) = response.json()["file"]
    assert re.match(pattern, message), message
    assert not Document.objects.exists()
    assert media_files() == []


def assert_pages(version, pages):
    assert version.page_count == version.pages_done == version.pages.count()
    if pages not in ("", "-"):
        assert version.page_count == int(pages)
    assert list(version.pages.values_list("number", flat=True)) == list(range(1, version.page_count + 1))
    assert all(page.thumbnail and page.width > 0 and page.height > 0 for page in version.pages.all())
