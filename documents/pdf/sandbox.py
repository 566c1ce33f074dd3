"""The child process that opens uploaded PDFs; no Django here, it starts fast.

    python -m documents.pdf.sandbox inspect FILE
    python -m documents.pdf.sandbox render FILE OUTDIR THUMB_WIDTH

Both print JSON lines on stdout. PDFium is not thread-safe and a hostile
file may exhaust memory or crash it, so the parent runs this with resource
limits and treats any abnormal exit as that file's failure alone.
"""

import json
import sys

import pypdfium2 as pdfium

from documents.pdf.sheet_labels import best_label
from documents.pdf.sheet_scales import parse_scale

LOAD_ERRORS = {
    4: "password",  # FPDF_ERR_PASSWORD
    3: "format",  # FPDF_ERR_FORMAT
    6: "security",  # FPDF_ERR_SECURITY
}
MAX_TEXT_CHARS = 200_000


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def open_document(path):
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        emit(error=LOAD_ERRORS.get(getattr(error, "err_code", None), "format"), detail=str(error))
        sys.exit(0)


def inspect(path):
    pdf = open_document(path)
    sizes = []
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        sizes.append([round(width, 2), round(height, 2)])
        page.close()
    emit(pages=sizes)


def text_runs(textpage):
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        yield textpage.get_text_bounded(left, bottom, right, top), left, bottom, right, top


def render(path, outdir, thumb_width):
    pdf = open_document(path)
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        # A thumbnail fits a box thumb_width wide and twice as tall, whatever the sheet's shape.
        scale = min(thumb_width / width, 2 * thumb_width / height)
        thumbnail = f"{outdir}/{index + 1}.png"
        page.render(scale=scale, may_draw_forms=True).to_pil().save(thumbnail, optimize=False)
        textpage = page.get_textpage()
        media_width, media_height = (height, width) if page.get_rotation() in (90, 270) else (width, height)
        label = best_label(text_runs(textpage), media_width, media_height)
        text = textpage.get_text_bounded()[:MAX_TEXT_CHARS]
        emit(
            number=index + 1,
            width=round(width, 2),
            height=round(height, 2),
            rotation=page.get_rotation(),
            label=label,
            scale=parse_scale(text),
            text=text,
            thumbnail=thumbnail,
        )
        textpage.close()
        page.close()


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    if command == "inspect":
        inspect(path)
    else:
        render(path, rest[0], int(rest[1]))
