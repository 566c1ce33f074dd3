"""Reading uploaded PDFs safely: every parse and render runs in a child process.

The child (`documents.pdf.sandbox`) has an address-space limit and a
deadline; when it crashes, runs out of memory or hangs, the caller gets a
`PdfError` saying so in words a user understands, and the server or worker
carries on.
"""

import json
import resource
import selectors
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

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
    check_bytes(path)
    lines = list(_run_sandbox(["inspect", str(path)], settings.PDF_INSPECT_TIMEOUT_S, "reading"))
    if not lines:
        raise PdfError(LOAD_MESSAGES["format"])
    return [tuple(size) for size in lines[-1]["pages"]]


def render(path, outdir):
    """Render each page's thumbnail into `outdir` and read its text, page by page."""
    args = ["render", str(path), str(outdir), str(settings.THUMBNAIL_WIDTH_PX)]
    for line in _run_sandbox(args, settings.PDF_RENDER_TIMEOUT_S, "rendering"):
        yield RenderedPage(**line)


def _limit_resources():
    memory = settings.PDF_SANDBOX_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run_sandbox(args, timeout, doing):
    """Yield the child's JSON lines; each must come within `timeout` seconds of the last."""
    stderr = tempfile.TemporaryFile()
    child = subprocess.Popen(
        [sys.executable, "-m", "documents.pdf.sandbox", *args],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=stderr,
        preexec_fn=_limit_resources,
    )
    done = 0
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(child.stdout, selectors.EVENT_READ)
            while True:
                if not selector.select(timeout):
                    raise PdfError(f"{doing.capitalize()} page {done + 1} took longer than {timeout} s; gave up.")
                raw = child.stdout.readline()
                if not raw:
                    break
                line = json.loads(raw)
                if "error" in line:
                    raise PdfError(LOAD_MESSAGES[line["error"]])
                done += 1
                yield line
        if child.wait(timeout) != 0:
            stderr.seek(0)
            raise PdfError(_crash_message(stderr.read().decode(errors="replace"), child.returncode, doing, done + 1))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        stderr.close()


def _crash_message(stderr, returncode, doing, page):
    if "MemoryError" in stderr or "memory" in stderr.lower() or returncode in (-6, -9):
        return f"{doing.capitalize()} page {page} needed more than {settings.PDF_SANDBOX_MEMORY_MB} MB of memory; gave up."
    if "PdfiumError" in stderr:
        return f"Page {page} is damaged and cannot be read."
    return f"{doing.capitalize()} page {page} failed: the PDF is damaged or uses features we cannot read."
