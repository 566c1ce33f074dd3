"""The demo plan set: real ARCH D sheets whose numbers our own intake pipeline finds."""

import time

import pypdfium2 as pdfium
import pytest

from documents import pdf
from documents.demo.planset import sheet_list, write_plan_set

PROJECT = "Riverside Commons mixed-use building"
ADDRESS = "1200 Riverside Avenue"
BASE_LABELS = [
    "G-001",
    "C-101",
    "L-101",
    "A-101",
    "A-102",
    "A-201",
    "A-301",
    "S-101",
    "M-101",
    "P-101",
    "E-101",
    "FP-101",
]


@pytest.fixture(scope="module")
def plan_set(tmp_path_factory):
    path = tmp_path_factory.mktemp("planset") / "plan-set.pdf"
    started = time.perf_counter()
    labels = write_plan_set(path, project=PROJECT, address=ADDRESS)
    return path, labels, time.perf_counter() - started


@pytest.fixture(scope="module")
def rendered(plan_set, tmp_path_factory):
    return list(pdf.render(plan_set[0], tmp_path_factory.mktemp("thumbnails")))


def test_the_default_set_has_twelve_arch_d_sheets(plan_set):
    path, labels, _ = plan_set
    document = pdfium.PdfDocument(path)
    try:
        assert len(document) == 12
        for index in range(len(document)):
            assert document[index].get_size() == pytest.approx((2592, 1728))
    finally:
        document.close()
    assert labels == BASE_LABELS


def test_the_pipeline_finds_every_sheet_number(rendered):
    assert [page.label for page in rendered] == BASE_LABELS
    assert all((page.width, page.height, page.rotation) == (2592, 1728, 0) for page in rendered)


def test_every_sheet_names_the_project_and_address(rendered):
    for page in rendered:
        assert PROJECT in page.text
        assert ADDRESS in page.text


def test_sheets_carry_their_drawings(rendered):
    text = {page.label: page.text for page in rendered}
    assert "SHEET INDEX" in text["G-001"] and "FP-101" in text["G-001"]
    assert "SITE PLAN" in text["C-101"] and "PARKING PROVIDED" in text["C-101"]
    assert "CORRIDOR 100" in text["A-101"] and "CORRIDOR 200" in text["A-102"]
    assert "NORTH ELEVATION" in text["A-201"]
    assert "BUILDING SECTION 1" in text["A-301"]
    assert "CFM" in text["M-101"]
    assert "CROSS MAIN" in text["FP-101"]


def test_the_default_set_is_quick_to_draw(plan_set):
    assert plan_set[2] < 3


def test_larger_sets_continue_each_series_with_unique_numbers():
    labels = [sheet.label for sheet in sheet_list(100)]
    assert len(set(labels)) == 100
    assert labels[:12] == BASE_LABELS
    assert labels[12:17] == ["G-002", "C-102", "L-102", "A-103", "A-104"]
    assert labels[-1] == "A-117"
    titles = {sheet.label: sheet.title for sheet in sheet_list(24)}
    assert titles["A-103"] == "THIRD FLOOR PLAN" and titles["S-102"] == "FOUNDATION AND FRAMING PLAN - PART 2"


def test_a_larger_set_is_read_back_with_its_numbers(tmp_path):
    path = tmp_path / "set.pdf"
    labels = write_plan_set(path, project="Harbor Point Library", address="88 Quay Street", sheets=30)
    pages = list(pdf.render(path, tmp_path))
    assert [page.label for page in pages] == labels
    assert len(set(labels)) == 30
    floor_plans = [page.text for page in pages if page.label.startswith("A-1")]
    assert len(set(floor_plans)) == len(floor_plans)  # no two sheets alike


def test_the_same_input_gives_the_same_file(tmp_path):
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    write_plan_set(first, project=PROJECT, address=ADDRESS, sheets=3)
    write_plan_set(second, project=PROJECT, address=ADDRESS, sheets=3)
    assert first.read_bytes() == second.read_bytes()


def test_raster_images_put_a_large_photo_on_every_sheet(tmp_path):
    path = tmp_path / "raster.pdf"
    write_plan_set(path, project=PROJECT, address=ADDRESS, sheets=2, raster_images=True)
    assert path.stat().st_size > 2 * 350_000
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            images = list(document[index].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
            assert len(images) == 1
            assert images[0].get_px_size()[0] >= 1600
    finally:
        document.close()


def test_a_set_too_large_for_its_numbering_is_refused():
    with pytest.raises(ValueError, match="99 numbers"):
        sheet_list(1000)
