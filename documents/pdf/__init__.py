"""Reading uploaded PDFs safely: every parse and render runs in a child process.

The child (`documents.pdf.sandbox`) has an address-space limit and a
deadline; when it crashes, runs out of memory or hangs, the caller gets a
`PdfError` saying so in words a user understands, and the server or worker
carries on. A document's pages are rendered by up to `PDF_RENDER_PROCESSES`
children at once, each with these limits.
"""

import contextlib
import fcntl
import functools
import json
import logging
import os
import resource
import selectors
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Django's settings are imported in the functions that need them: the sandbox
# child imports this package too (python -m documents.pdf.sandbox), and starts
# 30-40 ms sooner without Django.

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PIPE_BYTES = 1024 * 1024  # what a child may write ahead of the parent reading it

log = logging.getLogger(__name__)

LOAD_MESSAGES = {
    "password": "The PDF is password-protected. Upload a copy saved without a password.",
    "security": "The PDF uses an unsupported security handler. Upload a copy saved without protection.",
    "format": "The PDF is damaged and cannot be read.",
}


class PdfError(Exception):
    """The file cannot be taken in; the message is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RenderedPage:
    number: int
    width: float
    height: float
    rotation: int
    label: str
    text: str
    thumbnail: str  # path of a PNG file in the output folder
    scale: dict | None = None  # {"ratio", "label", "unit"} read from the title block
    title: str = ""  # the sheet's title, read from the title block


def check_bytes(path):
    """Cheap checks on the bytes themselves, before PDFium sees the file."""
    size = Path(path).stat().st_size
    if size == 0:
        raise PdfError("The file is empty.")
    with open(path, "rb") as file:
        head = file.read(1024)
        file.seek(max(0, size - 2048))
        tail = file.read()
    if b"%PDF-" not in head:
        raise PdfError("This is not a PDF file: it does not start with a PDF header.")
    if b"%%EOF" not in tail:
        raise PdfError("The PDF is truncated: its end is missing. Upload the complete file again.")


def inspect(path):
    """The size in points, rotation applied, of every page: [(width, height), ...]."""
    from django.conf import settings

    check_bytes(path)
    with contextlib.closing(_Sandbox(["inspect", path])) as child:
        lines = list(child.lines(settings.PDF_INSPECT_TIMEOUT_S, "reading"))
    if not lines:
        raise PdfError(LOAD_MESSAGES["format"])
    return [tuple(size) for size in lines[-1]["pages"]]


def render_processes():
    """How many sandbox children render one document at once: PDF_RENDER_PROCESSES, at most one per CPU."""
    from django.conf import settings

    return max(1, min(settings.PDF_RENDER_PROCESSES, os.cpu_count() or 1))


def render(path, outdir):
    """Render each page's thumbnail into `outdir` and read its text, page by page, in page order.

    The pages are split into `render_processes()` contiguous ranges (never more
    than there are pages: a child left without pages exits at once), each
    rendered by its own sandbox child, all at the same time. Their lines are read
    in page order, one child after the other; meanwhile a later child's lines
    wait in its pipe (when that fills, the child waits too), so memory stays
    bounded. A failure in any child fails the whole document, naming the page.
    """
    from django.conf import settings

    parts = render_processes()
    children = []
    try:
        for part in range(parts):
            children.append(_Sandbox(["render", path, outdir, settings.THUMBNAIL_WIDTH_PX, part, parts]))
        page = 1  # the page expected next, to name in a failure
        for child in children:
            for line in child.lines(settings.PDF_RENDER_TIMEOUT_S, "rendering", page):
                page = line["number"] + 1
                yield RenderedPage(**line)
    finally:
        for child in children:
            child.close()


def compare(old_path, new_path, pairs, *, width_px, tolerance):
    """For each (old page, new page) pair, the number of pixels that differ when both are rendered
    `width_px` on their longer side (-1: the renders differ in size), as {new page: count}.
    The pairs are split among `render_processes()` sandbox children, as `render` splits pages."""
    from django.conf import settings

    pairs = list(pairs)
    parts = min(render_processes(), len(pairs))
    chunks = [pairs[len(pairs) * part // parts : len(pairs) * (part + 1) // parts] for part in range(parts)]
    children = []
    differing = {}
    try:
        for chunk in chunks:
            args = ["compare", old_path, new_path, width_px, tolerance, *(f"{a}:{b}" for a, b in chunk)]
            children.append(_Sandbox(args))
        for child, chunk in zip(children, chunks, strict=True):
            for line in child.lines(settings.PDF_RENDER_TIMEOUT_S, "comparing", chunk[0][1]):
                differing[line["page"]] = line["differing"]
    finally:
        for child in children:
            child.close()
    return differing


def read_sheet_labels(path):
    """The sheet number read from each page's title block: [label or "", ...]."""
    from django.conf import settings

    with contextlib.closing(_Sandbox(["labels", path])) as child:
        return [line["label"] for line in child.lines(settings.PDF_RENDER_TIMEOUT_S, "reading")]


