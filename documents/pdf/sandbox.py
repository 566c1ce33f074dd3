"""The child process that opens uploaded PDFs; no Django here, it starts fast.

    python -m documents.pdf.sandbox inspect FILE
    python -m documents.pdf.sandbox render FILE OUTDIR THUMB_WIDTH [PART PARTS]
    python -m documents.pdf.sandbox web FILE DEST
    python -m documents.pdf.sandbox stamp FILE STAMP DEST
    python -m documents.pdf.sandbox compare OLD NEW WIDTH_PX TOLERANCE OLD_PAGE:NEW_PAGE ...
    python -m documents.pdf.sandbox labels FILE
    python -m documents.pdf.sandbox assemble BASE SHEETS DEST BASE_PAGE:SHEETS_PAGE ...

All print JSON lines on stdout. `render` with PART and PARTS renders only
the PART-th (from 0) of PARTS contiguous ranges of pages, so that several
children can share a document; `web` writes a copy of FILE arranged for
the viewer. PDFium is not thread-safe and a hostile file may exhaust memory
or crash it, so the parent runs this with resource limits and treats any
abnormal exit as that file's failure alone.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

from documents.pdf.sheet_scales import parse_scale
from documents.pdf.title_block import read_title_block

LOAD_ERRORS: dict[int | None, str] = {
    4: "password",  # FPDF_ERR_PASSWORD
    3: "format",  # FPDF_ERR_FORMAT
    6: "security",  # FPDF_ERR_SECURITY
}
MAX_TEXT_CHARS = 200_000
# PDFium keeps what it has read of a document (about the size of each photo
# read) until the document is closed: reopening it bounds a child's memory.
REOPEN_EVERY_PAGES = 50
PNG_COMPRESS_LEVEL = 1  # thumbnails: 3 % larger than at zlib's default 6, 0.5 ms less per page


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def open_document(path):
    import pypdfium2 as pdfium  # here rather than above: the web command does without it (50 ms)

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


def page_range(count, part, parts):
    """The pages (indexes from 0) of `part` when `count` pages are split into `parts` contiguous ranges.

    There are never more ranges than pages: a part beyond them is empty.
    """
    parts = min(parts, count)
    if part >= parts:
        return range(0)
    return range(count * part // parts, count * (part + 1) // parts)


def render(path, outdir, thumb_width, part=0, parts=1):
    pdf = open_document(path)
    pages = page_range(len(pdf), part, parts)
    with ThreadPoolExecutor(max_workers=1) as png_writer:
        for done, index in enumerate(pages):
            if done and done % REOPEN_EVERY_PAGES == 0:
                pdf.close()
                pdf = open_document(path)
            page = pdf[index]
            width, height = page.get_size()
            # A thumbnail fits a box thumb_width wide and twice as tall, whatever the sheet's shape.
            bitmap = page.render(scale=min(thumb_width / width, 2 * thumb_width / height), may_draw_forms=True)
            thumbnail = f"{outdir}/{index + 1}.png"
            # The PNG is encoded on a thread while PDFium reads the page's text. (Not while the next
            # page renders: a crash there would be blamed on this page, not yet reported.)
            written = png_writer.submit(bitmap.to_pil().save, thumbnail, compress_level=PNG_COMPRESS_LEVEL)
            label, title, text = read_text(page)
            written.result()  # a page is reported only once its thumbnail is on disk
            bitmap.close()
            emit(
                number=index + 1,
                width=round(width, 2),
                height=round(height, 2),
                rotation=page.get_rotation(),
                label=label,
                title=title,
                scale=parse_scale(text),
                text=text,
                thumbnail=thumbnail,
            )
            page.close()
    pdf.close()


def read_text(page):
    """The page's sheet number and title, and its text (at most MAX_TEXT_CHARS)."""
    textpage = page.get_textpage()
    rects = [textpage.get_rect(index) for index in range(textpage.count_rects())]
    as_displayed = display_transform(page)
    width, height = page.get_size()
    label, title = read_title_block(
        [as_displayed(rect) for rect in rects], lambda index: textpage.get_text_bounded(*rects[index]), width, height
    )
    text = textpage.get_text_bounded()[:MAX_TEXT_CHARS]
    textpage.close()
    return label, title, text


