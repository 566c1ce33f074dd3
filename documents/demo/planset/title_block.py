"""What every sheet carries besides its drawing: the border, the title block and its key plan and photo."""

from PIL import Image, ImageDraw, ImageFilter, ImageOps
from reportlab.lib.utils import simpleSplit

from documents.demo.planset.drawing import MARGIN, TB_W, H, W, fit_text, frange, table, text


def border(c):
    c.setLineWidth(2)
    c.rect(MARGIN, MARGIN, W - 2 * MARGIN, H - 2 * MARGIN)
    c.rect(W - MARGIN - TB_W, MARGIN, TB_W, H - 2 * MARGIN)


def title_block(c, rng, sheet, info, photo):
    x, w = W - MARGIN - TB_W + 12, TB_W - 24
    y = H - MARGIN - 30
    text(c, x, y, "HALVORSEN + OKAFOR", 15, "Helvetica-Bold")
    text(c, x, y - 16, "ARCHITECTS", 11, "Helvetica-Bold")
    for i, line in enumerate(["410 Commerce Street, Suite 300", "T 555 0142 2210", "www.ho-architects.example"]):
        text(c, x, y - 34 - i * 10, line, 7)
    y -= 90
    for role, firm in (
        ("STRUCTURAL", "Petrov Structural Engineers"),
        ("MEP", "Lindqvist Engineering Group"),
        ("CIVIL", "Ramirez Civil & Survey"),
    ):
        text(c, x, y, role, 6, "Helvetica-Bold")
        text(c, x + 60, y, firm, 7)
        y -= 11
    y -= 10
    c.setLineWidth(1)
    c.rect(x, y - 50, w, 50)
    text(c, x + w / 2, y - 18, f"CITY OF {info['city']}", 10, "Helvetica-Bold", "center")
    text(c, x + w / 2, y - 32, "PERMIT SUBMITTAL", 9, anchor="center")
    text(c, x + w / 2, y - 44, "NOT FOR CONSTRUCTION", 7, anchor="center")
    y = table(
        c,
        x,
        y - 70,
        [24, 140, w - 164],
        [["NO.", "REVISION", "DATE"]]
        + [
            [str(n), d, f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/25"]
            for n, d in enumerate(rng.sample(["PLAN CHECK RESPONSE", "OWNER REVISIONS", "ADDENDUM 1", "BID SET"], 2), 1)
        ],
        12,
        6,
    )
    y = key_plan(c, rng, x, y, w, info["grid"])
    if photo is not None:
        c.drawImage(photo, x, y - 160, w, 160)  # by file name: reportlab embeds the JPEG as it is
        text(c, x, y - 172, "AERIAL PHOTO - NOT TO SCALE", 6)
    c.setLineWidth(0.8)
    c.circle(x + w / 2, MARGIN + 420, 48), c.circle(x + w / 2, MARGIN + 420, 40)
    text(c, x + w / 2, MARGIN + 424, "LICENSED ARCHITECT", 6, "Helvetica-Bold", "center")
    text(c, x + w / 2, MARGIN + 412, f"NO. C-{rng.randint(10000, 39999)}", 6, anchor="center")
    y = MARGIN + 330
    c.line(x - 12, y + 14, x + w + 12, y + 14)
    text(c, x, y, "PROJECT", 6, "Helvetica-Bold")
    fit_text(c, x, y - 14, info["project"], w, 11)
    text(c, x, y - 28, info["address"], 8)
    for i, (k, v) in enumerate(
        (
            ("PROJECT NO.", info["number"]),
            ("DATE", info["date"]),
            ("DRAWN BY", rng.choice(["JH", "MK", "AO", "TR"])),
            ("CHECKED BY", rng.choice(["LH", "DO"])),
            ("SCALE", "AS NOTED"),
        )
    ):
        text(c, x, y - 50 - i * 13, k, 6, "Helvetica-Bold")
        text(c, x + 80, y - 50 - i * 13, v, 8)
    y -= 130
    c.line(x - 12, y + 14, x + w + 12, y + 14)
    text(c, x, y, "SHEET TITLE", 6, "Helvetica-Bold")
    for i, line in enumerate(simpleSplit(sheet.title, "Helvetica-Bold", 13, w)[:3]):
        text(c, x, y - 18 - i * 16, line, 13, "Helvetica-Bold")
    c.line(x - 12, MARGIN + 110, x + w + 12, MARGIN + 110)
    text(c, x, MARGIN + 96, "SHEET", 6, "Helvetica-Bold")
    text(c, x + w / 2, MARGIN + 38, sheet.label, 44, "Helvetica-Bold", "center")  # the sheet number


def key_plan(c, rng, x, y, w, g):
    """The building's outline, the part this sheet shows hatched; returns the y below it."""
    text(c, x, y, "KEY PLAN", 6, "Helvetica-Bold")
    k = min((w - 40) / (g.xs[-1] - g.xs[0]), 80 / (g.ys[-1] - g.ys[0]))
    kx, ky = x + 20, y - 14 - (g.ys[-1] - g.ys[0]) * k
    c.setLineWidth(0.8)
    c.rect(kx, ky, (g.xs[-1] - g.xs[0]) * k, (g.ys[-1] - g.ys[0]) * k)
    part = rng.randrange(len(g.xs) - 1)
    a, b = (g.xs[part] - g.xs[0]) * k, (g.xs[part + 1] - g.xs[0]) * k
    c.setLineWidth(0.3)
    for t in frange(0, b - a + (g.ys[-1] - g.ys[0]) * k, 4):  # 45-degree hatch, clipped to the part
        c.line(
            kx + a + max(0, t - (g.ys[-1] - g.ys[0]) * k),
            ky + min(t, (g.ys[-1] - g.ys[0]) * k),
            kx + a + min(t, b - a),
            ky + max(0, t - (b - a)),
        )
    return ky - 20


def aerial_photo(rng, path, size=(2000, 1400)):
    """Write a JPEG of about 480 KB that looks like an aerial photo (fields, roads, roofs, grain); return `path`."""
    w, h = size
    blobs = Image.frombytes("L", (w // 64, h // 64), rng.randbytes(w // 64 * (h // 64)))
    image = ImageOps.colorize(
        blobs.resize(size, Image.Resampling.BICUBIC), (46, 60, 34), (190, 178, 140), (104, 122, 70)
    )
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        horizontal = rng.random() < 0.5
        at = rng.randrange(h if horizontal else w)
        draw.line((0, at, w, at) if horizontal else (at, 0, at, h), fill=(120, 118, 112), width=rng.randint(14, 30))
    for _ in range(rng.randint(30, 60)):
        x, y, bw, bh = rng.randrange(w), rng.randrange(h), rng.randint(20, 90), rng.randint(20, 90)
        shade = rng.randint(100, 235)
        draw.rectangle((x, y, x + bw, y + bh), fill=(shade, shade - rng.randint(0, 12), shade - rng.randint(0, 24)))
    grain = Image.frombytes("L", size, rng.randbytes(w * h)).filter(ImageFilter.BoxBlur(1))
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.3)
    image.save(path, "JPEG", quality=82)
    return path
