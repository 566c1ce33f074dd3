"""The sheet viewer: moving between sheets, zooming, and sharp drawing at every zoom."""

import math
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MARGIN = 24  # CSS px around the page in the viewer


def open_viewer(new_page, version_id, *, username="planner", device_scale_factor=1, hash=""):
    page = new_page(username, device_scale_factor=device_scale_factor)
    page.goto(f"/versions/{version_id}/{hash}")
    return page


def wait_drawn(page, *, sheet=None, zoom=None):
    """Wait until the sheet (and zoom) asked for is drawn and nothing else is pending."""
    view = page.locator("#sheet-view")
    if sheet is not None:
        expect(view).to_have_attribute("data-rendered-page", str(sheet))
    if zoom is not None:
        expect(view).to_have_attribute("data-zoom", str(zoom))
        expect(view).to_have_attribute("data-rendered-zoom", str(zoom))
    expect(view).to_have_attribute("data-rendering", "false")


def scroll_to(page, left, top):
    """Scroll the sheet and wait until the sharp canvas is drawn again for the view."""
    page.evaluate("([left, top]) => document.querySelector('#sheet-view').scrollTo(left, top)", [left, top])
    page.wait_for_function(
        """() => {
        const view = document.querySelector('#sheet-view');
        const canvas = view.querySelector('.sheet-canvas');
        if (!canvas || view.dataset.rendering !== 'false') return false;
        const a = canvas.getBoundingClientRect(), v = view.getBoundingClientRect();
        const p = view.querySelector('.sheet-page').getBoundingClientRect();
        const left = Math.max(v.left, p.left), top = Math.max(v.top, p.top);
        return Math.abs(a.left - left) < 1 && Math.abs(a.top - top) < 1;
    }"""
    )


def sharp_canvas(page):
    return page.evaluate(
        """() => {
        const view = document.querySelector('#sheet-view');
        const canvas = view.querySelector('.sheet-canvas');
        const box = canvas.getBoundingClientRect();
        const viewBox = view.getBoundingClientRect();
        return {width: canvas.width, height: canvas.height, cssWidth: box.width, cssHeight: box.height,
                left: box.left - viewBox.left, top: box.top - viewBox.top,
                viewWidth: view.clientWidth, viewHeight: view.clientHeight, dpr: devicePixelRatio,
                canvases: view.querySelectorAll('.sheet-canvas').length};
    }"""
    )


@pytest.fixture(scope="module")
def sheets(server, demo_version):
    """The demo version's pages as the API gives them."""
    import json

    code = (
        "import json; from documents.models import Page; "
        f"print(json.dumps(list(Page.objects.filter(version_id={demo_version['id']}).order_by('number')"
        ".values('number', 'label', 'title', 'width', 'height'))))"
    )
    return json.loads(server.shell(code).strip().splitlines()[-1])


def expect_sheet(page, sheets, number):
    wait_drawn(page, sheet=number)
    expect(page.get_by_test_id("sheet-label")).to_have_text(sheets[number - 1]["label"] or f"Page {number}")
    expect(page.locator("#page-input")).to_have_value(str(number))
    expect(page.locator(f".thumb[data-page='{number}']")).to_have_attribute("aria-current", "page")


