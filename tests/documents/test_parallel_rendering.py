"""Pages split between several sandbox children, rendered at once and merged in page order."""

import stat
import sys
import textwrap

import pytest
from PIL import Image

from documents import pdf
from documents.pdf import sandbox
from tests.factories import ARCH_D, sheet_pdf

WIDTH, HEIGHT = ARCH_D


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
    """Each child waits until it sees the other has started: run one after the other, the first would wait in
    vain and fail (no clock is compared, so a busy machine cannot fail it)."""
    processes(2)
    fake_sandbox(
        FAKE_PAGES
        + """
        open(f"{outdir}/started-{part}", "w").close()
        for _ in range(100):
            if os.path.exists(f"{outdir}/started-{1 - part}"):
                break
            time.sleep(0.05)
        else:
            sys.exit("the other child has not started")
        for number in range(first, first + 3):
            page(number)
        """.replace("\n        ", "\n")
    )

    numbers = [page.number for page in pdf.render(tmp_path / "any.pdf", tmp_path)]

    assert numbers == [1, 2, 3, 4, 5, 6]


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
