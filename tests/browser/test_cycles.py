"""A resubmittal in the viewer: the changed and new sheets flagged in the thumbnail strip (and shown
alone on request), the markup whose sheet was removed placed by hand, and the old version read-only
with a banner pointing at the new one."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import _manage

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
