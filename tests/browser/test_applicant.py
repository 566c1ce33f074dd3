"""The applicant answers a correction: after the review ends with corrections required, they open
their case, read the released comments sheet by sheet (never the internal markup), and answer one.
Once a review ends approved, they read the approval letter and download the stamped approved set."""

import io
import json
import re

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import _manage

pytestmark = pytest.mark.browser

REVIEWED_CASE = """
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from documents.models import Case, Department
from documents.services import cases, intake
from reviews.services import annotations
from tests.browser.pdfs import sheet_set
from workflows import selectors
from workflows.services import engine
from workflows.models import Task
User = get_user_model()
planner, fire = User.objects.get(username="planner"), User.objects.get(username="fire")
case = cases.create_case(planner, title="Dockside fire station", kind=Case.Kind.BUILDING_PERMIT,
                         address="9 Dock Road", lead_department=Department.objects.get(slug="planning"))
cases.add_applicant(planner, case, "applicant")
document = intake.add_document(planner, case, title="Station plan set",
                               upload=SimpleUploadedFile("station.pdf", sheet_set(2), "application/pdf"))
version = document.versions.get()
workflow = engine.submit(planner, version.pk, departments=["fire"])
cloud = {"kind": "cloud", "geometry": {"points": [[100, 100], [300, 200]]}}
correction = annotations.create_annotation(fire, version.pk, {**cloud, "page": 1, "text": "Show the apparatus bay exit.", "category": "correction"}).data
annotations.create_annotation(fire, version.pk, {**cloud, "page": 2, "text": "Hydrant flow test on file.", "category": "note"})
annotations.create_annotation(fire, version.pk, {**cloud, "page": 1, "text": "@building internal question", "category": "internal"})
annotations.add_comment(fire, correction["id"], "Per IFC 1010.", visibility="applicant")
annotations.add_comment(fire, correction["id"], "Reviewer-only remark")
for task in Task.objects.filter(workflow=workflow, status="pending"):
    engine.decide(selectors.deciders(task)[0], task.pk, "corrections_required")
engine.route(workflow.pk)
print(json.dumps({"id": case.pk, "number": case.number, "correction": correction["id"]}))
"""


@pytest.fixture(scope="module")
def reviewed(server):
    made = _manage({**server.env, "CELERY_EAGER_IN_BACKGROUND": "false"}, "shell", "-c", REVIEWED_CASE)
    return json.loads(made.stdout.strip().splitlines()[-1])


def test_the_applicant_reads_the_released_comments_and_answers_a_correction(new_page, reviewed):
    page = new_page("applicant")
    page.goto(f"/cases/{reviewed['id']}/")

    expect(page.get_by_test_id("applicant-case")).to_contain_text("Dockside fire station")
    expect(page.get_by_test_id("case-status")).to_have_text("Corrections required — plan set, cycle 1")
    expect(page.get_by_test_id("case-next")).to_contain_text("Waiting on the applicant.")
    expect(page.get_by_test_id("next-step")).to_contain_text("answer each numbered correction")
    comments = page.get_by_test_id("released-comment")
    expect(comments).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Show the apparatus bay exit.")
    expect(page.locator("main")).to_contain_text("Hydrant flow test on file.")
    expect(page.locator("main")).to_contain_text("Per IFC 1010.")
    expect(page.locator("main")).not_to_contain_text("internal question")
    expect(page.locator("main")).not_to_contain_text("Reviewer-only remark")
    note = comments.filter(has_text="Hydrant flow test")
    expect(note.get_by_role("textbox")).to_have_count(0)  # notes are for information only
    assert_accessible(page, "released comments to answer")

    correction = page.locator(f"#correction-{reviewed['correction']}")
    correction.get_by_label("Your answer to correction").fill("The exit is shown on A-101, grid 4.")
    correction.get_by_role("button", name="Send answer").click()

    expect(page.get_by_test_id("flash")).to_have_text("Your answer was sent to the reviewers.")
    answered = page.locator(f"#correction-{reviewed['correction']}")
    expect(answered.get_by_test_id("reply").last).to_contain_text("The exit is shown on A-101, grid 4.")
    assert_accessible(page, "an answer sent")
    assert page.errors == []

    fire = new_page("fire")
    response = fire.request.get(f"/api/annotations/{reviewed['correction']}/comments/")
    assert [c["body"] for c in response.json()][-1] == "The exit is shown on A-101, grid 4."


