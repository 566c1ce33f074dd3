"""Writes this folder's test PDFs and MANIFEST.tsv. All are made here, by this project: no licence
beyond the project's own applies.

    .venv/bin/python tests/data/pdf/make_corpus.py

MANIFEST.tsv columns: file, expect, pages, note. `expect` is what an upload of the file must come to
(tests/documents/test_corpus.py checks it):

    valid         201, then processing ends `ready` with `pages` pages
    invalid       400: empty, not a PDF, truncated or damaged
    encrypted     400: password-protected
    page-size     400: a page beyond 200 in (or under 1 pt) on a side
    page-count    400: more pages than MAX_PAGES
    memory        400: reading it needs more memory than the sandbox allows
    render-fails  201, then processing ends `failed` with the reason (the file opens but cannot be drawn)
    edge          either a clean refusal or a correct render
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def corpus():
    from tests import factories as f

    plan_set = f.sheet_pdf(pages=3, labels=["A-101", "S2.01", "FP-1"])
    xref_at = plan_set.rindex(b"startxref")
    broken_xref = plan_set[:xref_at] + b"startxref\n999999\n%%EOF\n"
    javascript = f.raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /S /JavaScript /JS (app.alert('hello'); while (true) {}) >>",
        ]
    )
    return [
        ("plan-set-3-sheets.pdf", plan_set, "valid", 3, "ARCH D sheets A-101, S2.01, FP-1 with title blocks"),
        ("letter-1-page.pdf", f.sheet_pdf(size=f.LETTER), "valid", 1, "one US letter page"),
        ("rotated-sheet.pdf", f.rotated_sheet_pdf(), "valid", 1, "ARCH D stored portrait, /Rotate 90"),
        ("page-200in.pdf", f.sheet_pdf(size=(14400, 792)), "valid", 1, "a 200 x 11 in page: the largest side allowed"),
        (
            "javascript-open-action.pdf",
            javascript,
            "valid",
            1,
            "an OpenAction running an endless JavaScript loop; PDFium must not run it",
        ),
        ("zero-bytes.pdf", b"", "invalid", "-", "an empty file"),
        ("html-renamed.pdf", f.html_as_pdf(), "invalid", "-", "an HTML error page saved as .pdf"),
        ("truncated-first-half.pdf", f.truncated(plan_set), "invalid", "-", "the first half of plan-set-3-sheets.pdf"),
        (
            "truncated-second-half.pdf",
            plan_set[len(plan_set) // 2 :],
            "invalid",
            "-",
            "the second half of plan-set-3-sheets.pdf",
        ),
        ("garbage-after-header.pdf", f.garbage_pdf(), "invalid", "-", "a PDF header, noise, %%EOF"),
        ("nul-bytes.pdf", b"\x00" * 4096, "invalid", "-", "4 KB of zero bytes"),
        (
            "encrypted-rc4.pdf",
            f.sheet_pdf(encrypt="secret"),
            "encrypted",
            "-",
            "reportlab's standard encryption, user password 'secret'",
        ),
        ("page-300in.pdf", f.sheet_pdf(size=(300 * 72, 300 * 72)), "page-size", "-", "a 300 x 300 in page"),
        ("page-half-point.pdf", f.sheet_pdf(size=(0.5, 0.5)), "page-size", "-", "a 0.5 x 0.5 pt page"),
        (
            "page-tree-bomb.pdf",
            f.page_tree_bomb_pdf(depth=4, fan=10),
            "page-count",
            "-",
            "a page tree listing one page 10,000 times, 864 bytes",
        ),
        (
            "form-xobject-bomb.pdf",
            f.form_bomb_pdf(levels=7, fan=10),
            "memory",
            "-",
            "forms nested 7 deep drawing the next 10 times: 10^7 drawings, over 1 GB to parse",
        ),
        (
            "slow-shading.pdf",
            f.slow_render_pdf(operations=100_000),
            "render-fails",
            "-",
            "a shading whose PostScript function runs 300,000 operators per pixel: opens at once, draws for minutes",
        ),
        (
            "broken-xref-offset.pdf",
            broken_xref,
            "edge",
            3,
            "plan-set-3-sheets.pdf with startxref pointing past the end; PDFium rebuilds the xref",
        ),
    ]


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicreview.settings")
    import django

    django.setup()
    rows = ["file\texpect\tpages\tnote"]
    for name, data, expect, pages, note in corpus():
        (HERE / name).write_bytes(data)
        rows.append(f"{name}\t{expect}\t{pages}\t{note}")
    (HERE / "MANIFEST.tsv").write_text("\n".join(rows) + "\n")
    print(f"wrote {len(rows) - 1} files to {HERE}")


if __name__ == "__main__":
    main()
