"""A realistic architectural plan set PDF for demos, tests and benchmarks.

`write_plan_set` draws ARCH D sheets (36 x 24 in, landscape) with reportlab:
a border, a title block along the right edge whose sheet number (G-001,
A-101, FP-101 ...) stands alone in a large font at the bottom-right, and
vector drawings per discipline. Everything varies with a seed taken from the
project and the sheet number, so a set is the same every time it is drawn
and no two sheets are alike.
"""

import random
import tempfile
import zlib
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageOps
from reportlab import rl_config
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

W, H = 36 * 72, 24 * 72  # ARCH D, landscape, in points
MARGIN, TB_W, GAP = 36, 252, 18  # border inset, title block width, space around drawings
AREA = (MARGIN + GAP, MARGIN + GAP, W - MARGIN - TB_W - GAP, H - MARGIN - GAP)  # x0, y0, x1, y1
NOTES_W = 300  # the notes column at the right of the drawing area
VIEW = (AREA[0], AREA[1] + 40, AREA[2] - NOTES_W - GAP, AREA[3])  # where the drawing goes
SCALES = [(9.0, '1/8" = 1\'-0"'), (6.75, '3/32" = 1\'-0"'), (4.5, '1/16" = 1\'-0"'), (3.6, "1\" = 20'-0\"")]
ORDINALS = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH"]
ROOM_NAMES = ["OFFICE", "OFFICE", "CONFERENCE", "STORAGE", "BREAK ROOM", "OPEN OFFICE", "COPY / WORK",
              "ELEC.", "JAN.", "IT / DATA", "RETAIL", "TENANT SPACE", "LOUNGE", "MAIL"]
NOTES = [
    "ALL WORK SHALL COMPLY WITH THE 2024 INTERNATIONAL BUILDING CODE AS AMENDED BY THE CITY.",
    "CONTRACTOR SHALL VERIFY ALL DIMENSIONS AND CONDITIONS IN THE FIELD BEFORE STARTING WORK.",
    "DIMENSIONS ARE TO FACE OF STUD OR FACE OF CONCRETE UNLESS NOTED OTHERWISE.",
    "DO NOT SCALE DRAWINGS. WRITTEN DIMENSIONS GOVERN.",
    "PROVIDE FIRE BLOCKING AT ALL CONCEALED SPACES PER IBC 718.",
    "ALL PENETRATIONS OF RATED ASSEMBLIES SHALL BE SEALED WITH A LISTED FIRESTOP SYSTEM.",
    "PROVIDE 5/8\" TYPE X GYPSUM BOARD AT ALL RATED WALLS, SEE WALL TYPES.",
    "ACCESSIBLE ROUTES SHALL COMPLY WITH ICC A117.1 AND THE ADA STANDARDS.",
    "COORDINATE ALL OPENINGS WITH MECHANICAL, ELECTRICAL AND PLUMBING DRAWINGS.",
    "PROVIDE BLOCKING FOR ALL WALL-MOUNTED FIXTURES, EQUIPMENT AND GRAB BARS.",
    "EXIT SIGNS AND EMERGENCY LIGHTING SHALL BE PROVIDED PER IBC 1013 AND 1008.",
    "SEALANT AT ALL EXTERIOR JOINTS TO BE COLOR-MATCHED, SEE SPECIFICATIONS.",
]
STEEL = ["W12x26", "W14x30", "W16x26", "W16x31", "W18x35", "W21x44", "W24x55"]
PLANTS = [("QR", "Quercus rubra", "Red oak", '2" cal.'), ("AR", "Acer rubrum", "Red maple", '2" cal.'),
          ("CC", "Cercis canadensis", "Redbud", "6' ht."), ("IG", "Ilex glabra", "Inkberry", "5 gal."),
          ("PV", "Panicum virgatum", "Switchgrass", "1 gal."), ("RA", "Rhus aromatica", "Fragrant sumac", "3 gal.")]


@dataclass(frozen=True)
class Sheet:
    label: str
    title: str
    kind: str
    level: int  # which floor a plan shows, or which part of a series


BASE_SHEETS = [  # discipline, first number, title, kind
    ("G", 1, "COVER SHEET AND SHEET INDEX", "cover"), ("C", 101, "SITE PLAN", "site"),
    ("L", 101, "LANDSCAPE PLAN", "landscape"), ("A", 101, "FLOOR PLAN", "floor"),
    ("A", 101, "FLOOR PLAN", "floor"), ("A", 201, "EXTERIOR ELEVATIONS", "elevations"),
    ("A", 301, "BUILDING SECTIONS", "sections"), ("S", 101, "FOUNDATION AND FRAMING PLAN", "framing"),
    ("M", 101, "MECHANICAL PLAN", "mechanical"), ("P", 101, "PLUMBING PLAN", "plumbing"),
    ("E", 101, "ELECTRICAL PLAN", "electrical"), ("FP", 101, "FIRE PROTECTION PLAN", "fire"),
]


