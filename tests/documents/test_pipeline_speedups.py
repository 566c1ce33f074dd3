"""What makes intake fast: the sheet label read in order of score, pages rendered by several sandbox
children at once and merged in page order, page rows saved in batches, and a copy of the PDF arranged
for the viewer (page dictionaries packed at the start), served in place of the upload."""

import io
import json
import logging
import random
import stat
import sys
import textwrap
import time

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from documents import pdf
from documents.models import DocumentVersion
from documents.pdf import sandbox
from documents.pdf.sheet_labels import best_label, best_label_reading_least
from documents.services import intake
from tests.factories import ARCH_D, CaseFactory, raw_pdf, sheet_pdf, upload

WIDTH, HEIGHT = ARCH_D


# --- the sheet label, reading as little text as possible --------------------------------------------


def run(text, left, bottom, size):
    return (text, left, bottom, left + size * 0.6 * max(len(text), 1), bottom + size)


def reading_least(runs, width=WIDTH, height=HEIGHT):
    """best_label_reading_least on `runs`, and the indexes of the runs whose text it read."""
    read = []

    def text_of(index):
        read.append(index)
        return runs[index][0]

    return best_label_reading_least([r[1:] for r in runs], text_of, width, height), read


def random_runs(seed):
    """A page's worth of text runs: notes, references to other sheets, numbers in and out of the title block."""
    rng = random.Random(seed)
    words = ["A-101", "S2.01", "FP-1", "NOTE", "A-501", "M-101A", "2026", "ROOF PLAN", "E-1", " A-102 ", ""]
    return [
        run(rng.choice(words), rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT), rng.choice([6, 10, 10, 14, 24, 36]))
        for _ in range(rng.randint(0, 60))
    ]


@pytest.mark.parametrize("seed", range(200))
def test_reading_in_order_of_score_gives_best_labels_answer(seed):
    runs = random_runs(seed)

    assert reading_least(runs)[0] == best_label(runs, WIDTH, HEIGHT)


def test_equal_scores_keep_the_earlier_run_as_best_label_does():
    runs = [run("A-101", 300, 300, 24), run("A-102", 600, 600, 24)]

    assert reading_least(runs)[0] == best_label(runs, WIDTH, HEIGHT) == "A-101"


def test_the_text_is_read_only_until_a_sheet_number_is_found():
    notes = [run(f"NOTE {n}", 100, 100 + 20 * n, 10) for n in range(50)]
    runs = [*notes, run("A-101", WIDTH - 200, 40, 30), run("GENERAL NOTES", 100, HEIGHT - 100, 40)]

    label, read = reading_least(runs)

    assert label == "A-101"
    assert read == [50]  # the title block number scores highest: nothing else is read


def test_runs_that_cannot_score_are_not_read():
    label, read = reading_least([run("A-101", 300, 300, 0)])

    assert (label, read) == ("", [])


# --- text rectangles as the sheet is displayed ------------------------------------------------------


class FakePage:
    def __init__(self, rotation, cropbox=(0, 0, 100, 200)):
        self.rotation, self.cropbox = rotation, cropbox

    def get_rotation(self):
        return self.rotation

    def get_cropbox(self):
        return self.cropbox


@pytest.mark.parametrize(
    ("rotation", "displayed"),
    [
        (0, (10, 20, 30, 25)),
        (90, (20, 70, 25, 90)),  # turned clockwise: the stored left edge is displayed at the top
        (180, (70, 175, 90, 180)),
        (270, (175, 10, 180, 30)),
    ],
)
def test_a_text_rectangle_is_turned_as_the_page_is_displayed(rotation, displayed):
    as_displayed = sandbox.display_transform(FakePage(rotation))

    assert as_displayed((10, 20, 30, 25)) == pytest.approx(displayed)


def test_the_crop_box_corner_is_the_displayed_origin():
    as_displayed = sandbox.display_transform(FakePage(0, cropbox=(50, 60, 150, 260)))

    assert as_displayed((60, 80, 70, 90)) == pytest.approx((10, 20, 20, 30))


