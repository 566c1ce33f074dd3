"""Live markup: reviewers of several departments drawing, editing and discussing on one plan set.

Each test works on its own sheet of the demo plan set, so that the markups of one do not
get in the way of another. Screenshots go to /tmp/civicreview-shots for a person to look at.
"""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/civicreview-shots")


def shoot(page, name, locator=None):
    SHOTS.mkdir(exist_ok=True)
    (locator or page).screenshot(path=str(SHOTS / f"{name}.png"))


# --- helpers ------------------------------------------------------------------------------


def open_sheet(new_page, username, version_id, sheet):
    """A logged-in page on `sheet` of the version, live and with its markups loaded."""
    page = new_page(username)
    page.goto(f"/versions/{version_id}/#page={sheet}")
    expect(page.locator("#viewer")).to_have_attribute("data-markup", "ready")
    expect(status(page)).to_have_attribute("data-status", "online")
    expect(page.locator("#sheet-view")).to_have_attribute("data-rendered-page", str(sheet))
    return page


def status(page):
    return page.get_by_test_id("connection-status")


def client_point(page, x, y):
    """Page points → where they are on screen now."""
    return page.evaluate("([x, y]) => window.civicReviewViewer.view.pageToClient({x, y})", [x, y])


def drag(page, start, end, steps=8):
    a, b = client_point(page, *start), client_point(page, *end)
    page.mouse.move(a["x"], a["y"])
    page.mouse.down()
    page.mouse.move(b["x"], b["y"], steps=steps)
    page.mouse.up()


def click_at(page, x, y, **options):
    point = client_point(page, x, y)
    page.mouse.click(point["x"], point["y"], **options)


def markups_on_sheet(page):
    return page.locator(".markup-layer .markup-shapes .markup")


def shown(page, annotation_id):
    return page.locator(f".markup-layer .markup[data-id='{annotation_id}']")


def state(page):
    """The markups as this browser shows them: {id: annotation}."""
    return {
        a["id"]: a
        for a in page.evaluate("JSON.parse(JSON.stringify(window.civicReviewMarkup.store.all()))")
        if isinstance(a["id"], int)
    }


def api(page, method, url, data=None):
    """A request as the page's user (session cookie and CSRF token)."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.fetch(url, method=method, data=data, headers={"X-CSRFToken": token, "Referer": page.url})
    assert response.ok, f"{method} {url}: {response.status} {response.text()}"
    return response.json() if response.status != 204 else None


def create(page, version_id, sheet, kind, points, text=""):
    """A markup made through the HTTP API, in the author's department colour."""
    data = {"page": sheet, "kind": kind, "geometry": {"points": points}, "text": text}
    return api(page, "POST", f"/api/versions/{version_id}/annotations/", data)


def select_in_list(page, annotation_id):
    page.locator(f"#markup-list .markup-item[data-id='{annotation_id}']").click()
    expect(page.get_by_test_id("markup-detail")).to_be_visible()


def notice(page):
    return page.get_by_test_id("markup-notice")


def block_socket(page):
    """Cut this browser's live connection and keep it from reconnecting until `unblock_socket`."""
    page.evaluate(
        """() => {
        const socket = window.civicReviewMarkup.socket;
        socket.realUrl = socket.url;
        socket.url = socket.url.replace('/ws/versions/', '/ws/blocked/');
        socket.ws.close();
    }"""
    )
    expect(status(page)).to_have_attribute("data-status", "offline")


def unblock_socket(page):
    page.evaluate("() => { const s = window.civicReviewMarkup.socket; s.url = s.realUrl; }")


# --- drawing together -----------------------------------------------------------------------


def test_a_cloud_drawn_by_fire_appears_for_building_within_a_second(new_page, demo_version):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=2)
    building = open_sheet(new_page, "building", vid, sheet=2)
    before = markups_on_sheet(building).count()

    fire.locator("[data-tool=cloud]").click()
    drag(fire, (620, 420), (1080, 760))
    started = time.monotonic()
    expect(markups_on_sheet(building)).to_have_count(before + 1, timeout=1000)
    assert time.monotonic() - started < 1.0

    cloud = building.locator(".markup-layer .markup-cloud").last
    expect(cloud).to_have_attribute("style", re.compile("--c: #d32f2f"))  # fire's colour
    created = next(a for a in state(building).values() if a["kind"] == "cloud" and a["page"] == 2)
    assert created["department"] == "fire"
    assert created["geometry"]["points"] == [[620, 420], [1080, 760]]
    # The one who drew it has it selected, with handles; the other sees it, without.
    expect(fire.get_by_test_id("markup-detail")).to_be_visible()
    expect(fire.locator(".mk-handle")).to_have_count(4)
    shoot(fire, "cloud-fire")
    shoot(building, "cloud-building")
    assert fire.errors == [] and building.errors == []


