"""The cases API and logging in to it: /api/auth/token/, /api/cases/, /api/cases/{id}/."""

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from documents.models import Case
from tests.factories import CaseFactory, DocumentFactory, VersionFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
NEW_CASE = {
    "title": "Riverside Commons",
    "kind": "building_permit",
    "address": "1200 Riverside Avenue",
    "parcel_id": "APN 052-118-07",
}


# --- logging in ---------------------------------------------------------------------


def test_a_token_for_username_and_password_opens_the_api(demo):
    response = APIClient().post(
        "/api/auth/token/", {"username": "planner", "password": settings.DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    assert client.get("/api/cases/").status_code == 200


def test_the_same_user_gets_the_same_token_again(demo):
    first = APIClient().post(
        "/api/auth/token/", {"username": "fire", "password": settings.DEMO_PASSWORD}, format="json"
    )
    second = APIClient().post(
        "/api/auth/token/", {"username": "fire", "password": settings.DEMO_PASSWORD}, format="json"
    )

    assert first.json()["token"] == second.json()["token"]


def test_a_wrong_password_gets_no_token(demo):
    response = APIClient().post("/api/auth/token/", {"username": "planner", "password": "guess"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_a_token_may_be_posted_as_a_form(demo):
    response = APIClient().post("/api/auth/token/", {"username": "planner", "password": settings.DEMO_PASSWORD})

    assert response.status_code == 200


def test_a_made_up_token_is_401(demo):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/cases/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_session_of_the_login_form_opens_the_api(demo, client):
    client.get("/accounts/login/")  # the CSRF cookie
    response = client.post(
        "/accounts/login/",
        {
            "username": "planner",
            "password": settings.DEMO_PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    assert "sessionid" in client.cookies

    assert client.get("/api/cases/").status_code == 200


def test_a_session_needs_the_csrf_header_on_unsafe_methods(demo):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(demo.planner)

    refused = client.post("/api/cases/", NEW_CASE, format="json")
    client.get("/accounts/login/")
    allowed = client.post("/api/cases/", NEW_CASE, format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert allowed.status_code == 201


def test_a_token_needs_no_csrf_header(demo):
    token = (
        APIClient()
        .post("/api/auth/token/", {"username": "planner", "password": settings.DEMO_PASSWORD})
        .json()["token"]
    )
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.post("/api/cases/", NEW_CASE, format="json").status_code == 201


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/cases/"),
        ("post", "/api/cases/"),
        ("get", "/api/cases/1/"),
        ("post", "/api/cases/1/documents/"),
        ("get", "/api/documents/1/"),
        ("post", "/api/documents/1/versions/"),
        ("get", "/api/versions/1/"),
        ("get", "/api/versions/1/file/"),
        ("get", "/api/versions/1/pages/1/thumbnail/"),
    ],
)
def test_not_logged_in_is_401_everywhere(api, method, path):
    response = getattr(api, method)(path)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"


# --- GET and POST /api/cases/ ----------------------------------------------------------


def test_opening_a_case_answers_201_with_its_number(demo, api_as):
    response = api_as(demo.planner).post("/api/cases/", NEW_CASE, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == f"BP-{YEAR}-00001"
    assert {key: body[key] for key in NEW_CASE} == NEW_CASE
    assert body["lead_department"] == "planning"
    assert body["departments"] == ["planning"]
    assert body["status"] == "open"
    assert isinstance(body["id"], int)
    assert Case.objects.get(pk=body["id"]).created_by == demo.planner


def test_a_case_may_name_the_departments_taking_part(demo, api_as):
    response = api_as(demo.planner).post(
        "/api/cases/", {**NEW_CASE, "departments": ["fire", "building"]}, format="json"
    )

    assert sorted(response.json()["departments"]) == ["building", "fire", "planning"]
    assert api_as(demo.fire).get(f"/api/cases/{response.json()['id']}/").status_code == 200


def test_the_number_cannot_be_chosen_by_the_client(demo, api_as):
    response = api_as(demo.planner).post("/api/cases/", {**NEW_CASE, "number": "BP-1999-99999"}, format="json")

    assert response.json()["number"] == f"BP-{YEAR}-00001"


def test_only_a_title_and_kind_are_needed(demo, api_as):
    response = api_as(demo.fire).post(
        "/api/cases/", {"title": "Sprinkler retrofit", "kind": "fire_permit"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["number"] == f"FP-{YEAR}-00001"


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"kind": "treehouse"}, {"kind": ['"treehouse" is not a valid choice.']}),
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        ({"departments": ["parks"]}, {"departments": ["Object with slug=parks does not exist."]}),
        ({"lead_department": "fire"}, {"lead_department": ["You can only open cases for your own department."]}),
    ],
)
def test_a_case_that_cannot_be_opened_is_400_saying_why(demo, api_as, change, errors):
    response = api_as(demo.planner).post("/api/cases/", {**NEW_CASE, **change}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert not Case.objects.exists()


def test_a_user_in_no_department_is_asked_to_name_the_lead(demo, api_as):
    response = api_as(demo.outsider).post("/api/cases/", NEW_CASE, format="json")

    assert response.status_code == 400
    assert response.json() == {"lead_department": ["You belong to no department; name the lead department."]}


def test_the_list_holds_the_cases_the_user_may_see(demo, api_as):
    mine = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    CaseFactory(lead_department=demo.departments["building"])

    assert [c["id"] for c in api_as(demo.fire).get("/api/cases/").json()] == [mine.pk]
    assert api_as(demo.outsider).get("/api/cases/").json() == []
    assert len(api_as(demo.admin).get("/api/cases/").json()) == 2


def test_the_list_shows_each_case_once_and_newest_first(demo, api_as):
    older = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    newer = CaseFactory(lead_department=demo.departments["planning"])
    demo.departments["fire"].group.user_set.add(demo.planner)

    assert [c["id"] for c in api_as(demo.planner).get("/api/cases/").json()] == [newer.pk, older.pk]


def test_the_list_takes_a_fixed_number_of_queries(demo, api_as, django_assert_max_num_queries):
    for _ in range(10):
        CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    client = api_as(demo.fire)

    with django_assert_max_num_queries(6):
        assert len(client.get("/api/cases/").json()) == 10


# --- GET /api/cases/{id}/ -----------------------------------------------------------------


def test_a_case_comes_with_its_documents_and_their_versions(demo, api_as):
    case = CaseFactory(lead_department=demo.departments["planning"])
    document = DocumentFactory(case=case, title="Architectural plan set")
    first, second = VersionFactory(document=document), VersionFactory(document=document, page_count=3)

    body = api_as(demo.planner).get(f"/api/cases/{case.pk}/").json()

    assert body["id"] == case.pk
    assert body["number"] == case.number
    assert [d["title"] for d in body["documents"]] == ["Architectural plan set"]
    versions = body["documents"][0]["versions"]
    assert [(v["id"], v["number"], v["status"], v["page_count"]) for v in versions] == [
        (first.pk, 1, "ready", 2),
        (second.pk, 2, "ready", 3),
    ]


def test_an_unknown_case_is_404(demo, api_as):
    response = api_as(demo.admin).get("/api/cases/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_someone_elses_case_is_the_same_404_as_a_missing_one(demo, api_as):
    case = CaseFactory(lead_department=demo.departments["building"])
    client = api_as(demo.fire)

    hidden, missing = client.get(f"/api/cases/{case.pk}/"), client.get("/api/cases/999999/")

    assert (
        (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    )


def test_the_detail_takes_a_fixed_number_of_queries(demo, api_as, django_assert_max_num_queries):
    case = CaseFactory(lead_department=demo.departments["planning"])
    for _ in range(5):
        VersionFactory(document=DocumentFactory(case=case), page_count=1)
    client = api_as(demo.planner)

    with django_assert_max_num_queries(8):
        client.get(f"/api/cases/{case.pk}/")
