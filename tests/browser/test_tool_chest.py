"""The reviewer's tool chest as a fire reviewer uses it on one sheet: a standard comment typed as
#shortcut and one picked from the menu, a dynamic stamp filled in with who and when, and the
markup summary of the list downloaded as CSV and PDF."""

import csv
import datetime
import io

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_markup import click_at, drag, open_sheet, shoot, state

pytestmark = pytest.mark.browser

SHEET = 11
STORED = """([kind, count, sheet]) => window.civicReviewMarkup.store.all()
  .filter((a) => a.page === sheet && a.kind === kind && Number.isInteger(a.id) && !a.pending).length === count"""


def test_standard_comments_a_dynamic_stamp_and_the_summary(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "fire", vid, sheet=SHEET)

    page.keyboard.press("t")  # a text box: "#hydrant" then Tab becomes the fire library's comment
    drag(page, (300, 300), (700, 380))
    editor = page.locator(".markup-editor")
    expect(editor).to_be_focused()
    editor.press_sequentially("North side: #hydrant")
    page.keyboard.press("Tab")
    expect(editor).to_have_value("North side: IFC 507.5.1 — " + HYDRANT)
    expect(editor).to_be_focused()
    page.keyboard.press("Control+Enter")
    expect(page.locator(".markup-layer .markup-text .mk-text").first).to_contain_text("IFC 507.5.1")

    page.keyboard.press("t")  # another: its words picked from the menu with a click
    drag(page, (300, 450), (700, 530))
    expect(editor).to_be_focused()
    editor.press_sequentially("Entrance:")
    page.get_by_role("button", name="Standard comments").click()
    menu = page.get_by_test_id("chest-menu")
    expect(menu).to_be_visible()
    expect(editor).to_be_visible()  # still being written
    shoot(page, "tool-chest-menu")
    menu.get_by_role("button", name="#knox").click()
    expect(menu).to_be_hidden()
    expect(editor).to_have_value("Entrance: IFC 506.1 — " + KNOX)
    page.keyboard.press("Control+Enter")
    page.wait_for_function(STORED, arg=["text", 2, SHEET])
    assert sorted(a["text"] for a in state(page).values() if a["kind"] == "text" and a["page"] == SHEET) == [
        "Entrance: IFC 506.1 — " + KNOX,
        "North side: IFC 507.5.1 — " + HYDRANT,
    ]

    stamp_menu = page.get_by_label("Which stamp")
    expect(stamp_menu).to_contain_text("APPROVED AS NOTED")
    stamp_menu.select_option(label="APPROVED AS NOTED")
    click_at(page, 1200, 300)  # a click places it, sized for the ARCH D sheet
    stamp = page.locator(".markup-layer .markup-stamp")
    expect(stamp).to_have_count(1)
    page.wait_for_function(STORED, arg=["stamp", 1, SHEET])
    today = datetime.date.today().isoformat()
    expect(stamp.locator(".mk-stamp-small")).to_have_text(f"fire · Fire · {today}")
    shoot(page, "tool-chest-stamp", stamp)
    placed = next(a for a in state(page).values() if a["kind"] == "stamp" and a["page"] == SHEET)
    assert placed["text"] == f"APPROVED AS NOTED\nfire · Fire · {today}"
    (x0, _), (x1, _) = placed["geometry"]["points"]
    assert x1 - x0 == pytest.approx(1728 * 0.2)

    page.get_by_role("combobox", name="Sheet", exact=True).select_option("current")  # the list, then its summary
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download the markup summary as CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(csv_download.value.path(), encoding="utf-8-sig").read())))
    assert {row["Sheet"] for row in rows} == {str(SHEET)}
    kinds = [row["Kind"] for row in rows]  # other tests leave markups on the sheet too
    assert kinds.count("Stamp") >= 1 and kinds.count("Text") >= 2
    assert any(row["Text"].startswith("North side: IFC 507.5.1") for row in rows)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the markup summary as PDF").click()
    pdf = pypdfium2.PdfDocument(pdf_download.value.path())
    text = "".join(p.get_textpage().get_text_range() for p in pdf)
    pdf.close()
    assert "Markup summary" in text and "IFC 506.1" in text and "APPROVED AS NOTED" in text

    page.get_by_role("button", name="Standard comments").click()  # a reviewer's own comment
    menu.get_by_text("Add a standard comment").click()
    menu.get_by_label("Shortcut (typed as #shortcut)").fill("riser-room")
    menu.get_by_label("Code section").fill("NFPA 13 8.16.1")
    menu.get_by_role("textbox", name="Comment", exact=True).fill("Show the sprinkler riser room with exterior access.")
    menu.get_by_role("button", name="Save").click()
    entry = menu.locator(".chest-item", has_text="#riser-room")
    expect(entry).to_contain_text("Yours")
    menu.get_by_role("button", name="Edit #riser-room").click()  # one's own entries are edited in place
    comment = menu.get_by_role("textbox", name="Comment", exact=True)
    expect(comment).to_have_value("Show the sprinkler riser room with exterior access.")
    comment.fill("Show the sprinkler riser room, with a door to the outside.")
    menu.get_by_role("button", name="Save #riser-room").click()
    expect(entry).to_contain_text("with a door to the outside")
    expect(menu.get_by_role("button", name="Edit #knox")).to_have_count(0)  # the department's: its heads keep it
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()

    page.keyboard.press("t")  # "#" suggests the library as it is typed: arrows, then Enter
    drag(page, (300, 600), (700, 680))
    expect(editor).to_be_focused()
    editor.press_sequentially("Riser: #")
    suggestions = page.get_by_test_id("chest-suggest").get_by_role("option")
    expect(suggestions.first).to_contain_text("#riser-room")  # one's own first
    expect(suggestions).to_have_count(7)
    editor.press_sequentially("ri")
    expect(suggestions).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(suggestions.first).to_have_attribute("aria-selected", "true")
    expect(editor).to_have_attribute("aria-activedescendant", suggestions.first.get_attribute("id"))
    assert_accessible(page, "standard comments suggested while typing")
    page.keyboard.press("Enter")
    expect(editor).to_have_value("Riser: NFPA 13 8.16.1 — Show the sprinkler riser room, with a door to the outside.")
    expect(page.get_by_test_id("chest-suggest")).to_be_hidden()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(STORED, arg=["text", 3, SHEET])

    page.get_by_role("button", name="Standard comments").click()
    page.once("dialog", lambda dialog: dialog.accept())
    menu.get_by_role("button", name="Delete #riser-room").click()
    expect(entry).to_have_count(0)
    assert page.errors == []


HYDRANT = (
    "Show existing and proposed fire hydrants; every portion of the building within 400 ft of a hydrant "
    "on an access road."
)
KNOX = "Provide a key box (Knox) at the main entrance, mounted 5 ft 6 in above grade; show its location on the plans."