def test_drawing_each_kind_with_the_tools(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "engineering", vid, sheet=12)

    def expect_kind(kind):
        expect(page.locator(f".markup-layer .markup-{kind}:not(.is-pending)")).to_have_count(1)

    def drawn(kind):  # on this sheet: other tests mark up other sheets of the demo set
        return next(a for a in state(page).values() if a["kind"] == kind and a["page"] == 12)

    for key, kind, start, end in [
        ("r", "rectangle", (300, 300), (500, 420)),
        ("e", "ellipse", (550, 300), (750, 420)),
        ("h", "highlight", (300, 460), (700, 500)),
        ("a", "arrow", (800, 300), (950, 420)),
        ("l", "line", (800, 460), (1000, 520)),
        ("f", "freehand", (300, 560), (520, 640)),
    ]:
        page.locator("#sheet-view").focus()
        page.keyboard.press(key)
        expect(page.locator(f"[data-tool={kind}]")).to_have_attribute("aria-pressed", "true")
        drag(page, start, end, steps=12)
        expect_kind(kind)

    page.keyboard.press("p")
    click_at(page, 1100, 300)
    expect_kind("pin")

    page.keyboard.press("g")  # a polygon: a click per corner, a double click on the last
    click_at(page, 600, 700)
    click_at(page, 760, 700)
    click_at(page, 760, 820)
    click_at(page, 600, 820, click_count=2)
    expect_kind("polygon")
    assert len(drawn("polygon")["geometry"]["points"]) == 4

    page.keyboard.press("n")  # a polyline ends with Enter
    click_at(page, 850, 700)
    click_at(page, 950, 760)
    click_at(page, 1050, 700)
    page.keyboard.press("Enter")
    expect_kind("polyline")

    page.keyboard.press("t")  # a text box asks for its words where it stands
    drag(page, (1100, 400), (1350, 470))
    editor = page.locator(".markup-editor")
    expect(editor).to_be_focused()
    editor.fill("Verify accessible route slope")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".markup-layer .markup-text .mk-text")).to_have_text("Verify accessible route slope")

    page.keyboard.press("q")  # a callout: its box, then where its leader points
    drag(page, (1100, 520), (1350, 590))
    click_at(page, 1000, 650)
    page.locator(".markup-editor").fill("Match existing curb")
    page.keyboard.press("Control+Enter")
    expect_kind("callout")
    assert drawn("callout")["geometry"]["points"][2] == [1000, 650]

    page.locator("#stamp-text").select_option("REVISE AND RESUBMIT")
    drag(page, (1400, 300), (1650, 380))
    expect_kind("stamp")
    placed = drawn("stamp")["text"]
    assert placed.startswith("REVISE AND RESUBMIT\n")  # then who placed it, their department and the date

    expect(markups_on_sheet(page)).to_have_count(12)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Fit page").click()
    shoot(page, "every-kind")
    page.fill("#zoom-input", "100")
    page.press("#zoom-input", "Enter")
    page.evaluate("window.civicReviewViewer.view.centerOn({x: 950, y: 520})")
    page.wait_for_timeout(400)
    shoot(page, "every-kind-100")
    assert page.errors == []


HOLDS_ITS_TEXT = """(id) => {
  const text = document.querySelector(`.markup-layer .markup[data-id='${id}'] .mk-text`);
  return text.scrollHeight <= text.clientHeight + 1 && text.scrollWidth <= text.clientWidth + 1;
}"""


