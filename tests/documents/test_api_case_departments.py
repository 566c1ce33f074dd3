"""PATCH /api/cases/{id}/ {"departments": [slugs]}: who takes part in a case (contract v2)."""

import pytest

from audit.models import AuditEntry
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    """Planning leads; fire takes part."""
    return CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])


def slugs(case):
    return sorted(case.departments.values_list("slug", flat=True))


@pytest.mark.parametrize("who", ["planner", "planning_head", "admin"])
def test_the_lead_departments_members_and_staff_choose_who_takes_part(demo, api_as, case, who):
    response = api_as(demo.users[who]).patch(
        f"/api/cases/{case.pk}/", {"departments": ["building", "engineering"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert sorted(response.json()["departments"]) == ["building", "engineering", "planning"]
    assert slugs(case) == ["building", "engineering", "planning"]


def test_a_department_taken_off_no_longer_sees_the_case(demo, api_as, case):
    assert api_as(demo.fire).get(f"/api/cases/{case.pk}/").status_code == 200

    api_as(demo.planner).patch(f"/api/cases/{case.pk}/", {"departments": []}, format="json")

    assert api_as(demo.fire).get(f"/api/cases/{case.pk}/").status_code == 404
    assert slugs(case) == ["planning"]


def test_the_change_is_audited(demo, api_as, case):
    before = AuditEntry.objects.count()

    api_as(demo.planner).patch(f"/api/cases/{case.pk}/", {"departments": ["building"]}, format="json")

    assert AuditEntry.objects.count() > before


def test_the_lead_is_always_kept(demo, api_as, case):
    response = api_as(demo.planner).patch(f"/api/cases/{case.pk}/", {"departments": []}, format="json")

    assert response.json()["departments"] == ["planning"]


@pytest.mark.parametrize("who", ["fire", "fire_head"])
def test_a_department_taking_part_but_not_leading_may_not(demo, api_as, case, who):
    response = api_as(demo.users[who]).patch(f"/api/cases/{case.pk}/", {"departments": ["fire", "building"]})

    assert response.status_code == 403
    assert "lead department" in response.json()["detail"]
    assert slugs(case) == ["fire", "planning"]


@pytest.mark.parametrize("who", ["building", "outsider"])
def test_outsiders_do_not_find_the_case(demo, api_as, case, who):
    response = api_as(demo.users[who]).patch(f"/api/cases/{case.pk}/", {"departments": ["building"]}, format="json")

    assert response.status_code == 404
    assert slugs(case) == ["fire", "planning"]


def test_anonymous_requests_are_refused(api, case):
    assert api.patch(f"/api/cases/{case.pk}/", {"departments": []}, format="json").status_code in (401, 403)
    assert slugs(case) == ["fire", "planning"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"departments": ["building", "nonsense"]}, "departments"),
        ({"departments": "building"}, "departments"),
        ({"departments": [None]}, "departments"),
        ({}, "departments"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_changes(demo, api_as, case, body, field):
    response = api_as(demo.planner).patch(f"/api/cases/{case.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert slugs(case) == ["fire", "planning"]


def test_put_is_not_offered(demo, api_as, case):
    assert api_as(demo.planner).put(f"/api/cases/{case.pk}/", {"departments": []}, format="json").status_code == 405
