"""Search from the header, a sheet hit opened with its words found, and find in set (Ctrl+F)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_search_opens_a_sheet_with_the_words_found_and_ctrl_f_finds_in_the_set(new_page, demo_version):
    page = new_page("planner")
    box = page.get_by_role("searchbox", name="Search cases, sheets, markups and replies")
    box.fill('"proposed building"')
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.get_by_test_id("search-results")
    sheet_hit = results.locator(".search-hit[data-type=sheet]").first
    expect(sheet_hit.locator("mark").first).to_have_text("PROPOSED BUILDING")
    sheet_number = sheet_hit.get_by_role("link").inner_text().rsplit("sheet ", 1)[1]
    sheet_hit.get_by_role("link").focus()
    page.keyboard.press("Enter")  # by keyboard, as a reader without a mouse does

    page.wait_for_url(f"**/versions/{demo_version['id']}/**")
    panel = page.get_by_role("region", name="Find in set")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("searchbox", name="Find in set")).to_have_value('"proposed building"')
    layer = page.locator("#sheet-view .find-layer")
    expect(layer).to_have_attribute("data-hits", "1")  # placed on the sheet from its own text
    expect(layer.locator(".find-box.is-current")).to_have_count(1)
    expect(page.locator("#page-input")).to_have_value(sheet_number)

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(layer.locator(".find-box")).to_have_count(0)

    page.locator("#sheet-view").focus()
    page.keyboard.press("Control+f")
    find = panel.get_by_role("searchbox", name="Find in set")
    expect(find).to_be_focused()
    find.fill("floor plan")
    find.press("Enter")
    hits = page.get_by_test_id("find-results").get_by_role("button")
    expect(hits.first).to_contain_text("FLOOR PLAN")
    labels = [text.split(" · ")[0] for text in page.locator(".find-sheet").all_inner_texts()]
    assert labels == ["G-001", "A-101", "A-102"], labels  # the index on the cover, then the plans, in order
    expect(page.get_by_test_id("sheet-label")).to_have_text(labels[0])
    expect(page.get_by_test_id("find-status")).to_contain_text(f"on {len(labels)} sheets")
    current_hits = int(layer.get_attribute("data-hits"))
    for _ in range(current_hits):  # Enter steps through this sheet's hits, then to the next sheet
        find.press("Enter")
    expect(page.get_by_test_id("sheet-label")).to_have_text(labels[1])
    page.keyboard.press("Shift+F3")
    expect(page.get_by_test_id("sheet-label")).to_have_text(labels[0])
    hits.nth(2).click()
    expect(page.get_by_test_id("sheet-label")).to_have_text(labels[2])
    expect(layer.locator(".find-box.is-current")).to_have_count(1)
    assert not page.errors
