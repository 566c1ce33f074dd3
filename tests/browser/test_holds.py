"""A department head puts a hold on a case's parcel from the case page; the approval is then refused,
naming the hold, until the hold is released from the same page; then the case is approved."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _manage

pytestmark = pytest.mark.browser

MAKE_CASE_AWAITING_APPROVAL = """
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from documents.models import Case, Department
from documents.services import cases, intake
from tests.browser.pdfs import sheet_set
from workflows.models import Task
from workflows.services import engine
users = {user.username: user for user in get_user_model().objects.all()}
case = cases.create_case(users["planner"], title="Quarry Road warehouse", kind=Case.Kind.BUILDING_PERMIT,
                         address="9 Quarry Road", parcel_id="APN 310-044-19",
                         lead_department=Department.objects.get(slug="planning"))
document = intake.add_document(users["planner"], case, title="Warehouse plans",
                               upload=SimpleUploadedFile("warehouse.pdf", sheet_set(2), "application/pdf"))
version = document.versions.get()
engine.submit(users["planner"], version.pk, departments=["fire"])
engine.decide(users["fire"], Task.objects.get(workflow__version=version, kind="review").pk, "approved")
print(json.dumps({"id": case.pk, "number": case.number}))
"""


@pytest.fixture(scope="module")
def warehouse(server):
    made = _manage({**server.env, "CELERY_EAGER_IN_BACKGROUND": "false"}, "shell", "-c", MAKE_CASE_AWAITING_APPROVAL)
    return json.loads(made.stdout.strip().splitlines()[-1])


def test_a_hold_placed_on_the_case_page_blocks_the_approval_until_it_is_released(new_page, warehouse):
    head = new_page("planning_head")
    head.goto(f"/cases/{warehouse['id']}/")
    holds = head.get_by_test_id("holds")
    expect(holds).to_contain_text("No holds on parcel APN 310-044-19")

    place = holds.get_by_test_id("place-hold")
    place.get_by_label("Kind of hold").select_option(label="Unpaid fees")
    place.get_by_label("Reason").fill("Plan check fee of $1,250 unpaid")
    place.get_by_label("Reason").press("Enter")  # the keyboard submits the form
    expect(head.get_by_test_id("flash")).to_have_text("The hold was placed on parcel APN 310-044-19.")
    expect(holds.get_by_test_id("hold")).to_contain_text("Unpaid fees")
    expect(holds.get_by_test_id("hold")).to_contain_text("Plan check fee of $1,250 unpaid")
    expect(holds).to_contain_text("this case cannot be approved until every hold is released")

    approval = head.get_by_test_id("task-planning-approval")
    approval.get_by_role("button", name="Approve", exact=True).click()
    error = approval.locator("[data-form-error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("cannot be approved while parcel APN 310-044-19 is on hold")
    expect(error).to_contain_text("unpaid fees")
    expect(head.get_by_test_id("workflow-status")).to_have_text("In review")

    release = holds.get_by_test_id("hold").get_by_label("Why it is released")
    release.fill("Fee paid at the counter")
    holds.get_by_role("button", name="Release hold").click()
    expect(head.get_by_test_id("flash")).to_have_text("The hold on parcel APN 310-044-19 was released.")
    expect(holds.get_by_test_id("hold")).to_have_count(0)

    head.get_by_test_id("task-planning-approval").get_by_role("button", name="Approve", exact=True).click()
    expect(head.get_by_test_id("workflow-status")).to_have_text("Approved")
    head.get_by_test_id("audit-trail").locator("summary").first.click()
    expect(head.get_by_test_id("audit-trail")).to_contain_text("the review ended: approved")
    assert head.errors == []
