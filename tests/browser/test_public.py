"""A resident reads a case's public status without an account, with the mouse or the keyboard."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_resident_reads_where_a_case_stands_without_logging_in(new_page, demo_case):
    page = new_page()  # no login

    page.goto(f"/public/cases/{demo_case['number']}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(demo_case["number"])
    expect(page.get_by_test_id("case-status")).not_to_be_empty()
    expect(page.get_by_test_id("timeline").get_by_role("listitem").first).to_contain_text("Application received")
    assert "/accounts/login/" not in page.url
    page.keyboard.press("Tab")  # the skip link first, as on every page
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_role("link", name="open data (CSV)").focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "cases.csv"
    assert demo_case["number"] in download.value.path().read_text()
    assert page.errors == []