def assemble(base_path, sheets_path, dest, replacements):
    """Write to `dest` the PDF at `base_path` with pages replaced by pages of `sheets_path`:
    `replacements` [(base page, sheets page)], numbers from 1. Returns the page count."""
    from django.conf import settings

    pairs = [f"{a}:{b}" for a, b in replacements]
    with contextlib.closing(_Sandbox(["assemble", base_path, sheets_path, dest, *pairs])) as child:
        lines = list(child.lines(settings.PDF_INSPECT_TIMEOUT_S, "assembling"))
    if not lines or "pages" not in lines[-1]:
        raise PdfError(LOAD_MESSAGES["format"])
    return lines[-1]["pages"]


class WebCopy:
    """A copy of an uploaded PDF arranged for the viewer, written to `dest` by a sandbox child in the background.

        with pdf.WebCopy(path, dest) as web_copy:
            ...  # other work meanwhile
            pages = web_copy.wait()  # the copy's page count, None if there is no copy

    See `sandbox.web` for what the copy changes. A file qpdf cannot read, or
    had to repair, gets no copy; the reason is logged.
    """

    def __init__(self, path, dest):
        self.path, self.dest = path, dest
        self.child = _Sandbox(["web", path, dest])

    def wait(self):
        from django.conf import settings

        try:
            lines = list(self.child.lines(settings.PDF_INSPECT_TIMEOUT_S, "copying"))
        except PdfError as error:
            lines = [{"failed": error.message}]
        result = lines[-1] if lines else {"failed": "no answer"}
        if "pages" not in result:
            log.warning("no web copy of %s: %s", self.path, result)
            return None
        return result["pages"]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.child.close()


def stamp(path, stamp_pdf, dest):
    """Write `path` to `dest` with the one-page PDF `stamp_pdf` overlaid on every page, in a
    sandbox child; returns the page count (PdfError when the file cannot be read)."""
    from django.conf import settings

    child = _Sandbox(["stamp", path, stamp_pdf, dest])
    try:
        lines = list(child.lines(settings.PDF_INSPECT_TIMEOUT_S * 4, "stamping"))
    finally:
        child.close()
    if not lines or "stamped" not in lines[-1]:
        raise PdfError("The approved set could not be written: the PDF cannot be read.")
    return lines[-1]["stamped"]


def _limit_resources(memory_mb):
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class _Sandbox:
    """A sandbox child running `python -m documents.pdf.sandbox *args`, with the limits."""

    def __init__(self, args):
        from django.conf import settings

        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "documents.pdf.sandbox", *map(str, args)],
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            preexec_fn=functools.partial(_limit_resources, settings.PDF_SANDBOX_MEMORY_MB),
        )
        assert self.process.stdout is not None  # stdout=PIPE
        self.stdout = self.process.stdout
        with contextlib.suppress(AttributeError, OSError):  # Linux only, and within fs.pipe-max-size
            fcntl.fcntl(self.stdout, fcntl.F_SETPIPE_SZ, PIPE_BYTES)

    def lines(self, timeout, doing, page=1):
        """Yield the child's JSON lines; each must come within `timeout` seconds of the last.

        `page` is the page the child starts on, named if it fails. Lines are split
        here, not by readline(): a buffered reader may hold whole lines that
        select() cannot see, and a later child's pipe is read when already full.
        """
        stdout, pending = self.stdout.fileno(), b""
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                end = pending.find(b"\n")
                if end < 0:  # read on only when no whole line is left
                    if not selector.select(timeout):
                        raise PdfError(f"{doing.capitalize()} page {page} took longer than {timeout} s; gave up.")
                    chunk = os.read(stdout, 65536)
                    if not chunk:
                        break
                    pending += chunk
                    continue
                line, pending = json.loads(pending[:end]), pending[end + 1 :]
                if "error" in line:
                    raise PdfError(LOAD_MESSAGES[line["error"]])
                page = line.get("number", page) + 1
                yield line
        if self.process.wait(timeout) != 0:
            self.stderr.seek(0)
            raise PdfError(
                _crash_message(self.stderr.read().decode(errors="replace"), self.process.returncode, doing, page)
            )

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.stdout.close()
        self.stderr.close()


def _crash_message(stderr, returncode, doing, page):
    from django.conf import settings

    if "MemoryError" in stderr or "memory" in stderr.lower() or returncode in (-6, -9):
        return (
            f"{doing.capitalize()} page {page} needed more than {settings.PDF_SANDBOX_MEMORY_MB} MB of memory; gave up."
        )
    if "PdfiumError" in stderr:
        return f"Page {page} is damaged and cannot be read."
    return f"{doing.capitalize()} page {page} failed: the PDF is damaged or uses features we cannot read."