def test_a_text_box_holds_its_text_at_every_zoom_in_points_as_typed(new_page, demo_version):
    page = open_sheet(new_page, "engineering", demo_version["id"], sheet=10)
    page.fill("#zoom-input", "800")
    page.press("#zoom-input", "Enter")
    page.evaluate("window.civicReviewViewer.view.centerOn({x: 600, y: 600})")
    page.get_by_label("Text size in points").select_option("18")
    page.locator("#sheet-view").focus()
    page.keyboard.press("t")
    drag(page, (600, 600), (604, 603))  # a few points, as a quick drag at 800% makes
    editor = page.locator(".markup-editor")
    expect(editor).to_be_focused()
    editor.fill("Dimension missing at grid 3")
    assert editor.evaluate("e => getComputedStyle(e).fontSize") == "144px"  # 18 pt at 800%: as it will be drawn
    assert editor.evaluate("e => e.scrollHeight <= e.clientHeight + 1")  # the box grew as it was typed
    page.keyboard.press("Control+Enter")
    drawn = page.locator(".markup-layer .markup-text:not(.is-pending) .mk-text").filter(has_text="Dimension missing")
    expect(drawn).to_have_text("Dimension missing at grid 3")
    text = next(a for a in state(page).values() if a["text"] == "Dimension missing at grid 3")
    assert text["style"]["font_size"] == 18
    (x0, y0), (x1, y1) = text["geometry"]["points"]
    assert x1 - x0 >= 6 * 18 and y1 - y0 > 18  # grown from the few points dragged
    for zoom in ("10", "100", "800"):
        page.fill("#zoom-input", zoom)
        page.press("#zoom-input", "Enter")
        expect(page.locator("#sheet-view")).to_have_attribute("data-zoom", zoom)
        assert page.evaluate(HOLDS_ITS_TEXT, text["id"]), f"the text overflows its box at {zoom}%"

    select_in_list(page, text["id"])
    page.get_by_label("Text size in points").select_option("36")  # the selected box takes the size and grows
    page.wait_for_function(
        "(id) => window.civicReviewMarkup.store.get(id).style.font_size === 36 && !window.civicReviewMarkup.store.get(id).pending",
        arg=text["id"],
    )
    larger = state(page)[text["id"]]
    (_, ly0), (_, ly1) = larger["geometry"]["points"]
    assert ly1 - ly0 > y1 - y0
    assert page.evaluate(HOLDS_ITS_TEXT, text["id"])
    assert page.errors == []


def test_select_move_resize_recolour_edit_and_delete(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "fire", vid, sheet=8)
    other = open_sheet(new_page, "fire_head", vid, sheet=8)
    box = create(page, vid, 8, "text", [[400, 400], [600, 460]], "Exit sign")
    expect(shown(page, box["id"])).to_be_visible()

    click_at(page, 500, 430)  # select it
    expect(page.locator(".mk-handle")).to_have_count(4)
    drag(page, (500, 430), (600, 530))  # move it by 100, 100
    page.wait_for_function(f"() => window.civicReviewMarkup.store.server.get({box['id']}).revision === 2")
    assert state(page)[box["id"]]["geometry"]["points"] == [[500, 500], [700, 560]]
    drag(page, (700, 560), (760, 600))  # the south-east handle
    page.wait_for_function(f"() => window.civicReviewMarkup.store.server.get({box['id']}).revision === 3")
    assert state(other)[box["id"]]["geometry"]["points"] == [[500, 500], [760, 600]]

    page.locator("[data-action=pick-color]").click()
    page.locator("#color-menu .swatch[title='#1565c0']").click()
    expect(shown(other, box["id"])).to_have_attribute("style", re.compile("--c: #1565c0"))

    shown(page, box["id"]).dblclick()
    page.locator(".markup-editor").fill("Exit sign above door")
    page.keyboard.press("Control+Enter")
    expect(shown(other, box["id"]).locator(".mk-text")).to_have_text("Exit sign above door")

    page.locator("#sheet-view").focus()
    page.keyboard.press("Delete")
    expect(shown(page, box["id"])).to_have_count(0)
    expect(shown(other, box["id"])).to_have_count(0)
    assert page.errors == [] and other.errors == []


