"""Cases: their numbers, the departments taking part, and who may see and upload."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from guardian.shortcuts import get_groups_with_perms

from audit.models import AuditEntry
from documents.models import Case
from documents.services import cases
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def open_case(user, kind=Case.Kind.BUILDING_PERMIT, **fields):
    return cases.create_case(user, title=fields.pop("title", "Riverside Commons"), kind=kind, **fields)


def perms_by_department(case):
    """{"planning": ["upload_case", "view_case"], ...}: the case's object permissions, per department."""
    return {
        group.department.slug: sorted(perms) for group, perms in get_groups_with_perms(case, attach_perms=True).items()
    }


# --- numbering ----------------------------------------------------------------


def test_a_building_permit_is_numbered_bp_year_and_five_digits(demo):
    case = open_case(demo.planner)

    assert case.number == f"BP-{YEAR}-00001"
    assert re.fullmatch(r"BP-\d{4}-\d{5}", case.number)


def test_numbers_follow_each_other_within_a_kind(demo):
    numbers = [open_case(demo.planner).number for _ in range(3)]

    assert numbers == [f"BP-{YEAR}-00001", f"BP-{YEAR}-00002", f"BP-{YEAR}-00003"]


def test_each_kind_counts_under_its_own_prefix(demo):
    first_permit = open_case(demo.planner, Case.Kind.BUILDING_PERMIT)
    site_plan = open_case(demo.planner, Case.Kind.SITE_PLAN)
    second_permit = open_case(demo.planner, Case.Kind.BUILDING_PERMIT)
    fire = open_case(demo.fire, Case.Kind.FIRE_PERMIT)

    assert [first_permit.number, site_plan.number, second_permit.number, fire.number] == [
        f"BP-{YEAR}-00001",
        f"SP-{YEAR}-00001",
        f"BP-{YEAR}-00002",
        f"FP-{YEAR}-00001",
    ]


@pytest.mark.parametrize(
    "kind, prefix",
    [
        (Case.Kind.BUILDING_PERMIT, "BP"),
        (Case.Kind.SITE_PLAN, "SP"),
        (Case.Kind.SUBDIVISION, "SUB"),
        (Case.Kind.CONDITIONAL_USE, "CUP"),
        (Case.Kind.VARIANCE, "VAR"),
        (Case.Kind.GRADING_PERMIT, "GP"),
        (Case.Kind.FIRE_PERMIT, "FP"),
    ],
)
def test_every_kind_has_a_prefix(demo, kind, prefix):
    assert open_case(demo.planner, kind).number == f"{prefix}-{YEAR}-00001"


def test_a_new_year_starts_again_at_one(demo, monkeypatch):
    open_case(demo.planner)
    monkeypatch.setattr(timezone, "localdate", lambda: timezone.datetime(YEAR + 1, 1, 1).date())

    assert open_case(demo.planner).number == f"BP-{YEAR + 1}-00001"


def test_a_case_that_fails_to_open_gives_its_number_back(demo):
    open_case(demo.planner)
    with pytest.raises(ValidationError):
        open_case(demo.outsider)  # no department: refused inside the same transaction

    assert open_case(demo.planner).number == f"BP-{YEAR}-00002"


# --- opening a case -----------------------------------------------------------


def test_a_case_is_led_by_its_creators_department_by_default(demo):
    case = open_case(demo.building)

    assert case.lead_department == demo.departments["building"]
    assert list(case.departments.all()) == [demo.departments["building"]]
    assert case.created_by == demo.building
    assert case.status == Case.Status.OPEN


def test_the_lead_department_always_takes_part(demo):
    case = open_case(demo.planner, departments=[demo.departments["fire"]])

    assert {d.slug for d in case.departments.all()} == {"planning", "fire"}


def test_someone_in_no_department_must_name_the_lead(demo):
    with pytest.raises(ValidationError) as refused:
        open_case(demo.outsider)

    assert refused.value.message_dict == {"lead_department": ["You belong to no department; name the lead department."]}
    assert not Case.objects.exists()


def test_a_reviewer_cannot_open_a_case_for_another_department(demo):
    with pytest.raises(ValidationError) as refused:
        open_case(demo.planner, lead_department=demo.departments["fire"])

    assert refused.value.message_dict == {"lead_department": ["You can only open cases for your own department."]}


def test_staff_may_open_a_case_for_any_department(demo):
    case = open_case(demo.admin, lead_department=demo.departments["engineering"])

    assert case.lead_department.slug == "engineering"


# --- permissions ----------------------------------------------------------------


def test_every_taking_part_department_may_view_and_only_the_lead_may_upload(demo):
    case = open_case(demo.planner, departments=[demo.departments["building"], demo.departments["fire"]])

    assert perms_by_department(case) == {
        "planning": ["upload_case", "view_case"],
        "building": ["view_case"],
        "fire": ["view_case"],
    }


def test_adding_a_department_lets_its_members_see_the_case(demo):
    case = open_case(demo.planner)
    assert not demo.engineering.has_perm("documents.view_case", case)

    cases.set_departments(case, [demo.departments["engineering"]])

    assert perms_by_department(case)["engineering"] == ["view_case"]
    engineer = type(demo.engineering).objects.get(pk=demo.engineering.pk)  # a fresh permission cache
    assert engineer.has_perm("documents.view_case", case)
    assert not engineer.has_perm("documents.upload_case", case)