def test_a_sheet_turned_upside_down_is_read_as_displayed(tmp_path):
    data = sheet_pdf(labels=["A-101"], notes=["SEE A-501"])
    with pikepdf.open(io.BytesIO(data)) as document:
        document.pages[0].Rotate = 180  # the title block is now shown at the top-left
        document.save(tmp_path / "turned.pdf")

    (page,) = pdf.render(tmp_path / "turned.pdf", tmp_path)

    assert page.label == "A-101"  # still the largest number, only no longer in the title block's place


# --- pages split between sandbox children -------------------------------------------------------


@pytest.mark.parametrize(("count", "parts"), [(100, 2), (7, 3), (1, 1), (5, 5), (2, 4), (1, 2), (13, 1)])
def test_the_ranges_cover_every_page_once_in_order_and_evenly(count, parts):
    ranges = [sandbox.page_range(count, part, parts) for part in range(parts)]

    assert [index for pages in ranges for index in pages] == list(range(count))
    lengths = [len(pages) for pages in ranges if pages]
    assert len(lengths) == min(count, parts)
    assert max(lengths) - min(lengths) <= 1
    assert all(ranges[: len(lengths)])  # the empty ones, if any, come last


def test_the_number_of_children_is_the_setting_at_most_one_per_cpu(settings, monkeypatch):
    settings.PDF_RENDER_PROCESSES = 4
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 2)
    assert pdf.render_processes() == 2

    settings.PDF_RENDER_PROCESSES = 1
    assert pdf.render_processes() == 1

    settings.PDF_RENDER_PROCESSES = 0
    assert pdf.render_processes() == 1


@pytest.fixture
def processes(settings, monkeypatch):
    """`processes(n)`: render with n sandbox children, whatever the machine's CPUs."""

    def use(count):
        settings.PDF_RENDER_PROCESSES = count
        monkeypatch.setattr(pdf.os, "cpu_count", lambda: 8)

    return use


def rendered(path, outdir):
    outdir.mkdir(exist_ok=True)
    pages = []
    for page in pdf.render(path, outdir):
        with Image.open(page.thumbnail) as thumbnail:  # on disk, whole, when the page is reported
            thumbnail.load()
            pages.append((page.number, page.label, page.width, page.height, page.text, thumbnail.size))
    return pages


def test_several_children_give_the_same_pages_in_page_order_as_one(processes, tmp_path):
    path = tmp_path / "set.pdf"
    path.write_bytes(sheet_pdf(pages=7))
    processes(1)
    alone = rendered(path, tmp_path / "alone")

    processes(3)
    shared = rendered(path, tmp_path / "shared")

    assert shared == alone
    assert [number for number, *_ in shared] == [1, 2, 3, 4, 5, 6, 7]
    assert [label for _, label, *_ in shared] == [f"A-{100 + n}" for n in range(1, 8)]


def test_more_children_than_pages_render_each_page_once(processes, tmp_path):
    path = tmp_path / "one.pdf"
    path.write_bytes(sheet_pdf(pages=2))
    processes(4)

    assert [page[0] for page in rendered(path, tmp_path)] == [1, 2]


@pytest.fixture
def fake_sandbox(tmp_path, monkeypatch):
    """`fake_sandbox(script)`: the sandbox command replaced by a Python script that receives its arguments:
    -m documents.pdf.sandbox render FILE OUTDIR WIDTH PART PARTS."""

    def install(body):
        script = tmp_path / "fake-sandbox"
        script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setattr(pdf, "sys", type("FakeSys", (), {"executable": str(script)}))

    return install


