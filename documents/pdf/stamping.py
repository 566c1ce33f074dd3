"""Overlaying an approval stamp on every sheet of a PDF, vector content kept (no Django here).

The stamp is one page of vector drawing (made by the caller, e.g. with reportlab);
it becomes one form XObject shared by every sheet, drawn in each sheet's top-right
corner as the sheet is displayed: the placement follows the visible box (CropBox,
which may sit anywhere in the MediaBox) and the page's /Rotate, so the stamp reads
upright on a rotated sheet. The sheets' own content streams are not touched: the
stamp is appended after them inside a saved graphics state ("q … Q"), so whatever
state the sheet's drawing leaves behind does not bend the stamp.
"""

import pikepdf
from pikepdf import Array, Dictionary, Name

STAMP_NAME = Name("/CRApproved")
MARGIN_PT = 36.0  # from the visible edges
MAX_SHARE = 0.45  # of the visible width or height: a small sheet gets a smaller stamp


def display_matrix(box, rotation):
    """The matrix (a b c d e f) from displayed coordinates (origin at the bottom-left of the
    sheet as shown, rotation applied) to the page's user space."""
    x0, y0, x1, y1 = box
    return {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x1, y0),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, -1, 1, 0, x0, y1),
    }[rotation % 360]


def displayed_size(box, rotation):
    width, height = box[2] - box[0], box[3] - box[1]
    return (height, width) if rotation % 180 else (width, height)


def placement(box, rotation, stamp_size):
    """The `cm` operands putting a stamp of `stamp_size` (points) in the displayed top-right corner."""
    width, height = displayed_size(box, rotation)
    stamp_w, stamp_h = stamp_size
    margin = min(MARGIN_PT, width * 0.03, height * 0.03)
    scale = min(1.0, width * MAX_SHARE / stamp_w, height * MAX_SHARE / stamp_h)
    u, v = width - margin - stamp_w * scale, height - margin - stamp_h * scale
    a, b, c, d, e, f = display_matrix(box, rotation)
    # displayed → user space, after scaling the stamp and moving it to (u, v)
    return (a * scale, b * scale, c * scale, d * scale, a * u + c * v + e, b * u + d * v + f)


def _visible_box(page):
    media = [float(x) for x in page.mediabox]
    crop = [float(x) for x in page.cropbox]
    media = [min(media[0], media[2]), min(media[1], media[3]), max(media[0], media[2]), max(media[1], media[3])]
    crop = [min(crop[0], crop[2]), min(crop[1], crop[3]), max(crop[0], crop[2]), max(crop[1], crop[3])]
    box = [max(crop[0], media[0]), max(crop[1], media[1]), min(crop[2], media[2]), min(crop[3], media[3])]
    return box if box[2] > box[0] and box[3] > box[1] else media


def _own_resources(page):
    """The page's /Resources as its own dictionary: inherited ones are copied onto it."""
    if Name.Resources not in page.obj:
        node = page.obj
        while Name.Resources not in node and Name.Parent in node:
            node = node.Parent
        page.obj.Resources = Dictionary(node.get(Name.Resources, Dictionary()))
    resources = page.obj.Resources
    if Name.XObject not in resources:
        resources.XObject = Dictionary()
    return resources


def stamp(source, stamp_pdf, dest):
    """Write `source` to `dest` with the first page of `stamp_pdf` overlaid on every page; returns the page count."""
    with pikepdf.open(source) as pdf, pikepdf.open(stamp_pdf) as drawn:
        drawing = drawn.pages[0]
        stamp_box = [float(x) for x in drawing.mediabox]
        stamp_size = (stamp_box[2] - stamp_box[0], stamp_box[3] - stamp_box[1])
        form = pdf.copy_foreign(drawing.as_form_xobject())
        save_state = pdf.make_stream(b"q\n")  # one stream shared by every page
        overlays = {}  # one per placement: sheets of one size and rotation share theirs
        for page in pdf.pages:
            rotation = page.rotation if page.rotation % 90 == 0 else 0  # viewers ignore any other value
            matrix = placement(_visible_box(page), rotation, stamp_size)
            _own_resources(page).XObject[STAMP_NAME] = form
            contents = page.obj.get(Name.Contents)
            existing = list(contents) if isinstance(contents, Array) else ([contents] if contents is not None else [])
            operands = " ".join(f"{value:.4f}".rstrip("0").rstrip(".") for value in matrix)
            if operands not in overlays:
                overlays[operands] = pdf.make_stream(f"Q q {operands} cm {STAMP_NAME} Do Q\n".encode())
            page.obj.Contents = Array([save_state, *existing, overlays[operands]])
        pdf.save(dest)
        return len(pdf.pages)
