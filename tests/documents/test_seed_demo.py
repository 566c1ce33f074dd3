"""`manage.py seed_demo`: the contract's demo departments and users, and a demo case. Idempotent."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from documents.models import Case, CaseApplicant, Department, Document, DocumentVersion
from reviews.models import StandardComment

pytestmark = pytest.mark.django_db

REVIEWERS = {"planning": "planner", "building": "building", "fire": "fire", "engineering": "engineering"}


@pytest.fixture
def seeded(after_commit):
    with after_commit():  # the plan set is processed, as `make run` does
        call_command("seed_demo", stdout=io.StringIO())


def test_the_four_departments_with_a_reviewer_and_a_head_each(seeded):
    assert sorted(Department.objects.values_list("slug", flat=True)) == ["building", "engineering", "fire", "planning"]
    for slug, reviewer in REVIEWERS.items():
        department = Department.objects.get(slug=slug)
        assert sorted(u.username for u in department.members) == sorted([reviewer, f"{slug}_head"])
        assert [u.username for u in department.heads.all()] == [f"{slug}_head"]


def test_every_demo_user_logs_in_with_the_demo_password(seeded):
    for username in ["admin", "applicant", *REVIEWERS.values(), *(f"{slug}_head" for slug in REVIEWERS)]:
        assert authenticate(
            RequestFactory().post("/accounts/login/"), username=username, password=settings.DEMO_PASSWORD
        ), username


def test_admin_is_a_superuser(seeded):
    admin = get_user_model().objects.get(username="admin")

    assert admin.is_superuser and admin.is_staff


def test_the_demo_case_is_led_by_planning_with_a_processed_plan_set(seeded):
    case = Case.objects.get()
    version = DocumentVersion.objects.get()

    assert case.lead_department.slug == "planning"
    assert sorted(d.slug for d in case.departments.all()) == ["building", "engineering", "fire", "planning"]
    assert Document.objects.get().case == case
    assert (version.status, version.page_count) == ("ready", 12)
    assert version.pages.exclude(label="").count() == 12
    assert version.pages.get(label="A-101").title == "FIRST FLOOR PLAN"  # read from the title block


def test_the_applicant_is_invited_to_the_demo_case_and_is_not_staff(seeded):
    applicant = get_user_model().objects.get(username="applicant")

    assert not applicant.is_staff and applicant.get_full_name() == "Jordan Lee"
    assert [a.user for a in Case.objects.get().applicants.all()] == [applicant]
    assert list(Case.objects.visible_to(applicant)) == [Case.objects.get()]
    assert not Case.objects.reviewed_by(applicant).exists()


def test_the_heads_sign_with_their_full_names_and_titles(seeded):
    head = get_user_model().objects.get(username="planning_head")

    assert (head.get_full_name(), head.signatory.title) == ("Maria Alvarez", "Planning Director")


def test_running_it_again_changes_nothing(seeded):
    counts = (
        get_user_model().objects.count(),
        Department.objects.count(),
        Case.objects.count(),
        DocumentVersion.objects.count(),
        CaseApplicant.objects.count(),
    )

    call_command("seed_demo", stdout=io.StringIO())

    assert (
        get_user_model().objects.count(),
        Department.objects.count(),
        Case.objects.count(),
        DocumentVersion.objects.count(),
        CaseApplicant.objects.count(),
    ) == counts


def test_every_department_has_a_library_of_standard_comments_citing_codes(seeded):
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles
    for slug in REVIEWERS:
        library = StandardComment.objects.filter(department__slug=slug)
        assert 5 <= library.count() <= 6, slug
        assert all(comment.code and comment.text for comment in library)
    codes = set(StandardComment.objects.values_list("code", flat=True))
    assert {"IBC 1005.3.2", "IFC 503.2.1", "NFPA 13"} <= codes