FAKE_PAGES = """
import json, os, signal, sys, time
outdir, part, parts = sys.argv[5], int(sys.argv[7]), int(sys.argv[8])
first = 1 + 3 * part  # three pages per part

def page(number):
    line = {"number": number, "width": 612.0, "height": 792.0, "rotation": 0, "label": "", "text": ""}
    print(json.dumps({**line, "thumbnail": f"{outdir}/{number}.png"}), flush=True)
"""


def test_a_crash_in_a_later_child_fails_the_render_naming_its_page(processes, fake_sandbox, tmp_path):
    processes(2)
    fake_sandbox(
        FAKE_PAGES
        + """
        if part == 0:
            for number in (1, 2, 3):
                page(number)
        else:
            page(4)
            os.kill(os.getpid(), signal.SIGSEGV)
        """.replace("\n        ", "\n")
    )

    numbers = []
    with pytest.raises(pdf.PdfError) as refused:
        for page in pdf.render(tmp_path / "any.pdf", tmp_path):
            numbers.append(page.number)

    assert numbers == [1, 2, 3, 4]
    assert refused.value.message == "Rendering page 5 failed: the PDF is damaged or uses features we cannot read."


def test_a_later_child_that_hangs_is_given_up_naming_its_page(processes, fake_sandbox, tmp_path, settings):
    settings.PDF_RENDER_TIMEOUT_S = 1
    processes(2)
    fake_sandbox(
        FAKE_PAGES
        + """
        for number in range(first, first + (3 if part == 0 else 1)):
            page(number)
        time.sleep(0 if part == 0 else 60)
        """.replace("\n        ", "\n")
    )

    with pytest.raises(pdf.PdfError) as refused:
        list(pdf.render(tmp_path / "any.pdf", tmp_path))

    assert refused.value.message == "Rendering page 5 took longer than 1 s; gave up."


def test_the_children_render_at_the_same_time(processes, fake_sandbox, tmp_path):
    processes(2)
    fake_sandbox(
        FAKE_PAGES
        + """
        time.sleep(1)  # each child's work, without using a CPU
        for number in range(first, first + 3):
            page(number)
        """.replace("\n        ", "\n")
    )

    started = time.monotonic()
    numbers = [page.number for page in pdf.render(tmp_path / "any.pdf", tmp_path)]

    assert numbers == [1, 2, 3, 4, 5, 6]
    assert time.monotonic() - started < 1.8  # one after the other would take 2 s


def test_a_later_child_may_write_all_its_lines_before_they_are_read(processes, fake_sandbox, tmp_path):
    """Its pipe holds a megabyte: a child does not wait for the earlier children to be read."""
    processes(2)
    fake_sandbox(
        FAKE_PAGES
        + """
        if part == 0:
            time.sleep(1.5)
            page(1)
        else:
            for number in range(2, 202):
                line = {"number": number, "width": 1.0, "height": 1.0, "rotation": 0, "label": "", "text": "x" * 4000}
                print(json.dumps({**line, "thumbnail": ""}), flush=True)
            print("done", file=sys.stderr, flush=True)
        """.replace("\n        ", "\n")
    )
    pages = pdf.render(tmp_path / "any.pdf", tmp_path)

    assert next(pages).number == 1
    assert [page.number for page in pages] == list(range(2, 202))


def test_reopening_the_document_gives_the_same_pages(tmp_path, monkeypatch, capsys):
    path = tmp_path / "set.pdf"
    path.write_bytes(sheet_pdf(pages=5))
    sandbox.render(str(path), str(tmp_path), 100)
    whole = capsys.readouterr().out

    monkeypatch.setattr(sandbox, "REOPEN_EVERY_PAGES", 2)
    sandbox.render(str(path), str(tmp_path), 100)

    assert capsys.readouterr().out == whole
    assert len(whole.splitlines()) == 5


# --- processing: pages saved in batches --------------------------------------------------------------

pytest_db = pytest.mark.django_db


@pytest.fixture
def uploaded(demo):
    case = CaseFactory(lead_department=demo.departments["planning"])

    def make(data):
        return intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data)).versions.get()

    return make


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