def test_undo_and_redo_go_through_the_server(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "fire", vid, sheet=8)
    watcher = open_sheet(new_page, "building", vid, sheet=8)
    before = markups_on_sheet(watcher).count()

    page.keyboard.press("r")
    drag(page, (1200, 300), (1400, 450))
    expect(markups_on_sheet(watcher)).to_have_count(before + 1)
    first_id = page.evaluate("window.civicReviewMarkup.session.selectedId")

    page.locator("#sheet-view").focus()
    page.keyboard.press("Control+z")
    expect(markups_on_sheet(watcher)).to_have_count(before)
    expect(markups_on_sheet(page)).to_have_count(before)

    page.keyboard.press("Control+Shift+z")  # the rectangle comes back (a new markup)
    expect(markups_on_sheet(watcher)).to_have_count(before + 1)
    again = page.evaluate("window.civicReviewMarkup.session.selectedId")
    assert again != first_id
    assert state(watcher)[again]["geometry"]["points"] == [[1200, 300], [1400, 450]]

    drag(page, (1300, 300), (1300, 400))  # move it by its top edge
    page.wait_for_function(f"() => window.civicReviewMarkup.store.server.get({again}).revision === 2")
    assert state(watcher)[again]["geometry"]["points"] == [[1200, 400], [1400, 550]]
    page.keyboard.press("Control+z")
    page.wait_for_function(f"() => window.civicReviewMarkup.store.server.get({again}).revision === 3")
    assert state(watcher)[again]["geometry"]["points"] == [[1200, 300], [1400, 450]]
    page.keyboard.press("Control+y")
    page.wait_for_function(f"() => window.civicReviewMarkup.store.server.get({again}).revision === 4")
    assert state(watcher)[again]["geometry"]["points"] == [[1200, 400], [1400, 550]]
    expect(page.get_by_role("button", name="Undo")).to_be_enabled()
    expect(page.get_by_role("button", name="Redo")).to_be_disabled()
    assert page.errors == []


# --- refusals and conflicts -------------------------------------------------------------------


def test_building_cannot_change_fires_markup_and_is_told_why(new_page, demo_version):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=5)
    cloud = create(fire, vid, 5, "cloud", [[300, 300], [600, 500]], "Rated corridor")
    building = open_sheet(new_page, "building", vid, sheet=5)

    select_in_list(building, cloud["id"])
    expect(building.locator(".mk-handle")).to_have_count(0)  # nothing to drag
    expect(building.locator("[data-action=delete-markup]")).to_be_hidden()
    building.locator("#sheet-view").focus()
    building.keyboard.press("Delete")
    expect(notice(building)).to_be_visible()
    expect(notice(building)).to_have_attribute("data-kind", "forbidden")
    expect(notice(building)).to_contain_text("This markup belongs to Fire")
    expect(shown(building, cloud["id"])).to_be_visible()
    expect(shown(fire, cloud["id"])).to_be_visible()
    shoot(building, "forbidden")
    assert building.errors == []


def test_a_stale_edit_is_refused_and_the_current_state_shown(new_page, demo_version):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=5)
    head = open_sheet(new_page, "fire_head", vid, sheet=5)
    box = create(fire, vid, 5, "rectangle", [[900, 300], [1100, 450]], "Standpipe")
    expect(shown(head, box["id"])).to_be_visible()
    select_in_list(head, box["id"])

    block_socket(head)  # the head's connection drops while they move the markup
    drag(head, (1000, 300), (1000, 600))
    expect(shown(head, box["id"])).to_have_attribute("class", re.compile("markup"))
    moved = head.evaluate(f"window.civicReviewMarkup.store.get({box['id']}).geometry.points")
    assert moved == [[900, 600], [1100, 750]]  # shown at once, not yet sent

    select_in_list(fire, box["id"])  # meanwhile, fire changes the note
    fire.locator("#detail-text").fill("Standpipe in stair 2")
    fire.locator("#detail-text").press("Control+Enter")
    fire.wait_for_function(f"() => window.civicReviewMarkup.store.server.get({box['id']}).revision === 2")

    unblock_socket(head)  # back online: the move was based on revision 1
    expect(status(head)).to_have_attribute("data-status", "online", timeout=30_000)
    expect(notice(head)).to_have_attribute("data-kind", "conflict")
    expect(notice(head)).to_contain_text("changed this markup meanwhile")
    head.wait_for_function(f"() => window.civicReviewMarkup.store.get({box['id']}).revision === 2")
    current = state(head)[box["id"]]
    assert current["geometry"]["points"] == [[900, 300], [1100, 450]]  # the server's, not the refused move
    assert current["text"] == "Standpipe in stair 2"
    expect(head.locator("#detail-text")).to_have_value("Standpipe in stair 2")
    shoot(head, "conflict")
    assert state(fire)[box["id"]] == current
    assert head.errors == []


# --- discussing -----------------------------------------------------------------------------


