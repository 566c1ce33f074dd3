"""A resubmittal in the viewer: the changed and new sheets flagged in the thumbnail strip (and shown
alone on request), the markup whose sheet was removed placed by hand, the old version read-only
with a banner pointing at the new one (shown live when it is replaced while open), and a changed sheet
compared with the previous version's side by side and overlaid."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import _manage
from tests.factories import sheet_pdf

pytestmark = pytest.mark.browser

RESUBMITTED_CASE = """
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from documents.models import Case, Department
from documents.services import cases, intake
from reviews.services import annotations
from tests.factories import sheet_pdf
User = get_user_model()
planner, fire = User.objects.get(username="planner"), User.objects.get(username="fire")
case = cases.create_case(planner, title="Harbour library", kind=Case.Kind.BUILDING_PERMIT, address="4 Quay Street",
                         lead_department=Department.objects.get(slug="planning"),
                         departments=[Department.objects.get(slug="fire")])
first = intake.add_document(planner, case, title="Library plan set", upload=SimpleUploadedFile(
    "v1.pdf", sheet_pdf(labels=["A-101", "A-102", "A-103"]), "application/pdf")).versions.get()
cloud = {"kind": "cloud", "geometry": {"points": [[100, 100], [300, 200]]}}
annotations.create_annotation(fire, first.pk, {**cloud, "page": 2, "text": "Rate the stair enclosure."})
annotations.create_annotation(fire, first.pk, {**cloud, "page": 3, "text": "Exit sign at the reading room."})
second = intake.add_version(planner, first.document, upload=SimpleUploadedFile(
    "v2.pdf", sheet_pdf(labels=["G-001", "A-101", "A-102"], drawn_on=["A-102"]), "application/pdf"))
