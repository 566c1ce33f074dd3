"""The sheet's geometry (ARCH D, landscape) and the drawing primitives every sheet uses."""

from reportlab.lib.utils import simpleSplit

W, H = 36 * 72, 24 * 72  # ARCH D, landscape, in points
MARGIN, TB_W, GAP = 36, 252, 18  # border inset, title block width, space around drawings
AREA = (MARGIN + GAP, MARGIN + GAP, W - MARGIN - TB_W - GAP, H - MARGIN - GAP)  # x0, y0, x1, y1
NOTES_W = 300  # the notes column at the right of the drawing area
VIEW = (AREA[0], AREA[1] + 40, AREA[2] - NOTES_W - GAP, AREA[3])  # where the drawing goes
SCALES = [(9.0, '1/8" = 1\'-0"'), (6.75, '3/32" = 1\'-0"'), (4.5, '1/16" = 1\'-0"'), (3.6, '1" = 20\'-0"')]


def text(c, x, y, s, size=8, font="Helvetica", anchor="left"):
    c.setFillGray(0)
    c.setFont(font, size)
    {"left": c.drawString, "center": c.drawCentredString, "right": c.drawRightString}[anchor](x, y, s)


def fit_text(c, x, y, s, width, size, font="Helvetica-Bold"):
    """`s` on one line, shrunk until it fits `width`."""
    while size > 4 and c.stringWidth(s, font, size) > width:
        size -= 0.5
    text(c, x, y, s, size, font)


def bubble(c, x, y, label, r=13, size=11):
    c.setLineWidth(0.8)
    c.setFillGray(1)
    c.circle(x, y, r, fill=1)
    text(c, x, y - size * 0.35, label, size, "Helvetica-Bold", "center")


def paragraph(c, x, y, width, title, lines, size=7):
    """A numbered notes block; returns the y below it."""
    text(c, x, y, title, 10, "Helvetica-Bold")
    y -= 18
    for number, line in enumerate(lines, start=1):
        for i, part in enumerate(simpleSplit(line, "Helvetica", size, width - 18)):
            text(c, x, y, f"{number}." if i == 0 else "", size)
            text(c, x + 16, y, part, size)
            y -= size + 3
        y -= 3
    return y - 10


def table(c, x, y, widths, rows, row_h=14, size=7):
    """A ruled table, the first row bold; returns the y below it."""
    c.setLineWidth(0.5)
    for r, row in enumerate(rows):
        c.rect(x, y - row_h, sum(widths), row_h)
        cx = x
        for width, cell in zip(widths, row):
            text(c, cx + 3, y - row_h + 4, str(cell), size, "Helvetica-Bold" if r == 0 else "Helvetica")
            cx += width
        y -= row_h
    for i in range(1, len(widths)):
        cx = x + sum(widths[:i])
        c.line(cx, y, cx, y + row_h * len(rows))
    return y - 16


def view_title(c, x, y, number, title, scale):
    bubble(c, x + 16, y + 6, str(number), 16, 12)
    text(c, x + 40, y + 8, title, 14, "Helvetica-Bold")
    c.setLineWidth(1.5)
    c.line(x + 40, y + 3, x + 40 + c.stringWidth(title, "Helvetica-Bold", 14), y + 3)
    text(c, x + 40, y - 10, f"SCALE: {scale}", 8)


def north_arrow(c, x, y, r=28):
    c.setLineWidth(1)
    c.circle(x, y, r)
    path = c.beginPath()
    path.moveTo(x, y + r + 8), path.lineTo(x - 10, y - r * 0.6), path.lineTo(x, y - r * 0.2), path.close()
    c.setFillGray(0)
    c.drawPath(path, fill=1)
    text(c, x, y + r + 12, "N", 14, "Helvetica-Bold", "center")


def wall(c, x1, y1, x2, y2, t, gaps=(), gray=0.75):
    """An axis-aligned wall `t` thick as a filled double line, open at `gaps` [(from, to)]."""
    c.setFillGray(gray)
    c.setLineWidth(0.6)
    horizontal = y1 == y2
    start, end = (x1, x2) if horizontal else (y1, y2)
    for g0, g1 in sorted(gaps) + [(end, end)]:
        if g0 > start:
            if horizontal:
                c.rect(start, y1 - t / 2, g0 - start, t, fill=1)
            else:
                c.rect(x1 - t / 2, start, t, g0 - start, fill=1)
        start = max(start, g1)


def feet_inches(feet):
    return f"{int(feet)}'-{round((feet % 1) * 12)}\""


def frange(start, stop, step):
    while start < stop:
        yield start
        start += step