def test_replies_with_mentions_appear_in_the_others_thread(new_page, demo_version):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=3)
    pin = create(fire, vid, 3, "pin", [[700, 500]], "Hydrant within 400 ft?")
    building = open_sheet(new_page, "building", vid, sheet=3)
    select_in_list(fire, pin["id"])
    select_in_list(building, pin["id"])
    expect(building.get_by_test_id("thread")).to_contain_text("No replies yet")

    reply = building.locator("#reply-text")
    reply.click()
    reply.press_sequentially("Please confirm with @fi")
    menu = building.locator("#mention-menu")
    expect(menu).to_be_visible()
    expect(menu.locator(".mention-option").first).to_contain_text("@fire")  # the department, then its head
    expect(menu.locator(".mention-option").nth(1)).to_contain_text("@fire_head")
    shoot(building, "mention-menu")
    reply.press("Enter")  # picks the department
    expect(reply).to_have_value("Please confirm with @fire ")
    reply.press_sequentially("cc @Helen")  # a person, found by name
    expect(menu.locator(".mention-option")).to_have_count(1)
    reply.press("Enter")
    reply.press_sequentially("and see sheet C-101.")
    reply.press("Enter")  # sends

    thread = fire.get_by_test_id("thread")
    expect(thread.locator(".comment")).to_have_count(1)
    expect(thread).to_contain_text("Please confirm with @fire cc @fire_head and see sheet C-101.")
    expect(thread.locator(".mention")).to_have_text(["@fire", "@fire_head"])
    thread.get_by_role("link", name="C-101").click()  # a sheet named in a reply opens it
    expect(fire.locator("#sheet-view")).to_have_attribute("data-rendered-page", "2")
    fire.get_by_role("button", name="Previous view").click()
    expect(fire.locator("#sheet-view")).to_have_attribute("data-rendered-page", "3")
    expect(building.get_by_test_id("thread").locator(".comment")).to_have_count(1)

    fire.locator("#reply-text").fill("Confirmed: 310 ft to the hydrant on Riverside Ave.")
    fire.get_by_role("button", name="Reply").click()
    expect(building.get_by_test_id("thread").locator(".comment")).to_have_count(2)
    expect(building.get_by_test_id("thread").locator(".comment").last).to_contain_text("310 ft")

    shoot(fire, "thread")
    assert fire.errors == [] and building.errors == []

    # The mention reached fire's inbox, counted live on the Inbox link; its link opens the markup.
    expect(fire.get_by_role("link", name="Inbox")).to_contain_text("unread")
    head = new_page("fire_head")
    notices = api(head, "GET", "/api/notifications/?unread=1")
    assert [n["text"] for n in notices if "mentioned" in n["text"]][0].startswith("building mentioned you on ")
    mention = next(n for n in api(fire, "GET", "/api/notifications/?unread=1") if "mentioned Fire" in n["text"])
    fire.goto(mention["url"])
    expect(fire.locator("#viewer")).to_have_attribute("data-markup", "ready")
    expect(fire.locator("#sheet-view")).to_have_attribute("data-rendered-page", "3")
    expect(fire.get_by_test_id("markup-detail")).to_contain_text("Hydrant within 400 ft?")
    expect(fire.get_by_test_id("thread").locator(".comment")).to_have_count(2)


def test_a_head_resolves_another_departments_markup_for_everyone(new_page, demo_version):
    vid = demo_version["id"]
    engineering = open_sheet(new_page, "engineering", vid, sheet=3)
    box = create(engineering, vid, 3, "rectangle", [[1300, 900], [1500, 1000]], "Grading at the ramp")
    head = open_sheet(new_page, "building_head", vid, sheet=3)
    select_in_list(head, box["id"])
    expect(head.locator("[data-action=delete-markup]")).to_be_hidden()  # not theirs to change
    head.get_by_role("button", name="Resolve").click()
    expect(shown(engineering, box["id"])).to_have_class(re.compile("is-resolved"))
    expect(head.get_by_role("button", name="Reopen")).to_be_visible()
    engineering.locator("#filter-status").select_option("open")
    expect(engineering.locator(f".markup-item[data-id='{box['id']}']")).to_have_count(0)
    head.get_by_role("button", name="Reopen").click()
    expect(engineering.locator(f".markup-item[data-id='{box['id']}']")).to_have_count(1)


# --- finding markups --------------------------------------------------------------------------


