"""Reading a sheet's title block: its drawing number and its title.

Title blocks caption their fields ("SHEET TITLE", "Drawing No.", "Dwg Number:"); the value
stands on the caption's line, after it, or on the line just below. A captioned number is taken
as it is written (A-101, 2019.TSD.PD.103); without one, the number is the likeliest US National
CAD Standard number on the sheet (sheet_labels), never the outward part of a postcode printed
in the block (the "SE17" of "SE17 1QQ").
"""

import functools
import re
import statistics
from dataclasses import dataclass, field

from documents.pdf.sheet_labels import best_label_reading_least

MAX_RUNS = 600  # a title block's text; more means a drawing reaches into the zone
MAX_LABEL_CHARS = 32
MAX_TITLE_CHARS = 120

NUMBER_CAPTION = re.compile(
    r"^(?:(?:drawing|dwg|drg|sheet)\.?\s*(?:no\b\.?|nr\b\.?|number|#)\s*:?|sheet\s*(?::|$))\s*(?P<value>.*)$", re.I
)
TITLE_CAPTION = re.compile(r"^(?:(?:drawing|dwg|drg|sheet)\.?\s*)?title\s*(?::\s*|$)(?P<value>.*)$", re.I)
DRAWING_NUMBER = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9.\-_/]*$", re.I)
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) \d[A-Z]{2}\b")


@dataclass
class Line:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    sizes: list[float] = field(default_factory=list)  # its runs' heights

    @property
    def height(self):
        return self.top - self.bottom

    @property
    def size(self):
        """The usual height of its runs: one tall glyph (a descender, a capital) does not change it."""
        return statistics.median(self.sizes)


def read_title_block(rects, text_of, page_width, page_height):
    """The sheet's (label, title); "" for what it does not show.

    `rects` are the page's text runs, (left, bottom, right, top) as displayed, and `text_of(i)`
    reads run i's text: only the runs in the title block's zone are read, and the rest only as
    far as `best_label_reading_least` needs.
    """
    text_of = functools.cache(text_of)
    zone = [i for i, rect in enumerate(rects) if in_title_block(rect, page_width, page_height)][:MAX_RUNS]
    block = lines([(text_of(i).strip(), *rects[i]) for i in zone])
    label = captioned_number(block)
    if not label:
        postcodes = {match.group(1) for line in block for match in POSTCODE.finditer(line.text)}
        label = best_label_reading_least(rects, text_of, page_width, page_height, skip=postcodes)
    return label, captioned_title(block)


def in_title_block(rect, page_width, page_height):
    """The bottom-right corner, or a strip down the right edge (title blocks drawn vertically)."""
    left, _, _, top = rect
    return left > page_width * 0.6 and (top < page_height * 0.4 or left > page_width * 0.75)


def lines(runs):
    """Runs of (text, left, bottom, right, top) joined into lines: side by side, of one size, close together."""
    found: list[Line] = []
    for text, left, bottom, right, top in sorted(runs, key=lambda run: run[1]):
        if not text:
            continue
        line = next((line for line in found if continues(line, left, bottom, top)), None)
        if line is None:
            found.append(Line(text, left, bottom, right, top, [top - bottom]))
            continue
        gap = left - line.right
        line.text += (" " if gap > 0.2 * line.height else "") + text
        line.right, line.bottom, line.top = max(line.right, right), min(line.bottom, bottom), max(line.top, top)
        line.sizes.append(top - bottom)
    return sorted(found, key=lambda line: (-line.top, line.left))


def continues(line, left, bottom, top):
    height, middle = top - bottom, (bottom + top) / 2
    return (
        line.bottom <= middle <= line.top
        and 0.75 <= height / max(line.height, 0.01) <= 1.33
        and -0.5 * height <= left - line.right <= 2 * max(height, line.height)
    )


def captioned_number(block):
    for caption, value in captions(block, NUMBER_CAPTION):
        if not value and (below := value_below(block, caption)) is not None:
            value = below.text
        if len(value) <= MAX_LABEL_CHARS and DRAWING_NUMBER.match(value):
            return value
    return ""


def captioned_title(block):
    for caption, value in captions(block, TITLE_CAPTION):
        if not value and (below := value_below(block, caption)) is not None:
            value = " ".join(line.text for line in title_lines(block, below))
        if value:
            return value[:MAX_TITLE_CHARS]
    return ""


def captions(block, caption):
    """(caption line, the value written after the caption on its line, or "") for each line that is a caption."""
    for line in block:
        match = caption.match(line.text)
        if match:
            yield line, match.group("value").strip()


def value_below(block, caption):
    """The nearest line under a caption, in its column: the one starting nearest the caption's left edge."""
    reach = 10 * caption.height
    candidates = [
        line
        for line in block
        if caption.bottom - 3 * max(caption.height, line.height) <= line.top <= caption.bottom + 0.3 * caption.height
        and caption.left - caption.height <= line.left <= caption.right + reach
        and line is not caption
    ]
    if not candidates:
        return None
    nearest = max(candidates, key=lambda line: line.top)
    row = [line for line in candidates if line.top >= nearest.top - nearest.height / 2]
    return min(row, key=lambda line: abs(line.left - caption.left))


def title_lines(block, first):
    """A title's lines: the first, and those right under it of the same size, starting where it starts."""
    title = [first]
    for line in block:
        last = title[-1]
        if (
            line.top < last.bottom
            and last.bottom - line.top <= last.height
            and abs(line.left - first.left) <= first.height
            and 0.85 <= line.size / last.size <= 1.18
        ):
            title.append(line)
    return title
