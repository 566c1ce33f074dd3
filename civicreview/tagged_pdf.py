"""PDFs people read — the letters and the markup summary — written from HTML templates as tagged
PDF/UA-1 (WeasyPrint): headings, paragraphs, lists and tables in a structure tree, in reading
order, with the document's language and title, so that a screen reader reads them as the page
shows them. Page headers and footers are artifacts, left out of the reading.

The text is set in the Vera fonts that ship with reportlab, on every machine the same. The
renderer reads those font files and nothing else: a template never fetches a URL."""

from pathlib import Path

import reportlab
from django.template.loader import render_to_string
from weasyprint import HTML, default_url_fetcher

FONTS = Path(reportlab.__file__).parent / "fonts"


def _fonts_only(url, *args, **kwargs):
    if not url.startswith(FONTS.as_uri() + "/"):
        raise ValueError(f"A PDF template may not load {url}")
    return default_url_fetcher(url, *args, **kwargs)


def render_pdf(template, context, *, created):
    """The template rendered with `context` as tagged PDF bytes, dated `created` (a datetime): the
    same bytes for the same input."""
    html = render_to_string(template, {**context, "fonts": FONTS.as_uri(), "created": created})
    document = HTML(string=html, url_fetcher=_fonts_only)
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"civicreview")