def test_viewer_opens_the_first_sheet_fitted(new_page, demo_version, sheets):
    page = open_viewer(new_page, demo_version["id"])

    expect_sheet(page, sheets, 1)
    expect(page.locator("#page-count")).to_have_text(str(demo_version["page_count"]))
    expect(page.locator(".thumb")).to_have_count(demo_version["page_count"])
    labels = page.locator(".thumb .thumb-label").all_text_contents()
    assert labels == [sheet["label"] or "—" for sheet in sheets]
    assert all(sheet["label"] for sheet in sheets), "the demo plan set has a sheet number on every sheet"
    titles = page.locator(".thumb .thumb-title").all_text_contents()
    assert titles == [sheet["title"] for sheet in sheets] and "FIRST FLOOR PLAN" in titles
    expect(page.get_by_role("button", name="A-101 4 FIRST FLOOR PLAN")).to_be_visible()
    expect(page.get_by_role("button", name="Fit page")).to_have_attribute("aria-pressed", "true")
    box = page.locator(".sheet-page").bounding_box()
    view = page.locator("#sheet-view").bounding_box()
    assert box["width"] <= view["width"] and box["height"] <= view["height"]
    assert box["width"] / box["height"] == pytest.approx(sheets[0]["width"] / sheets[0]["height"], rel=0.01)

    index = page.get_by_test_id("sheet-index")  # the sheets by discipline, in the standard's order
    index.locator("summary").first.click()
    groups = index.locator(".sheet-group > summary").all_text_contents()
    assert groups[0].startswith("General") and "Architectural (4)" in groups and groups[-1].startswith("Electrical")
    index.get_by_role("link", name="A-301 BUILDING SECTIONS").click()
    expect(page.locator("#sheet-view")).to_have_attribute("data-rendered-page", "7")
    assert page.errors == []


def test_paging_with_buttons_keyboard_input_and_thumbnails(new_page, demo_version, sheets):
    page = open_viewer(new_page, demo_version["id"])
    last = demo_version["page_count"]
    expect_sheet(page, sheets, 1)
    expect(page.get_by_role("button", name="Previous sheet")).to_be_disabled()

    page.get_by_role("button", name="Next sheet").click()
    expect_sheet(page, sheets, 2)
    page.keyboard.press("PageDown")
    expect_sheet(page, sheets, 3)
    page.keyboard.press("ArrowRight")
    expect_sheet(page, sheets, 4)
    page.keyboard.press("ArrowLeft")
    expect_sheet(page, sheets, 3)
    page.keyboard.press("PageUp")
    expect_sheet(page, sheets, 2)
    page.keyboard.press("End")
    expect_sheet(page, sheets, last)
    expect(page.get_by_role("button", name="Next sheet")).to_be_disabled()
    page.keyboard.press("Home")
    expect_sheet(page, sheets, 1)
    page.get_by_role("button", name="Previous sheet").click(force=True)  # disabled: stays
    expect_sheet(page, sheets, 1)

    page.fill("#page-input", "7")
    page.press("#page-input", "Enter")
    expect_sheet(page, sheets, 7)
    page.fill("#page-input", sheets[4]["label"].lower())  # a sheet number works too
    page.press("#page-input", "Enter")
    expect_sheet(page, sheets, 5)
    page.fill("#page-input", "999")
    page.press("#page-input", "Enter")
    expect_sheet(page, sheets, last)

    page.locator(".thumb[data-page='6']").click()
    expect_sheet(page, sheets, 6)
    expect(page).to_have_url(re.compile(r"#page=6$"))
    assert page.errors == []


def test_deep_link_opens_the_sheet(new_page, demo_version, sheets):
    page = open_viewer(new_page, demo_version["id"], hash="#page=3")
    expect_sheet(page, sheets, 3)


