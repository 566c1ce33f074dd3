"""Reading uploaded PDFs in the sandbox: cheap byte checks, page sizes, rendering, and the limits
that make a hostile file fail alone with a message a user understands."""

import json
import stat
import sys
import textwrap
import time

import psutil
import pytest
from PIL import Image

from documents import pdf
from tests import factories
from tests.factories import ARCH_D, LETTER, sheet_pdf


@pytest.fixture
def write(tmp_path):
    """`write(data)`: the bytes as a file, its path."""

    def to_file(data, name="upload.pdf"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return to_file


def refusal(function, *args):
    with pytest.raises(pdf.PdfError) as refused:
        result = function(*args)
        if hasattr(result, "__next__"):
            list(result)
    return refused.value.message


def sandbox_children():
    return [p for p in psutil.Process().children(recursive=True) if "documents.pdf.sandbox" in " ".join(p.cmdline())]


# --- check_bytes: before PDFium sees the file --------------------------------------


def test_an_empty_file_is_refused_as_empty(write):
    assert refusal(pdf.check_bytes, write(b"")) == "The file is empty."


def test_html_renamed_to_pdf_is_not_a_pdf(write):
    assert refusal(pdf.check_bytes, write(factories.html_as_pdf())) == (
        "This is not a PDF file: it does not start with a PDF header."
    )


def test_the_first_half_of_a_pdf_is_truncated(write):
    assert refusal(pdf.check_bytes, write(factories.truncated(sheet_pdf(pages=3)))) == (
        "The PDF is truncated: its end is missing. Upload the complete file again."
    )


def test_a_header_after_some_leading_bytes_is_still_a_pdf(write):
    pdf.check_bytes(write(b"\x00" * 100 + sheet_pdf()))


def test_a_whole_pdf_passes_the_byte_checks(write):
    pdf.check_bytes(write(sheet_pdf()))


# --- inspect: every page's size --------------------------------------------------------


def test_inspect_gives_each_pages_size_in_points(write):
    assert pdf.inspect(write(sheet_pdf(pages=3))) == [ARCH_D] * 3


def test_inspect_gives_sizes_as_displayed_with_rotation_applied(write):
    assert pdf.inspect(write(factories.rotated_sheet_pdf())) == [ARCH_D]  # stored portrait, shown landscape


def test_inspect_refuses_noise_behind_a_pdf_header_as_damaged(write):
    assert refusal(pdf.inspect, write(factories.garbage_pdf())) == "The PDF is damaged and cannot be read."


def test_inspect_refuses_a_password_protected_pdf(write):
    assert refusal(pdf.inspect, write(sheet_pdf(encrypt="secret"))) == (
        "The PDF is password-protected. Upload a copy saved without a password."
    )


def test_inspect_runs_the_byte_checks_first(write):
    assert refusal(pdf.inspect, write(b"")) == "The file is empty."


def test_inspect_counts_every_page_of_a_shared_page_tree(write):
    assert len(pdf.inspect(write(factories.page_tree_bomb_pdf(depth=3, fan=10)))) == 1000


# --- render: thumbnails, text and labels, page by page ---------------------------------


def test_render_yields_each_page_with_its_thumbnail_text_and_sheet_number(write, tmp_path, settings):
    path = write(sheet_pdf(pages=2, labels=["A-101", "S2.01"]))

    pages = list(pdf.render(path, tmp_path))

    assert [(p.number, p.width, p.height, p.rotation, p.label) for p in pages] == [
        (1, *ARCH_D, 0, "A-101"),
        (2, *ARCH_D, 0, "S2.01"),
    ]
    assert "GENERAL NOTES FOR SHEET S2.01" in pages[1].text
    for page in pages:
        with Image.open(page.thumbnail) as thumbnail:
            assert thumbnail.format == "PNG"
            assert thumbnail.width == settings.THUMBNAIL_WIDTH_PX
            assert thumbnail.height == pytest.approx(settings.THUMBNAIL_WIDTH_PX * ARCH_D[1] / ARCH_D[0], abs=1)


def test_a_tall_sheets_thumbnail_fits_twice_the_width_in_height(write, tmp_path, settings):
    settings.THUMBNAIL_WIDTH_PX = 100

    (page,) = pdf.render(write(sheet_pdf(size=(612, 612 * 5))), tmp_path)

    with Image.open(page.thumbnail) as thumbnail:
        assert thumbnail.height == 200
        assert thumbnail.width == 40


def test_render_reports_a_rotated_sheet_as_displayed(write, tmp_path):
    (page,) = pdf.render(write(factories.rotated_sheet_pdf()), tmp_path)

    assert (page.width, page.height, page.rotation) == (*ARCH_D, 90)
    with Image.open(page.thumbnail) as thumbnail:
        assert thumbnail.width > thumbnail.height


def test_render_refuses_a_password_protected_pdf(write, tmp_path):
    assert refusal(pdf.render, write(sheet_pdf(encrypt="secret")), tmp_path) == (
        "The PDF is password-protected. Upload a copy saved without a password."
    )


# --- the sandbox's limits ------------------------------------------------------------------


def test_a_page_that_renders_too_long_is_given_up_naming_the_page(write, tmp_path, settings):
    """A 1 KB page whose shading takes minutes to draw; the sandbox is killed at the deadline."""
    settings.PDF_RENDER_TIMEOUT_S = 1
    path = write(factories.slow_render_pdf())
    assert pdf.inspect(path) == [LETTER]  # opening it is instant

    started = time.monotonic()
    message = refusal(pdf.render, path, tmp_path)

    assert message == "Rendering page 1 took longer than 1 s; gave up."
    assert time.monotonic() - started < 10
    assert sandbox_children() == []  # the child was killed, not left running


@pytest.fixture
def fake_sandbox(tmp_path, monkeypatch):
    """`fake_sandbox(script)`: the sandbox command replaced by a Python script that receives its arguments."""

    def install(body):
        script = tmp_path / "fake-sandbox"
        script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        # _run_sandbox runs [sys.executable, "-m", "documents.pdf.sandbox", *args]
        monkeypatch.setattr(pdf, "sys", type("FakeSys", (), {"executable": str(script)}))
        return script

    return install


def page_line(number, outdir):
    return json.dumps(
        {
            "number": number,
            "width": 612.0,
            "height": 792.0,
            "rotation": 0,
            "label": "",
            "text": "",
            "thumbnail": f"{outdir}/{number}.png",
        }
    )


def test_the_deadline_counts_from_the_last_page_and_names_the_page_that_hung(fake_sandbox, write, tmp_path, settings):
    settings.PDF_RENDER_TIMEOUT_S = 3  # margins of seconds: a busy machine starts Python slowly
    fake_sandbox(
        """
        import json, sys, time
        outdir = sys.argv[5]  # -m documents.pdf.sandbox render FILE OUTDIR WIDTH
        for number in (1, 2):
            time.sleep(1.6)  # each page within the deadline, both together beyond it
            page = {"number": number, "width": 612.0, "height": 792.0, "rotation": 0, "label": "", "text": ""}
            print(json.dumps({**page, "thumbnail": f"{outdir}/{number}.png"}), flush=True)
        time.sleep(60)
        """
    )

    rendered = []
    with pytest.raises(pdf.PdfError) as refused:
        for page in pdf.render(write(sheet_pdf()), tmp_path):
            rendered.append(page.number)

    assert rendered == [1, 2]
    assert refused.value.message == "Rendering page 3 took longer than 3 s; gave up."


def test_a_sandbox_that_crashes_midway_names_the_page_it_was_on(fake_sandbox, write, tmp_path):
    fake_sandbox(
        """
        import os, signal, sys
        print(%r, flush=True)
        os.kill(os.getpid(), signal.SIGSEGV)
        """
        % page_line(1, tmp_path)
    )

    message = refusal(pdf.render, write(sheet_pdf()), tmp_path)

    assert message == "Rendering page 2 failed: the PDF is damaged or uses features we cannot read."


def test_a_sandbox_killed_for_memory_says_so(fake_sandbox, write, tmp_path, settings):
    settings.PDF_SANDBOX_MEMORY_MB = 256
    fake_sandbox(
        """
        import os, signal
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer does
        """
    )

    assert refusal(pdf.render, write(sheet_pdf()), tmp_path) == (
        "Rendering page 1 needed more than 256 MB of memory; gave up."
    )


def test_a_file_that_needs_more_memory_than_the_limit_fails_with_a_clear_message(write, settings):
    """Form XObjects nested seven deep, ten each: 2 KB that unfold to ten million drawings."""
    settings.PDF_SANDBOX_MEMORY_MB = 300

    message = refusal(pdf.inspect, write(factories.form_bomb_pdf(levels=7)))

    assert message == "Reading page 1 needed more than 300 MB of memory; gave up."


def test_the_sandbox_runs_with_the_memory_limit(fake_sandbox, write, tmp_path, settings):
    settings.PDF_SANDBOX_MEMORY_MB = 321
    fake_sandbox(
        """
        import json, resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        core, _ = resource.getrlimit(resource.RLIMIT_CORE)
        print(json.dumps({"pages": [[soft, hard], [core, core]]}), flush=True)
        """
    )

    assert pdf.inspect(write(sheet_pdf())) == [(321 * 1024 * 1024, 321 * 1024 * 1024), (0, 0)]


def test_a_sandbox_that_answers_nothing_is_a_damaged_file(fake_sandbox, write):
    fake_sandbox("pass\n")

    assert refusal(pdf.inspect, write(sheet_pdf())) == "The PDF is damaged and cannot be read."
