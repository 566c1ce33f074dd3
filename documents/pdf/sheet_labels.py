"""Finding a sheet's number (A-101, S2.01, FP-1) among the text runs on a page.

Sheet numbers follow the US National CAD Standard: a discipline letter,
an optional modifier letter, then a sheet number. In a title block the
number stands alone, in a large font, near the bottom-right corner.
"""

import re

SHEET_NUMBER = re.compile(r"^[ABCDEFGHILMOPQRSTVWXZ][A-Z]?[-. ]?\d{1,3}(?:[.-]\d{1,3})?[A-Z]?$")


def score(left, bottom, right, top, page_width, page_height):
    """How likely a run at this place is the sheet number, if its text is one: its font size, ×3 in the title block."""
    size = top - bottom
    if left > page_width * 0.6 and top < page_height * 0.4:
        return size * 3
    return size


def best_label(runs, page_width, page_height):
    """The likeliest sheet number among `runs`: (text, left, bottom, right, top) in PDF points."""
    best, best_score = "", 0.0
    for text, *rect in runs:
        text = text.strip()
        if not SHEET_NUMBER.match(text):
            continue
        run_score = score(*rect, page_width, page_height)  # type: ignore[call-arg]  # rect: four numbers
        if run_score > best_score:
            best, best_score = text, run_score
    return best


def best_label_reading_least(rects, text_of, page_width, page_height, skip=()):
    """`best_label`'s answer, reading as little text as possible; never one of the texts in `skip`.

    `rects` are the runs' (left, bottom, right, top) and `text_of(i)` reads
    run i's text, the costly part. Runs are tried from the highest score down
    (the earlier run first among equals, as `best_label` keeps the first), so
    the first one whose text is a sheet number is the answer.
    """
    scores = [score(*rect, page_width, page_height) for rect in rects]  # type: ignore[call-arg]  # rect: four numbers
    for index in sorted(range(len(rects)), key=lambda i: -scores[i]):
        if scores[index] <= 0:
            break
        text = text_of(index).strip()
        if SHEET_NUMBER.match(text) and text not in skip:
            return text
    return ""
