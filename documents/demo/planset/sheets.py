"""One drawing per kind of sheet (cover, site, floor plans, elevations ...), each in the drawing area."""

from documents.demo.planset.building import ROOM_NAMES, draw_grid, draw_plan, grid_letter
from documents.demo.planset.drawing import (
    AREA,
    NOTES_W,
    SCALES,
    VIEW,
    bubble,
    feet_inches,
    fit_text,
    frange,
    north_arrow,
    paragraph,
    table,
    text,
    view_title,
)

NOTES = [
    "ALL WORK SHALL COMPLY WITH THE 2024 INTERNATIONAL BUILDING CODE AS AMENDED BY THE CITY.",
    "CONTRACTOR SHALL VERIFY ALL DIMENSIONS AND CONDITIONS IN THE FIELD BEFORE STARTING WORK.",
    "DIMENSIONS ARE TO FACE OF STUD OR FACE OF CONCRETE UNLESS NOTED OTHERWISE.",
    "DO NOT SCALE DRAWINGS. WRITTEN DIMENSIONS GOVERN.",
    "PROVIDE FIRE BLOCKING AT ALL CONCEALED SPACES PER IBC 718.",
    "ALL PENETRATIONS OF RATED ASSEMBLIES SHALL BE SEALED WITH A LISTED FIRESTOP SYSTEM.",
    'PROVIDE 5/8" TYPE X GYPSUM BOARD AT ALL RATED WALLS, SEE WALL TYPES.',
    "ACCESSIBLE ROUTES SHALL COMPLY WITH ICC A117.1 AND THE ADA STANDARDS.",
    "COORDINATE ALL OPENINGS WITH MECHANICAL, ELECTRICAL AND PLUMBING DRAWINGS.",
    "PROVIDE BLOCKING FOR ALL WALL-MOUNTED FIXTURES, EQUIPMENT AND GRAB BARS.",
    "EXIT SIGNS AND EMERGENCY LIGHTING SHALL BE PROVIDED PER IBC 1013 AND 1008.",
    "SEALANT AT ALL EXTERIOR JOINTS TO BE COLOR-MATCHED, SEE SPECIFICATIONS.",
]
STEEL = ["W12x26", "W14x30", "W16x26", "W16x31", "W18x35", "W21x44", "W24x55"]
PLANTS = [
    ("QR", "Quercus rubra", "Red oak", '2" cal.'),
    ("AR", "Acer rubrum", "Red maple", '2" cal.'),
    ("CC", "Cercis canadensis", "Redbud", "6' ht."),
    ("IG", "Ilex glabra", "Inkberry", "5 gal."),
    ("PV", "Panicum virgatum", "Switchgrass", "1 gal."),
    ("RA", "Rhus aromatica", "Fragrant sumac", "3 gal."),
]


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
        text(
            c,
            g.xs[0] - 70,
            tag_y + 3,
            rng.choice(["FIBER CEMENT PANEL", "BRICK VENEER", "METAL PANEL"]),
            6,
            "Helvetica-Bold",
        )
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
        text(
            c,
            (x0 + x1) / 2,
            g.ys[0] + 20,
            f"{rng.choice(['18K5', '20K4', '22K6'])} @ {spacing / s:.0f}'-0\" O.C.",
            7,
            "Helvetica-Bold",
            "center",
        )
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
        [f"F{n}", f"{w}'-0\" SQ x 2'-0\"", f"({w + 2}) #5 E.W.", "-2'-0\""] for n, w in enumerate((4, 5, 6, 8), 1)
    ]
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
    (
        c.line(cx - 1.5 * s, cy - 1.5 * s, cx + 1.5 * s, cy + 1.5 * s),
        c.line(cx - 1.5 * s, cy + 1.5 * s, cx + 1.5 * s, cy - 1.5 * s),
    )
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
    c.bezier(
        x0 + (x1 - x0) / 3,
        cy,
        x0 + (x1 - x0) / 2,
        cy + 4 * s,
        x0 + (x1 - x0) / 2,
        cy + 4 * s,
        x0 + 2 * (x1 - x0) / 3,
        cy,
    )  # circuiting
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
    "mechanical": ("24x14 SA DUCT", supply_diffuser),
    "plumbing": ('2" CW MAIN', plumbing_fixture),
    "electrical": (None, lighting_and_power),
    "fire": ('4" CROSS MAIN', sprinklers),
}