def test_zoom_800_draws_the_visible_region_at_device_resolution(new_page, demo_version):
    page = open_viewer(new_page, demo_version["id"], device_scale_factor=2)
    wait_drawn(page, sheet=1)

    page.fill("#zoom-input", "800")
    page.press("#zoom-input", "Enter")
    wait_drawn(page, zoom=800)
    expect(page.locator("#zoom-input")).to_have_value("800%")

    canvas = sharp_canvas(page)
    assert canvas["dpr"] == 2
    assert canvas["canvases"] == 1
    assert canvas["width"] == pytest.approx(canvas["viewWidth"] * 2, abs=2)
    assert canvas["height"] == pytest.approx(canvas["viewHeight"] * 2, abs=2)
    assert canvas["cssWidth"] == pytest.approx(canvas["viewWidth"], abs=1)
    assert (canvas["left"], canvas["top"]) == (pytest.approx(0, abs=1), pytest.approx(0, abs=1))
    page_box = page.locator(".sheet-page").bounding_box()
    assert page_box["width"] == pytest.approx(2592 * 8, rel=0.001)  # ARCH D, 36 in at 72 pt/in

    # Scrolling far away: the canvas follows and is drawn again for the new region.
    scroll_to(page, 15000, 9000)
    canvas = sharp_canvas(page)
    assert canvas["width"] == pytest.approx(canvas["viewWidth"] * 2, abs=2)

    # The sharp canvas really holds the drawing: the page's border at its top-left corner.
    scroll_to(page, 0, 0)
    dark = page.evaluate(
        """() => {
        const canvas = document.querySelector('#sheet-view .sheet-canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++;
        return dark;
    }"""
    )
    assert dark > 1000

    page.get_by_role("button", name="Zoom in").click()
    expect(page.locator("#sheet-view")).to_have_attribute("data-zoom", "800")  # the most there is
    page.get_by_role("button", name="Zoom out").click()
    wait_drawn(page, zoom=600)
    assert page.errors == []


def test_zoom_box_and_keys(new_page, demo_version):
    page = open_viewer(new_page, demo_version["id"])
    wait_drawn(page, sheet=1)
    view = page.locator("#sheet-view")

    page.fill("#zoom-input", "100")
    page.press("#zoom-input", "Enter")
    wait_drawn(page, zoom=100)
    page.locator("#sheet-view").focus()
    page.keyboard.press("+")
    wait_drawn(page, zoom=125)
    page.keyboard.press("-")
    page.keyboard.press("-")
    wait_drawn(page, zoom=75)
    page.fill("#zoom-input", "5%")
    page.press("#zoom-input", "Enter")
    wait_drawn(page, zoom=10)
    page.fill("#zoom-input", "5000")
    page.press("#zoom-input", "Enter")
    wait_drawn(page, zoom=800)
    page.locator("#sheet-view").focus()
    page.keyboard.press("0")
    expect(page.get_by_role("button", name="Fit page")).to_have_attribute("aria-pressed", "true")
    wait_drawn(page)
    assert int(view.get_attribute("data-zoom")) < 100
    assert page.errors == []


def test_fit_width_and_fit_page(new_page, demo_version, sheets):
    page = open_viewer(new_page, demo_version["id"])
    wait_drawn(page, sheet=1)

    page.get_by_role("button", name="Fit width").click()
    expect(page.get_by_role("button", name="Fit width")).to_have_attribute("aria-pressed", "true")
    wait_drawn(page)
    view_width = page.evaluate("document.querySelector('#sheet-view').clientWidth")
    page_box = page.locator(".sheet-page").bounding_box()
    assert page_box["width"] == pytest.approx(view_width - 2 * MARGIN, abs=1.5)
    zoom = int(page.locator("#sheet-view").get_attribute("data-zoom"))
    assert zoom == pytest.approx(100 * (view_width - 2 * MARGIN) / sheets[0]["width"], abs=1)
    canvas = sharp_canvas(page)
    assert canvas["width"] == pytest.approx(canvas["cssWidth"] * canvas["dpr"], abs=2)

    page.get_by_role("button", name="Fit page").click()
    wait_drawn(page)
    view = page.locator("#sheet-view").bounding_box()
    page_box = page.locator(".sheet-page").bounding_box()
    assert page_box["height"] <= view["height"] - 2 * MARGIN + 1
    assert page_box["width"] <= view["width"] - 2 * MARGIN + 1


TO_PAGE = "([x, y]) => window.civicReviewViewer.view.clientToPage({x, y})"


def page_point_at(page, at):
    return page.evaluate(TO_PAGE, [at["x"], at["y"]])


def view_centre(page):
    view = page.locator("#sheet-view").bounding_box()
    return {"x": view["x"] + view["width"] / 2, "y": view["y"] + view["height"] / 2}


