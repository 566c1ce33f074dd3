"""Finding a sheet's number (A-101, S2.01, FP-1) among the text runs on a page.

Sheet numbers follow the US National CAD Standard: a discipline letter,
an optional modifier letter, then a sheet number. In a title block the
number stands alone, in a large font, near the bottom-right corner.
"""

import re

SHEET_NUMBER = re.compile(r"^[ABCDEFGHILMOPQRSTVWXZ][A-Z]?[-. ]?\d{1,3}(?:[.-]\d{1,3})?[A-Z]?$")


def best_label(runs, page_width, page_height):
    """The likeliest sheet number among `runs`: (text, left, bottom, right, top) in PDF points."""
    best, best_score = "", 0.0
    for text, left, bottom, right, top in runs:
        text = text.strip()
        if not SHEET_NUMBER.match(text):
            continue
        score = top - bottom  # font size
        if left > page_width * 0.6 and top < page_height * 0.4:
            score *= 3  # in the title block
        if score > best_score:
            best, best_score = text, score
    return best
