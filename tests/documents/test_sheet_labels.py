"""Finding a sheet's number among the text on the page.

`best_label(runs, width, height)` takes text runs as (text, left, bottom, right, top) in PDF
points, y growing upwards, and picks the likeliest sheet number: one that matches the US
National CAD Standard, in a large font, preferably in the title block at the bottom-right.
"""

import pytest

from documents import pdf
from documents.pdf.sheet_labels import best_label
from tests.factories import ARCH_D, rotated_sheet_pdf, sheet_pdf

WIDTH, HEIGHT = ARCH_D


def run(text, left, bottom, size):
    """A run of `size`-point text whose box starts at (left, bottom)."""
    return (text, left, bottom, left + size * 0.6 * len(text), bottom + size)


TITLE_BLOCK = (WIDTH - 200, 40)  # bottom-right
DRAWING_AREA = (300, HEIGHT - 400)  # top-left


def test_the_number_in_the_title_block_beats_a_smaller_reference_elsewhere():
    runs = [run("A-501", *DRAWING_AREA, size=18), run("A-101", *TITLE_BLOCK, size=14)]

    assert best_label(runs, WIDTH, HEIGHT) == "A-101"


def test_in_the_title_block_the_larger_number_wins():
    runs = [run("A-501", *TITLE_BLOCK, size=10), run("A-101", TITLE_BLOCK[0], 80, size=30)]

    assert best_label(runs, WIDTH, HEIGHT) == "A-101"


def test_a_far_larger_number_outside_the_title_block_wins():
    """A sheet without a title block: a big number in a corner, small references in notes."""
    runs = [run("A-501", *TITLE_BLOCK, size=8), run("A-101", *DRAWING_AREA, size=60)]

    assert best_label(runs, WIDTH, HEIGHT) == "A-101"


@pytest.mark.parametrize(
    "number",
    [
        "A-101",
        "A101",
        "A1.01",
        "S2.01",
        "S-201",
        "FP-1",
        "FP-101",
        "G-001",
        "M-101A",
        "E-1",
        "C 101",
        "AD-101",
        "X-1.2",
    ],
)
def test_sheet_numbers_of_the_cad_standard_are_found(number):
    assert best_label([run(number, *TITLE_BLOCK, size=24)], WIDTH, HEIGHT) == number


@pytest.mark.parametrize(
    "text",
    ["ROOF PLAN", "2026", "NOTE 1", '1/8" = 1\'-0"', "A-", "101", "K-101", "A-1011", "SHEET A-101", "a-101", ""],
)
def test_text_that_is_not_a_sheet_number_is_not_taken_for_one(text):
    assert best_label([run(text, *TITLE_BLOCK, size=24)], WIDTH, HEIGHT) == ""


def test_a_page_with_no_sheet_number_has_an_empty_label():
    runs = [run("FIRST FLOOR PLAN", *DRAWING_AREA, size=24), run("RIVERSIDE COMMONS", *TITLE_BLOCK, size=12)]

    assert best_label(runs, WIDTH, HEIGHT) == ""


def test_no_text_at_all_gives_an_empty_label():
    assert best_label([], WIDTH, HEIGHT) == ""


def test_surrounding_spaces_are_ignored():
    assert best_label([run("  S2.01 ", *TITLE_BLOCK, size=24)], WIDTH, HEIGHT) == "S2.01"


# --- through the sandbox, from a real PDF ------------------------------------------------------


def labels_of(data, tmp_path):
    path = tmp_path / "set.pdf"
    path.write_bytes(data)
    return [page.label for page in pdf.render(path, tmp_path)]


def test_each_sheet_of_a_plan_set_gets_its_own_number(tmp_path):
    data = sheet_pdf(pages=4, labels=["A-101", "S2.01", "FP-1", "M-101"])

    assert labels_of(data, tmp_path) == ["A-101", "S2.01", "FP-1", "M-101"]


def test_a_reference_to_another_sheet_in_the_notes_does_not_become_the_label(tmp_path):
    data = sheet_pdf(labels=["A-101"], notes=["A-501"])  # the note alone on its line, in 10 pt

    assert labels_of(data, tmp_path) == ["A-101"]


def test_a_sheet_without_a_number_gets_an_empty_label(tmp_path):
    data = sheet_pdf(labels=["COVER"], notes=["PROJECT DIRECTORY"])

    assert labels_of(data, tmp_path) == [""]


def test_a_sheet_turned_for_display_is_read_as_displayed(tmp_path):
    """Stored portrait with /Rotate 90 and shown landscape: the title block is at the bottom-right of
    the sheet as a reviewer sees it, and that is where the number is taken from."""
    assert labels_of(rotated_sheet_pdf(label="A-101", reference="A-502"), tmp_path) == ["A-101"]