def zoom_of(page):
    return int(page.locator("#sheet-view").get_attribute("data-zoom"))


def type_zoom(page, zoom):
    page.fill("#zoom-input", str(zoom))
    page.press("#zoom-input", "Enter")
    wait_drawn(page, zoom=zoom)


def wheel_at(page, at, delta, modifier=None):
    page.mouse.move(at["x"], at["y"])
    if modifier:
        page.keyboard.down(modifier)
    for _ in range(3):
        page.mouse.wheel(0, delta)
    if modifier:
        page.keyboard.up(modifier)


def scroll_position(page):
    return page.evaluate(
        "() => { const v = document.querySelector('#sheet-view'); return [v.scrollLeft, v.scrollTop]; }"
    )


PINCH = """([x, y, from, to]) => {
  const view = document.querySelector('#sheet-view');
  const touch = (type, id, dx) => view.dispatchEvent(new PointerEvent(type, {
    pointerId: id, pointerType: 'touch', isPrimary: id === 11, bubbles: true, button: 0,
    clientX: x + dx, clientY: y}));
  touch('pointerdown', 11, -from); touch('pointerdown', 12, from);
  for (let step = 1; step <= 5; step++) {
    const spread = from + (to - from) * step / 5;
    touch('pointermove', 11, -spread); touch('pointermove', 12, spread);
  }
  touch('pointerup', 11, -to); touch('pointerup', 12, to);
}"""


