"""What our printed PDFs share (the letters, the markup summary): the page, fonts, colours,
paragraph styles and the numbered footer, drawn with reportlab."""

from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

ORGANIZATION = settings.ORGANIZATION_NAME
INK, MUTED, RULE = colors.HexColor("#1c2733"), colors.HexColor("#5a6878"), colors.HexColor("#b9c4d0")
MARGIN = 0.75 * inch
WIDTH = LETTER[0] - 2 * MARGIN - 12  # the frame's width inside its 6 pt paddings


def columns(*inches):
    """Column widths in the given proportions, filling the text width."""
    return [WIDTH * share / sum(inches) for share in inches]


def fonts():
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        for name, file in (
            ("Vera", "Vera.ttf"),
            ("Vera-Bold", "VeraBd.ttf"),
            ("Vera-Italic", "VeraIt.ttf"),
            ("Vera-BoldItalic", "VeraBI.ttf"),
        ):
            pdfmetrics.registerFont(TTFont(name, file))  # shipped with reportlab; covers accented Latin text
        pdfmetrics.registerFontFamily(
            "Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic", boldItalic="Vera-BoldItalic"
        )


def styles():
    base = ParagraphStyle("body", fontName="Vera", fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "org": ParagraphStyle("org", base, fontName="Vera-Bold", fontSize=15, leading=18),
        "dept": ParagraphStyle("dept", base, textColor=MUTED),
        "date": ParagraphStyle("date", base, alignment=TA_RIGHT, textColor=MUTED),
        "title": ParagraphStyle(
            "title", base, fontName="Vera-Bold", fontSize=13, leading=17, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle("h2", base, fontName="Vera-Bold", fontSize=11.5, leading=15, spaceBefore=12, spaceAfter=4),
        "h3": ParagraphStyle(
            "h3", base, fontName="Vera-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=2, textColor=MUTED
        ),
        "item": ParagraphStyle("item", base, leftIndent=18, firstLineIndent=-18, spaceBefore=3),
        "reply": ParagraphStyle("reply", base, leftIndent=30, fontSize=8.5, leading=11.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
        "draft": ParagraphStyle("draft", base, fontName="Vera-Bold", textColor=colors.HexColor("#b42318")),
    }


def text(value):
    return escape(value or "").replace("\n", "<br/>")


def numbered(footer):
    """A canvas that writes "page k of n" and the case in every page's footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Vera", 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN + 6, 0.5 * inch, footer)
                self.drawRightString(LETTER[0] - MARGIN - 6, 0.5 * inch, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