def test_the_markup_list_filters_and_jumps_to_the_sheet(new_page, demo_version):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=1)
    engineering = new_page("engineering")
    engineering.goto(f"/versions/{vid}/#page=1")
    ours = create(fire, vid, 6, "cloud", [[500, 500], [700, 650]], "Fire lane width")
    theirs = create(engineering, vid, 7, "ellipse", [[1800, 1200], [1900, 1260]], "Storm drain inlet")

    fire.locator("#filter-department").select_option("engineering")
    items = fire.locator("#markup-list .markup-item")
    expect(items.first).to_be_visible()
    listed = [int(i) for i in items.evaluate_all("items => items.map(item => item.dataset.id)")]
    assert {state(fire)[i]["department"] for i in listed} == {"engineering"}
    expect(fire.locator(f".markup-item[data-id='{ours['id']}']")).to_have_count(0)
    fire.locator("#filter-author").select_option("engineering")
    fire.locator("#filter-sheet").select_option("7")
    expect(items).to_have_count(1)
    shoot(fire, "list-filtered")

    items.first.click()  # jumps to sheet 7 and centres the markup
    expect(fire.locator("#sheet-view")).to_have_attribute("data-rendered-page", "7")
    expect(fire).to_have_url(re.compile(r"#page=7$"))
    expect(shown(fire, theirs["id"])).to_be_visible()
    fire.wait_for_timeout(300)
    view = fire.locator("#sheet-view").bounding_box()
    centre = client_point(fire, 1850, 1230)
    assert abs(centre["x"] - (view["x"] + view["width"] / 2)) < 40
    assert abs(centre["y"] - (view["y"] + view["height"] / 2)) < 40
    assert int(fire.locator("#sheet-view").get_attribute("data-zoom")) > 40  # zoomed in on it
    expect(fire.get_by_test_id("markup-detail")).to_contain_text("Storm drain inlet")
    shoot(fire, "list-jump")
    assert fire.errors == []


# --- presence ---------------------------------------------------------------------------------


def test_presence_avatars_and_live_cursors(new_page, demo_version):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=10)
    building = open_sheet(new_page, "building", vid, sheet=11)

    avatar = fire.locator("[data-testid=presence-avatar][data-username=building]")
    expect(avatar).to_be_visible()
    expect(avatar).to_contain_text("BU")
    sheets = fire.evaluate("window.civicReviewViewer.pages.map(p => p.label)")
    expect(avatar.locator(".avatar-sheet")).to_have_text(sheets[10])
    expect(fire.locator("[data-testid=presence-avatar][data-username=fire]")).to_have_count(0)  # not oneself

    building.get_by_role("button", name="Previous sheet").click()  # to sheet 10, where fire is
    expect(avatar.locator(".avatar-sheet")).to_have_text(sheets[9])
    expect(avatar).to_have_class(re.compile("is-here"))

    point = client_point(building, 900, 600)
    building.mouse.move(point["x"], point["y"])
    building.mouse.move(point["x"] + 40, point["y"] + 20, steps=5)
    last = building.evaluate(
        f"window.civicReviewViewer.view.clientToPage({{x: {point['x'] + 40}, y: {point['y'] + 20}}})"
    )
    cursor = fire.locator(".remote-cursor[data-username=building]")
    expect(cursor).to_be_visible()
    expect(cursor).to_contain_text("building")
    fire.wait_for_timeout(400)  # the last position is sent after the throttle's pause
    expected = client_point(fire, last["x"], last["y"])
    position = cursor.bounding_box()
    assert abs(position["x"] - expected["x"]) < 6 and abs(position["y"] - expected["y"]) < 6
    shoot(fire, "presence")
    expect(cursor).to_have_class(re.compile("is-idle"), timeout=6000)  # fades when idle

    building.goto("about:blank")  # leaves
    expect(avatar).to_have_count(0, timeout=10_000)
    assert fire.errors == []


# --- the connection -------------------------------------------------------------------------


def test_after_a_server_restart_both_catch_up_without_a_reload(new_page, demo_version, server):
    vid = demo_version["id"]
    fire = open_sheet(new_page, "fire", vid, sheet=9)
    building = open_sheet(new_page, "building", vid, sheet=9)
    for page in (fire, building):
        page.evaluate("window.notReloaded = true")

    server.stop()
    expect(status(fire)).to_have_attribute("data-status", "offline")
    expect(status(building)).to_have_attribute("data-status", "offline")
    expect(status(fire)).to_contain_text("reconnecting")
    shoot(fire, "offline")

    # While the server is away: building's colleague changes the plan set through the server's
    # code, and fire goes on drawing (kept, and sent once back).
    code = (
        "from django.contrib.auth import get_user_model; from reviews.services import annotations; "
        "user = get_user_model().objects.get(username='engineering'); "
        f"event = annotations.create_annotation(user, {vid}, {{'page': 9, 'kind': 'ellipse', "
        "'geometry': {'points': [[300, 300], [500, 400]]}, 'text': 'Made while you were away', "
        "'style': {'color': '#ef6c00', 'width': 2}}); print(event.data['id'])"
    )
    away_id = int(server.shell(code).strip().splitlines()[-1])
    fire.keyboard.press("r")
    drag(fire, (800, 300), (1000, 420))
    expect(fire.locator(".markup-layer .markup-rectangle.is-pending")).to_have_count(1)

    server.start()
    for page in (fire, building):
        expect(status(page)).to_have_attribute("data-status", "online", timeout=30_000)
        expect(shown(page, away_id)).to_be_visible()
        assert page.evaluate("window.notReloaded") is True
    expect(building.locator(".markup-layer .markup-rectangle")).to_have_count(1)
    expect(fire.locator(".markup-layer .markup-rectangle:not(.is-pending)")).to_have_count(1)
    assert state(fire) == state(building)
    assert fire.errors == [] and building.errors == []


