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

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from documents.demo.planset.building import make_grid
from documents.demo.planset.drawing import H, W
from documents.demo.planset.sheets import DRAW
from documents.demo.planset.title_block import aerial_photo, border, title_block

ORDINALS = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH"]


@dataclass(frozen=True)
class Sheet:
    label: str
    title: str
    kind: str
    level: int  # which floor a plan shows, or which part of a series


BASE_SHEETS = [  # discipline, first number, title, kind
    ("G", 1, "COVER SHEET AND SHEET INDEX", "cover"),
    ("C", 101, "SITE PLAN", "site"),
    ("L", 101, "LANDSCAPE PLAN", "landscape"),
    ("A", 101, "FLOOR PLAN", "floor"),
    ("A", 101, "FLOOR PLAN", "floor"),
    ("A", 201, "EXTERIOR ELEVATIONS", "elevations"),
    ("A", 301, "BUILDING SECTIONS", "sections"),
    ("S", 101, "FOUNDATION AND FRAMING PLAN", "framing"),
    ("M", 101, "MECHANICAL PLAN", "mechanical"),
    ("P", 101, "PLUMBING PLAN", "plumbing"),
    ("E", 101, "ELECTRICAL PLAN", "electrical"),
    ("FP", 101, "FIRE PROTECTION PLAN", "fire"),
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
        "project": project,
        "address": address,
        "sheets": listing,
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
