"""Every page, and the viewer's states, pass axe-core's WCAG 2.1 A/AA rules with 0 violations,
for each kind of user who opens them (a check beside the other browser tests, which check what
automation cannot: keyboard use, names, focus)."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_markup import create, open_sheet, select_in_list

pytestmark = pytest.mark.browser


def test_the_pages_a_resident_and_a_visitor_open(new_page, demo_case):
    page = new_page()
    for path in ("/accounts/login/", f"/public/cases/{demo_case['number']}/"):
        page.goto(path)
        assert_accessible(page)


@pytest.mark.parametrize("username", ["planner", "planning_head", "fire"])
def test_the_pages_of_staff(new_page, demo_case, demo_version, username):
    page = new_page(username)
    for path in ("/", f"/cases/{demo_case['id']}/", "/tasks/", "/dashboard/", "/inbox/"):
        page.goto(path)
        assert_accessible(page)


def test_the_viewer_in_its_states(new_page, demo_version):
    page = open_sheet(new_page, "fire", demo_version["id"], 4)  # a sheet the markup tests leave alone
    assert_accessible(page)
    page.get_by_test_id("markup-toolbar").get_by_role("button", name="Revision cloud").click()
    assert_accessible(page, "a drawing tool chosen")
    cloud = create(page, demo_version["id"], 4, "cloud", [[100, 100], [400, 300]], "Exit width, see detail 3/A-301")
    select_in_list(page, cloud["id"])
    assert_accessible(page, "a markup selected, its thread open")
    page.get_by_role("button", name="Zoom to the markup").click()
    expect(page.get_by_role("button", name="Previous view")).to_be_enabled()  # the view before it is kept
    page.get_by_test_id("sheet-links").get_by_role("link", name="A-301").click()  # its text names a sheet
    expect(page.locator("#sheet-view")).to_have_attribute("data-rendered-page", "7")
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    assert_accessible(page, "the keyboard shortcuts shown")


def test_the_pages_of_an_applicant(new_page, demo_case):
    page = new_page("applicant")
    for path in ("/", f"/cases/{demo_case['id']}/"):
        page.goto(path)
        assert_accessible(page)
