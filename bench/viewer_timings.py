"""Viewer timings in Debian's Chromium (issue 11's aims): find in set over the generated 100-sheet
set, and the redraw after zooming to 800% on the heaviest real drawings.

    .venv/bin/python bench/viewer_timings.py [--runs 5]

  find     ms from Enter in the find box (Ctrl+F) to the first hit drawn on a sheet (aim < 500 ms):
           the words are the last sheet's title, so the viewer asks the server, goes to the
           first sheet holding them and places the hits from that sheet's text
  zoom     ms from Enter in the zoom box (800%) to the sheet drawn again at that zoom (aim <
           300 ms), on the corpus's A0 survey sheet and ARCH D landscape plan
           (../shared/corpus/pdf: pdfjs-issue14497.pdf, pdfjs-issue12810.pdf)

Each run is in a fresh browser context (cold cache) at 1600x1000; medians are printed and written
with every run to bench/out/viewer_timings.json. Throwaway SQLite database and media folder as in
bench/intake.py, whose generated plan set (bench/out/planset-100-raster.pdf) is used, made if
missing; the versions are processed by the real intake pipeline first.
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import intake as bench_intake  # noqa: E402 - after the path

CORPUS = BASE_DIR.parent / "shared" / "corpus" / "pdf"
DRAWINGS = ["pdfjs-issue14497.pdf", "pdfjs-issue12810.pdf"]

# Timestamps taken in the page: Enter pressed in a box, and what it led to drawn.
PROBE = """
window.__bench = {};
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && ["find-input", "zoom-input"].includes(event.target.id)) {
    window.__bench = {pressed: performance.now()};
  }
}, true);
new MutationObserver(() => {
  const b = window.__bench;
  if (b.pressed === undefined || b.done !== undefined) return;
  const hits = Number(document.querySelector(".find-layer")?.dataset.hits || 0);
  const view = document.querySelector("#sheet-view");
  if (hits > 0) b.done = performance.now();
  else if (view.dataset.zoom === "800" && view.dataset.rendering === "true") b.started = true;
  else if (b.started && view.dataset.rendering === "false") b.done = performance.now();
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-hits", "data-rendering", "data-zoom"]});
"""
ELAPSED = "() => window.__bench.done - window.__bench.pressed"
DONE = "() => window.__bench.done !== undefined"


def prepare():
    """The 100-sheet set and the corpus drawings, uploaded and processed: {name: version id}, the words to find."""
    from django.core.files.uploadedfile import UploadedFile

    from documents.models import DocumentVersion
    from documents.services import intake

    bench_intake.plan_set(regenerate=False)
    version_id, _ = bench_intake.stored_version()
    intake.process_version(version_id)
    version = DocumentVersion.objects.get(pk=version_id)
    versions = {"100-sheet set": version_id}
    for name in DRAWINGS:
        with open(CORPUS / name, "rb") as file:
            upload = UploadedFile(file, name=name, content_type="application/pdf", size=(CORPUS / name).stat().st_size)
            document = intake.add_document(version.uploaded_by, version.document.case, title=name, upload=upload)
        drawing = document.versions.get()
        intake.process_version(drawing.pk)
        versions[name] = drawing.pk
    last = version.pages.order_by("-number").first()
    words = last.title or last.label
    return versions, words


def open_viewer(browser, base_url, version_id):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", bench_intake.USERNAME)
    page.fill("input[name=password]", bench_intake.PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.add_init_script(PROBE)
    page.goto(f"{base_url}/versions/{version_id}/")
    page.wait_for_selector(
        '#sheet-view[data-rendered-page="1"][data-rendering="false"]', state="attached", timeout=60_000
    )
    return context, page


def find_once(browser, base_url, version_id, words):
    context, page = open_viewer(browser, base_url, version_id)
    try:
        page.keyboard.press("Control+f")
        page.fill("#find-input", words)
        page.press("#find-input", "Enter")
        page.wait_for_function(DONE, timeout=60_000)
        sheet = int(page.get_attribute("#sheet-view", "data-rendered-page") or 0)
        return {"ms": page.evaluate(ELAPSED), "sheet": sheet}
    finally:
        context.close()


def zoom_once(browser, base_url, version_id):
    context, page = open_viewer(browser, base_url, version_id)
    try:
        page.fill("#zoom-input", "800")
        page.press("#zoom-input", "Enter")
        page.wait_for_function(DONE, timeout=60_000)
        return {"ms": page.evaluate(ELAPSED)}
    finally:
        context.close()


def main(args):
    workdir = tempfile.mkdtemp(prefix="civicreview-viewer-bench-")
    bench_intake.configure(workdir)
    import django

    django.setup()
    versions, words = prepare()
    from playwright.sync_api import sync_playwright

    server, base_url = bench_intake.start_server(workdir)
    runs = {"find": [], **{name: [] for name in DRAWINGS}}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=bench_intake.CHROMIUM_ARGS)
            for _ in range(args.runs):  # interleaved, so that the machine's load falls on all alike
                runs["find"].append(find_once(browser, base_url, versions["100-sheet set"], words))
                for name in DRAWINGS:
                    runs[name].append(zoom_once(browser, base_url, versions[name]))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    report = {
        "machine": bench_intake.machine(),
        "find_words": words,
        "medians_ms": {name: round(statistics.median(r["ms"] for r in found), 1) for name, found in runs.items()},
        "runs": runs,
    }
    (bench_intake.OUT / "viewer_timings.json").write_text(json.dumps(report, indent=2))
    print(json.dumps({"find_words": words, "medians_ms": report["medians_ms"]}))
    print("ranges (ms):", {name: [round(r["ms"]) for r in found] for name, found in runs.items()})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    main(parser.parse_args())
