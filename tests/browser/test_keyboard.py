"""A building reviewer marks up a sheet with the keyboard alone (page.keyboard, no pointer): draws a
rectangle, a polygon and a text box with the cursor on the sheet, moves the rectangle with the
arrows, goes through the sheet's markups with Tab, edits the text box's words in place, and
replies to a markup from the markup list."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_markup import open_sheet, state

pytestmark = pytest.mark.browser

SHEET = 7  # the markup-list test puts an engineering ellipse here; building marks up nothing else on it
MINE = """([kind, count]) => window.civicReviewMarkup.store.all().filter((a) => a.page === 7 && a.kind === kind
  && a.department === 'building' && Number.isInteger(a.id) && !a.pending).length === count"""
FOCUSED = "() => document.activeElement?.id || document.activeElement?.dataset?.id || document.activeElement?.tagName"


def tab_to(page, wanted, limit=80):
    """Tab (keyboard only) until focus is on the element `wanted` (a JS test of document.activeElement)."""
    for _ in range(limit):
        if page.evaluate(f"() => {{ const e = document.activeElement; return Boolean({wanted}); }}"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {wanted}; focus is on {page.evaluate(FOCUSED)}")


def mine(page, kind):
    return [
        a for a in state(page).values() if a["page"] == SHEET and a["kind"] == kind and a["department"] == "building"
    ]


def test_draw_move_select_edit_and_reply_with_the_keyboard_alone(new_page, demo_version):
    page = open_sheet(new_page, "building", demo_version["id"], sheet=SHEET)
    sheet = page.locator("#sheet-view")
    announce = page.get_by_test_id("sheet-announce")
    tab_to(page, "e.id === 'sheet-view'")  # the sheet is in the Tab order
    scale = page.evaluate("() => window.civicReviewViewer.view.layout.scale")

    page.keyboard.press("r")  # the rectangle tool; Enter at the cursor, Shift+arrows, Enter again
    page.keyboard.press("Enter")
    expect(page.locator(".markup-cursor g")).to_have_count(1)
    expect(announce).to_contain_text("Rectangle: point set at")
    assert_accessible(page, "drawing with the keyboard")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function(MINE, arg=["rectangle", 1])
    (x0, y0), (x1, y1) = mine(page, "rectangle")[0]["geometry"]["points"]
    assert x1 - x0 == pytest.approx(160 / scale, abs=0.05) and y1 - y0 == pytest.approx(80 / scale, abs=0.05)
    rectangle = mine(page, "rectangle")[0]["id"]
    assert page.evaluate("() => window.civicReviewMarkup.session.selectedId") == rectangle
    expect(page.locator(".markup-cursor g")).to_have_count(0)  # back to the select tool
    expect(sheet).to_be_focused()

    for _ in range(3):  # the selected markup moves with the arrows, each step sent
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "([id, x]) => Math.abs(window.civicReviewMarkup.store.get(id).geometry.points[0][0] - x) < 0.05"
        " && !window.civicReviewMarkup.store.get(id).pending && !window.civicReviewMarkup.store.overrides.has(id)",
        arg=[rectangle, x0 + 24 / scale],
    )
    moved = state(page)[rectangle]["geometry"]["points"]
    assert moved[0] == [pytest.approx(x0 + 24 / scale, abs=0.05), pytest.approx(y0 + 8 / scale, abs=0.05)]
    expect(announce).to_contain_text("Moved to")

    page.keyboard.press("g")  # a polygon: Enter per point, Enter again on the last one ends it
    for key in ("Enter", "Shift+ArrowLeft", "Enter", "Shift+ArrowUp", "Enter", "Enter"):
        page.keyboard.press(key)
    page.wait_for_function(MINE, arg=["polygon", 1])
    assert len(mine(page, "polygon")[0]["geometry"]["points"]) == 3

    page.keyboard.press("t")  # a text box: its words typed in place, Ctrl+Enter keeps them
    for key in ("Enter", "Shift+ArrowRight", "Shift+ArrowRight", "Shift+ArrowRight", "Shift+ArrowDown", "Enter"):
        page.keyboard.press(key)
    editor = page.locator(".markup-editor")
    expect(editor).to_be_focused()
    page.keyboard.type("Dimension missing at grid 3")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(MINE, arg=["text", 1])
    expect(sheet).to_be_focused()  # back on the sheet
    text = mine(page, "text")[0]["id"]

    page.keyboard.press("Escape")  # nothing selected: Tab goes through the sheet's markups
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => window.civicReviewMarkup.session.selectedId") == text:
            break
    assert page.evaluate("() => window.civicReviewMarkup.session.selectedId") == text
    expect(announce).to_contain_text("Text box")
    expect(announce).to_contain_text("Dimension missing at grid 3, Building, building; open, yours to change")
    page.keyboard.press("Enter")  # edit its words where it stands
    expect(editor).to_be_focused()
    expect(editor).to_have_value("Dimension missing at grid 3")
    page.keyboard.press("End")
    page.keyboard.type(" (typ.)")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "([id, t]) => window.civicReviewMarkup.store.get(id).text === t && !window.civicReviewMarkup.store.overrides.has(id)",
        arg=[text, "Dimension missing at grid 3 (typ.)"],
    )
    expect(sheet).to_be_focused()

    # The markup list: one Tab stop, arrows within it, Enter picks; Tab on reaches the reply box.
    tab_to(page, "e.classList.contains('markup-item')")
    for _ in range(10):
        if page.evaluate("() => document.activeElement.dataset.id") == str(rectangle):
            break
        page.keyboard.press("ArrowDown")
    item = page.locator(f".markup-item[data-id='{rectangle}']")
    expect(item).to_be_focused()
    page.keyboard.press("Enter")
    expect(item).to_have_attribute("aria-current", "true")
    expect(item).to_be_focused()  # kept while the list is redrawn
    expect(page.get_by_test_id("markup-detail")).to_contain_text("Rectangle")
    tab_to(page, "e.id === 'reply-text'", limit=12)
    page.keyboard.type("Setback to be confirmed on the site plan")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("thread")).to_contain_text("Setback to be confirmed on the site plan")
    expect(page.get_by_test_id("thread").locator(".comment.is-pending")).to_have_count(0)
    assert page.errors == []
