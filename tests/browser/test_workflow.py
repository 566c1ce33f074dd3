"""The review travels by itself: the planner submits, fire and building approve from their task
lists, the planning head approves from the dashboard, and everyone's screens follow live."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import _manage

pytestmark = pytest.mark.browser

MAKE_CASE = """
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from documents.models import Case, Department
from documents.services import cases, intake
from tests.browser.pdfs import sheet_set
planner = get_user_model().objects.get(username="planner")
case = cases.create_case(planner, title="Harbor Street branch library", kind=Case.Kind.BUILDING_PERMIT,
                         address="40 Harbor Street", lead_department=Department.objects.get(slug="planning"))
document = intake.add_document(planner, case, title="Library plan set",
                               upload=SimpleUploadedFile("library.pdf", sheet_set(3), "application/pdf"))
version = document.versions.get()
print(json.dumps({"id": case.pk, "number": case.number, "version": version.pk, "status": version.status}))
"""


@pytest.fixture(scope="module")
def library(server):
    """A case of this module's own (the demo case is shared), its plan set processed."""
    made = _manage({**server.env, "CELERY_EAGER_IN_BACKGROUND": "false"}, "shell", "-c", MAKE_CASE)
    case = json.loads(made.stdout.strip().splitlines()[-1])
    assert case["status"] == "ready"
    return case


def task_card(page, case):
    return page.locator(f"[data-testid=task][data-case='{case['number']}']")


def approve_my_task(new_page, username, case):
    page = new_page(username)
    page.get_by_role("link", name="My tasks").click()
    expect(page.locator("h1")).to_have_text("My tasks")
    card = task_card(page, case)
    expect(card).to_contain_text("Review · stage 1, Department reviews")
    expect(card.get_by_test_id("open-task")).to_have_attribute("href", f"/versions/{case['version']}/")
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(card).to_have_count(0)
    return page


def test_fire_and_building_approve_then_the_planning_head_approves_and_the_case_is_approved(new_page, library):
    planner = new_page("planner")
    planner.goto(f"/cases/{library['id']}/")
    form = planner.get_by_test_id("submit-form")
    for department in ("Fire", "Building"):
        form.get_by_label(department).check()
    form.get_by_role("button", name="Submit for review").click()

    workflow = planner.get_by_test_id("workflow")
    expect(workflow.get_by_test_id("workflow-status")).to_have_text("In review")
    expect(planner.get_by_test_id("case-status")).to_have_text("In review — plan set, cycle 1")
    expect(workflow.get_by_test_id("task-fire-review")).to_contain_text(re.compile(r"Due "))
    expect(workflow.get_by_test_id("task-building-review")).to_be_visible()
    expect(workflow.get_by_test_id("stage-2")).to_contain_text("not started")
    assert_accessible(planner, "a workflow in review")

    head = new_page("planning_head")
    head.get_by_role("link", name="Dashboard").click()
    awaiting = head.get_by_test_id("board-planning").get_by_test_id("awaiting")
    expect(task_card(awaiting, library)).to_have_count(0)
    expect(head.locator("#dashboard")).to_have_attribute("data-live", "online")  # watching on the user's live channel
    decisions = head.get_by_test_id("board-planning").get_by_test_id("recent").locator("tr", has_text=library["number"])

    head_inbox = new_page("planning_head")
    head_inbox.goto("/inbox/")
    decisions = head.get_by_test_id("board-planning").get_by_test_id("recent")
    expect(decisions).not_to_contain_text(library["number"])
    director = new_page("admin")  # staff read every department's figures
    director.get_by_role("link", name="Dashboard").click()
    expect(director.locator("#insight-status")).not_to_have_text("Loading…")

    with director.expect_request(lambda request: "/api/insight/" in request.url):  # the figures drawn again
        approve_my_task(new_page, "fire", library)
    expect(workflow.get_by_test_id("task-fire-review")).to_contain_text("Approved")  # live, on the planner's page
    expect(decisions.locator("tr", has_text=library["number"])).to_contain_text("Review by Fire")  # on planning's case
    expect(workflow.get_by_test_id("task-fire-review")).to_contain_text("fire")
    expect(decisions.filter(has_text="Review by Fire")).to_contain_text("Approved")  # pushed to the lead's head
    approve_my_task(new_page, "building", library)

    expect(head_inbox.get_by_test_id("inbox").locator(".inbox-item.unread").first).to_contain_text(
        f"{library['number']} Library plan set v1: approval for Planning"
    )  # pushed on the head's own socket

    card = task_card(awaiting, library)  # arrives live on the head's open dashboard
    expect(card).to_contain_text("Approval · stage 2, Approval")
    assert_accessible(head, "a task awaiting the head's decision")
    card.get_by_placeholder(re.compile("Comment")).fill("Consistent with the site plan approval.")
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(card).to_have_count(0)

    expect(workflow.get_by_test_id("workflow-status")).to_have_text("Approved")  # the planner never reloaded
    expect(planner.get_by_test_id("case-status")).to_have_text("Approved")
    approval = workflow.get_by_test_id("task-planning-approval")
    expect(approval).to_contain_text("planning_head")
    expect(approval).to_contain_text("Consistent with the site plan approval.")
    planner.get_by_test_id("audit-trail").locator("summary").first.click()
    expect(planner.get_by_test_id("audit-trail")).to_contain_text("the review ended: approved")
    assert_accessible(planner, "an approved workflow, its audit trail open")

    figures = director.get_by_test_id("insight")
    turnaround = figures.get_by_test_id("turnaround-table")
    expect(turnaround.locator("tbody tr").filter(has_text="fire")).to_have_count(1)
    expect(turnaround.locator("tbody tr").filter(has_text="building")).to_have_count(1)
    expect(figures.get_by_test_id("outcomes-table")).to_contain_text("building_permit")
    figures.get_by_label("Department", exact=True).select_option("fire")
    figures.get_by_role("button", name="Show").click()
    expect(turnaround.locator("tbody tr").filter(has_text="building")).to_have_count(0)
    csv = figures.get_by_role("link", name="CSV").first
    expect(csv).to_have_attribute("href", re.compile(r"turnaround\.csv\?department=fire$"))
    assert_accessible(director, "the figures, filtered")
    for page in (planner, head, head_inbox, director):
        assert page.errors == []


def test_a_reviewer_with_nothing_waiting_is_told_so_and_only_heads_see_the_dashboard(new_page, library):
    page = new_page("engineering")
    page.goto("/tasks/")

    expect(page.get_by_test_id("no-tasks")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)