print(json.dumps({"first": first.pk, "second": second.pk}))
"""


@pytest.fixture(scope="module")
def resubmitted(server):
    made = _manage({**server.env, "CELERY_EAGER_IN_BACKGROUND": "false"}, "shell", "-c", RESUBMITTED_CASE)
    return json.loads(made.stdout.strip().splitlines()[-1])


def test_a_reviewer_sees_what_changed_places_a_markup_and_finds_the_old_version_read_only(new_page, resubmitted):
    page = new_page("fire")
    page.goto(f"/versions/{resubmitted['second']}/")

    thumbs = page.locator(".thumb")
    expect(thumbs).to_have_count(3)
    expect(page.locator("#changes-summary")).to_have_text(
        "Since the previous version: 1 changed, 1 new, 1 removed (A-103)."
    )
    expect(thumbs.nth(0)).to_have_attribute("data-change", "added")
    expect(thumbs.nth(0)).to_contain_text("New")
    expect(thumbs.nth(1)).to_have_attribute("data-change", "unchanged")
    expect(thumbs.nth(2)).to_have_attribute("data-change", "changed")
    expect(thumbs.nth(2)).to_contain_text("Changed")

    page.get_by_label("Changed sheets only").check()
    expect(thumbs.nth(1)).to_be_hidden()
    expect(thumbs.nth(2)).to_be_visible()
    page.get_by_label("Changed sheets only").uncheck()
    expect(thumbs.nth(1)).to_be_visible()

    # the correction on A-102 came along; the one on the removed A-103 waits to be placed
    expect(page.locator("#markup-count")).to_have_text("1")
    expect(page.get_by_test_id("markup-list")).to_contain_text("Carried")
    unmatched = page.get_by_test_id("unmatched")
    expect(unmatched).to_contain_text("Exit sign at the reading room.")
    assert_accessible(page, "changed sheets flagged, a markup to place")
    unmatched.get_by_label("Sheet").select_option(label="G-001 (page 1)")
    unmatched.get_by_label("Sheet").focus()
    page.keyboard.press("Tab")  # to the Place button, by keyboard
    page.keyboard.press("Enter")
    expect(unmatched).to_be_hidden()
    expect(page.locator("#markup-count")).to_have_text("2")
    expect(page.get_by_test_id("sheet-label")).to_have_text("G-001")

    page.goto(f"/versions/{resubmitted['first']}/")
    banner = page.get_by_test_id("superseded-banner")
    expect(banner).to_contain_text("Version 1 was replaced by version 2")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live · view only")
    expect(page.get_by_test_id("markup-toolbar").get_by_role("button", name="Revision cloud")).to_be_hidden()
    assert_accessible(page, "a replaced version")
    banner.get_by_role("link", name="version 2").click()
    expect(page).to_have_url(re.compile(rf"/versions/{resubmitted['second']}/(#.*)?$"))  # the viewer adds #page=


# On A-102, in page points from the top-left corner as displayed (tests.factories.sheet_pdf): the top of
# the wall drawn in version 2 only (8 pt wide), the sheet's border on both, and paper inside the wall.
ARCH_D_WIDTH, ARCH_D_HEIGHT = 36 * 72, 24 * 72
NEW_WALL = [ARCH_D_WIDTH / 2, ARCH_D_HEIGHT * (1 - 1 / 3 - 1 / 5)]
BORDER = [18, ARCH_D_HEIGHT / 2]
PAPER = [ARCH_D_WIDTH / 2, ARCH_D_HEIGHT / 2]

CENTRE_ON = """([x, y]) => {
  const view = document.querySelector("[data-testid=compare-overlay]");
  const sheet = view.querySelector(".sheet-page");
  const scale = Number(sheet.style.getPropertyValue("--scale"));
  view.scrollTo(parseFloat(sheet.style.left) + x * scale - view.clientWidth / 2,
                parseFloat(sheet.style.top) + y * scale - view.clientHeight / 2);
}"""

# The overlay's colour at a page point, once drawn sharp at the zoom shown (null until then).
PIXEL_AT = """([x, y]) => {
  const view = document.querySelector("[data-testid=compare-overlay]");
  const canvas = view.querySelector("canvas.sheet-canvas");
  if (!canvas || view.dataset.rendering !== "false" || view.dataset.renderedZoom !== view.dataset.zoom) return null;
  const sheet = view.querySelector(".sheet-page").getBoundingClientRect(), drawn = canvas.getBoundingClientRect();
  const scale = Number(view.querySelector(".sheet-page").style.getPropertyValue("--scale"));
  const cx = Math.floor((sheet.left + x * scale - drawn.left) * canvas.width / drawn.width);
  const cy = Math.floor((sheet.top + y * scale - drawn.top) * canvas.height / drawn.height);
  if (cx < 0 || cy < 0 || cx >= canvas.width || cy >= canvas.height) return null;
  return Array.from(canvas.getContext("2d").getImageData(cx, cy, 1, 1).data.slice(0, 3));
}"""

SAME_PLACE = """() => {
  const [old, now] = ["old", "new"].map((name) => document.querySelector(`[data-testid=compare-${name}]`));
  return old.dataset.zoom === now.dataset.zoom && Math.abs(old.scrollLeft - now.scrollLeft) <= 1
    && Math.abs(old.scrollTop - now.scrollTop) <= 1;
}"""


def overlay_pixel(page, point):
    page.evaluate(CENTRE_ON, point)
    return page.wait_for_function(PIXEL_AT, arg=point).json_value()


def test_a_changed_sheet_compared_side_by_side_in_lockstep_and_overlaid(new_page, resubmitted):
    page = new_page("fire")
    page.goto(f"/versions/{resubmitted['second']}/#page=2")  # unchanged, nothing to compare
    expect(page.get_by_test_id("sheet-label")).to_have_text("A-101")
    expect(page.locator(".thumb").nth(2)).to_have_attribute("data-change", "changed")
    expect(page.get_by_test_id("compare-button")).to_have_text("Compare with version 1")  # offered ...
    compare = page.get_by_role("button", name="Compare with version 1")
    expect(compare).to_be_hidden()  # ... on changed sheets only
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("sheet-label")).to_have_text("A-102")
    compare.focus()
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name="A-102: version 1 and version 2")
    expect(dialog).to_be_visible()
    old, new = (
        page.get_by_role("region", name="Version 1 · A-102"),
        page.get_by_role("region", name="Version 2 · A-102"),
    )
    expect(old).to_be_visible()
    expect(new).to_be_focused()
    start = new.get_attribute("data-zoom")
    expect(old).to_have_attribute("data-zoom", start)
    page.keyboard.press("+")  # zoom one ...
    page.keyboard.press("+")
    expect(new).not_to_have_attribute("data-zoom", start)
    page.wait_for_function(SAME_PLACE)  # ... and the other follows
    new.evaluate("view => view.scrollBy(240, 160)")  # pan one ...
    page.wait_for_function(SAME_PLACE)
    assert old.evaluate("view => view.scrollLeft") > 0
    expect(old).to_have_attribute("data-rendering", "false")
    assert_accessible(page, "a sheet compared side by side")

    dialog.get_by_role("button", name="Overlay").click()
    overlay = page.get_by_role("region", name="Overlay of version 1 (red) and version 2 (blue); both in grey")
    expect(old).to_be_hidden()
    expect(dialog).to_contain_text("Red: only in version 1")
    overlay.focus()
    page.keyboard.press("0")
    for _ in range(12):  # in close, from the whole sheet: lines drawn several pixels wide
        if overlay.get_attribute("data-zoom") == "300":
            break
        page.keyboard.press("+")
    expect(overlay).to_have_attribute("data-zoom", "300")
    wall, border, paper = (overlay_pixel(page, point) for point in (NEW_WALL, BORDER, PAPER))
    assert wall == [0, 70, 230], f"the wall only version 2 has is blue: {wall}"
    assert border == [128, 128, 128], f"the border both have is grey: {border}"
    assert paper == [255, 255, 255], f"paper is white: {paper}"
    assert_accessible(page, "a sheet overlaid on the previous version's")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(compare).to_be_focused()

    # a newer version replaces this one while it is open: the banner comes live, without a reload
    planner = new_page("planner")
    planner.goto(f"/versions/{resubmitted['first']}/")
    document = planner.request.get(f"/api/versions/{resubmitted['second']}/").json()["document"]
    token = next(c["value"] for c in planner.context.cookies() if c["name"] == "csrftoken")
    third = sheet_pdf(labels=["G-001", "A-101", "A-102"], notes=["COVER", "STAIR", "WALL"], drawn_on=["A-102"])
    uploaded = planner.request.post(
        f"/api/documents/{document}/versions/",
        multipart={"file": {"name": "v3.pdf", "mimeType": "application/pdf", "buffer": third}},
        headers={"X-CSRFToken": token, "Referer": planner.url},
    )
    assert uploaded.status == 201, uploaded.text()
    banner = page.get_by_test_id("superseded-banner")
    expect(banner).to_have_text(
        "Version 2 was replaced by version 3. It is read-only: its open markups were carried to version 3, "
        "where the review goes on.",
        timeout=30_000,
    )
    expect(page.get_by_test_id("connection-status")).to_have_text("Live · view only")
    expect(page.get_by_test_id("markup-toolbar").get_by_role("button", name="Revision cloud")).to_be_hidden()
