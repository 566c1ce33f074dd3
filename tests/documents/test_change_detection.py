"""Comparing two versions' sheets by their renders (documents.pdf.compare, in sandbox children)."""

import io

import pikepdf

from documents import pdf
from tests.factories import sheet_pdf

LABELS = ["A-101", "A-102", "A-103"]


def replotted(data):
    """The same sheets with every page's bytes changed (a no-op appended): none is skipped as identical."""
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            page.contents_add(pikepdf.Stream(document, b"q Q"), prepend=False)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def compare(tmp_path, old, new, pairs=((1, 1), (2, 2), (3, 3))):
    (tmp_path / "old.pdf").write_bytes(old)
    (tmp_path / "new.pdf").write_bytes(new)
    return pdf.compare(str(tmp_path / "old.pdf"), str(tmp_path / "new.pdf"), pairs, width_px=800, tolerance=48)


def test_renders_that_differ_in_a_drawing_are_told_from_those_that_do_not(tmp_path):
    differing = compare(tmp_path, sheet_pdf(labels=LABELS), replotted(sheet_pdf(labels=LABELS, drawn_on=["A-102"])))

    assert differing[1] == differing[3] == 0
    assert differing[2] > 100


def test_sheets_copied_byte_for_byte_are_the_same_and_others_are_rendered(tmp_path):
    old = sheet_pdf(labels=LABELS)
    assert compare(tmp_path, old, sheet_pdf(labels=LABELS, drawn_on=["A-103"]))[3] > 100
    assert compare(tmp_path, old, old) == {1: 0, 2: 0, 3: 0}


def test_sheets_of_different_sizes_are_different(tmp_path):
    old, new = sheet_pdf(labels=["A-101"]), sheet_pdf(labels=["A-101"], size=(1728.0, 2592.0))
    assert compare(tmp_path, old, new, [(1, 1)]) == {1: -1}


def test_a_page_digest_ignores_object_numbers_and_compression_but_not_content():
    from documents.pdf.sandbox import page_digest

    old = pikepdf.open(io.BytesIO(sheet_pdf(labels=LABELS)))
    drawn = pikepdf.open(io.BytesIO(sheet_pdf(labels=LABELS, drawn_on=["A-102"])))
    resaved = io.BytesIO()
    old.save(resaved, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    again = pikepdf.open(resaved)

    digests = [[page_digest(page.obj) for page in document.pages] for document in (old, drawn, again)]
    assert digests[0] == digests[2]
    assert [a == b for a, b in zip(digests[0], digests[1], strict=True)] == [True, False, True]
