"""The tagged PDFs' renderer (civicreview/tagged_pdf.py): PDF/UA-1, and still tagged when the text
holds characters its fonts cannot show."""

import datetime
import io

import pikepdf

from civicreview.tagged_pdf import render_pdf
from tests.tagged_pdfs import in_order, structure

WHEN = datetime.datetime(2026, 3, 4, 12, 0, tzinfo=datetime.UTC)


def summary(text):
    row = {"sheet": "A-101", "title": "", "kind": "Cloud", "category": "Correction", "status": "Open"}
    row |= {"department": "Fire", "author": "Dana Cruz", "text": text, "replies": ["Lee (2026-03-04): ok"]}
    data = {"title": "BP-1 markup summary", "author": "City", "subject": "A case", "footer": "BP-1"}
    data |= {"case_number": "BP-1", "about": "A case · Plans, version 1", "filters": "no filters", "rows": [row]}
    return render_pdf("markup_summary.typ", data, created=WHEN)


def claims_pdf_ua(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return b"pdfuaid:part" in pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else False


def test_a_summary_is_pdf_ua_and_the_same_bytes_each_time():
    pdf = summary("Egress width short of IBC 1005.3.2.")

    assert claims_pdf_ua(pdf)
    assert in_order(structure(pdf), "H1", "Table", "TH", "TD")
    assert summary("Egress width short of IBC 1005.3.2.") == pdf


def test_text_its_fonts_cannot_show_still_makes_a_tagged_pdf():
    pdf = summary("漢字 and 😀 in a reviewer's note")

    assert not claims_pdf_ua(pdf)
    assert in_order(structure(pdf), "H1", "Table", "TH", "TD")