def sheet_list(count):
    """The sheets of a `count`-sheet set: the base list, then again with the next numbers."""
    used, sheets = {}, []
    for index in range(count):
        discipline, first, title, kind = BASE_SHEETS[index % len(BASE_SHEETS)]
        nth = used[(discipline, first)] = used.get((discipline, first), 0) + 1
        if nth > 99:
            raise ValueError(f"A plan set has at most {index} sheets here: each series holds 99 numbers.")
        if kind == "floor":
            title = f"{ORDINALS[nth - 1]} FLOOR PLAN" if nth <= len(ORDINALS) else f"LEVEL {nth} FLOOR PLAN"
        elif nth > 1:
            title = f"{title} - PART {nth}"
        sheets.append(Sheet(f"{discipline}-{first + nth - 1:03d}", title, kind, nth))
    return sheets


def write_plan_set(path, *, project, address, sheets=12, raster_images=False):
    """Write a `sheets`-sheet plan set for `project` at `address` to `path`."""
    listing = sheet_list(sheets)
    project_rng = random.Random(zlib.crc32(project.encode()))
    info = {
        "project": project, "address": address, "sheets": listing,
        "city": project_rng.choice(["RIVERSIDE", "FAIRVIEW", "GREENVILLE", "SPRINGFIELD", "MADISON"]),
        "number": f"{project_rng.randint(2023, 2026)}-{project_rng.randint(100, 999)}",
        "date": f"{project_rng.randint(1, 12):02d}/{project_rng.randint(1, 28):02d}/2025",
        "grid": make_grid(project_rng),
    }
    canvas = Canvas(str(path), pagesize=(W, H), pageCompression=1, invariant=1)  # same input, same bytes
    canvas.setTitle(f"{project} - plan set")
    canvas.setAuthor("Halvorsen + Okafor Architects")
    use_a85, rl_config.useA85 = rl_config.useA85, 0  # JPEGs go in as they are, not as ASCII85 text
    try:
        with tempfile.TemporaryDirectory() as photos:
            for sheet in listing:
                rng = random.Random(zlib.crc32(f"{project}|{sheet.label}".encode()))
                border(canvas)
                DRAW[sheet.kind](canvas, rng, sheet, info)
                photo = aerial_photo(rng, f"{photos}/{sheet.label}.jpg") if raster_images else None
                title_block(canvas, rng, sheet, info, photo)
                canvas.showPage()
        canvas.save()
    finally:
        rl_config.useA85 = use_a85
    return [sheet.label for sheet in listing]


# --- drawing helpers ----------------------------------------------------------


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


# --- the building: a column grid shared by the set, rooms varying per floor ---


@dataclass(frozen=True)
class Grid:
    xs: list  # grid lines 1, 2, 3 ... in points
    ys: list  # grid lines A, B, C ...
    scale: float  # points per foot
    scale_text: str
    feet_x: list  # bay widths in feet
    feet_y: list


def make_grid(rng):
    feet_x = [rng.choice([24, 26, 28, 30]) for _ in range(rng.randint(5, 8))]
    feet_y = [rng.choice([24, 28, 30]) for _ in range(rng.randint(3, 4))]
    space = (VIEW[2] - VIEW[0] - 260, VIEW[3] - VIEW[1] - 260)  # what the bubbles and dimensions leave
    scale, scale_text = next(s for s in SCALES if sum(feet_x) * s[0] <= space[0] and sum(feet_y) * s[0] <= space[1])
    x0 = VIEW[0] + 150 + (space[0] - sum(feet_x) * scale) / 2
    y0 = VIEW[1] + 110 + (space[1] - sum(feet_y) * scale) / 2
    xs, ys = [x0], [y0]
    for feet in feet_x:
        xs.append(xs[-1] + feet * scale)
    for feet in feet_y:
        ys.append(ys[-1] + feet * scale)
    return Grid(xs, ys, scale, scale_text, feet_x, feet_y)


def grid_letter(i):
    return "ABCDEFGHJKLMNPQRSTUVWXYZ"[i]


def draw_grid(c, g, dims=True):
    c.setDash([12, 4, 2, 4])
    c.setLineWidth(0.4)
    for x in g.xs:
        c.line(x, g.ys[0] - 40, x, g.ys[-1] + 80)
    for y in g.ys:
        c.line(g.xs[0] - 80, y, g.xs[-1] + 40, y)
    c.setDash()
    for i, x in enumerate(g.xs):
        bubble(c, x, g.ys[-1] + 94, str(i + 1))
    for i, y in enumerate(g.ys):
        bubble(c, g.xs[0] - 94, y, grid_letter(i))
    if dims:
        dimension_string(c, g.xs, g.feet_x, g.ys[-1] + 36, horizontal=True)
        dimension_string(c, g.ys, g.feet_y, g.xs[0] - 36, horizontal=False)


