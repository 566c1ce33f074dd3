"""Small PDFs for the browser tests, drawn with reportlab."""

import io
import random

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

ARCH_D = (36 * 72, 24 * 72)


def sheet_set(pages=3, *, size=ARCH_D, prefix="T", seed=1):
    """A plan-like PDF: each page with a border, some linework and its sheet number (T-101 ...)
    large in the bottom-right title block."""
    rng = random.Random(seed)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    width, height = size
    for number in range(1, pages + 1):
        canvas.setLineWidth(2)
        canvas.rect(36, 36, width - 72, height - 72)
        canvas.line(width - 288, 36, width - 288, height - 36)
        canvas.setLineWidth(0.5)
        for _ in range(60):
            x, y = rng.uniform(72, width - 320), rng.uniform(72, height - 72)
            canvas.rect(x, y, rng.uniform(20, 200), rng.uniform(20, 200))
        canvas.setFont("Helvetica", 10)
        for row in range(12):
            canvas.drawString(width - 276, height - 72 - 14 * row, f"NOTE {row + 1}: TEST SHEET {number}")
        canvas.setFont("Helvetica-Bold", 48)
        canvas.drawRightString(width - 60, 60, f"{prefix}-{100 + number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def many_pages(pages, *, seed=2):
    """A letter-size PDF of `pages` pages with a little drawing on each: slow enough to process
    that its progress can be watched."""
    rng = random.Random(seed)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    for number in range(1, pages + 1):
        for _ in range(40):
            canvas.circle(rng.uniform(50, 560), rng.uniform(50, 740), rng.uniform(5, 60))
        canvas.setFont("Helvetica-Bold", 24)
        canvas.drawRightString(580, 30, f"X-{number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def heavy_sheets(pages, *, image_px=600, seed=3):
    """ARCH D sheets that each carry a noisy (incompressible) raster image, so that the file is
    several megabytes and a viewer that fetched all of it to show one sheet would be caught."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    rng = random.Random(seed)
    out = io.BytesIO()
    width, height = ARCH_D
    canvas = Canvas(out, pagesize=ARCH_D, pageCompression=0)
    for number in range(1, pages + 1):
        noise = Image.frombytes("L", (image_px, image_px), rng.randbytes(image_px * image_px))
        canvas.drawImage(ImageReader(noise), 72, 72, 600, 600)
        canvas.setLineWidth(2)
        canvas.rect(36, 36, width - 72, height - 72)
        canvas.setFont("Helvetica-Bold", 48)
        canvas.drawRightString(width - 60, 60, f"H-{100 + number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def rotated_sheet():
    """One letter page with /Rotate 90 and a solid block near one corner of its stored content,
    so that where the block shows tells whether the rotation was applied."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    canvas.setPageRotation(90)
    canvas.setLineWidth(2)
    canvas.rect(18, 18, letter[0] - 36, letter[1] - 36)
    canvas.rect(letter[0] - 200, letter[1] - 140, 150, 90, fill=1)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def jpeg2000_sheet():
    """One letter page whose only ink is a black JPEG 2000 image (/JPXDecode) in the middle:
    PDF.js decodes JPEG 2000 in WebAssembly, so the image shows only where the CSP lets it."""
    import pikepdf
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (128, 128), 0).save(image, "JPEG2000")
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=letter)
    picture = pikepdf.Stream(pdf, image.getvalue())
    picture.update(
        {
            "/Type": pikepdf.Name.XObject,
            "/Subtype": pikepdf.Name.Image,
            "/Width": 128,
            "/Height": 128,
            "/ColorSpace": pikepdf.Name.DeviceGray,
            "/BitsPerComponent": 8,
            "/Filter": pikepdf.Name.JPXDecode,
        }
    )
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=picture))
    page.Contents = pdf.make_stream(b"q 300 0 0 300 156 246 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