def display_transform(page):
    """A function that turns a rectangle (left, bottom, right, top) in the page's space as the sheet is displayed.

    PDFium gives text rectangles before the page's /Rotate; the sheet number is
    looked for where a reviewer sees the title block, so they are turned the
    same way, with the crop box's bottom-left corner as the origin.
    """
    box_left, box_bottom, box_right, box_top = page.get_cropbox()
    width, height = box_right - box_left, box_top - box_bottom
    turn = {
        90: lambda x, y: (y, width - x),
        180: lambda x, y: (width - x, height - y),
        270: lambda x, y: (height - y, x),
    }.get(page.get_rotation(), lambda x, y: (x, y))

    def as_displayed(rect):
        left, bottom, right, top = rect
        (x1, y1), (x2, y2) = turn(left - box_left, bottom - box_bottom), turn(right - box_left, top - box_bottom)
        return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)

    return as_displayed


def web(path, dest):
    """Write a copy of the PDF for the viewer to `dest`, and say how many pages it has.

    The copy packs the small objects, every page's dictionary among them, into
    object streams at the start of the file (qpdf's object stream generation):
    PDF.js reads all the page dictionaries of a flat page tree before it draws
    sheet 1, and finds them in a few requests instead of one per sheet. Content
    streams and images are copied as they are. (Linearizing does not do this:
    it puts each page's dictionary beside that page's content.)

    A file qpdf had to repair is not copied: it may read other pages than
    PDFium did, and the viewer is better off with the upload itself.
    """
    import pikepdf  # only this command needs qpdf

    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            pdf.save(dest, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            repairs = pdf.get_warnings()
    except pikepdf.PdfError as error:
        emit(refused=str(error))
        return
    if repairs:
        emit(repaired=repairs[0])
    else:
        emit(web=dest, pages=pages)


def stamp(path, stamp_pdf, dest):
    """Write FILE to DEST with the first page of STAMP overlaid on every page (documents.pdf.stamping)."""
    import pikepdf

    from documents.pdf.stamping import stamp as overlay

    try:
        emit(stamped=overlay(path, stamp_pdf, dest))
    except pikepdf.PdfError as error:
        emit(error="format", detail=str(error))


def compare(old_path, new_path, width_px, tolerance, pairs):
    """Render each pair of pages (numbers from 1) of two PDFs at the same low resolution and
    count the pixels whose grey differs by more than `tolerance` (0-255). A pair whose pages are
    the same objects byte for byte (`page_digest`: a sheet copied unchanged, as a partial
    resubmittal or a deterministic plotter does) is identical without rendering."""
    from PIL import ImageChops

    old, new = open_document(old_path), open_document(new_path)
    digests = _page_digests(old_path, new_path, pairs)
    threshold = [0] * (tolerance + 1) + [255] * (255 - tolerance)
    for old_number, new_number in pairs:
        if digests.get((old_number, new_number)):
            emit(page=new_number, previous=old_number, differing=0, identical=True)
            continue
        images = [_grey_render(old, old_number, width_px), _grey_render(new, new_number, width_px)]
        if images[0].size != images[1].size:
            emit(page=new_number, previous=old_number, differing=-1)
            continue
        difference = ImageChops.difference(*images)
        differing = difference.point(threshold).histogram()[255] if difference.getbbox() else 0
        emit(page=new_number, previous=old_number, differing=differing)
    old.close()
    new.close()


def _grey_render(pdf, number, width_px):
    page = pdf[number - 1]
    width, height = page.get_size()
    bitmap = page.render(scale=width_px / max(width, height), grayscale=True)
    image = bitmap.to_pil().convert("L")
    bitmap.close()
    page.close()
    return image


def _page_digests(old_path, new_path, pairs):
    """{(old page, new page): True} for the pairs whose pages are the same objects byte for byte."""
    import pikepdf

    try:
        with pikepdf.open(old_path) as old, pikepdf.open(new_path) as new:
            return {
                (a, b): True
                for a, b in pairs
                if (digest := page_digest(old.pages[a - 1].obj)) is not None
                and digest == page_digest(new.pages[b - 1].obj)
            }
    except Exception:  # qpdf cannot read it, or it nests too deep: every pair is rendered
        return {}


def labels(path):
    """The sheet number read from each page's title block, page by page."""
    pdf = open_document(path)
    for index in range(len(pdf)):
        page = pdf[index]
        label, _title, _text = read_text(page)
        emit(number=index + 1, label=label)
        page.close()
    pdf.close()


def assemble(base_path, sheets_path, dest, replacements):
    """Write BASE with some of its pages replaced by pages of SHEETS ((base page, sheets page),
    numbers from 1) to DEST; every other page is kept as it is, objects and all."""
    import pikepdf

    with pikepdf.open(base_path) as base, pikepdf.open(sheets_path) as sheets:
        for base_number, sheets_number in replacements:
            base.pages[base_number - 1] = sheets.pages[sheets_number - 1]
        base.remove_unreferenced_resources()
        base.save(dest)
        emit(pages=len(base.pages))


INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def page_digest(page):
    """A hash of everything a page draws from (its dictionary but /Parent, and every object it
    reaches, streams by their raw bytes), the same for the same page in two files whatever the
    objects' numbers; None when it inherits from the page tree (then it is rendered)."""
    import hashlib

    if _inherits(page):
        return None
    digest = hashlib.sha256()
    _feed(digest, page, {}, skip=("/Parent",))
    return digest.digest()


def _inherits(page):
    """Whether the page takes any of INHERITABLE from an ancestor in the page tree."""
    missing = [key for key in INHERITABLE if key not in page]
    node = page
    for _ in range(64):  # a page tree deeper than this is not worth the shortcut
        node = node.get("/Parent")
        if node is None:
            return False
        if any(key in node for key in missing):
            return True
    return True


STREAM_ENCODING = ("/Length", "/Filter", "/DecodeParms")


def _feed(digest, obj, seen, skip=()):
    import pikepdf

    if isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream) and obj.is_indirect:
        if obj.objgen in seen:
            digest.update(b"@%d" % seen[obj.objgen])
            return
        seen[obj.objgen] = len(seen)
    if isinstance(obj, pikepdf.Stream):
        digest.update(b"S")
        digest.update(obj.read_bytes())  # decoded (flate, LZW; images stay encoded): saving may recompress
        _feed(digest, obj.stream_dict, seen, skip=STREAM_ENCODING)
    elif isinstance(obj, pikepdf.Dictionary):
        digest.update(b"D")
        for key in sorted(obj.keys()):
            if key not in skip:
                digest.update(key.encode())
                _feed(digest, obj[key], seen)
    elif isinstance(obj, pikepdf.Array):
        digest.update(b"A%d" % len(obj))
        for item in obj:
            _feed(digest, item, seen)
    else:
        digest.update(b"V" + (obj.unparse() if isinstance(obj, pikepdf.Object) else repr(obj).encode()))


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    if command == "labels":
        labels(path)
    elif command == "assemble":
        sheets_path, dest, *pairs = rest
        assemble(path, sheets_path, dest, [tuple(map(int, p.split(":"))) for p in pairs])
    elif command == "compare":
        new_path, width_px, tolerance, *pairs = rest
        compare(path, new_path, int(width_px), int(tolerance), [tuple(map(int, p.split(":"))) for p in pairs])
    elif command == "inspect":
        inspect(path)
    elif command == "web":
        web(path, rest[0])
    elif command == "stamp":
        stamp(path, *rest)
    else:
        outdir, thumb_width, *split = rest
        render(path, outdir, int(thumb_width), *map(int, split))