def test_navigation_like_a_cad_viewer(new_page, demo_version):
    """The wheel zooms at the cursor (or scrolls, as a setting), typed zoom keeps the centre, space-drag
    and middle-drag pan whatever tool is chosen, two fingers pinch, and "previous view" steps back."""
    page = open_viewer(new_page, demo_version["id"])
    wait_drawn(page, sheet=1)
    type_zoom(page, 100)
    view = page.locator("#sheet-view").bounding_box()
    cursor = {"x": view["x"] + view["width"] * 0.3, "y": view["y"] + view["height"] * 0.6}

    before = page_point_at(page, cursor)
    wheel_at(page, cursor, -100)  # no Ctrl: the wheel zooms, about the cursor
    page.wait_for_function("() => Number(document.querySelector('#sheet-view').dataset.zoom) > 150")
    wait_drawn(page)
    after = page_point_at(page, cursor)
    assert math.dist((before["x"], before["y"]), (after["x"], after["y"])) < 1.5  # points
    zoomed = zoom_of(page)
    wheel_at(page, cursor, 100, modifier="Control")  # Ctrl+wheel zooms too (and a trackpad's pinch)
    page.wait_for_function(f"() => Number(document.querySelector('#sheet-view').dataset.zoom) < {zoomed}")
    assert page.evaluate("devicePixelRatio") == 1  # the browser itself did not zoom

    wheel_mode = page.get_by_role("button", name="Wheel zooms")
    wheel_mode.click()
    expect(wheel_mode).to_have_attribute("aria-pressed", "false")
    type_zoom(page, 300)
    scrolled_from = scroll_position(page)
    wheel_at(page, cursor, 100)  # now the wheel scrolls
    page.wait_for_function(f"() => document.querySelector('#sheet-view').scrollTop > {scrolled_from[1]}")
    assert zoom_of(page) == 300
    page.reload()  # the setting is kept
    wait_drawn(page, sheet=1)
    expect(page.get_by_role("button", name="Wheel zooms")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Wheel zooms").click()

    type_zoom(page, 200)
    centre = page_point_at(page, view_centre(page))
    type_zoom(page, 800)  # typed zoom keeps what is at the centre of the view
    at_800 = page_point_at(page, view_centre(page))
    assert math.dist((centre["x"], centre["y"]), (at_800["x"], at_800["y"])) < 1.5

    page.get_by_test_id("markup-toolbar").get_by_role(
        "button", name="Revision cloud"
    ).click()  # a drawing tool is chosen
    markups = page.locator(".markup-layer .markup-shapes .markup").count()
    start = scroll_position(page)
    page.mouse.move(cursor["x"], cursor["y"])
    page.keyboard.down(" ")
    page.mouse.down()
    page.mouse.move(cursor["x"] - 150, cursor["y"] - 100, steps=5)
    page.mouse.up()
    page.keyboard.up(" ")
    moved = scroll_position(page)
    assert moved[0] == pytest.approx(start[0] + 150, abs=2) and moved[1] == pytest.approx(start[1] + 100, abs=2)
    page.mouse.move(cursor["x"], cursor["y"])
    page.mouse.down(button="middle")
    page.mouse.move(cursor["x"] + 50, cursor["y"] + 40, steps=5)
    page.mouse.up(button="middle")
    again = scroll_position(page)
    assert again[0] == pytest.approx(moved[0] - 50, abs=2) and again[1] == pytest.approx(moved[1] - 40, abs=2)
    assert page.locator(".markup-layer .markup-shapes .markup").count() == markups  # nothing was drawn
    page.keyboard.press("Escape")

    type_zoom(page, 100)
    page.evaluate(PINCH, [view_centre(page)["x"], view_centre(page)["y"], 50, 100])  # fingers spread to twice apart
    page.wait_for_function("() => Number(document.querySelector('#sheet-view').dataset.zoom) === 200")

    previous = page.get_by_role("button", name="Previous view")
    there = page_point_at(page, view_centre(page))
    page.get_by_role("button", name="Next sheet").click()
    wait_drawn(page, sheet=2)
    previous.click()  # back to sheet 1, as it was
    wait_drawn(page, sheet=1, zoom=200)
    back = page_point_at(page, view_centre(page))
    assert math.dist((there["x"], there["y"]), (back["x"], back["y"])) < 2
    page.locator("#sheet-view").focus()
    page.keyboard.press("Alt+ArrowLeft")  # and again, by key: as it was before 100% was typed
    wait_drawn(page, sheet=1, zoom=800)
    assert page.url.endswith("#page=1")  # the browser did not go back a page
    assert page.errors == []


def test_page_points_map_to_screen_pixels_and_back(new_page, demo_version, sheets):
    page = open_viewer(new_page, demo_version["id"])
    wait_drawn(page, sheet=1)
    result = page.evaluate(
        """([w, h]) => {
        const view = window.civicReviewViewer.view;
        const box = document.querySelector('.sheet-page').getBoundingClientRect();
        const overlay = document.querySelector('.sheet-overlay').getBoundingClientRect();
        const corner = view.pageToClient({x: w, y: h});
        const back = view.clientToPage(corner);
        return {box: [box.left, box.top, box.right, box.bottom], overlay: [overlay.left, overlay.top, overlay.right, overlay.bottom],
                origin: view.pageToClient({x: 0, y: 0}), corner, back};
    }""",
        [sheets[0]["width"], sheets[0]["height"]],
    )
    left, top, right, bottom = result["box"]
    assert result["overlay"] == pytest.approx(result["box"], abs=0.5)
    assert (result["origin"]["x"], result["origin"]["y"]) == (pytest.approx(left, abs=0.5), pytest.approx(top, abs=0.5))
    assert (result["corner"]["x"], result["corner"]["y"]) == (
        pytest.approx(right, abs=0.5),
        pytest.approx(bottom, abs=0.5),
    )
    assert (result["back"]["x"], result["back"]["y"]) == (
        pytest.approx(sheets[0]["width"], abs=0.01),
        pytest.approx(sheets[0]["height"], abs=0.01),
    )


def upload_via_api(page, case_id, title, data):
    """POST a PDF as the logged-in user (session cookie + CSRF token) and wait until it is ready."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/api/cases/{case_id}/documents/",
        multipart={"title": title, "file": {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": data}},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert response.status == 201, response.text()
    version_id = response.json()["versions"][0]["id"]
    for _ in range(120):
        version = page.request.get(f"/api/versions/{version_id}/").json()
        if version["status"] != "processing":
            break
        page.wait_for_timeout(500)
    assert version["status"] == "ready", version
    return version


def test_viewer_fetches_only_the_byte_ranges_it_needs(new_page, demo_case):
    from tests.browser.pdfs import heavy_sheets

    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    data = heavy_sheets(16)
    version = upload_via_api(page, demo_case["id"], "Heavy raster set", data)
    assert len(data) > 4 * 1024 * 1024

    ranges = []
    page.on("request", lambda r: ranges.append(r.headers.get("range")) if "/file/" in r.url else None)
    page.goto(f"/versions/{version['id']}/#page=9")
    wait_drawn(page, sheet=9)
    expect(page.get_by_test_id("sheet-label")).to_have_text("H-109")

    asked = [r for r in ranges if r]
    assert asked, "PDF.js asked for byte ranges"
    fetched = 0
    for header in asked:
        first, last = map(int, re.fullmatch(r"bytes=(\d+)-(\d+)", header).groups())
        fetched += last - first + 1
    assert fetched < len(data) / 3, f"fetched {fetched} of {len(data)} bytes to show one sheet"


INK_CENTRE = """(source) => {
    let canvas = source;
    if (source instanceof HTMLImageElement) {
        canvas = document.createElement('canvas');
        canvas.width = source.naturalWidth;
        canvas.height = source.naturalHeight;
        canvas.getContext('2d').drawImage(source, 0, 0);
    }
    const {width, height} = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let sx = 0, sy = 0, n = 0;
    // Inside the border: the solid block only.
    for (let y = Math.floor(height * 0.08); y < height * 0.92; y++)
        for (let x = Math.floor(width * 0.08); x < width * 0.92; x++)
            if (data[(y * width + x) * 4] < 100) { sx += x; sy += y; n++; }
    return {x: sx / n / width, y: sy / n / height, n};
}"""


def test_rotated_page_is_shown_as_displayed_like_the_server_sees_it(new_page, demo_case):
    from tests.browser.pdfs import rotated_sheet

    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    version = upload_via_api(page, demo_case["id"], "Rotated page", rotated_sheet())
    sheet = version["pages"][0]
    assert sheet["rotation"] == 90

    page.goto(f"/versions/{version['id']}/")
    wait_drawn(page, sheet=1)
    box = page.locator(".sheet-page").bounding_box()
    assert box["width"] / box["height"] == pytest.approx(sheet["width"] / sheet["height"], rel=0.01)

    drawn = page.locator("#sheet-view .sheet-canvas").evaluate(INK_CENTRE)
    thumbnail = page.locator(".thumb[data-page='1'] img")
    expect(thumbnail).to_have_js_property("complete", True)
    served = thumbnail.evaluate(INK_CENTRE)
    assert drawn["n"] > 100 and served["n"] > 10
    assert (drawn["x"], drawn["y"]) == (pytest.approx(served["x"], abs=0.03), pytest.approx(served["y"], abs=0.03))
    assert not (0.4 < drawn["x"] < 0.6 and 0.4 < drawn["y"] < 0.6), "the block is off-centre"


def test_a_jpeg2000_image_is_drawn_under_the_csp(new_page, demo_case):
    """PDF.js's worker decodes JPEG 2000 with WebAssembly: the policy must let it compile."""
    from tests.browser.pdfs import jpeg2000_sheet

    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    version = upload_via_api(page, demo_case["id"], "JPEG 2000 image", jpeg2000_sheet())

    page.goto(f"/versions/{version['id']}/")
    wait_drawn(page, sheet=1)

    drawn = page.locator("#sheet-view .sheet-canvas").evaluate(INK_CENTRE)
    assert drawn["n"] > 1000, "the image was not drawn"
    assert (drawn["x"], drawn["y"]) == (pytest.approx(0.5, abs=0.05), pytest.approx(0.5, abs=0.05))