def feet_inches(feet):
    return f"{int(feet)}'-{round((feet % 1) * 12)}\""


def dimension_string(c, stops, feet, at, horizontal):
    c.setLineWidth(0.4)
    for ticks, offset, labels in ((stops, 0, feet), ((stops[0], stops[-1]), 20, [sum(feet)])):
        pos = at + offset if horizontal else at - offset
        a, b = ticks[0], ticks[-1]
        c.line(*((a, pos, b, pos) if horizontal else (pos, a, pos, b)))
        for t in ticks:
            c.line(*((t - 4, pos - 4, t + 4, pos + 4) if horizontal else (pos - 4, t - 4, pos + 4, t + 4)))
        for t0, t1, label in zip(ticks, ticks[1:], labels):
            if horizontal:
                text(c, (t0 + t1) / 2, pos + 3, feet_inches(label), 7, anchor="center")
            else:
                c.saveState()
                c.translate(pos - 3, (t0 + t1) / 2)
                c.rotate(90)
                text(c, 0, 0, feet_inches(label), 7, anchor="center")
                c.restoreState()


def rooms_of(rng, g, level):
    """Rooms north and south of a corridor on grid line ys[mid]: [(x0, y0, x1, y1, name, number)]."""
    mid = g.ys[len(g.ys) // 2]
    half = 4 * g.scale
    cuts = sorted({*g.xs, *(x + (x2 - x) * rng.choice([0.4, 0.5, 0.6]) for x, x2 in zip(g.xs, g.xs[1:])
                            if rng.random() < 0.5)})
    rooms, number = [], level * 100 + 1
    for y0, y1 in ((mid + half, g.ys[-1]), (g.ys[0], mid - half)):
        for x0, x1 in zip(cuts, cuts[1:]):
            if rooms and rng.random() < 0.25 and rooms[-1][1] == y0 and rooms[-1][2] == x0:
                x0 = rooms.pop()[0]  # merge with the room before
            rooms.append((x0, y0, x1, y1, rng.choice(ROOM_NAMES), number))
            number += 1
    return rooms, (mid - half, mid + half)


def draw_plan(c, rng, g, level, gray=0.75):
    """Walls, doors, windows, stair, elevator and room tags of one floor; returns its rooms."""
    rooms, corridor = rooms_of(rng, g, level)
    exterior_walls(c, g, corridor, gray)
    partitions(c, g, rooms, corridor, gray)
    stair_and_elevator(c, g.scale, rooms)
    rooms[0] = (*rooms[0][:4], "STAIR 1", rooms[0][5])
    for x0, y0, x1, y1, name, number in rooms:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        text(c, cx, cy + 4, name, 8, "Helvetica-Bold", "center")
        c.setLineWidth(0.4)
        c.rect(cx - 12, cy - 12, 24, 12)
        text(c, cx, cy - 9, str(number), 7, anchor="center")
    text(c, g.xs[1] + 6 * g.scale, corridor[0] + 0.8 * g.scale, f"CORRIDOR {level}00", 7, "Helvetica-Bold")
    return rooms


def exterior_walls(c, g, corridor, gray):
    """A foot thick, a window in every bay north and south, an entry at each end of the corridor."""
    s = g.scale
    windows = [((a + b) / 2 - 3 * s, (a + b) / 2 + 3 * s) for a, b in zip(g.xs, g.xs[1:])]
    for y in (g.ys[0], g.ys[-1]):
        wall(c, g.xs[0], y, g.xs[-1], y, s, windows, gray)
        c.setLineWidth(0.3)
        for w0, w1 in windows:
            c.rect(w0, y - s / 2, w1 - w0, s)
            c.line(w0, y, w1, y)
    entry = [(sum(corridor) / 2 - 3 * s, sum(corridor) / 2 + 3 * s)]
    for x in (g.xs[0], g.xs[-1]):
        wall(c, x, g.ys[0], x, g.ys[-1], s, entry, gray)


def partitions(c, g, rooms, corridor, gray):
    """Corridor walls with a door into every room, and the walls between rooms."""
    t, door = 0.5 * g.scale, 3 * g.scale
    for y, up in ((corridor[1], True), (corridor[0], False)):
        here = [room for room in rooms if (room[1] >= y if up else room[3] <= y)]
        doors = [(room[0] + 2 * g.scale, room[0] + 2 * g.scale + door) for room in here]
        wall(c, g.xs[0], y, g.xs[-1], y, t, doors, gray)
        for x0, y0, _, y1, _, _ in here:
            if x0 != g.xs[0]:
                wall(c, x0, y0, x0, y1, t, (), gray)
        face = y + t / 2 if up else y - t / 2
        for d0, _ in doors:  # the leaf, open, and its swing
            c.setLineWidth(0.5)
            c.line(d0, face, d0, face + (door if up else -door))
            c.setLineWidth(0.25)
            c.arc(d0 - door, face - door, d0 + door, face + door, 0 if up else 270, 90)


def stair_and_elevator(c, s, rooms):
    sx, sy = rooms[0][0] + s, rooms[0][3] - 21 * s  # two flights of treads in the first room
    c.setLineWidth(0.3)
    c.rect(sx, sy, 10 * s, 20 * s)
    for i in range(1, 12):
        c.line(sx, sy + 4 * s + i * s, sx + 10 * s, sy + 4 * s + i * s)
    c.line(sx + 5 * s, sy + 4 * s, sx + 5 * s, sy + 16 * s)
    ex, ey = rooms[-1][2] - 10 * s, rooms[-1][1] + 2 * s  # the elevator shaft in the last one
    c.rect(ex, ey, 8 * s, 8 * s)
    c.line(ex, ey, ex + 8 * s, ey + 8 * s), c.line(ex, ey + 8 * s, ex + 8 * s, ey)


# --- the sheets ---------------------------------------------------------------


def notes_column(c, rng, title="GENERAL NOTES"):
    lines = rng.sample(NOTES, rng.randint(6, 10))
    return paragraph(c, AREA[2] - NOTES_W, AREA[3] - 10, NOTES_W, title, lines)


def floor(c, rng, sheet, info):
    g = info["grid"]
    draw_grid(c, g)
    draw_plan(c, rng, g, sheet.level)
    mid = g.ys[len(g.ys) // 2]
    for x, ref in ((g.xs[0] - 140, "1"), (g.xs[-1] + 60, "1")):  # a section cut, referring to A-301
        bubble(c, x + 20, mid + 60, ref, 12, 9)
    text(c, g.xs[-1] + 80, mid + 40, "A-301", 6, anchor="center")
    notes_column(c, rng)
    view_title(c, VIEW[0], AREA[1] + 6, 1, sheet.title, g.scale_text)


def elevations(c, rng, sheet, info):
    g = info["grid"]
    floors = 2 + (sheet.level + len(g.xs)) % 3
    s, half = g.scale, (VIEW[3] - VIEW[1]) / 2
    for i, name in enumerate(("NORTH ELEVATION", "SOUTH ELEVATION")):
        base = VIEW[3] - half * (i + 1) + 70
        floor_h = min(14 * s, (half - 160) / (floors + 0.3))
        top = base + floors * floor_h
        c.setLineWidth(2.5)
        c.line(g.xs[0] - 60, base, g.xs[-1] + 60, base)
        c.setLineWidth(1.2)
        c.rect(g.xs[0], base, g.xs[-1] - g.xs[0], top + 0.3 * floor_h - base)
        for f in range(floors):
            y = base + f * floor_h
            c.setDash(6, 3), c.setLineWidth(0.4)
            c.line(g.xs[0] - 30, y, g.xs[-1] + 140, y)
            c.setDash()
            text(c, g.xs[-1] + 150, y + 2, f"LEVEL {f + 1}", 8, "Helvetica-Bold")
            text(c, g.xs[-1] + 150, y - 8, f"+{feet_inches(f * floor_h / s)}", 7)
            for x0, x1 in zip(g.xs, g.xs[1:]):
                panes = rng.choice([2, 3, 4])
                wx0, wx1, wy0 = x0 + 0.15 * (x1 - x0), x1 - 0.15 * (x1 - x0), y + 0.3 * floor_h
                c.setLineWidth(0.6)
                c.rect(wx0, wy0, wx1 - wx0, 0.5 * floor_h)
                for p in range(1, panes):
                    px = wx0 + p * (wx1 - wx0) / panes
                    c.line(px, wy0, px, wy0 + 0.5 * floor_h)
        c.setLineWidth(0.2)
        for k in range(int(floor_h * 0.3 / 4)):
            c.line(g.xs[0], top + k * 4, g.xs[-1], top + k * 4)
        for j, x in enumerate(g.xs):
            c.setLineWidth(0.3)
            c.line(x, top + 0.3 * floor_h, x, top + 0.3 * floor_h + 20)
            bubble(c, x, top + 0.3 * floor_h + 34, str(j + 1 if i == 0 else len(g.xs) - j))
        tag_y = base + floor_h * (floors - 0.5)
        c.setLineWidth(0.4)
        c.line(g.xs[0] - 70, tag_y, g.xs[0] + 0.1 * (g.xs[1] - g.xs[0]), tag_y)
        text(c, g.xs[0] - 70, tag_y + 3, rng.choice(["FIBER CEMENT PANEL", "BRICK VENEER", "METAL PANEL"]), 6,
             "Helvetica-Bold")
        view_title(c, VIEW[0], base - 50, i + 1, name, g.scale_text)
    notes_column(c, rng, "ELEVATION NOTES")


def sections(c, rng, sheet, info):
    g = info["grid"]
    s, half = g.scale, (VIEW[3] - VIEW[1]) / 2
    floors = 2 + (len(g.xs)) % 3
    for i, stops in enumerate((g.xs, [g.xs[0] + (y - g.ys[0]) for y in g.ys])):
        base = VIEW[3] - half * (i + 1) + 90
        floor_h = min(14 * s, (half - 180) / (floors + 0.4))
        x0, x1 = stops[0], stops[-1]
        c.setFillGray(0)
        for f in range(floors + 1):
            y = base + f * floor_h
            c.rect(x0, y - 0.8 * s, x1 - x0, 0.8 * s, fill=1)
            if f < floors:
                text(c, x1 + 30, y + 2, f"LEVEL {f + 1}  +{feet_inches(f * 14)}", 7, "Helvetica-Bold")
                for a, b in zip(stops, stops[1:]):
                    text(c, (a + b) / 2, y + floor_h / 2, rng.choice(ROOM_NAMES), 7, anchor="center")
        c.setFillGray(0.6)
        for x in (x0, x1):
            c.rect(x - 0.5 * s, base, s, floors * floor_h, fill=1)
        c.setLineWidth(0.8)
        for x in stops:
            c.rect(x - 3 * s, base - 4 * s, 6 * s, 1.5 * s)  # footings
            c.line(x, base, x, base + floors * floor_h)
        c.setLineWidth(2.5)
        c.line(x0 - 60, base - 0.8 * s, x1 + 60, base - 0.8 * s)
        for j, x in enumerate(stops):
            bubble(c, x, base + floors * floor_h + 40, str(j + 1) if i == 0 else grid_letter(j))
        view_title(c, VIEW[0], base - 70, i + 1, f"BUILDING SECTION {i + 1}", g.scale_text)
    notes_column(c, rng, "SECTION NOTES")


def framing(c, rng, sheet, info):
    g = info["grid"]
    draw_grid(c, g)
    s = g.scale
    c.setLineWidth(0.25)
    for x0, x1 in zip(g.xs, g.xs[1:]):
        spacing = rng.choice([4, 5, 6]) * s
        x = x0 + spacing
        while x < x1 - 1:
            c.line(x, g.ys[0], x, g.ys[-1])
            x += spacing
        text(c, (x0 + x1) / 2, g.ys[0] + 20, f"{rng.choice(['18K5', '20K4', '22K6'])} @ {spacing / s:.0f}'-0\" O.C.",
             7, "Helvetica-Bold", "center")
    c.setLineWidth(2)
    for y in g.ys:
        c.line(g.xs[0], y, g.xs[-1], y)
        for x0, x1 in zip(g.xs, g.xs[1:]):
            text(c, (x0 + x1) / 2, y + 4, rng.choice(STEEL), 7, "Helvetica-Bold", "center")
    c.setFillGray(0)
    for x in g.xs:
        for y in g.ys:
            c.rect(x - 5, y - 5, 10, 10, fill=1)
    rows = [["MARK", "SIZE", "REINF.", "TOP EL."]] + [
        [f"F{n}", f"{w}'-0\" SQ x 2'-0\"", f"({w + 2}) #5 E.W.", "-2'-0\""] for n, w in enumerate((4, 5, 6, 8), 1)]
    y = paragraph(c, AREA[2] - NOTES_W, AREA[3] - 10, NOTES_W, "STRUCTURAL NOTES", rng.sample(NOTES, 4))
    table(c, AREA[2] - NOTES_W, y, [50, 100, 90, 60], rows)
    view_title(c, VIEW[0], AREA[1] + 6, 1, sheet.title, g.scale_text)


def mep(c, rng, sheet, info, kind):
    """An MEP or fire protection plan: the floor plan in light gray, a main along the corridor, work per room."""
    g = info["grid"]
    draw_grid(c, g, dims=False)
    rooms = draw_plan(c, rng, g, sheet.level, gray=0.9)
    mid, s = g.ys[len(g.ys) // 2], g.scale
    main, draw_room = MEP[kind]
    if main:
        c.setLineWidth(2)
        c.line(g.xs[0] + 2 * s, mid, g.xs[-1] - 2 * s, mid)
        text(c, g.xs[0] + 4 * s, mid + 4, main, 7, "Helvetica-Bold")
    for x0, y0, x1, y1, _, _ in rooms:
        draw_room(c, rng, s, mid, x0, y0, x1, y1, y0 + (y1 - y0) * (0.72 if y0 > mid else 0.28))  # clear of the tag
    notes_column(c, rng, f"{kind.upper()} NOTES")
    view_title(c, VIEW[0], AREA[1] + 6, 1, sheet.title, g.scale_text)


def supply_diffuser(c, rng, s, mid, x0, y0, x1, y1, cy):
    cx = (x0 + x1) / 2
    c.setLineWidth(0.5)
    c.line(cx - 0.5 * s, mid, cx - 0.5 * s, cy), c.line(cx + 0.5 * s, mid, cx + 0.5 * s, cy)  # branch duct
    c.rect(cx - 1.5 * s, cy - 1.5 * s, 3 * s, 3 * s)
    c.line(cx - 1.5 * s, cy - 1.5 * s, cx + 1.5 * s, cy + 1.5 * s), c.line(cx - 1.5 * s, cy + 1.5 * s, cx + 1.5 * s,
                                                                             cy - 1.5 * s)
    text(c, cx + 2 * s, cy - 2.5 * s, f"{rng.choice([150, 200, 250, 300])} CFM", 6)


def plumbing_fixture(c, rng, s, mid, x0, y0, x1, y1, cy):
    if rng.random() < 0.6:
        return
    cx = (x0 + x1) / 2
    c.setLineWidth(0.6)
    c.ellipse(cx - s, cy, cx + s, cy + 2.5 * s), c.rect(cx - 1.2 * s, cy + 2.5 * s, 2.4 * s, 0.8 * s)  # water closet
    c.setDash(5, 2)
    c.line(cx, cy, cx, mid)
    c.setDash()
    text(c, cx + 3, (cy + mid) / 2, rng.choice(['3/4" CW', '1/2" HW', '4" SAN']), 6)


def lighting_and_power(c, rng, s, mid, x0, y0, x1, y1, cy):
    c.setLineWidth(0.4)
    for fx in (x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3):  # 2x4 troffers
        c.rect(fx - s, cy - 2 * s, 2 * s, 4 * s), c.line(fx - s, cy - 2 * s, fx + s, cy + 2 * s)
    c.bezier(x0 + (x1 - x0) / 3, cy, x0 + (x1 - x0) / 2, cy + 4 * s, x0 + (x1 - x0) / 2, cy + 4 * s,
             x0 + 2 * (x1 - x0) / 3, cy)  # circuiting
    c.circle(x0 + 2 * s, y0 + 2 * s, 0.6 * s)  # receptacle
    text(c, x1 - 3 * s, y0 + 1.5 * s, "$", 8, "Helvetica-Bold")  # switch
    text(c, x0 + 3 * s, y0 + 1.5 * s, f"LA-{rng.randint(1, 42)}", 6)


def sprinklers(c, rng, s, mid, x0, y0, x1, y1, cy):
    spacing = rng.choice([12, 13, 15]) * s
    c.setLineWidth(0.6)
    for hx in frange(x0 + spacing / 2, x1, spacing):
        c.line(hx, mid, hx, y1 - spacing / 2 if y0 > mid else y0 + spacing / 2)  # branch line
        for hy in frange(y0 + spacing / 2, y1, spacing):
            c.circle(hx, hy, 0.5 * s)


MEP = {  # the main along the corridor, what goes in each room
    "mechanical": ('24x14 SA DUCT', supply_diffuser), "plumbing": ('2" CW MAIN', plumbing_fixture),
    "electrical": (None, lighting_and_power), "fire": ('4" CROSS MAIN', sprinklers),
}


def frange(start, stop, step):
    while start < stop:
        yield start
        start += step


def site(c, rng, sheet, info, landscape=False):
    g, s = info["grid"], 3.6  # 1" = 20'-0"
    x0, y0 = VIEW[0] + 160, VIEW[1] + 240
    lot = [(x0, y0), (VIEW[2] - 180, y0 + rng.randint(-20, 20)),
           (VIEW[2] - 200 + rng.randint(-30, 30), VIEW[3] - 120), (x0 + rng.randint(0, 60), VIEW[3] - 140)]
    c.setLineWidth(1.8)
    c.setDash([18, 4, 3, 4])
    c.lines([(*a, *b) for a, b in zip(lot, lot[1:] + lot[:1])])
    c.setDash()
    for (ax, ay), (bx, by) in zip(lot, lot[1:] + lot[:1]):
        text(c, (ax + bx) / 2, (ay + by) / 2 + 6, f"N {rng.randint(0, 89)}°{rng.randint(0, 59):02d}'"
             f"{rng.randint(0, 59):02d}\" E  {rng.uniform(180, 420):.2f}'", 7, anchor="center")
    c.setLineWidth(1), c.line(VIEW[0], y0 - 60, VIEW[2], y0 - 60), c.line(VIEW[0], y0 - 150, VIEW[2], y0 - 150)
    c.setDash(20, 8), c.line(VIEW[0], y0 - 105, VIEW[2], y0 - 105), c.setDash()
    text(c, VIEW[0] + 20, y0 - 100, info["address"].split(" ", 1)[-1].upper(), 12, "Helvetica-Bold")
    bw, bh = (g.xs[-1] - g.xs[0]) / g.scale * s, (g.ys[-1] - g.ys[0]) / g.scale * s
    bx, by = x0 + 120, VIEW[3] - 180 - bh
    c.setLineWidth(1.5)
    c.setFillGray(0.85)
    c.rect(bx, by, bw, bh, fill=1)
    text(c, bx + bw / 2, by + bh / 2, "PROPOSED BUILDING", 10, "Helvetica-Bold", "center")
    text(c, bx + bw / 2, by + bh / 2 - 12, f"FF EL. {rng.uniform(100, 130):.2f}'", 8, anchor="center")
    if landscape:
        for _ in range(rng.randint(25, 45)):
            tx, ty, r = rng.uniform(x0 + 20, VIEW[2] - 220), rng.uniform(y0 + 20, by - 20), rng.uniform(10, 22)
            c.setLineWidth(0.5)
            c.circle(tx, ty, r), c.circle(tx, ty, 2)
            text(c, tx + r, ty + r - 4, rng.choice(PLANTS)[0], 6)
        rows = [["KEY", "BOTANICAL NAME", "COMMON NAME", "SIZE", "QTY"]] + [
            [*plant, rng.randint(3, 40)] for plant in PLANTS]
        table(c, AREA[2] - NOTES_W, AREA[3] - 20, [30, 100, 80, 50, 30], rows)
    else:
        stall_w, stall_d = 9 * s, 18 * s
        for row in range(2):
            ry = y0 + 30 + row * (stall_d * 2 + 24 * s)
            for k in range(int((VIEW[2] - 260 - x0) / stall_w)):
                sx = x0 + 40 + k * stall_w
                c.setLineWidth(0.5)
                c.line(sx, ry, sx, ry + stall_d), c.line(sx, ry + stall_d * 2, sx, ry + stall_d)
                if k == 2 and row == 0:
                    text(c, sx + stall_w / 2, ry + 8, "ADA", 6, "Helvetica-Bold", "center")
        y = paragraph(c, AREA[2] - NOTES_W, AREA[3] - 10, NOTES_W, "SITE NOTES", rng.sample(NOTES, 5))
        table(c, AREA[2] - NOTES_W, y, [170, 130], [["SITE DATA", ""], ["ZONING", rng.choice(["MU-2", "C-3", "TC"])],
              ["LOT AREA", f"{rng.randint(38000, 90000):,} SF"], ["PARKING PROVIDED", f"{rng.randint(40, 90)} STALLS"]])
    north_arrow(c, VIEW[2] - 60, VIEW[3] - 60)
    view_title(c, VIEW[0], AREA[1] + 6, 1, sheet.title, SCALES[3][1])


def cover(c, rng, sheet, info):
    x, y = AREA[0] + 20, AREA[3] - 60
    fit_text(c, x, y, info["project"], 1200, 44)
    text(c, x, y - 40, info["address"], 20)
    text(c, x, y - 70, f"CITY OF {info['city']} - BUILDING PERMIT SUBMITTAL - PROJECT {info['number']}", 14)
    c.setLineWidth(0.8)  # a perspective sketch of the building
    bx, by, bw, bh = x + 40, AREA[1] + 420, 700, 360
    c.rect(bx, by, bw, bh), c.lines([(bx, by + bh, bx + 180, by + bh + 120), (bx + bw, by + bh, bx + bw + 180,
                                     by + bh + 120), (bx + 180, by + bh + 120, bx + bw + 180, by + bh + 120),
                                     (bx + bw, by, bx + bw + 180, by + 120), (bx + bw + 180, by + 120,
                                     bx + bw + 180, by + bh + 120)])
    for i in range(1, 4):
        for j in range(10):
            c.rect(bx + 20 + j * 68, by + i * 90 - 50, 44, 50)
    rows = [["PROJECT DATA", ""], ["OCCUPANCY", rng.choice(["B / M", "B", "R-2 / M"])],
            ["CONSTRUCTION TYPE", rng.choice(["II-B", "V-A", "III-A"])], ["SPRINKLERED", "YES, NFPA 13"],
            ["GROSS AREA", f"{rng.randint(18000, 64000):,} SF"], ["STORIES", str(rng.randint(2, 4))]]
    table(c, x, AREA[1] + 340, [160, 140], rows)
    paragraph(c, x + 360, AREA[1] + 340, 420, "CODE ANALYSIS", rng.sample(NOTES, 5))
    mx, my = AREA[0] + 1300, AREA[1] + 60  # vicinity map
    c.setLineWidth(0.6)
    c.rect(mx, my, 480, 320)
    for i in range(1, 8):
        c.line(mx + i * 60 + rng.randint(-10, 10), my, mx + i * 60 + rng.randint(-10, 10), my + 320)
        if i < 6:
            c.line(mx, my + i * 53 + rng.randint(-8, 8), mx + 480, my + i * 53 + rng.randint(-8, 8))
    c.setLineWidth(4)
    c.line(mx, my + 150, mx + 480, my + 175)
    north_arrow(c, mx + 440, my + 270, 18)
    c.setFillGray(0)
    c.circle(mx + 245, my + 190, 9, fill=1)
    text(c, mx + 258, my + 196, "PROJECT SITE", 8, "Helvetica-Bold")
    text(c, mx, my - 16, "VICINITY MAP - NOT TO SCALE", 9, "Helvetica-Bold")
    table(c, mx + 520, my + 320, [110, 190], [["CONSULTANT", "FIRM"], ["ARCHITECT", "Halvorsen + Okafor Architects"],
          ["STRUCTURAL", "Petrov Structural Engineers"], ["MEP", "Lindqvist Engineering Group"],
          ["CIVIL", "Ramirez Civil & Survey"], ["LANDSCAPE", "Field & Fern Studio"]])
    per_column = 55
    listing = info["sheets"]
    for column in range(0, len(listing), per_column):
        rows = [["SHEET", "TITLE"]] + [[s.label, s.title] for s in listing[column:column + per_column]]
        table(c, AREA[0] + 1300 + (column // per_column) * 330, AREA[3] - 20, [60, 250], rows, 13)


DRAW = {
    "cover": cover, "site": site, "landscape": lambda c, r, s, i: site(c, r, s, i, landscape=True),
    "floor": floor, "elevations": elevations, "sections": sections, "framing": framing,
    **{kind: (lambda k: lambda c, r, s, i: mep(c, r, s, i, k))(kind)
       for kind in ("mechanical", "plumbing", "electrical", "fire")},
}


# --- border, title block, aerial photo -----------------------------------------


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
    for role, firm in (("STRUCTURAL", "Petrov Structural Engineers"), ("MEP", "Lindqvist Engineering Group"),
                       ("CIVIL", "Ramirez Civil & Survey")):
        text(c, x, y, role, 6, "Helvetica-Bold")
        text(c, x + 60, y, firm, 7)
        y -= 11
    y -= 10
    c.setLineWidth(1)
    c.rect(x, y - 50, w, 50)
    text(c, x + w / 2, y - 18, f"CITY OF {info['city']}", 10, "Helvetica-Bold", "center")
    text(c, x + w / 2, y - 32, "PERMIT SUBMITTAL", 9, anchor="center")
    text(c, x + w / 2, y - 44, "NOT FOR CONSTRUCTION", 7, anchor="center")
    y = table(c, x, y - 70, [24, 140, w - 164], [["NO.", "REVISION", "DATE"]] + [
        [str(n), d, f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/25"] for n, d in
        enumerate(rng.sample(["PLAN CHECK RESPONSE", "OWNER REVISIONS", "ADDENDUM 1", "BID SET"], 2), 1)], 12, 6)
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
    for i, (k, v) in enumerate((("PROJECT NO.", info["number"]), ("DATE", info["date"]),
                                ("DRAWN BY", rng.choice(["JH", "MK", "AO", "TR"])),
                                ("CHECKED BY", rng.choice(["LH", "DO"])), ("SCALE", "AS NOTED"))):
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
        c.line(kx + a + max(0, t - (g.ys[-1] - g.ys[0]) * k), ky + min(t, (g.ys[-1] - g.ys[0]) * k),
               kx + a + min(t, b - a), ky + max(0, t - (b - a)))
    return ky - 20


def aerial_photo(rng, path, size=(2000, 1400)):
    """Write a JPEG of about 480 KB that looks like an aerial photo (fields, roads, roofs, grain); return `path`."""
    w, h = size
    blobs = Image.frombytes("L", (w // 64, h // 64), rng.randbytes(w // 64 * (h // 64)))
    image = ImageOps.colorize(blobs.resize(size, Image.Resampling.BICUBIC), (46, 60, 34), (190, 178, 140),
                              (104, 122, 70))
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