def test_someone_who_only_looks_on_can_follow_but_not_mark_up(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "admin", vid, sheet=11)
    expect(status(page)).to_contain_text("view only")
    expect(page.locator("[data-tool=rectangle]")).to_be_disabled()
    page.locator("#sheet-view").focus()
    page.keyboard.press("r")
    expect(page.locator("[data-tool=select]")).to_have_attribute("aria-pressed", "true")
    fire = open_sheet(new_page, "fire", vid, sheet=11)
    pin = create(fire, vid, 11, "pin", [[600, 600]], "Knox box")
    expect(shown(page, pin["id"])).to_be_visible()
    select_in_list(page, pin["id"])
    expect(page.locator("#reply-text")).to_be_disabled()
    expect(page.locator("[data-action=toggle-status]")).to_be_hidden()


# --- measuring ------------------------------------------------------------------------------


def test_lengths_read_in_feet_on_a_sheet_with_a_scale(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "building", vid, sheet=4)
    scale = api(page, "GET", f"/api/versions/{vid}/")["pages"][3]["scale"]
    assert scale and scale["unit"] == "ft", "the floor plan's scale was read from its title block"
    expect(page.get_by_test_id("sheet-scale")).to_have_text(scale["label"])

    points_per_foot = 72 * 12 / scale["ratio"]
    page.keyboard.press("m")
    drag(page, (400, 1000), (400 + 12.5 * points_per_foot, 1000))
    label = page.locator(".markup-layer .markup-measure_length:not(.is-pending) .mk-label")
    expect(label).to_have_text("12'-6\"")
    expect(page.get_by_test_id("detail-measure")).to_have_text("12'-6\"")

    page.keyboard.press("Shift+M")  # an area of 10 ft by 20 ft
    x, y, s = 1200, 900, points_per_foot
    click_at(page, x, y)
    click_at(page, x + 20 * s, y)
    click_at(page, x + 20 * s, y + 10 * s)
    click_at(page, x, y + 10 * s, click_count=2)
    expect(page.locator(".markup-layer .markup-measure_area:not(.is-pending) .mk-label")).to_have_text("200.0 sq ft")
    shoot(page, "measure")
    assert page.errors == []


def test_calibrating_a_sheet_by_a_standard_scale_and_by_a_known_length(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "planner", vid, sheet=1)
    other = open_sheet(new_page, "fire", vid, sheet=1)
    api(page, "PATCH", f"/api/versions/{vid}/pages/1/", {"scale": None})
    expect(page.get_by_test_id("sheet-scale")).to_have_text("Set scale")

    page.keyboard.press("m")  # uncalibrated: the measurement asks for a scale
    drag(page, (300, 1300), (372, 1300))
    expect(page.locator(".markup-measure_length:not(.is-pending) .mk-label")).to_have_text("set scale")

    page.get_by_role("button", name="Sheet scale").click()
    page.locator("#scale-standard").select_option('1/4" = 1\'-0"')
    expect(page.get_by_test_id("sheet-scale")).to_have_text('1/4" = 1\'-0"')
    expect(other.get_by_test_id("sheet-scale")).to_have_text('1/4" = 1\'-0"')  # for everyone
    expect(other.locator(".markup-measure_length .mk-label")).to_have_text("4'-0\"")  # 1 in of paper

    page.get_by_role("button", name="Sheet scale").click()
    page.get_by_role("button", name="Measure a known length…").click()
    drag(page, (300, 1400), (480, 1400))  # 2.5 in of paper…
    dialog = page.locator("#calibrate-dialog")
    expect(dialog).to_be_visible()
    shoot(page, "calibrate")
    page.locator("#calibrate-length").fill("wide")
    dialog.get_by_role("button", name="Set scale").click()
    expect(page.locator("#calibrate-error")).to_contain_text("Type a length")
    page.locator("#calibrate-length").fill("20'")  # …is 20 ft: 1/8" = 1'-0"
    dialog.get_by_role("button", name="Set scale").click()
    expect(dialog).to_be_hidden()
    expect(other.locator(".markup-measure_length .mk-label")).to_have_text("8'-0\"")
    scale = api(page, "GET", f"/api/versions/{vid}/")["pages"][0]["scale"]
    assert scale["ratio"] == pytest.approx(96) and scale["unit"] == "ft"
    assert page.errors == []