def site(c, rng, sheet, info, landscape=False):
    g, s = info["grid"], 3.6  # 1" = 20'-0"
    x0, y0 = VIEW[0] + 160, VIEW[1] + 240
    lot = [
        (x0, y0),
        (VIEW[2] - 180, y0 + rng.randint(-20, 20)),
        (VIEW[2] - 200 + rng.randint(-30, 30), VIEW[3] - 120),
        (x0 + rng.randint(0, 60), VIEW[3] - 140),
    ]
    c.setLineWidth(1.8)
    c.setDash([18, 4, 3, 4])
    c.lines([(*a, *b) for a, b in zip(lot, lot[1:] + lot[:1])])
    c.setDash()
    for (ax, ay), (bx, by) in zip(lot, lot[1:] + lot[:1]):
        text(
            c,
            (ax + bx) / 2,
            (ay + by) / 2 + 6,
            f"N {rng.randint(0, 89)}°{rng.randint(0, 59):02d}'"
            f"{rng.randint(0, 59):02d}\" E  {rng.uniform(180, 420):.2f}'",
            7,
            anchor="center",
        )
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
            [*plant, rng.randint(3, 40)] for plant in PLANTS
        ]
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
        table(
            c,
            AREA[2] - NOTES_W,
            y,
            [170, 130],
            [
                ["SITE DATA", ""],
                ["ZONING", rng.choice(["MU-2", "C-3", "TC"])],
                ["LOT AREA", f"{rng.randint(38000, 90000):,} SF"],
                ["PARKING PROVIDED", f"{rng.randint(40, 90)} STALLS"],
            ],
        )
    north_arrow(c, VIEW[2] - 60, VIEW[3] - 60)
    view_title(c, VIEW[0], AREA[1] + 6, 1, sheet.title, SCALES[3][1])


def cover(c, rng, sheet, info):
    x, y = AREA[0] + 20, AREA[3] - 60
    fit_text(c, x, y, info["project"], 1200, 44)
    text(c, x, y - 40, info["address"], 20)
    text(c, x, y - 70, f"CITY OF {info['city']} - BUILDING PERMIT SUBMITTAL - PROJECT {info['number']}", 14)
    c.setLineWidth(0.8)  # a perspective sketch of the building
    bx, by, bw, bh = x + 40, AREA[1] + 420, 700, 360
    (
        c.rect(bx, by, bw, bh),
        c.lines(
            [
                (bx, by + bh, bx + 180, by + bh + 120),
                (bx + bw, by + bh, bx + bw + 180, by + bh + 120),
                (bx + 180, by + bh + 120, bx + bw + 180, by + bh + 120),
                (bx + bw, by, bx + bw + 180, by + 120),
                (bx + bw + 180, by + 120, bx + bw + 180, by + bh + 120),
            ]
        ),
    )
    for i in range(1, 4):
        for j in range(10):
            c.rect(bx + 20 + j * 68, by + i * 90 - 50, 44, 50)
    rows = [
        ["PROJECT DATA", ""],
        ["OCCUPANCY", rng.choice(["B / M", "B", "R-2 / M"])],
        ["CONSTRUCTION TYPE", rng.choice(["II-B", "V-A", "III-A"])],
        ["SPRINKLERED", "YES, NFPA 13"],
        ["GROSS AREA", f"{rng.randint(18000, 64000):,} SF"],
        ["STORIES", str(rng.randint(2, 4))],
    ]
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
    table(
        c,
        mx + 520,
        my + 320,
        [110, 190],
        [
            ["CONSULTANT", "FIRM"],
            ["ARCHITECT", "Halvorsen + Okafor Architects"],
            ["STRUCTURAL", "Petrov Structural Engineers"],
            ["MEP", "Lindqvist Engineering Group"],
            ["CIVIL", "Ramirez Civil & Survey"],
            ["LANDSCAPE", "Field & Fern Studio"],
        ],
    )
    per_column = 55
    listing = info["sheets"]
    for column in range(0, len(listing), per_column):
        rows = [["SHEET", "TITLE"]] + [[s.label, s.title] for s in listing[column : column + per_column]]
        table(c, AREA[0] + 1300 + (column // per_column) * 330, AREA[3] - 20, [60, 250], rows, 13)


DRAW = {
    "cover": cover,
    "site": site,
    "landscape": lambda c, r, s, i: site(c, r, s, i, landscape=True),
    "floor": floor,
    "elevations": elevations,
    "sections": sections,
    "framing": framing,
    **{
        kind: (lambda k: lambda c, r, s, i: mep(c, r, s, i, k))(kind)
        for kind in ("mechanical", "plumbing", "electrical", "fire")
    },
}
