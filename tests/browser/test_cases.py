"""What a reviewer does on the case pages: log in, open cases, upload plan sets and follow them."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pdfs import many_pages, sheet_set

pytestmark = pytest.mark.browser


def test_login_shows_who_is_working_and_their_cases(new_page, demo_case):
    page = new_page("planner")

    expect(page.get_by_test_id("user-name")).to_have_text("planner")
    expect(page.get_by_test_id("user-departments")).to_contain_text("Planning")
    row = page.get_by_test_id("case-table").locator("tr", has_text=demo_case["number"])
    expect(row).to_contain_text("Riverside Commons mixed-use building")
    expect(row).to_contain_text("Building permit")
    expect(row).to_contain_text("1200 Riverside Avenue")
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text("Planning")


def test_wrong_password_is_refused(new_page):
    page = new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "planner")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")

    expect(page.locator(".alert-error")).to_contain_text("correct username and password")


def test_logout_returns_to_the_login_page(new_page):
    page = new_page("planner")
    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/"))


def test_new_case_form_opens_the_new_case(new_page):
    page = new_page("planner")
    page.get_by_role("button", name="New case").click()
    page.fill("#new-case-form input[name=title]", "Harbor Street duplex")
    page.select_option("#new-case-form select[name=kind]", "building_permit")
    page.fill("#new-case-form input[name=address]", "44 Harbor Street")
    page.fill("#new-case-form input[name=parcel_id]", "APN 001-002-03")
    page.get_by_role("button", name="Open case").click()

    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator("h1")).to_have_text("Harbor Street duplex")
    expect(page.get_by_test_id("case-number")).to_have_text(re.compile(r"^BP-\d{4}-\d{5}$"))
    expect(page.locator(".facts")).to_contain_text("44 Harbor Street")
    expect(page.locator(".facts")).to_contain_text("APN 001-002-03")
    expect(page.get_by_test_id("no-documents")).to_be_visible()


def test_new_case_form_says_what_is_missing(new_page):
    page = new_page("planner")
    page.get_by_role("button", name="New case").click()
    page.get_by_role("button", name="Open case").click()

    expect(page.locator("[data-error-for=title]")).to_have_text("Give the case a title.")
    expect(page).to_have_url(re.compile(r"/$"))


def test_case_page_shows_the_case_and_its_plan_set(new_page, demo_case, demo_version):
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")

    expect(page.get_by_test_id("case-number")).to_have_text(demo_case["number"])
    expect(page.locator("h1")).to_have_text("Riverside Commons mixed-use building")
    facts = page.locator(".facts")
    for text in ["1200 Riverside Avenue", "APN 052-118-07", "Planning", "Building", "Fire", "Engineering"]:
        expect(facts).to_contain_text(text)
    expect(page.get_by_test_id("case-status")).to_have_text("Open")
    row = page.locator(f".version-row[data-version-id='{demo_version['id']}']")
    expect(row).to_contain_text("Ready")
    expect(row).to_contain_text(str(demo_version["page_count"]))
    expect(row.get_by_role("link", name="Open")).to_have_attribute("href", f"/versions/{demo_version['id']}/")


def _watch_upload_messages(page):
    """Record every message the upload box shows, however briefly."""
    page.evaluate(
        """() => {
        window.uploadMessages = [];
        const box = document.querySelector('[data-upload-message]');
        new MutationObserver(() => window.uploadMessages.push(box.textContent))
            .observe(box, {childList: true, characterData: true, subtree: true});
    }"""
    )


def test_upload_shows_progress_then_opens_in_the_viewer(new_page, demo_case):
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    _watch_upload_messages(page)
    pdf = many_pages(500)  # enough pages that processing outlasts a poll or two

    page.fill("#upload-form input[name=title]", "Survey appendix")
    page.set_input_files(
        "#upload-form input[name=file]", files=[{"name": "survey.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    page.get_by_role("button", name="Upload", exact=True).click()

    status = page.locator("#upload-status")
    expect(status).to_have_attribute("data-state", "ready", timeout=60_000)
    expect(status).to_contain_text("Ready: 500 sheets processed.")
    messages = page.evaluate("window.uploadMessages")
    assert any(re.fullmatch(r"Uploading… \d+% \(.+ of .+\)", m) for m in messages), messages
    assert any(re.fullmatch(r"Processing page \d+ of 500", m) for m in messages), messages

    document = page.get_by_test_id("document").filter(has_text="Survey appendix")
    expect(document.locator(".version-row")).to_contain_text("Ready")
    expect(page.locator("#upload-form select[name=document]")).to_contain_text("Survey appendix")

    page.get_by_test_id("upload-open").click()
    page.wait_for_url(re.compile(r"/versions/\d+/"))
    expect(page.locator("#sheet-view")).to_have_attribute("data-rendered-page", "1")
    expect(page.locator("#page-count")).to_have_text("500")


def upload_on_the_page(page, name, data):
    """Upload `data` with the case page's form; once it is processed, the new version's id."""
    page.set_input_files(
        "#upload-form input[name=file]", files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#upload-status")).to_have_attribute("data-state", "ready", timeout=30_000)
    return page.get_by_test_id("upload-open").get_attribute("href").strip("/").split("/")[-1]


def test_upload_of_a_new_version(new_page, demo_case):
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    upload_on_the_page(page, "Details.pdf", sheet_set(2, prefix="D"))
    document = page.get_by_test_id("document").filter(has_text="Details")

    document.get_by_role("button", name="Upload new version").click()
    expect(page.locator("#upload-form input[name=target][value=version]")).to_be_checked()
    expect(page.locator("#upload-form .new-document-fields")).to_be_hidden()
    upload_on_the_page(page, "Details rev 1.pdf", sheet_set(3, prefix="D", seed=9))
    rows = document.locator(".version-row")
    expect(rows).to_have_count(2)
    expect(rows.first.locator("td").nth(0)).to_have_text("v2 current")
    expect(rows.first.locator("td").nth(2)).to_have_text("3")  # sheets
    expect(rows.last.locator("td").nth(0)).to_have_text("v1")
    expect(rows.last.locator("td").nth(2)).to_have_text("2")
    expect(document).to_contain_text("2 versions")


def test_upload_of_a_file_that_is_not_a_pdf_is_refused_clearly(new_page, demo_case):
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    documents_before = page.get_by_test_id("document").count()

    page.set_input_files(
        "#upload-form input[name=file]",
        files=[
            {"name": "site-plan.pdf", "mimeType": "application/pdf", "buffer": b"Just some text, not a drawing.\n" * 40}
        ],
    )
    page.get_by_role("button", name="Upload", exact=True).click()

    status = page.locator("#upload-status")
    expect(status).to_have_attribute("data-state", "refused")
    expect(status.get_by_role("alert")).to_have_text("This is not a PDF file: it does not start with a PDF header.")
    expect(status).to_contain_text("site-plan.pdf")
    expect(page.get_by_role("button", name="Upload", exact=True)).to_be_enabled()
    assert page.get_by_test_id("document").count() == documents_before


def test_upload_without_a_file_asks_for_one(new_page, demo_case):
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.locator("#upload-status").get_by_role("alert")).to_have_text("Choose a PDF file to upload.")


def test_reviewing_department_sees_the_case_but_cannot_upload(new_page, demo_case):
    page = new_page("fire")
    page.goto(f"/cases/{demo_case['id']}/")

    expect(page.locator("h1")).to_have_text("Riverside Commons mixed-use building")
    expect(page.locator("#upload-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Upload new version")).to_have_count(0)
    expect(page.locator(".upload-note")).to_contain_text("Only members of the lead department (Planning)")


@pytest.fixture(scope="session")
def outsider(server):
    server.shell(
        "from django.contrib.auth import get_user_model; "
        "user, _ = get_user_model().objects.get_or_create(username='outsider'); "
        "user.set_password('civicreview'); user.save()"
    )
    return "outsider"


def test_outsider_cannot_see_the_case(new_page, outsider, demo_case, demo_version):
    page = new_page(outsider)

    expect(page.get_by_test_id("user-departments")).to_contain_text("No department")
    expect(page.locator("body")).not_to_contain_text(demo_case["number"])
    for path in [f"/cases/{demo_case['id']}/", f"/versions/{demo_version['id']}/"]:
        response = page.goto(path)
        assert response.status == 404, path
    assert page.request.get(f"/api/versions/{demo_version['id']}/file/").status == 404


def test_unknown_version_is_not_found(new_page):
    page = new_page("planner")
    response = page.goto("/versions/999999/")
    assert response.status == 404


def test_pages_need_a_login(new_page, demo_case):
    page = new_page()
    page.goto(f"/cases/{demo_case['id']}/")
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/cases/{demo_case['id']}/"))


def test_a_version_that_failed_says_why(new_page, server, demo_case):
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    version_id = upload_on_the_page(page, "Broken.pdf", sheet_set(1))
    reason = "Rendering page 1 took longer than 30 s; gave up."
    server.shell(
        "from documents.models import DocumentVersion; "
        f"DocumentVersion.objects.filter(pk={version_id}).update(status='failed', error={reason!r})"
    )

    page.reload()
    row = page.locator(f".version-row[data-version-id='{version_id}']")
    expect(row).to_contain_text("Failed")
    expect(row.get_by_role("link", name="Open")).to_have_count(0)
    expect(page.locator(f"[data-error-for-version='{version_id}']")).to_have_text(reason)

    page.goto(f"/versions/{version_id}/")
    message = page.locator("#viewer-message")
    expect(message).to_contain_text(f"This version could not be processed: {reason}")
    message.get_by_role("link", name="Back to the case").click()
    expect(page).to_have_url(re.compile(rf"/cases/{demo_case['id']}/$"))


def test_a_stalled_upload_is_taken_up_again_and_one_that_keeps_stalling_says_why(new_page, server, demo_case):
    """The planner watches the case page while the sweep on beat (run here by hand) finds the
    version's processing stalled: it comes ready, live; after too many restarts it fails, live."""
    page = new_page("planner")
    page.goto(f"/cases/{demo_case['id']}/")
    version_id = upload_on_the_page(page, "Stalled.pdf", sheet_set(2))
    row = page.locator(f".version-row[data-version-id='{version_id}']")

    def stall(restarts):
        """As a worker lost with its message leaves the version: processing, no sign of life for an hour."""
        server.shell(
            "from datetime import timedelta; from django.utils import timezone; "
            "from documents.models import DocumentVersion; "
            f"DocumentVersion.objects.filter(pk={version_id}).update(status='processing', pages_done=0, attempt=1, "
            f"restarts={restarts}, progressed_at=timezone.now() - timedelta(hours=1))"
        )
        page.reload()
        expect(row).to_contain_text("Processing")

    def sweep():
        output = server.shell("from documents.services.intake import restart_stalled; print(restart_stalled())")
        return output.strip().splitlines()[-1]

    stall(restarts=0)
    assert sweep() == f"{{{version_id}: 'restarted'}}"
    expect(row).to_contain_text("Ready", timeout=30_000)
    expect(row.get_by_role("link", name="Open")).to_be_visible()

    stall(restarts=3)
    assert sweep() == f"{{{version_id}: 'failed'}}"
    expect(row).to_contain_text("Failed")
    expect(page.locator(f"[data-error-for-version='{version_id}']")).to_contain_text(
        "Processing stopped 4 times before it finished."
    )