def test_removing_a_department_revokes_its_view(demo):
    case = open_case(demo.planner, departments=[demo.departments["building"], demo.departments["fire"]])

    cases.set_departments(case, [demo.departments["fire"]])

    assert perms_by_department(case) == {"planning": ["upload_case", "view_case"], "fire": ["view_case"]}
    assert {d.slug for d in case.departments.all()} == {"planning", "fire"}
    assert case not in Case.objects.visible_to(demo.building)


def test_the_lead_cannot_be_removed_from_its_own_case(demo):
    case = open_case(demo.planner, departments=[demo.departments["fire"]])

    cases.set_departments(case, [])

    assert perms_by_department(case) == {"planning": ["upload_case", "view_case"]}


def test_a_new_lead_takes_over_uploading(demo):
    case = open_case(demo.planner, departments=[demo.departments["building"]])

    case.lead_department = demo.departments["building"]
    case.save()
    cases.set_departments(case, case.departments.all())

    assert perms_by_department(case) == {"planning": ["view_case"], "building": ["upload_case", "view_case"]}


def test_syncing_twice_changes_nothing(demo):
    case = open_case(demo.planner, departments=[demo.departments["fire"]])
    before = perms_by_department(case)

    cases.sync_case_permissions(case)
    cases.sync_case_permissions(case)

    assert perms_by_department(case) == before


def test_can_upload_is_for_the_lead_departments_members(demo):
    case = open_case(demo.planner, departments=[demo.departments["building"]])

    assert cases.can_upload(demo.planner, case)
    assert cases.can_upload(demo.planning_head, case)
    assert not cases.can_upload(demo.building, case)
    assert not cases.can_upload(demo.fire, case)
    assert not cases.can_upload(demo.outsider, case)


def test_granting_and_revoking_access_is_audited(demo):
    case = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])

    cases.set_departments(case, [demo.departments["building"]])

    entry = AuditEntry.objects.filter(action="case.permissions").last()
    assert entry.summary == f"Access to {case.number}: Building may now see the case; Fire may no longer see the case"
    assert "view_case:Fire" in entry.before_data and "view_case:Building" in entry.after_data


def test_setting_the_same_departments_audits_nothing(demo):
    case = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    count = AuditEntry.objects.count()

    cases.set_departments(case, [demo.departments["fire"]])

    assert AuditEntry.objects.count() == count


# --- visibility -------------------------------------------------------------------


def test_visible_to_lists_the_cases_of_the_users_departments(demo):
    planning_case = CaseFactory(
        lead_department=demo.departments["planning"], departments=[demo.departments["building"]]
    )
    fire_case = CaseFactory(lead_department=demo.departments["fire"])

    assert list(Case.objects.visible_to(demo.planner)) == [planning_case]
    assert list(Case.objects.visible_to(demo.building_head)) == [planning_case]
    assert list(Case.objects.visible_to(demo.fire)) == [fire_case]
    assert list(Case.objects.visible_to(demo.engineering)) == []
    assert list(Case.objects.visible_to(demo.outsider)) == []


def test_staff_see_every_case(demo):
    cases_ = [CaseFactory(lead_department=demo.departments[slug]) for slug in ("planning", "fire")]

    assert set(Case.objects.visible_to(demo.admin)) == set(cases_)


def test_a_user_in_two_taking_part_departments_sees_the_case_once(demo):
    case = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    demo.departments["fire"].group.user_set.add(demo.planner)

    assert list(Case.objects.visible_to(demo.planner)) == [case]


def test_an_inactive_or_anonymous_user_sees_nothing(demo):
    from django.contrib.auth.models import AnonymousUser

    CaseFactory(lead_department=demo.departments["planning"])
    demo.planner.is_active = False

    assert not Case.objects.visible_to(demo.planner).exists()
    assert not Case.objects.visible_to(AnonymousUser()).exists()


def test_a_user_who_leaves_the_department_stops_seeing_its_cases(demo):
    CaseFactory(lead_department=demo.departments["planning"])
    demo.departments["planning"].group.user_set.remove(demo.planner)

    assert not Case.objects.visible_to(demo.planner).exists()


def test_visible_to_counts_only_view_permissions(demo):
    """A group with some other permission on the case (here only upload) does not see it."""
    from guardian.shortcuts import assign_perm

    case = CaseFactory(lead_department=demo.departments["planning"])
    assign_perm("upload_case", demo.departments["engineering"].group, case)

    assert not Case.objects.visible_to(demo.engineering).exists()


def test_a_factory_case_is_opened_through_the_service(demo):
    case = CaseFactory(lead_department=demo.departments["fire"], kind=Case.Kind.FIRE_PERMIT)

    assert case.number == f"FP-{YEAR}-00001"
    assert perms_by_department(case) == {"fire": ["upload_case", "view_case"]}
    assert UserFactory(username="case-factory-staff").is_staff