APPROVED_CASE = """
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from documents.models import Case, Department
from documents.services import cases, intake
from tests.browser.pdfs import sheet_set
from workflows import selectors
from workflows.services import engine
from workflows.models import Task, Workflow
User = get_user_model()
planner = User.objects.get(username="planner")
case = cases.create_case(planner, title="Harbour library", kind=Case.Kind.BUILDING_PERMIT,
                         address="2 Quay Street", lead_department=Department.objects.get(slug="planning"))
cases.add_applicant(planner, case, "applicant")
document = intake.add_document(planner, case, title="Library plan set",
                               upload=SimpleUploadedFile("library.pdf", sheet_set(3), "application/pdf"))
version = document.versions.get()
workflow = engine.submit(planner, version.pk, departments=["fire"])
while Task.objects.filter(workflow=workflow, status="pending").exists():
    for task in Task.objects.filter(workflow=workflow, status="pending"):
        decision = "approved_with_conditions" if task.kind == "review" else "approved"
        engine.decide(selectors.deciders(task)[0], task.pk, decision, "Keep the fire lane clear.")
    engine.route(workflow.pk)
workflow.refresh_from_db()
assert workflow.approved_set, workflow.status
print(json.dumps({"id": case.pk, "number": case.number, "version": version.pk}))
"""


@pytest.fixture(scope="module")
def approved(server):
    made = _manage({**server.env, "CELERY_EAGER_IN_BACKGROUND": "false"}, "shell", "-c", APPROVED_CASE)
    return json.loads(made.stdout.strip().splitlines()[-1])


def test_after_approval_the_applicant_downloads_the_stamped_set(new_page, approved):
    page = new_page("applicant")
    page.goto(f"/cases/{approved['id']}/")

    expect(page.get_by_test_id("case-status")).to_have_text("Approved")
    expect(page.get_by_test_id("case-next")).to_have_count(0)  # nobody is waiting on anyone
    assert_accessible(page, "approved, the applicant's case page")
    expect(page.get_by_test_id("next-step")).to_contain_text("approved with conditions")
    expect(page.get_by_test_id("letter")).to_have_attribute(
        "href", f"/api/versions/{approved['version']}/corrections-letter.pdf"
    )  # the approval letter, served there once approved
    download_link = page.get_by_role("link", name="download the stamped approved set (PDF)")
    download_link.focus()
    with page.expect_download() as waiting:
        page.keyboard.press("Enter")
    download = waiting.value
    assert download.suggested_filename == f"{approved['number']}-v1-approved-set.pdf"
    document = pypdfium2.PdfDocument(io.BytesIO(open(download.path(), "rb").read()))
    sheets = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    assert len(sheets) == 3
    for text in sheets:
        assert "APPROVED WITH CONDITIONS" in text and f"Case {approved['number']}" in text
        assert "Subject to 1 condition in the approval letter" in text
    assert page.errors == []

    planner = new_page("planner")  # staff of the case: the same set and the approval letter
    planner.goto(f"/cases/{approved['id']}/")
    expect(planner.get_by_test_id("approval-letter")).to_have_accessible_name(
        re.compile(r"^Approval letter \(PDF\)\W+opens in a new tab")
    )
    expect(planner.get_by_test_id("approved-set")).to_have_attribute(
        "href", f"/api/versions/{approved['version']}/approved-set.pdf"
    )
    expect(planner.get_by_test_id("case-next")).to_have_count(0)
    assert_accessible(planner, "approved, the staff case page")

    anonymous = new_page()
    assert anonymous.request.get(f"/api/versions/{approved['version']}/approved-set.pdf").status in (401, 403)
