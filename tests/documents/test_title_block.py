"""Reading a title block: the drawing number and the sheet title, captioned as real title blocks caption them."""

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfgen.canvas import Canvas

from documents import pdf
from documents.pdf.title_block import lines, read_title_block
from tests.factories import ARCH_D

WIDTH, HEIGHT = ARCH_D
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf"


def run(text, left, bottom, size=8):
    return (text, left, bottom, left + size * 0.55 * len(text), bottom + size)


def read(runs, width=WIDTH, height=HEIGHT):
    """read_title_block on `runs`, and the indexes of the runs whose text it read."""
    read_indexes = []

    def text_of(index):
        read_indexes.append(index)
        return runs[index][0]

    return read_title_block([r[1:] for r in runs], text_of, width, height), read_indexes


BLOCK_X = WIDTH - 300  # in the bottom-right corner


# --- lines ------------------------------------------------------------------------------------------


def test_runs_side_by_side_make_one_line_and_touching_runs_join_without_a_space():
    runs = [run("2019", 100, 50), run(".TSD", 100 + 8 * 0.55 * 4, 50), run("Drawing", 100, 70), run("Number:", 135, 70)]

    assert [line.text for line in lines(runs)] == ["Drawing Number:", "2019.TSD"]


def test_runs_far_apart_or_of_another_size_stay_apart():
    runs = [run("Scale:", 100, 50), run("Date:", 200, 50), run("N", 130, 48, size=30)]

    assert sorted(line.text for line in lines(runs)) == ["Date:", "N", "Scale:"]


# --- the drawing number -----------------------------------------------------------------------------


def test_the_number_under_its_caption_is_taken_as_written():
    runs = [
        run("Drawing Number:", BLOCK_X, 60),
        run("2019.TSD.PD.103", BLOCK_X, 48, size=10),
        run("REV:", BLOCK_X + 150, 60),
    ]

    assert read(runs)[0][0] == "2019.TSD.PD.103"


def test_the_number_after_its_caption_on_one_line():
    assert read([run("DWG NO. C-2.1", BLOCK_X, 60)])[0][0] == "C-2.1"


def test_a_postcode_in_the_block_is_not_the_sheet_number():
    runs = [run("11 Tisdall Place, London", BLOCK_X, 80), run("SE17", BLOCK_X, 70), run("1QQ", BLOCK_X + 25, 70)]

    assert read(runs)[0][0] == ""


def test_without_a_caption_the_cad_standard_number_is_found_as_before():
    runs = [run("RIVERSIDE COMMONS", BLOCK_X, 120, size=10), run("A-101", WIDTH - 130, 30, size=36)]

    assert read(runs)[0] == ("A-101", "")


def test_a_caption_whose_value_is_not_a_number_is_passed_over():
    runs = [run("Sheet 6 of 13", BLOCK_X, 90), run("SHEET", BLOCK_X, 60), run("A-101", BLOCK_X + 40, 30, size=30)]

    assert read(runs)[0][0] == "A-101"


# --- the title --------------------------------------------------------------------------------------


def test_a_title_over_two_lines_under_its_caption():
    runs = [
        run("SHEET TITLE", BLOCK_X, 200, size=6),
        run("FIRST FLOOR PLAN", BLOCK_X, 182, size=13),
        run("AND DETAILS", BLOCK_X, 166, size=13),
        run("SHEET", BLOCK_X, 140, size=6),
    ]

    assert read(runs)[0][1] == "FIRST FLOOR PLAN AND DETAILS"


def test_a_title_after_its_caption_on_one_line():
    assert read([run("Title: Roof Plan", BLOCK_X, 60)])[0][1] == "Roof Plan"


def test_text_outside_the_title_block_is_neither_read_as_a_title_nor_read_at_all_once_captioned():
    runs = [
        run("TITLE: GENERAL NOTES", 100, HEIGHT - 100, size=20),  # top-left: not the title block
        run("Drawing No:", BLOCK_X, 60),
        run("A-101", BLOCK_X, 48),
    ]

    (label, title), read_indexes = read(runs)

    assert (label, title) == ("A-101", "")
    assert 0 not in read_indexes


# --- through the sandbox, from real PDFs ------------------------------------------------------------


def uk_drawing():
    """An A3 planning drawing with a UK title block: the address and its postcode, then the drawing's
    title and number under their captions, as architects' practices in England draw them."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A3), invariant=1)
    width, _ = landscape(A3)
    x = width - 165
    for y, text, font, size in [
        (175, "Premises:", "Helvetica-Bold", 7),
        (159, "11 Tisdall Place,", "Helvetica", 7),
        (151, "London", "Helvetica", 7),
        (143, "SE17 1QQ", "Helvetica", 7),
        (121, "Drawing Title:", "Helvetica-Bold", 7),
        (110, "First Floor Plan", "Helvetica", 9),
        (100, "PROPOSED", "Helvetica", 9),
        (88, "Sheet 6 of 13", "Helvetica", 7),
        (46, "Drawing Number:", "Helvetica-Bold", 7),
        (36, "2019.TSD.PD.103", "Helvetica", 9),
    ]:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sheets_of(path, tmp_path):
    return [(page.label, page.title) for page in pdf.render(path, tmp_path)]


def test_a_uk_planning_drawing_gets_its_drawing_number_and_title(tmp_path):
    path = tmp_path / "drawing.pdf"
    path.write_bytes(uk_drawing())

    assert sheets_of(path, tmp_path) == [("2019.TSD.PD.103", "First Floor Plan PROPOSED")]


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        ("bops-proposed-first-floor-plan.pdf", ("2019.TSD.PD.103", "First Floor Plan Drawing PROPOSED")),
        ("bops-existing-roofplan.pdf", ("2019.TSD.PD.104", "Roof Plan Drawing EXISTING")),
    ],
)
def test_real_uk_planning_drawings_from_the_corpus(name, sheet, tmp_path):
    if not (CORPUS / name).exists():
        pytest.skip("../shared/corpus is not beside this checkout")

    assert sheets_of(CORPUS / name, tmp_path) == [sheet]
