"""A case's status comes from all its documents under review (workflows.selectors.case_status):
"Approved" only when every one is; otherwise the one that holds the case up, with its kind and
cycle, and who each document is waiting on. The case pages, the stored status and the public
status all say the same."""

import pytest

from documents.models import Case, Document
from documents.services import intake
from tests.factories import DocumentFactory, VersionFactory, sheet_pdf, upload
from workflows.models import Task
from workflows.selectors import case_status
from workflows.services import engine


@pytest.fixture
def report(plans):
    document = DocumentFactory(case=plans.case, title="Geotechnical report", kind=Document.Kind.REPORT)
    return VersionFactory(document=document, page_count=1)


@pytest.fixture
def run(plans, after_commit):
    """`run(version, {"fire": "approved", ...}, approval=None)`: submit the version to fire and building,
    decide each review, then (when given) planning's head decides the approval."""

    def do(version, reviews, approval=None):
        with after_commit():
            engine.submit(plans.demo.planner, version.pk, departments=list(reviews))
        for department, decision in reviews.items():
            decide(version, department, "review", decision)
        if approval:
            decide(version, "planning", "approval", approval)

    def decide(version, department, kind, decision):
        user = getattr(plans.demo, f"{department}_head" if kind == "approval" else department)
        task = Task.objects.get(workflow__version=version, department__slug=department, kind=kind)
        with after_commit():
            engine.decide(user, task.pk, decision, "Keep the fire lane clear." if decision != "approved" else "")

    do.decide = decide
    return do


def said(case):
    status = case_status(case)
    case.refresh_from_db()
    assert case.status == status.status  # the stored status (lists, open data) is the same
    return status.status, status.text, [(d.document.title, d.waiting_on) for d in status.waiting]


def test_the_case_is_approved_only_when_every_document_under_review_is(plans, report, run, api, after_commit):
    case = plans.case
    assert said(case) == (
        "open", "Open",
        [("Architectural plan set", "Planning"), ("Geotechnical report", "Planning")],
    )  # fmt: skip

    run(plans.version, {"fire": "corrections_required", "building": "approved"})
    assert said(case)[:2] == ("corrections_required", "Corrections required — plan set, cycle 1")
    assert ("Architectural plan set", "the applicant") in said(case)[2]

    run(report, {"fire": "approved", "building": "approved"}, approval="approved")  # the side document
    assert said(case)[:2] == ("corrections_required", "Corrections required — plan set, cycle 1")

    with after_commit():  # the resubmittal, processed
        second = intake.add_version(
            plans.demo.planner, plans.document, upload=upload(data=sheet_pdf(2, notes=["v2", "v2"]))
        )
    assert said(case) == (
        "in_review", "Resubmitted — plan set, cycle 2", [("Architectural plan set", "Planning")]
    )  # fmt: skip
    engine.submit(plans.demo.planner, second.pk, departments=["fire", "building"])
    assert said(case) == (
        "in_review", "In review — plan set, cycle 2", [("Architectural plan set", "Building (review), Fire (review)")]
    )  # fmt: skip
    run.decide(second, "fire", "review", "corrections_required")
    run.decide(second, "building", "review", "approved")
    assert said(case)[:2] == ("corrections_required", "Corrections required — plan set, cycle 2")

    third = VersionFactory(document=plans.document, number=3)
    run(third, {"fire": "approved", "building": "approved"})
    assert said(case) == (
        "in_review", "In review — plan set, cycle 3", [("Architectural plan set", "the head of Planning")]
    )  # fmt: skip
    run.decide(third, "planning", "approval", "approved_with_conditions")
    assert said(case) == ("approved", "Approved", [])

    public = api.get(f"/api/public/cases/{case.number}/").json()
    assert (public["status"], public["status_text"]) == ("approved", "Approved")


def test_a_rejected_document_makes_the_case_rejected(plans, report, run):
    run(report, {"fire": "approved", "building": "approved"}, approval="approved")
    assert said(plans.case)[:2] == ("approved", "Approved")  # the plan set was never sent for review

    run(plans.version, {"building": "approved", "fire": "rejected"})
    assert said(plans.case)[:2] == ("rejected", "Rejected — plan set, cycle 1")


def test_the_case_pages_say_what_happens_next_and_who_is_waiting(plans, run, api_as, client):
    run(plans.version, {"fire": "corrections_required", "building": "approved"})
    api_as(plans.demo.planner).post(f"/api/cases/{plans.case.pk}/applicants/", {"username": "applicant"},
                                    format="json")  # fmt: skip

    for user in (plans.demo.planner, plans.demo.applicant):
        client.force_login(user)
        page = client.get(f"/cases/{plans.case.pk}/").content.decode()
        assert 'data-testid="case-status">Corrections required — plan set, cycle 1<' in page
        assert "What happens next" in page and "Waiting on the applicant." in page


def test_case_status_takes_the_same_few_queries_however_many_documents(plans, report, django_assert_num_queries):
    DocumentFactory(case=plans.case, title="Another report", kind=Document.Kind.REPORT)
    case = Case.objects.get(pk=plans.case.pk)
    with django_assert_num_queries(5):  # the lead department, workflows, open tasks, documents, their versions
        case_status(case)