def test_gallery_of_every_kind_for_a_look(new_page, demo_version):
    """Not an assertion of looks: a picture of every kind, zoomed out and in, for a person."""
    vid = demo_version["id"]
    page = open_sheet(new_page, "fire", vid, sheet=6)
    for kind, points, text in [
        ("cloud", [[900, 250], [1200, 420]], "Fire separation"),
        ("text", [[300, 500], [560, 580]], "Provide 2-hour rated wall at grid C per CBC 707"),
        ("callout", [[1250, 250], [1500, 330], [1150, 450]], "Sprinkler riser location?"),
        ("measure_area", [[1150, 700], [1400, 700], [1400, 900], [1150, 900]], ""),
        ("stamp", [[1600, 250], [1850, 330]], "REVISE AND RESUBMIT"),
    ]:
        create(page, vid, 6, kind, points, text)
    expect(page.locator(".markup-layer .markup-stamp")).to_have_count(1)
    shoot(page, "gallery-fit")
    page.fill("#zoom-input", "200")
    page.press("#zoom-input", "Enter")
    page.evaluate("window.civicReviewViewer.view.centerOn({x: 1400, y: 330})")
    page.wait_for_timeout(500)
    shoot(page, "gallery-200", page.locator("#sheet-view"))


def test_a_refused_connection_stops_editing_and_says_so(new_page, demo_version):
    vid = demo_version["id"]
    page = open_sheet(new_page, "engineering", vid, sheet=11)
    expect(page.locator("[data-tool=rectangle]")).to_be_enabled()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    page.request.post("/accounts/logout/", headers={"X-CSRFToken": token, "Referer": page.url})
    page.evaluate("window.civicReviewMarkup.socket.ws.close()")  # it reconnects, without a session now
    expect(status(page)).to_have_attribute("data-status", "refused", timeout=15_000)
    expect(status(page)).to_have_text("Disconnected")
    expect(page.locator("[data-tool=rectangle]")).to_be_disabled()
    expect(notice(page)).to_contain_text("Reload the page")


def test_scale_arithmetic_and_length_parsing(new_page, demo_version):
    """The pure functions behind measurements, run in the browser that uses them."""
    page = open_sheet(new_page, "planner", demo_version["id"], sheet=1)
    result = page.evaluate(
        """async () => {
        const s = await import('/static/js/markup/scale.js');
        const quarter = {ratio: 48, unit: 'ft'}, metric = {ratio: 100, unit: 'm'};
        return {
            parsed: ["12'-6\\"", "12' 6 1/2\\"", '12.5 ft', '150 in', '3.5 m', '350 mm', '20', 'wide', '0']
                .map((text) => s.parseLength(text)),
            lengths: [s.formatLength(72, quarter), s.formatLength(75, quarter), s.formatLength(1.5, quarter),
                      s.formatLength(72, metric)],
            area: s.formatArea(72 * 72 * 2, quarter),
            calibrated: s.calibratedScale(180, {inches: 240, unit: 'ft'}),
        };
    }"""
    )
    inches = [p and round(p["inches"], 3) for p in result["parsed"]]
    assert inches == [150, 150.5, 150, 150, round(3.5 / 0.0254, 3), round(0.35 / 0.0254, 3), 240, None, None]
    assert [p and p["unit"] for p in result["parsed"]][:6] == ["ft", "ft", "ft", "ft", "m", "m"]
    assert result["lengths"] == ["4'-0\"", "4'-2\"", '1"', "2.54 m"]
    assert result["area"] == "32.0 sq ft"
    assert result["calibrated"] == {"ratio": 96, "label": '1" = 8\'-0"', "unit": "ft"}
