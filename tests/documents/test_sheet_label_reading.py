"""Reading a sheet's label with as little text as possible, and text rectangles as the sheet is displayed."""

import io
import random

import pikepdf
import pytest

from documents import pdf
from documents.pdf import sandbox
from documents.pdf.sheet_labels import best_label, best_label_reading_least
from tests.factories import ARCH_D, sheet_pdf

WIDTH, HEIGHT = ARCH_D


# --- the sheet label, reading as little text as possible --------------------------------------------


def run(text, left, bottom, size):
    return (text, left, bottom, left + size * 0.6 * max(len(text), 1), bottom + size)


def reading_least(runs, width=WIDTH, height=HEIGHT):
    """best_label_reading_least on `runs`, and the indexes of the runs whose text it read."""
    read = []

    def text_of(index):
        read.append(index)
        return runs[index][0]

    return best_label_reading_least([r[1:] for r in runs], text_of, width, height), read


def random_runs(seed):
    """A page's worth of text runs: notes, references to other sheets, numbers in and out of the title block."""
    rng = random.Random(seed)
    words = ["A-101", "S2.01", "FP-1", "NOTE", "A-501", "M-101A", "2026", "ROOF PLAN", "E-1", " A-102 ", ""]
    return [
        run(rng.choice(words), rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT), rng.choice([6, 10, 10, 14, 24, 36]))
        for _ in range(rng.randint(0, 60))
    ]


@pytest.mark.parametrize("seed", range(200))
def test_reading_in_order_of_score_gives_best_labels_answer(seed):
    runs = random_runs(seed)

    assert reading_least(runs)[0] == best_label(runs, WIDTH, HEIGHT)


def test_equal_scores_keep_the_earlier_run_as_best_label_does():
    runs = [run("A-101", 300, 300, 24), run("A-102", 600, 600, 24)]

    assert reading_least(runs)[0] == best_label(runs, WIDTH, HEIGHT) == "A-101"


def test_the_text_is_read_only_until_a_sheet_number_is_found():
    notes = [run(f"NOTE {n}", 100, 100 + 20 * n, 10) for n in range(50)]
    runs = [*notes, run("A-101", WIDTH - 200, 40, 30), run("GENERAL NOTES", 100, HEIGHT - 100, 40)]

    label, read = reading_least(runs)

    assert label == "A-101"
    assert read == [50]  # the title block number scores highest: nothing else is read


def test_runs_that_cannot_score_are_not_read():
    label, read = reading_least([run("A-101", 300, 300, 0)])

    assert (label, read) == ("", [])


# --- text rectangles as the sheet is displayed ------------------------------------------------------


class FakePage:
    def __init__(self, rotation, cropbox=(0, 0, 100, 200)):
        self.rotation, self.cropbox = rotation, cropbox

    def get_rotation(self):
        return self.rotation

    def get_cropbox(self):
        return self.cropbox


@pytest.mark.parametrize(
    ("rotation", "displayed"),
    [
        (0, (10, 20, 30, 25)),
        (90, (20, 70, 25, 90)),  # turned clockwise: the stored left edge is displayed at the top
        (180, (70, 175, 90, 180)),
        (270, (175, 10, 180, 30)),
    ],
)
def test_a_text_rectangle_is_turned_as_the_page_is_displayed(rotation, displayed):
    as_displayed = sandbox.display_transform(FakePage(rotation))

    assert as_displayed((10, 20, 30, 25)) == pytest.approx(displayed)


def test_the_crop_box_corner_is_the_displayed_origin():
    as_displayed = sandbox.display_transform(FakePage(0, cropbox=(50, 60, 150, 260)))

    assert as_displayed((60, 80, 70, 90)) == pytest.approx((10, 20, 20, 30))


def test_a_sheet_turned_upside_down_is_read_as_displayed(tmp_path):
    data = sheet_pdf(labels=["A-101"], notes=["SEE A-501"])
    with pikepdf.open(io.BytesIO(data)) as document:
        document.pages[0].Rotate = 180  # the title block is now shown at the top-left
        document.save(tmp_path / "turned.pdf")

    (page,) = pdf.render(tmp_path / "turned.pdf", tmp_path)

    assert page.label == "A-101"  # still the largest number, only no longer in the title block's place
