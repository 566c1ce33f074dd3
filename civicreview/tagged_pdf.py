"""PDFs people read — the letters and the markup summary — set by Typst from the templates in
templates/pdf/ as tagged PDF/UA-1: headings, paragraphs, numbered lists and tables in a structure
tree, in reading order, with the document's language and title, page footers as artifacts, so
that a screen reader reads them as the page shows them.

The data goes in as JSON (`sys.inputs.data`) and is set as text: nothing a person typed is read
as Typst markup. The text is set in the Vera fonts that ship with reportlab, and no system font,
so a PDF looks the same on every machine."""

import json
from pathlib import Path

import reportlab
import typst
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "pdf"
FONTS = Path(reportlab.__file__).parent / "fonts"


def render_pdf(template, data, *, created):
    """templates/pdf/`template` set with `data` (JSON-able), dated `created` (a datetime): the
    same bytes for the same input. PDF/UA-1 when Typst can make it; it refuses text the fonts
    cannot show (a reviewer may type Chinese or an emoji), and then the PDF is tagged the same
    way without claiming PDF/UA (those characters show as boxes)."""
    try:
        return _compile(template, data, created, standards=["ua-1"])
    except typst.TypstError as refused:
        if "could not be displayed with font" not in str(refused):
            raise
        return _compile(template, data, created, standards=[])


def _compile(template, data, created, *, standards):
    return typst.compile(
        str(TEMPLATES / template),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data)},
        pdf_standards=standards,
        timestamp=int(created.timestamp()),
    )
